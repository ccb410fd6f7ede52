"""`collector sql`: one read-only query against the store, printed by collector.outputs.formats."""

from __future__ import annotations

import duckdb

from collector.core.errors import CollectorError
from collector.outputs import formats
from collector.store import Store


def run(store: Store, query: str, fmt: str) -> str:
    with store.reader() as con:
        try:
            cursor = con.execute(query)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            if "read-only" in first.lower():
                first = "the store is opened read-only here: `collector sql` only reads (" + first + ")"
            raise CollectorError(f"query failed: {first}") from exc
        if cursor.description is None:
            return ""
        header = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return formats.render(header, rows, fmt)
