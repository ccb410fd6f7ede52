"""The run wrapper every job goes through (collect hf, collect openrouter, export, any new source):

    with Run(store, job, params) as run:          # a `runs` row opened (status running)
        ... fetch into run.staging ...            # network, no lock held
        counts = run.commit(write, requests=n)    # one short transaction: the data and the run's `ok`
    # leaving the block: staging removed; on an error the run is recorded failed in one line and the
    # error re-raised as one line (an interrupt stays an interrupt)

A failure before `commit` writes nothing; `commit` writes everything or nothing.

A long job whose work arrives in independent, complete parts (OpenRouter's pulls) may instead keep
each part as it arrives:

    run.keep(write_part)                          # one short transaction per part; the run stays open
    ...
    run.commit(write_rest)                        # closes the run as ok

Each `keep` is all or nothing for its part. A run that fails or is stopped after keeping parts is
recorded failed with what it kept (`row_counts`, and the error says how many parts), and those parts
stay: the next run asks only for what is missing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import duckdb

from collector.core.cancel import Interrupted
from collector.core.errors import CollectorError
from collector.store import Store, runs
from collector.store.connect import opened

log = logging.getLogger(__name__)


@dataclass
class JobResult:
    job: str
    run_id: int
    status: str
    row_counts: dict = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # Lines a user must see even with --quiet (e.g. a skipped part of the job), printed before the summary.
    warnings: list[str] = field(default_factory=list)
    # Lines for stdout (what a script reading the command's output needs, e.g. "the export is empty").
    stdout: list[str] = field(default_factory=list)

    def summary(self) -> str:
        rows = ", ".join(f"{k} {v:,}" for k, v in self.row_counts.items() if isinstance(v, int)) or "no rows"
        text = (
            f"{self.job}: {self.status} (run {self.run_id}) in {self.seconds:.1f} s, {self.requests:,} requests; {rows}"
        )
        return text + "".join(f"; {n}" for n in self.notes)


# How an interrupt's message ends when nothing was kept (collector.core.cancel, one_line below); a
# run that kept parts replaces it with what it kept.
NOTHING_COMMITTED = "nothing of this run was committed"


def one_line(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted by the user (forced stop: a second Ctrl-C or signal); nothing of this run was committed"
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, CollectorError):
        text = f"{type(exc).__name__}: {text}"
    return " ".join(text.split())


def require_store(store: Store) -> None:
    """A command that only reads the store's data (export, refresh) refuses a missing database as the
    readers do (`no database at PATH: ...`, exit 1) instead of creating an empty one by opening a run."""
    if not store.exists():
        with opened(store.path, read_only=True):  # the readers' check and message: raises here
            pass


class Run:
    """One job run: opened in `runs`, a staging folder beside the database, one short commit."""

    def __init__(
        self,
        store: Store,
        job: str,
        source: str,
        params: dict,
        requests: Callable[[], int] = lambda: 0,
        part: str = "part",
    ):
        self.store = store
        self.job = job
        self.source = source
        self.params = params
        self.requests = requests  # how many HTTP requests the run has made so far
        self.run_id = 0
        self.committed = False
        self.started = time.monotonic()
        self._staging: Path | None = None
        self.part = part  # what one kept part is called in messages ("pull")
        self.kept = 0  # parts kept by `keep` so far
        self.kept_counts: dict = {}  # their row counts, summed

    def __enter__(self) -> Run:
        self.run_id = self.store.start_run(self.job, self.source, self.params)
        return self

    @property
    def staging(self) -> Path:
        """This run's folder beside the database (created on first use, removed when the run ends)."""
        if self._staging is None:
            base = self.store.path.parent / "staging"
            base.mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(prefix=f"run-{self.run_id}-", dir=base))
        return self._staging

    def commit(self, write: Callable[[duckdb.DuckDBPyConnection], dict], *, then_more: bool = False) -> dict:
        """One short write transaction: `write(con)` stores the data and returns the row counts, and
        the run is closed as ok in the same transaction. `then_more`: the job writes again at once
        (the Hub's roll-ups), so the checkpoint is left to that write (Store.writer)."""
        with self.store.transaction(checkpoint=not then_more) as con:
            counts = write(con)
            runs.finish_run(con, self.run_id, status="ok", row_counts=counts, requests=self.requests())
        self.committed = True
        return counts

    def keep(self, write: Callable[[duckdb.DuckDBPyConnection], dict]) -> dict:
        """One complete part of the run in a short transaction of its own: `write(con)` stores it and
        returns its row counts. The run stays open (running), its `row_counts` updated in the same
        transaction with everything kept so far, so the journal is right even if the process dies."""
        with self.store.transaction(checkpoint=False) as con:  # more parts, then the commit, follow
            counts = write(con)
            kept = self.kept + 1
            totals = dict(self.kept_counts)
            for name, value in counts.items():
                if isinstance(value, int):
                    totals[name] = totals.get(name, 0) + value
            con.execute(
                "UPDATE runs SET row_counts = ?, requests = ? WHERE run_id = ? AND status = 'running'",
                [json.dumps({**totals, f"kept_{self.part}s": kept}, sort_keys=True), self.requests(), self.run_id],
            )
        self.kept, self.kept_counts = kept, totals
        return counts

    def kept_note(self) -> str:
        """'kept 3 complete pulls (the next run asks only for what is missing)'."""
        plural = "s" if self.kept != 1 else ""
        return f"kept {self.kept} complete {self.part}{plural} (the next run asks only for what is missing)"

    def result(self, counts: dict, **extra) -> JobResult:
        return JobResult(self.job, self.run_id, "ok", counts, self.requests(), time.monotonic() - self.started, **extra)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
        if exc is None or self.committed:
            return
        message = one_line(exc)
        if not self.kept:
            self.store.fail_run(self.run_id, message, requests=self.requests())
            if isinstance(exc, Exception) and not isinstance(exc, CollectorError):
                raise CollectorError(f"{self.job} failed: {message}") from exc
            # a CollectorError (already one line) or an interrupt propagates as it is
            return
        # Parts were kept: the failure must not say "nothing was committed", in the journal or to the user.
        message = f"{message.split('; ' + NOTHING_COMMITTED)[0]}; {self.kept_note()}"
        self._fail_keeping(message)
        if isinstance(exc, (Interrupted, KeyboardInterrupt)):
            raise Interrupted(message) from exc  # still an interrupt (exit 130), now saying what stayed
        if isinstance(exc, CollectorError):
            exc.args = (message,)  # same type and exit code, the message completed
            return
        if isinstance(exc, Exception):
            raise CollectorError(f"{self.job} failed: {message}") from exc

    def _fail_keeping(self, message: str) -> None:
        """Close the run as failed with the row counts of the parts it kept (bookkeeping never hides
        the original error)."""
        counts = {**self.kept_counts, f"kept_{self.part}s": self.kept}
        with contextlib.suppress(Exception), self.store.writer() as con:
            runs.finish_run(
                con, self.run_id, status="failed", row_counts=counts, requests=self.requests(), error=message[:2000]
            )
