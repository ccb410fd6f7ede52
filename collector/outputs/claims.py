"""The claims report: fetch the rows of the `claims_at` macro (sql/claims/claims_at.sql) and format them.

Every number comes from SQL, so `collector claims` and a DuckDB client querying the `claims` view
read the same rows; this module only parses the arguments and lays the rows out.
"""

from __future__ import annotations

import logging
import re
import shutil
import textwrap
from datetime import date

import duckdb

from collector.core.errors import CollectorError
from collector.outputs import formats
from collector.store import Store, scalar, views

log = logging.getLogger(__name__)

COLUMNS = (
    "claim_id",
    "statement",
    "source",
    "dated",
    "when",
    "scope",
    "data_date",
    "measured",
    "measured_value",
    "expected",
    "expected_value",
    "unit",
    "verdict",
    "as_of",
    "citation",
    "detail",
)
NUMERIC = ("measured_value", "expected_value")  # numbers (or NULL) a spreadsheet can use
DATES = ("dated", "data_date")
FORMATS = formats.FORMATS


def fetch(store: Store, as_of: date | None = None, week: date | None = None) -> list[dict]:
    """The report's rows, read through a read-only connection (views are made by the refresh step)."""
    with store.sandbox() as con:
        has_macro = scalar(
            con,
            "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'claims_at' AND function_type = 'table_macro'",
        )
        if not has_macro:
            raise CollectorError(
                f"database {store.path} has no claims views yet: run `collector refresh` (or any collect command) "
                "with this version first"
            )
        if views.state(con, "rollups_version") != views.state(con, "views_version") and scalar(
            con, "SELECT count(*) FROM hf_snapshots"
        ):
            log.warning(
                "the Hub roll-ups in %s were computed with other views or reference data (or not yet): "
                "`collector refresh` recomputes them",
                store.path,
            )
        if not views.is_current(con):
            log.warning(
                "the views in %s were built by another collector version: `collector refresh` rebuilds them", store.path
            )
        columns = ", ".join(f'"{c}"' for c in COLUMNS)  # `when` is an SQL keyword
        result = con.execute(f"SELECT {columns} FROM claims_at(?, ?)", [as_of, week])
        return [
            {c: _number(v) if c in NUMERIC else v for c, v in zip(COLUMNS, row, strict=True)}
            for row in result.fetchall()
        ]


def _number(value: float | None) -> float | int | None:
    """A count stays a count in CSV and JSON ('7', not '7.0'); a ratio keeps its fraction."""
    if value is not None and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def context(store: Store) -> dict:
    """What the table says once instead of per row or needs beside the rows: each claim's link
    (ref.claims) and the Hub coverage sentences (claim_hf_days) that the rows' details repeat."""
    links: dict[str, str] = {}
    coverage: list[str] = []
    with store.sandbox() as con:
        try:
            links = dict(con.execute("SELECT claim_id, link FROM ref.claims WHERE link IS NOT NULL").fetchall())
            coverage = [
                c
                for (c,) in con.execute(
                    "SELECT DISTINCT coverage FROM claim_hf_days WHERE coverage IS NOT NULL"
                ).fetchall()
            ]
        except duckdb.Error as exc:  # views of another version (fetch warned): the rows still print, whole
            log.debug("no links or coverage sentences for the table: %s", exc)
    return {"links": links, "coverage": coverage}


def render(
    rows: list[dict],
    fmt: str,
    width: int | None = None,
    detail: bool = False,
    all_rows: bool = False,
    links: dict[str, str] | None = None,
    coverage: list[str] | None = None,
) -> str:
    """The rows in `fmt`. The table folds a claim's many scopes into a line per `when` unless
    `all_rows` or `detail`; `links` (claim_id: URL) and `coverage` (sentences said once, not per row)
    come from `context()`. Every other format carries every row and column."""
    if fmt == "table":
        table = Table(width or shutil.get_terminal_size((110, 24)).columns, detail, all_rows or detail, links, coverage)
        return table.render(rows)
    return formats.render(COLUMNS, [[row[c] for c in COLUMNS] for row in rows], fmt)


FOLD_ABOVE = 4  # a claim with more rows than this for one `when` gets one summary line for them
VERDICTS = ("supported", "refuted", "inconclusive")
_SEPARATOR = re.compile(r"(; |, )")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _when(row: dict) -> str:
    return "at date" if row["when"] == "at_claim_date" else row["when"].replace("_", " ")


