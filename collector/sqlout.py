"""`collector sql`: one read-only query, printed as a table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import click
import duckdb

from collector import store
from collector.errors import CollectorError


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)  # JSON readers lose precision past 2^53: keep exact integers as text
    return value


def run(db: Path, query: str, fmt: str) -> None:
    with store.reader(db) as con:
        try:
            cursor = con.execute(query)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            if "read-only" in first.lower():
                first = "the store is opened read-only here: `collector sql` only reads (" + first + ")"
            raise CollectorError(f"query failed: {first}") from exc
        if cursor.description is None:
            return
        header = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
    elif fmt == "json":
        click.echo(json.dumps([{k: _plain(v) for k, v in zip(header, row)} for row in rows], indent=2, default=str))
    else:
        widths = [max([len(h)] + [len(str(_plain(v))) for v in col]) for h, col in zip(header, zip(*rows) if rows else [[]] * len(header))]
        click.echo("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        click.echo("  ".join("-" * w for w in widths))
        for row in rows:
            click.echo("  ".join(("" if v is None else str(_plain(v))).ljust(w) for v, w in zip(row, widths)))
        click.echo(f"({len(rows)} rows)")
