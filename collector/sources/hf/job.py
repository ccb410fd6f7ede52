"""`collect hf`: today's snapshot of the tracked namespaces, the Hub-wide top N and (optionally) every
model down to a download threshold; then, after the snapshot's commit, the day's roll-ups."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from collector import reference
from collector.app.registry import Job, Option
from collector.app.runner import JobResult, Run
from collector.core import clock
from collector.core.errors import CollectorError
from collector.core.secrets import redact_url
from collector.sources.hf.scopes import PAGE_SIZE, Scope
from collector.store import Store

if TYPE_CHECKING:
    from collector.sources.hf.client import HubClient
    from collector.sources.hf.pages import ScopeCounts

log = logging.getLogger(__name__)

DEFAULT_TOP = 1000


def collect_hf(
    store: Store,
    *,
    top: int = DEFAULT_TOP,
    coverage: int | None = None,
    orgs: Path | None = None,
    page_size: int = PAGE_SIZE,
    namespaces: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    client: HubClient | None = None,
) -> JobResult:
    # the client (huggingface_hub, httpx2) and the staging (pyarrow) are imported when a Hub run
    # starts, not by every command that builds the CLI from the registry (a third of its start-up)
    from collector.sources.hf import client as hf_client
    from collector.sources.hf import commit as hf_commit
    from collector.sources.hf import rollups
    from collector.sources.hf.pages import RawPages, stage_pages
    from collector.sources.hf.parse import HfStage

    if namespaces is None:
        namespaces = reference.hf_namespaces_to_collect(path=orgs)
    scopes = [Scope.author(ns, page_size) for ns in namespaces]
    if top:
        scopes.append(Scope.top(top, page_size))
    if coverage is not None:
        scopes.append(Scope.coverage(coverage, page_size))
    if not scopes:
        raise CollectorError("nothing to collect: no namespace has collect=yes, --top is 0 and no --coverage")
    day = clock.today()
    client = client or hf_client.HubClient()  # reads its settings: a bad one fails before any run is opened
    params = {
        "top_n": top,
        "coverage_min_downloads": coverage,
        "namespaces": len(namespaces),
        "orgs_file": str(orgs) if orgs else None,
        "page_size": page_size,
        "endpoint": redact_url(client.base_url),
        "authenticated": bool(client.token),
        "snapshot_date": day.isoformat(),
    }
    with (
        contextlib.ExitStack() as hold,
        Run(store, "collect hf", "hf", params, requests=lambda: client.stats.requests) as run,
    ):
        stage = HfStage(run.staging)
        raw = RawPages(run.staging / "pages")
        with raw.reading_ahead():  # the pages read into Parquet on the idle core while the crawl goes on
            results = [hf_client.fetch_scope(client, scope, raw, n, progress) for n, scope in enumerate(scopes)]
        counts = stage_pages(raw, stage)
        # A top N counted its pages as full; one that the staged pages show short is crawled on, its
        # pages now decoded and counted (the Hub fills its pages: this does not happen there).
        short = [
            (n, scope, r)
            for n, (scope, r) in enumerate(zip(scopes, results, strict=True))
            if r.crawl.next_url and scope.max_models and _counts(counts, r.scope).served < scope.max_models
        ]
        if short:
            for n, scope, r in short:
                r.crawl.decode, r.crawl.served = True, _counts(counts, r.scope).served
                hf_client.fetch_scope(client, scope, raw, n, progress, result=r)
            counts = stage_pages(raw, stage)
        for r in results:
            r.models, r.duplicates = _counts(counts, r.scope).models, _counts(counts, r.scope).duplicates
            log.debug("%s: %d models in %d pages", r.scope, r.models, r.pages)
        # the commit and the roll-ups right after it share one attachment of the store
        hold.enter_context(store.held())
        counts = run.commit(lambda con: hf_commit.commit(con, stage, results, run.run_id, day), then_more=True)
        rollups.after_commit_or_say(store, day, "collect hf", progress)
    result = run.result(counts)
    empty = sorted(s.scope.removeprefix("author:") for s in results if s.scope.startswith("author:") and not s.models)
    if empty:
        # the snapshot records them (model_count 0); a namespace the reference tracks that lists nothing
        # is renamed, emptied or mistyped: a figure over it would be silently low
        shown = ", ".join(empty[:12]) + (f" and {len(empty) - 12} more" if len(empty) > 12 else "")
        result.warnings.append(
            f"{len(empty)} tracked namespace{'s' if len(empty) != 1 else ''} listed no model today: {shown} "
            "(renamed or emptied? check collector/reference/hf_namespaces.csv or --orgs)"
        )
    if client.pacer.waited:
        result.notes.append(f"waited {client.pacer.waited:.0f} s for rate-limit windows")
    if client.stats.retries:
        result.notes.append(f"{client.stats.retries} retries")
    return result


def _counts(counts: dict[str, ScopeCounts], scope: str) -> ScopeCounts:
    from collector.sources.hf.pages import ScopeCounts

    return counts.get(scope) or ScopeCounts()


JOB = Job(
    name="hf",
    run_name="collect hf",
    source="hf",
    run=collect_hf,
    summary="Snapshot Hugging Face download counts for the tracked organisations and the Hub-wide top N.",
    description="Uses HF_TOKEN when set; HF_ENDPOINT redirects every call.",
    options=(
        Option(
            "top",
            "int",
            DEFAULT_TOP,
            "Also snapshot the Hub-wide top N models by 30-day downloads (0 to skip).",
            minimum=0,
            metavar="N",
        ),
        Option(
            "coverage",
            "int",
            None,
            "Also crawl the Hub by 30-day downloads until models fall below MIN_DOWNLOADS (coverage mode).",
            minimum=1,
            metavar="MIN_DOWNLOADS",
        ),
        Option(
            "orgs",
            "path",
            None,
            "CSV of namespaces (namespace,organisation,role,collect); default: the built-in reference list.",
            metavar="FILE",
        ),
        Option(
            "page_size", "int", PAGE_SIZE, "Models per listing request (1-1000).", minimum=1, maximum=1000, metavar="N"
        ),
    ),
    in_collect_all=True,
    examples=(
        "collector collect hf --top 1000",
        "collector collect hf --top 0 --coverage 1000",
        "HF_ENDPOINT=http://127.0.0.1:8080 collector --db /tmp/test.duckdb collect hf --top 50",
    ),
)