def _scope(row: dict) -> str:
    """The scope without what the row's line already says (the data's date, the week's Monday)."""
    scope = (row["scope"] or "").replace("Hugging Face Hub; ", "Hub; ")
    day = formats.plain(row["data_date"])
    scope = re.sub(r" on \d{4}-\d{2}-\d{2}$", "", scope)
    if day:
        scope = re.sub(rf"week of {day} \((\d{{4}}-W\d\d)\)", r"\1", scope)
    return scope


def _factor(scopes: list[str]) -> tuple[str, list[str]]:
    """The parts every scope of a claim shares, said once in the claim's header (`Hub; …; all-time
    downloads`), and what is left of each: what tells its rows apart. Scopes are split at `; ` and `, `."""
    if len(set(scopes)) == 1:
        return scopes[0], [""] * len(scopes)
    parts = [_SEPARATOR.split(s) for s in scopes]  # text, separator, text, ...
    lead = 0  # whole (text, separator) pairs shared at the start
    while all(len(p) > lead + 2 for p in parts) and len({tuple(p[lead : lead + 2]) for p in parts}) == 1:
        lead += 2
    trail = 0  # whole (separator, text) pairs shared at the end
    while all(len(p) - lead > trail + 2 for p in parts) and len({tuple(p[len(p) - trail - 2 :]) for p in parts}) == 1:
        trail += 2
    if not lead and not trail:
        return "", scopes
    rest = ["".join(p[lead : len(p) - trail]) for p in parts]
    template = "".join(parts[0][:lead]) + "…" + "".join(parts[0][len(parts[0]) - trail :])
    return template, rest


def _label(scope: str) -> str:
    """A scope named in a folded line: its first words, up to a parenthesis ("MiMo (article (d); ...)")."""
    return re.split(r" \(|; |, ", scope)[0].strip() or scope


