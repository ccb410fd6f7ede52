"""A Hub dataset's history of full-Hub dumps: its commit list (each daily refresh is a commit), the last
commit of each chosen UTC day, and each chosen day's file downloaded at that commit and imported, one
day at a time (one run, one transaction), oldest first. Days already imported are skipped, so an
interrupted walk resumes where it stopped.

Everything goes through huggingface_hub (`list_repo_commits`, `hf_hub_download` at a revision), which
honours HF_ENDPOINT and retries the Hub's 429s and 5xx; the token is HF_TOKEN (never one from disk).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx2
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from collector.core.errors import CollectorError
from collector.core.secrets import redact_url, secret
from collector.sources.hf.client import endpoint
from collector.sources.hubstats.importer import Origin, import_file, imported_days
from collector.store import Store

log = logging.getLogger(__name__)

DEFAULT_DATASET = "cfahlgren1/hub-stats"
DEFAULT_PATH = "models.parquet"
EVERY = ("day", "week", "month")
# a claim's date is covered by the dataset's nearest day within this many days (the claims' tolerance
# for a Hub count); farther, the history has no day to judge it by
CLAIM_TOLERANCE_DAYS = 7


@dataclass(frozen=True)
class Commit:
    sha: str
    at: datetime  # UTC

    @property
    def day(self) -> date:
        return self.at.date()


def _fail(dataset: str, exc: BaseException, what: str) -> CollectorError:
    """The one line for a dataset that cannot be read: what happened, and the two ways on."""
    ways = (
        "name another with --dataset OWNER/NAME, or import local files of the same format "
        "(collector import hub-stats FILE... --date YYYY-MM-DD)"
    )
    where = redact_url(endpoint())
    if isinstance(exc, GatedRepoError):
        return CollectorError(
            f"dataset {dataset} is gated on {where}: accept its terms on the Hub and set HF_TOKEN, or {ways}"
        )
    if isinstance(exc, RepositoryNotFoundError):
        status = exc.response.status_code if exc.response is not None else "?"
        return CollectorError(
            f"dataset {dataset} not found on {where} (HTTP {status}: gone, renamed or private): {ways}"
        )
    if isinstance(exc, RevisionNotFoundError):
        return CollectorError(f"dataset {dataset}: {what}: revision not found (history rewritten?): {ways}")
    if isinstance(exc, HFValidationError):
        return CollectorError(f"--dataset {dataset!r} is not a dataset id (OWNER/NAME)")
    if isinstance(exc, LocalEntryNotFoundError):
        return CollectorError(f"dataset {dataset}: {what}: {where} could not be reached; retry later")
    if isinstance(exc, EntryNotFoundError):
        return CollectorError(f"dataset {dataset}: {what}: no such file (another --path?)")
    if isinstance(exc, HfHubHTTPError):
        # a Hub (or mirror) that answers without X-Error-Code gets the plain HTTPError: the status says it
        status = exc.response.status_code if exc.response is not None else "?"
        if status == 404:
            return CollectorError(f"dataset {dataset} not found on {where} (HTTP 404: gone or renamed): {ways}")
        if status in (401, 403):
            return CollectorError(
                f"dataset {dataset} refused on {where} (HTTP {status}: gated or private): if you have access, "
                f"set HF_TOKEN; or {ways}"
            )
        return CollectorError(f"dataset {dataset}: {what} failed (HTTP {status}); retry later, or {ways}")
    return CollectorError(f"dataset {dataset}: {what} failed ({type(exc).__name__}: {' '.join(str(exc).split())})")


def _errors() -> tuple[type[BaseException], ...]:
    return (HfHubHTTPError, HFValidationError, EntryNotFoundError, httpx2.HTTPError, OSError)


def list_commits(dataset: str) -> list[Commit]:
    api = HfApi(endpoint=endpoint(), token=secret("HF_TOKEN") or False)
    try:
        found = api.list_repo_commits(dataset, repo_type="dataset")
    except _errors() as exc:
        raise _fail(dataset, exc, "listing its commits") from exc
    return [Commit(c.commit_id, c.created_at.astimezone(UTC)) for c in found]


def choose(
    commits: list[Commit], since: date | None, until: date | None, every: str, claim_days: list[date]
) -> list[Commit]:
    """The last commit of each chosen UTC day, oldest first: every day with a commit (`day`), or the last
    such day of each ISO week or month; plus, for each claim date in range, the day with a commit
    nearest to it (the earlier on a tie; within CLAIM_TOLERANCE_DAYS), so that the claims can be judged
    at their own dates."""
    last: dict[date, Commit] = {}
    for c in commits:
        if (since and c.day < since) or (until and c.day > until):
            continue
        if c.day not in last or c.at > last[c.day].at:
            last[c.day] = c
    days = sorted(last)
    if not days:
        return []
    if every == "day":
        chosen = set(days)
    else:
        period: dict[tuple, date] = {}
        for d in days:
            key = tuple(d.isocalendar()[:2]) if every == "week" else (d.year, d.month)
            period[key] = max(period.get(key, d), d)
        chosen = set(period.values())
    for claim in claim_days:
        if (since and claim < since) or (until and claim > until):
            continue
        nearest = min(days, key=lambda d: (abs((d - claim).days), d))
        if abs((nearest - claim).days) <= CLAIM_TOLERANCE_DAYS:
            chosen.add(nearest)
    return [last[d] for d in sorted(chosen)]


def claim_days(store: Store) -> list[date]:
    """The dates the claims speak of (ref.claims, column `dated`)."""
    with store.reader() as con:
        rows = con.execute("SELECT DISTINCT TRY_CAST(dated AS DATE) FROM ref.claims WHERE dated <> ''").fetchall()
    return sorted(r[0] for r in rows if r[0] is not None)


def import_dataset(
    store: Store,
    dataset: str = DEFAULT_DATASET,
    path: str = DEFAULT_PATH,
    *,
    since: date | None = None,
    until: date | None = None,
    every: str = "day",
    keep: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Walk the dataset's history and import each chosen day not imported yet; returns counts."""
    commits = list_commits(dataset)
    chosen = choose(commits, since, until, every, claim_days(store))
    with store.reader() as con:
        done = imported_days(con)
    todo = [c for c in chosen if c.day not in done]
    log.info(
        "%s: %d commits, %d days chosen, %d already imported, %d to import",
        dataset,
        len(commits),
        len(chosen),
        len(chosen) - len(todo),
        len(todo),
    )
    token = secret("HF_TOKEN") or False
    imported = 0
    for n, c in enumerate(todo, 1):
        # without --keep, each file goes to a folder of its own beside the store and is removed after
        # its day is stored; with --keep, to the Hugging Face cache (HF_HOME), where a rerun finds it
        folder = None if keep else Path(tempfile.mkdtemp(prefix="hub-stats-", dir=store.path.parent))
        try:
            try:
                local = hf_hub_download(
                    dataset,
                    path,
                    repo_type="dataset",
                    revision=c.sha,
                    endpoint=endpoint(),
                    token=token,
                    cache_dir=folder,
                )
            except _errors() as exc:
                raise _fail(dataset, exc, f"downloading {path} at {c.sha[:12]} ({c.day})") from exc
            origin = Origin(path, dataset, c.sha, c.at)
            result = import_file(store, Path(local), c.day, origin, progress=progress)
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        imported += 1
        models = result.row_counts.get("hf_model_downloads", 0)
        log.info("%s: %s@%s imported, %s models [%d/%d]", c.day, dataset, c.sha[:12], f"{models:,}", n, len(todo))
    return {"commits": len(commits), "chosen": len(chosen), "skipped": len(chosen) - len(todo), "imported": imported}
