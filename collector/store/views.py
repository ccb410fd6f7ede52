"""The views and macros of sql/, created in the order sql/load_order.txt declares, and the reference
tables (ref.*) loaded from the CSVs: the derived part of the store, refreshed by one explicit step
(`Store.prepare`) when its content changes, never inside a job.

The digest of what they were built from is kept in internal.store_state ('views_version'), so the
step costs a hash of a few dozen small files when nothing changed. sql/ ships inside the wheel as
collector/sql/ (pyproject.toml), so an installed collector reads its own views.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb

from collector import reference
from collector.core.errors import CollectorError

ORDER_FILE = "load_order.txt"
_CREATES = re.compile(r"^CREATE OR REPLACE (VIEW|MACRO) (\w+)", re.MULTILINE)


def sql_root() -> Traversable:
    """sql/ as installed (the wheel carries it as collector/sql/), else the checkout's (running from a
    clone or an editable install). .ci/run installs the wheel and runs it from another folder."""
    packaged = resources.files("collector") / "sql"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "sql"
    if (checkout / ORDER_FILE).is_file():
        return checkout
    raise CollectorError("this collector's views (sql/) are missing from its installation: reinstall collector")


def _all_sql(folder: Traversable, prefix: str = "") -> list[str]:
    found = []
    for entry in folder.iterdir():
        if entry.is_dir():
            found += _all_sql(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".sql"):
            found.append(prefix + entry.name)
    return found


def load_order() -> list[str]:
    """The view files in creation order. Every .sql file under sql/ is listed exactly once."""
    root = sql_root()
    listed = [
        line.strip()
        for line in root.joinpath(ORDER_FILE).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    present = set(_all_sql(root))
    duplicates = sorted({name for name in listed if listed.count(name) > 1})
    unlisted = sorted(present - set(listed))
    missing = sorted(set(listed) - present)
    if duplicates or unlisted or missing:
        raise RuntimeError(
            f"sql/{ORDER_FILE} is out of step with sql/: duplicated {duplicates}, "
            f"not listed {unlisted}, listed but absent {missing}"
        )
    return listed


def files() -> list[tuple[str, str]]:
    root = sql_root()
    return [(name, root.joinpath(name).read_text(encoding="utf-8")) for name in load_order()]


# ((sql root, the files' sizes and times), what they declare), of the last look: every command's
# first connection asks, and reading, hashing and parsing the few dozen files costs more than
# looking at their times
_last: tuple[tuple, BuiltFrom] | None = None


@dataclass(frozen=True)
class BuiltFrom:
    files: list[tuple[str, str]]  # (name, text) in load order
    version: str  # content_version()
    views: frozenset[str]  # the views they create
    objects: frozenset[str]  # the views and macros


def _stamps(folder: str, suffixes: tuple[str, ...], into: list) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                if entry.name != "__pycache__":
                    _stamps(entry.path, suffixes, into)
            elif entry.name.endswith(suffixes):
                st = entry.stat()
                into.append((entry.path, st.st_size, st.st_mtime_ns))


def _stamp(root: Traversable) -> tuple | None:
    """What changes when a view file or a reference CSV does (None where they are not plain files)."""
    if not isinstance(root, Path):
        return None
    stamps: list = []
    try:
        _stamps(str(root), (".sql", ".txt"), stamps)
        _stamps(str(reference.REFERENCE_DIR), (".csv",), stamps)
    except OSError:
        return None
    return tuple(sorted(stamps))


def built_from() -> BuiltFrom:
    """files(), their content_version() and what they declare, remembered while no file changes."""
    global _last
    root = sql_root()
    stamp = _stamp(root)
    key = (str(root), stamp)
    if stamp is not None and _last is not None and _last[0] == key:
        return _last[1]
    view_files = files()
    found = BuiltFrom(
        view_files,
        content_version(view_files),
        frozenset(declared_objects(view_files, macros=False)),
        frozenset(declared_objects(view_files)),
    )
    if stamp is not None:
        _last = (key, found)
    return found


def content_version(view_files: list[tuple[str, str]] | None = None) -> str:
    """A digest of sql/ (in load order) and of the reference CSVs: what the derived part is built from."""
    digest = hashlib.sha256()
    for name, text in view_files if view_files is not None else files():
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    for name, data in reference.csv_contents():
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:16]


def declared_objects(view_files: list[tuple[str, str]] | None = None, *, macros: bool = True) -> set[str]:
    kinds = ("VIEW", "MACRO") if macros else ("VIEW",)
    return {name for _, text in (view_files or files()) for kind, name in _CREATES.findall(text) if kind in kinds}


def present_objects(con: duckdb.DuckDBPyConnection, *, macros: bool = True) -> set[str]:
    # duckdb_functions() lists every built-in function too (about 20 ms a call): the routine check of
    # every command looks at the views only (a macro dropped by hand is found by `collector refresh`)
    # (the store's own: the process's DuckDB instance may have other stores attached)
    sql = "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database()"
    if macros:
        sql += (
            " UNION SELECT function_name FROM duckdb_functions() "
            "WHERE function_type IN ('macro', 'table_macro') AND database_name = current_database()"
        )
    return {r[0] for r in con.execute(sql).fetchall()}


def _missing(con: duckdb.DuckDBPyConnection, built: BuiltFrom, thorough: bool) -> set[str]:
    return set(built.objects if thorough else built.views) - present_objects(con, macros=thorough)


def state(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    try:
        row = con.execute("SELECT value FROM internal.store_state WHERE name = ?", [name]).fetchone()
    except duckdb.CatalogException:  # a file of an older schema, opened read-only (not migrated)
        return None
    return row[0] if row else None


def set_state(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO internal.store_state VALUES (?, ?)", [name, value])


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the views and reference tables were built from this collector's sql/ and CSVs."""
    built = built_from()
    return state(con, "views_version") == built.version and not _missing(con, built, False)


def refresh(con: duckdb.DuckDBPyConnection, *, force: bool = False, thorough: bool = False) -> bool:
    """Reload the reference tables and (re)create every view and macro, in one transaction, when what
    they are built from changed, a view is missing (`thorough`: a macro too), or `force`. Returns whether
    anything was done."""
    built = built_from()
    view_files, version = built.files, built.version
    if not force and state(con, "views_version") == version and not _missing(con, built, thorough):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        reference.load_into(con)
        for name, text in view_files:
            try:
                con.execute(text)
            except duckdb.Error as exc:
                # A broken view file is a bug in this collector, but say which file, not only DuckDB's words.
                raise CollectorError(f"sql/{name}: cannot create the view: {' '.join(str(exc).split())}") from exc
        set_state(con, "views_version", version)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True
