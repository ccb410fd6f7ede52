"""A Hub run's staging folder: listing pages in, the three files a commit reads out
(downloads / models / lineage Parquet, collector.sources.hf.commit), in bounded memory.

Pages are written to disk as they arrive and parsed by DuckDB in batches (read_text + from_json with an
explicit structure): a million-model crawl then never builds a Python object per model, which is what
parsing cost most (bench/hf_ingest.py). DuckDB's JSON conversion is lenient ("12" into 12, 1.5 into 2),
so a page goes that way only when a scan of its text finds no value of another type than the Hub
documents for a field we read; any other page is parsed by the Python path (collector.sources.hf.parse),
which raises the exact one-line error or stages the page itself.

A scope's rows are deduplicated (first rank wins) when its listing is complete; metadata and lineage
are staged once per model per run (the first scope that lists it)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import orjson
import pyarrow.parquet as pq

from collector.core.errors import CollectorError
from collector.core.staging import ParquetStage
from collector.sources.hf import parse
from collector.sources.hf.scopes import PAGE_SIZE, Scope

# Pages parsed per DuckDB batch: enough that a query's fixed cost vanishes, few enough that a bad page
# stops the crawl soon and a batch stays a few tens of MB.
BATCH_PAGES = 64

# How DuckDB reads a page. Its JSON conversion is lenient ("12" becomes 12, 1.5 becomes 2, 5 becomes
# '5'), so a page goes this way only when _SUSPECT_PAGE finds no value of another type than the Hub
# documents for a field we read (and its rows pass _SUSPECT_ROW).
_PAGE_STRUCTURE = orjson.dumps(
    [
        {
            "id": "VARCHAR",
            "downloads": "BIGINT",
            "downloadsAllTime": "BIGINT",
            "likes": "BIGINT",
            "trendingScore": "DOUBLE",
            "createdAt": "VARCHAR",
            "lastModified": "VARCHAR",
            "pipeline_tag": "VARCHAR",
            "library_name": "VARCHAR",
            "author": "VARCHAR",
            "tags": ["VARCHAR"],
            "safetensors": {"total": "BIGINT"},
            "gated": "VARCHAR",  # true / false / "manual" read as 'true' / 'false' / 'manual'
        }
    ]
).decode()

# One scan of the page's text (RE2: linear time) for a value that starts unlike its field's JSON type:
# an integer field holding anything but digits (a string, a float, a boolean) or 19+ digits (maybe
# beyond 64 bits), a number field holding a non-number, a text field a non-string, tags that are not
# an array of strings, safetensors not an object, gated neither boolean nor string. A key can only be
# matched where it is a key (a quote inside a string is escaped); a nested object's key of the same
# name is a false alarm, which costs a page the Python path, never a wrong row. `\u` escapes (which
# could spell a key differently) send the page that way too.
_SUSPECT_PAGE = "|".join(
    [
        r'"(?:downloads|downloadsAllTime|likes|total)"\s*:\s*(?:[^-0-9n\s]|-?[0-9]+[.eE]|-?[0-9]{19})',
        r'"trendingScore"\s*:\s*[^-0-9n\s]',
        r'"(?:id|createdAt|lastModified|pipeline_tag|library_name|author)"\s*:\s*[^"n\s]',
        r'"tags"\s*:\s*(?:[^\[n\s]|\[\s*(?:"(?:[^"\\]|\\.)*"\s*,\s*)*[^"\]\s])',
        r'"safetensors"\s*:\s*[^{n\s]',
        r'"gated"\s*:\s*[^"tfn\s]',
        r"\\u",
    ]
)

# Rows the scan cannot rule out: an item that is not an object (read as all NULL) or has no id.
_SUSPECT_ROW = "id IS NULL OR id = ''"

_ROWS_SELECT = """
    SELECT (o.first_rank + b.pos)::INTEGER AS rank, b.id AS model_id,
           b.downloads AS downloads_30d, b.downloadsAllTime AS downloads_all_time, b.likes, b.trendingScore AS trending_score,
           CASE WHEN b.author <> '' THEN b.author WHEN contains(b.id, '/') THEN split_part(b.id, '/', 1) END AS author,
           b.createdAt AS created_at, b.lastModified AS last_modified, b.pipeline_tag, b.library_name, b.tags,
           b.safetensors.total AS safetensors_total,
           b.gated
    FROM hf_batch b
    JOIN (SELECT unnest($files) AS filename, unnest($first_ranks) AS first_rank, unnest($wanted) AS wanted) o
      USING (filename)
    WHERE b.pos < o.wanted"""

# `base_model:<relation>:<parent>`; the two-part `base_model:<parent>` adds nothing.
_LINEAGE_SELECT = f"""
    SELECT model_id AS child_id, p[3] AS parent_id, p[2] AS relation
    FROM (SELECT model_id, string_split(unnest(list_filter(tags, t -> starts_with(t, 'base_model:'))), ':') AS p
          FROM read_parquet($models))
    WHERE len(p) = 3 AND list_contains({sorted(parse.RELATIONS)}, p[2]) AND p[3] <> ''"""


class _Staged:
    """One kind of staged file (its glob, for read_parquet) and the rows written to it."""

    def __init__(self, path: str):
        self.path = path
        self.rows = 0


class HfStage:
    """The run's staged rows: open one ScopeStage per scope, in order; the commit reads
    `downloads`, `models` and `lineage` (each a Parquet glob and a row count)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.raw = directory / "pages"
        self.raw.mkdir(parents=True, exist_ok=True)
        self.downloads = _Staged(str(directory / "downloads-*.parquet"))
        self.models = _Staged(str(directory / "models-*.parquet"))
        self.lineage = _Staged(str(directory / "lineage-*.parquet"))
        # An empty file of each kind: a glob always matches, so SQL over it needs no special case.
        for name, schema in (
            ("downloads", parse.DOWNLOADS_SCHEMA),
            ("models", parse.MODELS_SCHEMA),
            ("lineage", parse.LINEAGE_SCHEMA),
        ):
            pq.write_table(schema.empty_table(), directory / f"{name}-0000.parquet")
        self.scopes = 0
        self.pages = 0
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """A private in-memory DuckDB for parsing (never the store: no lock is held while crawling)."""
        if self._con is None:
            con = duckdb.connect()
            # One thread: the crawl's own thread and the network share few cores; memory bounded,
            # spilling into the staging folder.
            con.execute("SET threads = 1")
            con.execute("SET memory_limit = '256MB'")
            con.execute("SET preserve_insertion_order = false")
            con.execute("SET temp_directory = ?", [str(self.directory / "duckdb-tmp")])
            con.execute("CREATE TABLE hf_seen (model_id VARCHAR)")
            self._con = con
        return self._con

    def scope(self, scope: Scope) -> ScopeStage:
        self.scopes += 1
        return ScopeStage(self, scope, self.scopes)

    def close(self) -> None:
        """Release DuckDB (the staged files stay for the commit; the run removes the folder)."""
        if self._con is not None:
            self._con.close()
            self._con = None


