"""Numbered migrations (collector/store/migrations/NNNN_name.sql): every table of the store is made
here, one transaction per migration. An older file is upgraded in place; a newer one is refused."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import duckdb

from collector.core import clock
from collector.core.errors import CollectorError
from collector.store.connect import scalar

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@functools.cache
def _migrations() -> tuple[Migration, ...]:
    return tuple(_read_migrations())


def migrations() -> list[Migration]:
    """The migration files, in order (read once per process: they are part of the installed code)."""
    return list(_migrations())


def _read_migrations() -> list[Migration]:
    found = []
    folder = resources.files("collector.store") / "migrations"
    for file in sorted(folder.iterdir(), key=lambda f: f.name):
        if not file.name.endswith(".sql"):
            continue
        match = _MIGRATION_NAME.match(file.name)
        if not match:
            raise RuntimeError(f"{file}: migration files are named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), file.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return found


def newest() -> int:
    return len(migrations())


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    # one query, not a look in information_schema first (which costs more than the query itself, on
    # every connection): a file without the table is a new one, version 0
    try:
        return int(scalar(con, "SELECT coalesce(max(version), 0) FROM main.schema_migrations"))
    except duckdb.CatalogException:
        return 0


def refuse_newer(con: duckdb.DuckDBPyConnection, path: object) -> int:
    version = schema_version(con)
    if version > newest():
        raise CollectorError(
            f"database {path} has schema version {version}, newer than this collector understands ({newest()}): "
            "upgrade collector (pip install -U) or use another --db"
        )
    return version


def drop_derived_objects(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the views and macros of sql/ (they are remade by the refresh step): a migration may then
    drop or move the tables they read."""
    for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
        "AND database_name = current_database()"
    ).fetchall():
        con.execute(f'DROP VIEW IF EXISTS main."{name}"')
    for name, kind in con.execute(
        "SELECT DISTINCT function_name, function_type FROM duckdb_functions() "
        "WHERE NOT internal AND schema_name = 'main' AND function_type IN ('macro', 'table_macro') "
        "AND database_name = current_database()"
    ).fetchall():
        con.execute(f'DROP {"MACRO TABLE" if kind == "table_macro" else "MACRO"} IF EXISTS main."{name}"')


def migrate(con: duckdb.DuckDBPyConnection, path: object = "") -> int:
    """Bring the file to the newest schema, one transaction per migration. Refuses newer files."""
    current = refuse_newer(con, path)
    pending = [m for m in migrations() if m.version > current]
    if not pending:
        return current
    if current:
        drop_derived_objects(con)
    for migration in pending:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [migration.version, migration.name, clock.now()]
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return pending[-1].version
