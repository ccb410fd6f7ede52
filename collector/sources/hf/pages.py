"""A Hub crawl staged as its raw pages: each listing page's JSON bytes are written to the run's staging
folder as they arrive, and DuckDB reads them (a chunk at a time in the background while the crawl goes
on, `RawPages.reading_ahead`; the rest at the end, `stage_pages`), validating and typing every field in
set-based passes, into the three Parquet files the commit reads (parse.HfStage). No Python
object is made per model: decoding each page into dicts, then checking and building columns in Python,
cost several times DuckDB's pass (bench/hf_ingest.py).

The checks are those of the field-by-field check in Python: DuckDB flags the pages that hold anything
unexpected (a conservative test: a flagged page may still be fine), and only those pages are decoded in
Python and checked (parse.check_items), which names the model and the field in a one-line error."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from collector.core import settings
from collector.core.errors import CollectorError
from collector.sources.hf.parse import RELATIONS, HfStage, check_items

log = logging.getLogger(__name__)


@dataclass
class Page:
    file: Path
    scope_no: int
    scope: str
    url: str
    max_models: int | None


@dataclass
class Part:
    """Pages [start, end) of the crawl read into one Parquet file of items, in crawl order."""

    start: int
    end: int
    path: Path
    rows: int


@dataclass
class RawPages:
    """The run's pages on disk, in crawl order (scope by scope, page by page), and the parts of them
    already read into Parquet (`stage_pages`, or a reader in the background: `reading_ahead`)."""

    directory: Path
    pages: list[Page] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    ahead: _Ahead | None = None

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    @property
    def read_to(self) -> int:
        return self.parts[-1].end if self.parts else 0

    def add(self, body: bytes, scope_no: int, scope: str, url: str, max_models: int | None) -> None:
        path = self.directory / f"{len(self.pages):07d}.json"
        path.write_bytes(body)
        self.pages.append(Page(path, scope_no, scope, url, max_models))
        if self.ahead is not None:
            self.ahead.wake()

    @contextlib.contextmanager
    def reading_ahead(self, chunk: int = 0) -> Iterator[None]:
        """While the block runs (the crawl), the pages are read into Parquet in the background,
        `chunk` pages (AHEAD_PAGES) at a time on one thread: the crawl keeps one core busy and leaves
        the other idle, and staging then reads only the pages that arrived after the last chunk
        (bench/hf_ingest.py). The reader stops when the block ends; if it raises, at once."""
        self.ahead = self.ahead or _Ahead(self, chunk or AHEAD_PAGES)
        try:
            yield
        except BaseException:
            self.stop_ahead(cancel=True)  # before the failed run's staging folder goes
            raise
        self.stop_ahead()

    def stop_ahead(self, *, cancel: bool = False) -> None:
        """Stop the background reader: it finishes the chunk it is reading, or with `cancel` (the run
        failed) drops it and every part. Before `stage_pages` reads the rest, and before the staging
        folder goes. A reader that failed (a page that is not JSON) leaves no parts either:
        stage_pages reads every page again in the foreground, which names the bad page."""
        ahead, self.ahead = self.ahead, None
        if ahead is not None and (ahead.stop(cancel=cancel) or cancel):
            _drop_parts(self)


# Pages a background read takes at once: about 100,000 models of the Hub's, 0.7 s of one core. A
# smaller chunk leaves less for staging to read when the crawl ends, at more parts to combine.
AHEAD_PAGES = 100


class _Ahead:
    """The background reader of RawPages.reading_ahead: a thread that reads each chunk of pages as soon
    as the crawl has written it, into the next part."""

    def __init__(self, raw: RawPages, chunk: int) -> None:
        self.raw = raw
        self.chunk = chunk
        self.failed = False
        self._stopped = False
        self._con: duckdb.DuckDBPyConnection | None = None
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="hf-pages-ahead", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        with self._wake:
            self._wake.notify()

    def stop(self, *, cancel: bool = False) -> bool:
        """Stop and wait for the thread; whether it failed. A Ctrl-C while waiting cancels."""
        with self._wake:
            self._stopped = True
            self._wake.notify()
        try:
            if cancel:
                self._cancel()
            self._thread.join()
        except BaseException:
            self._cancel()
            raise
        return self.failed

    def _cancel(self) -> None:
        # repeated until the thread ends: an interrupt that comes before the chunk's query starts
        # is not kept by DuckDB, and the query would then run whole
        while self._thread.is_alive():
            with self._wake:
                if self._con is not None:
                    self._con.interrupt()
            self._thread.join(0.05)

    def _run(self) -> None:
        raw = self.raw
        try:
            while True:
                with self._wake:
                    while not self._stopped and len(raw.pages) - raw.read_to < self.chunk:
                        self._wake.wait()
                    if self._stopped:
                        return
                    start = raw.read_to
                    if self._con is None:  # made for the first chunk: a small crawl never needs one
                        self._con = _connect(1, directory=raw.directory)
                    con = self._con
                files = [str(p.file) for p in raw.pages[start : start + self.chunk]]
                raw.parts.append(_read_part(con, files, raw.directory, start))
        except duckdb.Error as exc:  # stage_pages reads every page again and names a bad one
            log.debug("reading the Hub pages ahead stopped: %s", _one_line(exc))
            self.failed = True
        finally:
            with self._wake:
                if self._con is not None:
                    self._con.close()
                    self._con = None


@dataclass
class ScopeCounts:
    served: int = 0  # items listed (repeats included), within the scope's top N
    models: int = 0  # models kept (a repeat is kept once)
    duplicates: int = 0


# What the client asks the Hub to expand in each listing (`expand=` parameters), and so what staging
# reads of every item besides its id.
EXPAND = (
    "author",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "pipeline_tag",
    "library_name",
    "tags",
    "safetensors",
    "gated",
)
FIELDS = ("id", *EXPAND)
# Every field read as its JSON text, so that its type can be checked: json_transform's typed casts are
# lenient ("12" would become 12, 1.5 would become 2).
_COLUMNS = ", ".join(f"{f}: 'JSON'" for f in FIELDS)


def _absent(col: str) -> str:
    return f"({col} IS NULL OR {col} = 'null')"


def _integer(text: str, value: str) -> str:
    # canonical JSON (yyjson writes each value again): an integer's text is the integer's own; a float
    # (1.0, 1e3), which the cast to BIGINT would round, or a count beyond 64 bits is not
    return f"({value}::VARCHAR = {text})"


def _string(text: str) -> str:
    return f"starts_with({text}, '\"')"


def _unquote(text: str) -> str:
    # a JSON string without escapes is its text between the quotes; one with escapes is decoded
    return f"CASE WHEN NOT {_string(text)} THEN NULL WHEN contains({text}, '\\') THEN {text}::JSON->>'$' ELSE {text}[2:-2] END"


_INTS = {"downloads": "downloads_30d", "downloadsAllTime": "downloads_all_time", "likes": "likes"}
_TEXTS = {
    "author": "author",
    "createdAt": "created_at",
    "lastModified": "last_modified",
    "pipeline_tag": "pipeline_tag",
    "library_name": "library_name",
}

# A row is suspect unless every field is of its type (missing or null allowed, but for the id). Tags are
# a list of strings when the list of their text is written as the same JSON (a number would be quoted).
_OK = " AND ".join(
    [
        "id IS NOT NULL AND id <> ''",
        *(f"({_absent(f'j_{c}')} OR {_integer(f'j_{c}', c)})" for c in _INTS),
        f"({_absent('j_trendingScore')} OR trendingScore IS NOT NULL)",
        *(f"({_absent(f'j_{c}')} OR {_string(f'j_{c}')})" for c in _TEXTS),
        "(j_id IS NOT NULL AND starts_with(j_id, '\"'))",
        f"({_absent('j_tags')} OR to_json(tags)::VARCHAR = j_tags)",
        f"({_absent('j_safetensors')} OR (starts_with(j_safetensors, '{{') "
        f"AND ({_absent('j_total')} OR {_integer('j_total', 'safetensors_total')})))",
        f"({_absent('j_gated')} OR j_gated IN ('true', 'false') OR {_string('j_gated')})",
    ]
)

_ITEMS = f"""
    WITH flat AS (
        -- no item number here: read in parallel, the rows still reach the Parquet file in the order of
        -- the files and of the items in them (insertion order is kept), and an item's place in the crawl
        -- is its row number there (`items` below; checked, never assumed)
        SELECT parse_filename(filename, true)::INTEGER AS page,
               {", ".join(f"{f}::VARCHAR AS j_{f}" for f in FIELDS)}, (safetensors->'total')::VARCHAR AS j_total
        FROM read_json($files, format = 'array', columns = {{{_COLUMNS}}}, filename = true)
    ),
    vals AS (
        SELECT *, {_unquote("j_id")} AS id,
               {", ".join(f"try_cast(j_{c} AS BIGINT) AS {c}" for c in _INTS)},
               try_cast(j_trendingScore AS DOUBLE) AS trendingScore,
               CASE WHEN {_absent("j_tags")} THEN NULL ELSE try_cast(j_tags::JSON AS VARCHAR[]) END AS tags,
               try_cast(j_total AS BIGINT) AS safetensors_total
        FROM flat
    )
    SELECT page, coalesce({_OK}, false) AS ok, id AS model_id,
           CASE WHEN NOT {_absent("j_author")} AND j_author <> '""' THEN {_unquote("j_author")}
                WHEN contains(id, '/') THEN split_part(id, '/', 1) END AS author,
           {", ".join(f"{c} AS {name}" for c, name in _INTS.items())}, trendingScore AS trending_score,
           {", ".join(f"{_unquote(f'j_{c}')} AS {name}" for c, name in _TEXTS.items() if c != "author")},
           tags, safetensors_total,
           CASE WHEN {_absent("j_gated")} THEN NULL WHEN j_gated IN ('true', 'false') THEN j_gated
                ELSE {_unquote("j_gated")} END AS gated
    FROM vals