class ScopeStage:
    """One scope's pages: `add` each page as it arrives (it says whether the listing is complete),
    then `finish` once the listing ended."""

    def __init__(self, stage: HfStage, scope: Scope, number: int):
        self.stage = stage
        self.scope = scope
        self.number = number
        self.limit = int(dict(scope.params).get("limit", PAGE_SIZE))
        self.kept = 0  # models the scope kept so far: the next page's first rank is kept + 1
        self.pages = 0
        self.models = 0  # after repeats are dropped (known at finish)
        self.duplicates = 0
        self._pending: list[tuple[str, str]] = []  # (file, url) not parsed yet, in order
        self._python = ParquetStage(stage.directory / f"rows-{number:04d}-python.parquet", parse.ROWS_SCHEMA)
        self._fast: list[str] = []

    def add(self, url: str, body: bytes) -> bool:
        """Stage one page; returns True when the scope's listing is complete (no further page)."""
        self.pages += 1
        scope = self.scope
        if scope.min_downloads is not None:
            # Coverage: whether the listing goes on depends on this page's counts, so it is read now.
            items, complete = scope.wanted(parse.decode_page(body, url), self.kept)
            self._python_page(items, url)
            return complete
        self.stage.pages += 1
        path = str(self.stage.raw / f"{self.stage.pages:07d}.json")
        with open(path, "wb") as f:
            f.write(body)
        self._pending.append((path, url))
        if scope.max_models is not None and self.kept + len(self._pending) * self.limit >= scope.max_models:
            # The top N may be reached on this page: count exactly (a page has at most `limit` models,
            # so until here the listing cannot be complete and the pages wait for a batch).
            self.flush()
            return self.kept >= scope.max_models
        return False

    def work(self) -> None:
        """Parse a full batch of pending pages (called while the next page is on its way)."""
        if len(self._pending) >= BATCH_PAGES:
            self.flush()

    def _python_page(self, items: list, url: str) -> None:
        self._python.write(parse.page_rows(items, url, self.kept + 1))
        self.kept += len(items)

    def flush(self) -> None:
        """Parse the pending pages, in order (a bad page raises its one-line error)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        con = self.stage.con
        files = [path for path, _ in pending]
        counts: dict[str, int] = {}
        try:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE hf_batch AS
                    SELECT filename, suspect, pos, m.* FROM (
                        SELECT filename, suspect, unnest(l) AS m, generate_subscripts(l, 1) - 1 AS pos
                        -- a body that is not an array reads as NULL: one all-NULL row makes it suspect
                        FROM (SELECT filename, coalesce(from_json(content, '{_PAGE_STRUCTURE}'), [NULL]) AS l,
                                     regexp_matches(content, $suspect) AS suspect
                              FROM read_text($files)))""",
                {"files": files, "suspect": _SUSPECT_PAGE},
            )
            suspect = con.execute(f"SELECT DISTINCT filename FROM hf_batch WHERE suspect OR {_SUSPECT_ROW}").fetchall()
            counts = dict(con.execute("SELECT filename, count(*) FROM hf_batch GROUP BY filename").fetchall())
            fast = set(files) - {r[0] for r in suspect}
        except duckdb.Error:  # not JSON (or not UTF-8): the Python path names the page and the reason
            fast = set()
        ranks: dict[str, list] = {"files": [], "first_ranks": [], "wanted": []}
        for path, url in pending:
            if path in fast:
                count = counts.get(path, 0)
                if self.scope.max_models is not None:
                    count = max(0, min(count, self.scope.max_models - self.kept))
                ranks["files"].append(path)
                ranks["first_ranks"].append(self.kept + 1)
                ranks["wanted"].append(count)
                self.kept += count
            else:
                with open(path, "rb") as f:
                    items, _ = self.scope.wanted(parse.decode_page(f.read(), url), self.kept)
                self._python_page(items, url)
        if ranks["files"]:
            out = str(self.stage.directory / f"rows-{self.number:04d}-{len(self._fast):05d}.parquet")
            con.execute(f"COPY ({_ROWS_SELECT}) TO '{_quoted(out)}' (FORMAT parquet, COMPRESSION uncompressed)", ranks)
            self._fast.append(out)
        con.execute("DROP TABLE IF EXISTS hf_batch")
        for path in files:
            Path(path).unlink(missing_ok=True)

    def finish(self) -> None:
        """The listing ended: drop repeats (first rank wins) and stage the scope's counters, the
        metadata of models not staged earlier in the run, and their lineage."""
        self.flush()
        self._python.close()
        con = self.stage.con
        rows = [*self._fast, str(self._python.path)]
        total, distinct = con.execute(
            "SELECT count(*), count(DISTINCT model_id) FROM read_parquet($rows)", {"rows": rows}
        ).fetchone() or (0, 0)
        self.models, self.duplicates = distinct, total - distinct
        # Keyset pagination can serve a model twice when counts move mid-crawl: keep the first rank.
        first = "QUALIFY row_number() OVER (PARTITION BY model_id ORDER BY rank) = 1" if self.duplicates else ""
        con.execute(f"CREATE OR REPLACE TEMP VIEW hf_scope_rows AS SELECT * FROM read_parquet({_list(rows)}) {first}")
        stage = self.stage
        out = {
            kind: str(stage.directory / f"{kind}-{self.number:04d}.parquet")
            for kind in ("downloads", "models", "lineage")
        }
        con.execute(
            f"""COPY (SELECT $scope AS scope, rank, model_id, downloads_30d, downloads_all_time, likes, trending_score
                      FROM hf_scope_rows) TO '{_quoted(out["downloads"])}' (FORMAT parquet, COMPRESSION uncompressed)""",
            {"scope": self.scope.name},
        )
        # Metadata and lineage once per model per run (a model can be in an author scope and the top N).
        con.execute(
            f"""COPY (SELECT {", ".join(parse.MODELS_SCHEMA.names)} FROM hf_scope_rows ANTI JOIN hf_seen USING (model_id))
                TO '{_quoted(out["models"])}' (FORMAT parquet, COMPRESSION uncompressed)"""
        )
        con.execute("INSERT INTO hf_seen SELECT model_id FROM read_parquet($models)", {"models": out["models"]})
        con.execute(
            f"COPY ({_LINEAGE_SELECT}) TO '{_quoted(out['lineage'])}' (FORMAT parquet, COMPRESSION uncompressed)",
            {"models": out["models"]},
        )
        con.execute("DROP VIEW hf_scope_rows")
        stage.downloads.rows += self.models
        for kind in ("models", "lineage"):
            staged = getattr(stage, kind)
            staged.rows += _parquet_rows(out[kind])
        for path in rows:
            Path(path).unlink(missing_ok=True)


def _parquet_rows(path: str) -> int:
    return pq.ParquetFile(path).metadata.num_rows


def _quoted(path: str) -> str:
    """A path inside a SQL string literal (COPY TO takes no parameter); paths are the staging folder's."""
    if "\x00" in path:
        raise CollectorError(f"cannot stage into {path!r}")
    return path.replace("'", "''")


def _list(paths: list[str]) -> str:
    return "[" + ", ".join(f"'{_quoted(p)}'" for p in paths) + "]"
