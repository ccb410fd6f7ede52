"""Stage fetched rows on disk (Parquet) so that a crawl of any size runs in bounded memory and the
database is written in one short transaction at the end."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


class ParquetStage:
    """Appends column batches to one Parquet file; `rows` counts what was written."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path = path
        self.schema = schema
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, columns: dict[str, list]) -> None:
        table = pa.Table.from_pydict(columns, schema=self.schema)
        if table.num_rows == 0:
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is None:
            # An empty stage still has a valid (empty) file, so SQL over it needs no special case.
            pq.write_table(self.schema.empty_table(), self.path)
        else:
            self._writer.close()
            self._writer = None


class StagingDir:
    """A per-run folder beside the database, removed whatever happens."""

    def __init__(self, db: Path, run_id: int):
        base = db.parent / "staging"
        base.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f"run-{run_id}-", dir=base))

    def __enter__(self) -> StagingDir:
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