"""


def stage_pages(raw: RawPages, stage: HfStage, memory: str = "512MB") -> dict[str, ScopeCounts]:
    """Validate and type every staged page into `stage`'s Parquet files; returns the counts per scope.

    A page's models are ranked in listing order across the scope's pages (a repeat counts for its rank,
    as the Hub listed it); a scope with a top N keeps the first N; a model listed twice in a scope keeps
    its first rank; metadata and lineage are staged once per model (its first scope's listing wins).
    The pages already read in the background (RawPages.reading_ahead) are not read again; called again
    after more pages arrived (a short scope crawled on), it reads only those."""
    raw.stop_ahead()
    con = _connect(_threads(), memory, raw.directory)
    try:
        con.execute("CREATE TEMP TABLE pages (page INTEGER, scope_no INTEGER, scope VARCHAR, max_models BIGINT)")
        if raw.pages:  # as one Arrow table: a statement a page (executemany) cost 1 s for a million models
            rows = pa.table(
                {
                    "page": pa.array([int(p.file.stem) for p in raw.pages], pa.int32()),
                    "scope_no": pa.array([p.scope_no for p in raw.pages], pa.int32()),
                    "scope": pa.array([p.scope for p in raw.pages], pa.string()),
                    "max_models": pa.array([p.max_models for p in raw.pages], pa.int64()),
                }
            )
            con.register("page_rows", rows)
            con.execute("INSERT INTO pages SELECT * FROM page_rows")
            con.unregister("page_rows")
        for part in [p for p in raw.parts if p.end == p.start]:  # an empty crawl's part, before more pages
            part.path.unlink(missing_ok=True)
            raw.parts.remove(part)
        if raw.read_to < len(raw.pages) or not raw.parts:
            raw.parts.append(_read_or_explain(con, raw, raw.read_to))
        _items_view(con, raw.parts)
        if not _in_order(con):  # never seen: read the pages again one after the other (one thread)
            log.warning("staging the Hub pages: DuckDB wrote them out of order; reading them again on one thread")
            con.execute("DROP VIEW items")
            con.execute("SET threads = 1")
            _drop_parts(raw)
            raw.parts.append(_read_or_explain(con, raw, 0))
            _items_view(con, raw.parts)
            if not _in_order(con):
                raise CollectorError(
                    "staging the Hub pages: DuckDB read them out of order; nothing was written (a bug: report it)"
                )
        suspect = [r[0] for r in con.execute("SELECT DISTINCT page FROM items WHERE NOT ok ORDER BY 1").fetchall()]
        if suspect:
            _explain(raw, suspect)  # raises when a page is really bad; a false alarm passes
        _write(con, stage, raw.parts)
        rows = con.execute("SELECT scope, served, models FROM scope_counts").fetchall()
    finally:
        con.close()
    return {scope: ScopeCounts(served, models, served - models) for scope, served, models in rows}


# Staging files live minutes: written fast, not small.
_PARQUET = "(FORMAT parquet, COMPRESSION uncompressed)"
# Every core reads the pages (the crawl is over by then; COLLECTOR_DB_THREADS, when set, decides): staging a
# million models took 7.3 s on one thread, 3.6 s on this machine's two (bench/hf_ingest.py, with the page
# list inserted at once), the CPU time the same. At most 4: the read's memory grows with its threads.


def _threads() -> int:
    return settings.get("COLLECTOR_DB_THREADS") or min(4, os.cpu_count() or 1)


def _connect(threads: int, memory: str = "512MB", directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"memory_limit": memory, "threads": threads, "preserve_insertion_order": True})
    if directory is not None:
        con.execute(f"SET temp_directory = '{_quote(str(directory / 'tmp'))}'")
    return con


def _read_part(con: duckdb.DuckDBPyConnection, files: list[str], directory: Path, start: int) -> Part:
    """The items of the pages `files` (the crawl's pages from `start` on), typed and flagged, into one
    Parquet file; raises DuckDB's error as it is. No item number here: read in parallel, the rows still
    reach the file in the order of the files and of the items in them (insertion order is kept), and an
    item's place in the crawl is its row number there (`_items_view`; checked, never assumed)."""
    end, path = start + len(files), directory / f"items-{start:07d}.parquet"
    if not files:  # the same query over one empty page: the same (empty) tables and files
        path, empty = directory / "items-empty.parquet", directory / "empty.json"
        empty.write_bytes(b"[]")
        files = [str(empty)]
    row = con.execute(f"COPY ({_ITEMS}) TO '{_quote(str(path))}' {_PARQUET}", {"files": files}).fetchone()
    return Part(start, end, path, int(row[0]) if row else 0)


def _read_or_explain(con: duckdb.DuckDBPyConnection, raw: RawPages, start: int) -> Part:
    """The pages from `start` on, read into a part; a page that is not JSON at all is found and named."""
    try:
        return _read_part(con, [str(p.file) for p in raw.pages[start:]], raw.directory, start)
    except duckdb.Error as exc:
        _explain(raw, range(start, len(raw.pages)))
        raise CollectorError(f"bad response from the Hub: {_one_line(exc)}") from exc


def _drop_parts(raw: RawPages) -> None:
    for part in raw.parts:
        part.path.unlink(missing_ok=True)
    raw.parts = []


def _items_view(con: duckdb.DuckDBPyConnection, parts: list[Part]) -> None:
    """`items`: every part's items, each with its place in the crawl (n: its row number in its part's
    file, after the rows of the parts before it)."""
    selects, offset = [], 0
    for part in parts:
        selects.append(
            f"SELECT * EXCLUDE (file_row_number), file_row_number + {offset} AS n "
            f"FROM read_parquet('{_quote(str(part.path))}', file_row_number = true)"
        )
        offset += part.rows
    con.execute(f"CREATE VIEW items AS {' UNION ALL '.join(selects)}")


def _in_order(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the items are in crawl order: each page's items one block, the pages in order (the ranks
    rest on it; `preserve_insertion_order`, DuckDB's default, set explicitly above). Items swapped within
    a page would not show here: the row number is the only record of their order."""
    row = con.execute(
        """SELECT count(*) FROM (
               SELECT page, first_n, last_n, size, lag(last_n) OVER (ORDER BY page) AS before
               FROM (SELECT page, count(*) AS size, min(n) AS first_n, max(n) AS last_n FROM items GROUP BY page))
           WHERE last_n - first_n + 1 <> size OR first_n <= before"""
    ).fetchone()
    return row is not None and row[0] == 0


def _write(con, stage: HfStage, parts: list[Part]) -> None:
    # rank: the item's place in its scope's listing, pages in crawl order
    con.execute(
        """CREATE TEMP TABLE offsets AS
           WITH sizes AS (SELECT page, count(*) AS size, min(n) AS first_n, max(n) AS last_n FROM items GROUP BY page)
           SELECT p.page, p.scope_no, p.scope, p.max_models, s.first_n, s.last_n, s.size,
                  coalesce(sum(coalesce(s.size, 0)) OVER (PARTITION BY p.scope_no ORDER BY p.page
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::INTEGER AS first
           FROM pages p LEFT JOIN sizes s USING (page)"""
    )
    ranked = """(SELECT o.scope_no, o.scope, (o.first + i.n - o.first_n + 1)::INTEGER AS rank, i.* EXCLUDE (page, n, ok)
                 FROM items i JOIN offsets o USING (page)
                 WHERE o.max_models IS NULL OR o.first + i.n - o.first_n + 1 <= o.max_models)"""
    con.execute(
        f"""CREATE TEMP TABLE scope_counts AS
            SELECT scope, count(*) AS served, count(DISTINCT model_id) AS models FROM {ranked} GROUP BY scope"""
    )
    repeats, scopes, served = con.execute(
        "SELECT count(*) FILTER (WHERE served > models), count(*), coalesce(sum(served), 0) FROM scope_counts"
    ).fetchone() or (0, 0, 0)
    # a model the keyset cursor served twice in a scope keeps its first rank
    listed = ranked + (
        " QUALIFY row_number() OVER (PARTITION BY scope_no, model_id ORDER BY rank) = 1" if repeats else ""
    )
    con.execute(
        f"""COPY (SELECT scope, rank, model_id, downloads_30d, downloads_all_time, likes, trending_score
                  FROM {listed} ORDER BY scope_no, rank) TO '{_quote(str(stage.downloads.path))}' {_PARQUET}"""
    )
    columns = "model_id, author, created_at, last_modified, pipeline_tag, library_name, tags, safetensors_total, gated"
    models = _quote(str(stage.models.path))
    if scopes <= 1 and not repeats and served == con.execute("SELECT count(*) FROM items").fetchone()[0]:
        # one listing, each model once and all of it kept (the usual crawl): the items are the models
        # (the commit reads their columns by name), read where they are instead of written again
        con.execute("DROP VIEW items")
        stage.models.parts = [part.path for part in parts]
        files = ", ".join(f"'{_quote(str(path))}'" for path in stage.models.parts)
        con.execute(f"CREATE VIEW models AS SELECT {columns} FROM read_parquet([{files}])")
    else:
        once = ranked + " QUALIFY row_number() OVER (PARTITION BY model_id ORDER BY scope_no, rank) = 1"
        con.execute(f"COPY (SELECT {columns} FROM {once}) TO '{models}' {_PARQUET}")
        stage.models.parts = None
        con.execute(f"CREATE VIEW models AS SELECT * FROM read_parquet('{models}')")
    relations = ", ".join(f"'{r}'" for r in sorted(RELATIONS))
    # `base_model:<relation>:<parent>`; the two-part `base_model:<parent>` adds nothing
    con.execute(
        f"""CREATE TEMP TABLE edges AS
            SELECT DISTINCT child_id, split_part(tag, ':', 3) AS parent_id, split_part(tag, ':', 2) AS relation
            FROM (SELECT model_id AS child_id, unnest(tags) AS tag FROM models
                  WHERE contains(array_to_string(tags, ' '), 'base_model:'))
            WHERE starts_with(tag, 'base_model:') AND length(tag) - length(replace(tag, ':', '')) = 2
              AND split_part(tag, ':', 2) IN ({relations}) AND split_part(tag, ':', 3) <> ''"""
    )
    con.execute(f"COPY edges TO '{_quote(str(stage.lineage.path))}' {_PARQUET}")
    stage.downloads.rows = con.execute("SELECT sum(models) FROM scope_counts").fetchone()[0] or 0
    stage.models.rows = con.execute("SELECT count(*) FROM models").fetchone()[0]
    stage.lineage.rows = con.execute("SELECT count(*) FROM edges").fetchone()[0]


def _explain(raw: RawPages, pages) -> None:
    """Decode the given pages in Python and check them field by field: the first bad one raises its
    one-line error. (Python's own JSON reader: a count beyond 64 bits is then named as such.)"""
    for index in pages:
        page = raw.pages[index]
        try:
            items = json.loads(page.file.read_bytes())
        except ValueError as exc:
            raise CollectorError(f"bad response from {page.url}: not valid JSON ({exc})") from exc
        if not isinstance(items, list):
            raise CollectorError(
                f"bad response from {page.url}: expected a JSON array of models, got {type(items).__name__}"
            )
        check_items(items, page.url)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def _quote(text: str) -> str:
    return text.replace("'", "''")
