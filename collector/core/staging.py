"""Stage fetched rows on disk (Parquet, in the run's staging folder: collector.app.runner.Run) so that a
crawl of any size runs in bounded memory and the database is written in one short transaction at the end."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Rows buffered before a Parquet row group is written: big enough that per-write overhead vanishes,
# small enough that the buffer stays a few tens of MB.
FLUSH_ROWS = 50_000


class ParquetStage:
    """Appends column batches to one Parquet file; `rows` counts what was written."""

    def __init__(self, path: Path, schema: pa.Schema, flush_rows: int = FLUSH_ROWS):
        self.path = path
        self.schema = schema
        self.rows = 0
        self.flush_rows = flush_rows
        self._buffer: dict[str, list] = {name: [] for name in schema.names}
        self._buffered = 0
        self._writer: pq.ParquetWriter | None = None
        # set when the rows are other files' (a crawl's pages read into parts, whose items are the
        # models as they are): then those files are the stage, and `path` is not written
        self.parts: list[Path] | None = None

    def sources(self) -> list[str]:
        """The files holding the stage's rows, for read_parquet (which takes a list)."""
        return [str(p) for p in self.parts] if self.parts is not None else [str(self.path)]

    def write(self, columns: dict[str, list]) -> None:
        count = len(next(iter(columns.values()), []))
        if not count:
            return
        for name, values in columns.items():
            self._buffer[name].extend(values)
        self._buffered += count
        self.rows += count
        if self._buffered >= self.flush_rows:
            self._flush()

    def _flush(self) -> None:
        if not self._buffered:
            return
        table = pa.Table.from_pydict(self._buffer, schema=self.schema)
        if self._writer is None:
            # Staging files live minutes: encoding speed matters, size does not (no compression,
            # no dictionaries: about 2x the client's ingest rate, measured with bench/hf_ingest.py).
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="none", use_dictionary=False)
        self._writer.write_table(table)
        self._buffer = {name: [] for name in self.schema.names}
        self._buffered = 0

    def close(self) -> None:
        self._flush()
        if self._writer is None:
            # An empty stage still has a valid (empty) file, so SQL over it needs no special case.
            pq.write_table(self.schema.empty_table(), self.path)
        else:
            self._writer.close()
            self._writer = None
