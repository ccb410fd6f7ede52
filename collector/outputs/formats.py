"""One formatter for every command that prints rows (`sql`, `claims`): a plain table, CSV, JSON or
Markdown, with values made plain (ISO dates, exact decimals, integers past 2^53 as text in JSON)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from collector.core.errors import ConfigError

FORMATS = ("table", "csv", "json", "markdown")


def parse_format(value: str, allowed: Sequence[str] = FORMATS) -> str:
    if value not in allowed:
        raise ConfigError(f"--format {value!r}: expected one of {', '.join(allowed)}")
    return value


def iso_duration(value: timedelta) -> str:
    """An interval as ISO 8601 ('P1DT2H3M4.5S'; negative as '-P...')."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    seconds = value.seconds + value.microseconds / 1e6
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{n:g}{unit}" for n, unit in ((int(hours), "H"), (int(minutes), "M"), (round(secs, 6), "S")) if n)
    text = (f"{value.days}D" if value.days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text or '0D'}"


def plain(value: Any) -> Any:
    """A value as text or a JSON-safe number: ISO dates and intervals, exact decimals (never in
    exponent form), integers past 2^53 as text, and infinities / NaN as text (JSON has none)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)  # JSON readers lose precision past 2^53: keep exact integers as text
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(plain(value))


def render(header: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[_text(v) for v in row] for row in rows])
        return out.getvalue()
    if fmt == "json":
        records = [{k: plain(v) for k, v in zip(header, row, strict=True)} for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"
    if fmt == "markdown":

        def cell(value: Any) -> str:
            return _text(value).replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    columns = list(zip(*rows, strict=False)) if rows else [() for _ in header]
    widths = [max([len(h)] + [len(_text(v)) for v in col]) for h, col in zip(header, columns, strict=False)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(_text(v).ljust(w) for v, w in zip(row, widths, strict=False)).rstrip() for row in rows]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"