class Table:
    """The default `collector claims` output. Per claim: the statement, its source (and link) and date,
    what every row of the claim shares (expected, common scope), then one line per row: verdict, when,
    the data's date, measured, and what tells the row apart. A claim with more than FOLD_ABOVE rows for
    one `when` (one per model, one per price pair) gets one line for them with the counts per verdict
    and the scopes of each, unless `all_rows`. `detail` adds each row's reasons under it. What rows
    repeat is said once at the end: the citation lines and, with `detail`, the Hub coverage sentences
    that the reasons of every Hub row would otherwise repeat."""

    def __init__(
        self,
        width: int,
        detail: bool = False,
        all_rows: bool = False,
        links: dict[str, str] | None = None,
        coverage: list[str] | None = None,
    ):
        self.width = max(60, min(width, 160))
        self.detail = detail
        self.all_rows = all_rows or detail
        self.links = links or {}
        self.coverage = sorted(coverage or [], key=len, reverse=True)  # the longest first: none is cut by another
        self.coverage_said: list[str] = []
        self.folded = [0, 0]  # rows folded, lines they took

    def wrap(self, text: str, indent: int = 4) -> list[str]:
        return textwrap.wrap(text, self.width, subsequent_indent=" " * indent, break_on_hyphens=False) or [""]

    def render(self, rows: list[dict]) -> str:
        out: list[str] = []
        claims: dict[str, list[dict]] = {}
        for row in rows:
            claims.setdefault(row["claim_id"], []).append(row)
        for claim_rows in claims.values():
            if out:
                out.append("")
            out += self.claim(claim_rows)
        counts = ", ".join(f"{sum(r['verdict'] == v for r in rows)} {v}" for v in VERDICTS)
        out += ["", f"{len(rows)} rows: {counts}"]
        if self.folded[0]:
            out.append(
                f"{self.folded[0]} of them in {self.folded[1]} summary lines (a claim's many scopes at one date)"
            )
        if self.detail:  # the coverage sentences the rows' reasons share, once
            out += [line for c in self.coverage_said for line in self.wrap(f"Hub data: {c}.", indent=2)]
        out += self.citations(rows)
        if not self.detail:
            out.append(
                "Every row: collector claims --all-rows; with its reasons and what its scope leaves out: --detail"
                if self.folded[0]
                else "Each row's reasons, and what its scope leaves out: collector claims --detail"
            )
        return "\n".join(out) + "\n"

    def citations(self, rows: list[dict]) -> list[str]:
        """Each citation line once; when the source's as_of differs between rows (OpenRouter's catalog
        and rankings pulled at other times), each line says which claims it is for."""
        cited: dict[str, list[str]] = {}
        for r in rows:
            if r["citation"] and r["claim_id"] not in cited.setdefault(r["citation"], []):
                cited[r["citation"]].append(r["claim_id"])
        sources = [c.split(", as of ")[0] for c in cited]
        shared = {s for s in sources if sources.count(s) > 1}
        out: list[str] = []
        for c, ids in sorted(cited.items()):
            if c.split(", as of ")[0] in shared:
                out += self.wrap(f"{c} [for {', '.join(ids)}]", indent=2)
            else:
                out.append(_fit(c, self.width))
        return out

    def claim(self, rows: list[dict]) -> list[str]:
        first = rows[0]
        out = self.wrap(f"{first['claim_id']}: {first['statement']}")
        link = self.links.get(first["claim_id"])
        source = f"  source: {first['source']}{f' {link}' if link else ''} · dated\0{formats.plain(first['dated'])}"
        out += [line.replace("\0", " ") for line in self.wrap(source)]  # "dated" stays with its date
        expected = {r["expected"] for r in rows}
        common = expected.pop() if len(expected) == 1 else None
        template, scopes = _factor([_scope(r) for r in rows])
        shared = [f"expected {common}"] if common else []
        shared += [f"scope {template}"] if template else []
        if shared:
            out += self.wrap("  " + " · ".join(shared))
        by_when: dict[str, list[tuple[dict, str]]] = {}
        for row, scope in zip(rows, scopes, strict=True):
            by_when.setdefault(row["when"], []).append((row, scope))
        folded = {w for w, group in by_when.items() if len(group) > FOLD_ABOVE and not self.all_rows}
        said: set[str] = set()
        for row, scope in zip(rows, scopes, strict=True):
            if row["when"] in folded:
                if row["when"] not in said:
                    said.add(row["when"])
                    out.append(self.summary(by_when[row["when"]]))
                    self.folded[0] += len(by_when[row["when"]])
                    self.folded[1] += 1
                self.note_coverage(row)
                continue
            out += self.row(row, scope, None if common else row["expected"])
        return out

    def row(self, row: dict, scope: str, expected: str | None) -> list[str]:
        measured = row["measured"] if row["measured"] is not None else "-"
        line = f"  {row['verdict']:<12} {_when(row):<7} {formats.plain(row['data_date']) or '-':<10} {measured}"
        line += f" (expected {expected})" if expected else ""
        line += f" · {scope}" if scope else ""
        out = textwrap.wrap(line, self.width, subsequent_indent=" " * 34, break_on_hyphens=False)
        reasons = self.note_coverage(row)
        if self.detail and reasons:
            out += textwrap.wrap(reasons, self.width, initial_indent=" " * 4, subsequent_indent=" " * 4)
        return out

    def note_coverage(self, row: dict) -> str:
        """The row's reasons without the coverage sentences, which are said once, at the end."""
        text = row["detail"] or ""
        for sentence in self.coverage:
            if f"{sentence}." in text:
                text = text.replace(f" {sentence}.", "").replace(f"{sentence}.", "")
                if sentence not in self.coverage_said:
                    self.coverage_said.append(sentence)
        return text.strip()

    def summary(self, group: list[tuple[dict, str]]) -> str:
        """One line for many rows of a claim at one `when`: the count per verdict, each with its scopes
        (and a short measured figure: `input 27.3x, output 27.4x`); names are dropped from the largest group first when the
        line is too long."""
        rows = [row for row, _ in group]
        days = sorted({formats.plain(r["data_date"]) for r in rows if r["data_date"] is not None})
        day = days[0] if len(days) == 1 else "various" if days else "-"
        names = {
            v: [
                _label(s) + (f" {r['measured']}" if 0 < len(r["measured"] or "") <= 24 else "")
                for r, s in group
                if r["verdict"] == v
            ]
            for v in VERDICTS
        }
        present = [v for v in VERDICTS if names[v]]
        shown = {v: len(names[v]) for v in present}
        head = f"  {f'{len(rows)} scopes':<12} {_when(rows[0]):<7} {day:<10} "

        def line() -> str:
            parts = []
            for v in present:
                listed = names[v][: shown[v]]
                more = len(names[v]) - shown[v]
                listed += [f"+{more} more"] if listed and more else []
                parts.append(f"{len(names[v])} {v}" + (f" ({', '.join(listed)})" if listed else ""))
            return head + ", ".join(parts)

        for v in sorted(present, key=lambda v: -len(names[v])):  # the largest group's names go first
            while len(line()) > self.width and shown[v] > 0:
                shown[v] -= 1
        return _fit(line(), self.width)
