"""`collector sql`: one read-only query against the store, printed by collector.outputs.formats. The
query runs in a sandboxed connection (no file system, no ATTACH, no extensions, settings locked)."""

from __future__ import annotations

import duckdb

from collector.core.errors import CollectorError, ConfigError
from collector.outputs import formats
from collector.store import Store


def one_line_error(exc: duckdb.Error) -> CollectorError:
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in first:
        return CollectorError(
            f"query refused: queries read the store only, never files, other databases or extensions ({first})"
        )
    if "configuration has been locked" in first:
        return CollectorError(f"query refused: settings cannot be changed from a query ({first})")
    if "read-only" in first.lower():
        return CollectorError(f"query refused: the store is opened read-only here ({first})")
    return CollectorError(f"query failed: {first}")


def run(store: Store, query: str, fmt: str) -> str:
    if not query.strip().strip(";").strip():
        raise ConfigError('the query is empty: pass one, e.g. collector sql "SELECT claim_id, verdict FROM claims"')
    with store.sandbox() as con:
        try:
            cursor = con.execute(query)
        except duckdb.Error as exc:
            raise one_line_error(exc) from exc
        if cursor is None or cursor.description is None:
            return ""
        header = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return formats.render(header, rows, fmt)
