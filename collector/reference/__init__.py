"""Curated reference data (the CSV files beside this module): loading, validation, and copying into
the `ref.*` tables (made by migration 0005) so that SQL views (and any DuckDB client) can join them.

Validation errors read `path:line: what is wrong`, one per problem, all reported at once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from collector.core.errors import ConfigError

REFERENCE_DIR = Path(__file__).resolve().parent
_NAMESPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _one_of(*allowed: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if value in allowed else f"must be one of {', '.join(allowed)}, got {value!r}"

    return check


def _matches(pattern: re.Pattern, what: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if pattern.match(value) else f"not a valid {what}: {value!r}"

    return check


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


# Patterns are applied by DuckDB (RE2) in the views, and checked here with Python's `re`: allow only
# what both engines read the same way (no look-around, no back-references).
_NOT_RE2 = re.compile(r"\(\?[=!<]|\\[1-9]")


def _regex(value: str) -> str | None:
    if _NOT_RE2.search(value):
        return f"uses look-around or a back-reference, which DuckDB's regular expressions (RE2) lack: {value!r}"
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a valid regular expression ({exc}): {value!r}"
    return None


def _iso_date(value: str) -> str | None:
    try:
        if len(value) != 10:
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        return f"must be a date YYYY-MM-DD, got {value!r}"
    return None


# Claim kinds and the parameters each needs (params: `key=value` pairs separated by `;`). The macros
# of sql/claims/ read them; a key a kind does not know is a mistake worth reporting.
CLAIM_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required keys, optional keys)
    "threshold": (("subject", "metric", "op", "value"), ("models",)),
    "count_top_k": (("list", "k", "count", "country"), ("apps", "openrouter_k")),
    "ratio": (("metric", "value"), ("a", "b", "low", "high", "op", "pairs")),
    "a_vs_b": (("a", "b", "metric", "op"), ()),
    "published_with_weights": (("models",), ()),
    "top_maker": (("list", "maker"), ()),
}
_TOLERANCE = re.compile(r"^(\d+ days?|ISO week|any)$")
_PARAM_VALUES = {
    "subject": re.compile(r"^(family|organisation|country):\S.*$"),
    "a": re.compile(r"^\S.*$"),
    "b": re.compile(r"^\S.*$"),
    "metric": re.compile(r"^(downloads_all_time|downloads_30d|safetensors_params|openrouter_price)$"),
    "op": re.compile(r"^(>=|>)$"),
    "value": re.compile(r"^\d+(\.\d+)?$"),
    "low": re.compile(r"^\d+(\.\d+)?$"),
    "high": re.compile(r"^\d+(\.\d+)?$"),
    "k": re.compile(r"^[1-9]\d*$"),
    "count": re.compile(r"^\d+$"),
    "openrouter_k": re.compile(r"^[1-9]\d*$"),
    "models": re.compile(r"^[a-z_.,]+$"),
    "list": re.compile(r"^(openrouter:[a-z-]+|hf:[a-z_]+)(,(openrouter:[a-z-]+|hf:[a-z_]+))*$"),
}


def parse_params(value: str) -> dict[str, str]:
    """`key=value; key=value` as a dict (the SQL side reads it with claim_param)."""
    out: dict[str, str] = {}
    for part in value.split(";"):
        if part.strip():
            key, _, val = part.partition("=")
            out[key.strip()] = val.strip()
    return out


def _params(value: str) -> str | None:
    for part in value.split(";"):
        if part.strip() and "=" not in part:
            return f"must be key=value pairs separated by ';', got {part.strip()!r}"
    for key, val in parse_params(value).items():
        if key in _PARAM_VALUES and not _PARAM_VALUES[key].match(val):
            return f"{key}={val!r} is not a valid value for {key}"
    return None


def _claim_problems(row: dict[str, str]) -> list[str]:
    """Parameters a claim's kind needs but lacks, or does not know."""
    if row.get("kind") not in CLAIM_KINDS or not row.get("params"):
        return []
    required, optional = CLAIM_KINDS[row["kind"]]
    params = parse_params(row["params"])
    problems = [
        f"params lacks {key}= (kind {row['kind']} needs {', '.join(required)})" for key in required if key not in params
    ]
    problems += [
        f"params has {key}=, which kind {row['kind']} does not read (it reads {', '.join(required + optional)})"
        for key in params
        if key not in required + optional
    ]
    return problems


@dataclass(frozen=True)
class RefTable:
    file: str
    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    checks: dict[str, Callable[[str], str | None]] = field(default_factory=dict)
    optional: tuple[str, ...] = ()
    # column -> (other file, its column): the value must exist there
    references: dict[str, tuple[str, str]] = field(default_factory=dict)
    # a column of the ref table (not of the file) holding each row's position in the file (1, 2, ...)
    numbered: str | None = None


TABLES: tuple[RefTable, ...] = (
    RefTable(
        "organisations.csv",
        "ref.organisations",
        ("organisation", "country", "note"),
        ("organisation",),
        {"organisation": _non_empty, "country": _non_empty},
        optional=("note",),
    ),
    RefTable(
        "hf_namespaces.csv",
        "ref.hf_namespaces",
        ("namespace", "organisation", "role", "collect"),
        ("namespace",),
        {
            "namespace": _matches(_NAMESPACE, "Hub namespace"),
            "role": _one_of("developer", "repackager", "community"),
            "collect": _one_of("yes", "no"),
        },
        references={"organisation": ("organisations.csv", "organisation")},
    ),
    RefTable(
        "hf_aliases.csv",
        "ref.hf_aliases",
        ("old_namespace", "new_namespace", "note"),
        ("old_namespace",),
        {
            "old_namespace": _matches(_NAMESPACE, "Hub namespace"),
            "new_namespace": _matches(_NAMESPACE, "Hub namespace"),
        },
        optional=("note",),
        references={"new_namespace": ("hf_namespaces.csv", "namespace")},
    ),
    RefTable(
        "openrouter_authors.csv",
        "ref.openrouter_authors",
        ("author", "organisation", "note"),
        ("author",),
        {"author": _matches(_SLUG, "OpenRouter author slug")},
        optional=("note",),
        references={"organisation": ("organisations.csv", "organisation")},
    ),
    # How a first-party model of a family is recognised: its (current) namespace and a pattern on the
    # repo name. Derivatives reach a family through lineage (see sql/hf/hf_model_family.sql).
    RefTable(
        "families.csv",
        "ref.families",
        ("family", "organisation", "namespace", "id_pattern", "note"),
        ("namespace", "id_pattern"),
        {"family": _non_empty, "namespace": _matches(_NAMESPACE, "Hub namespace"), "id_pattern": _regex},
        optional=("note",),
        references={
            "organisation": ("organisations.csv", "organisation"),
            "namespace": ("hf_namespaces.csv", "namespace"),
        },
    ),
    # Pipeline tags counted as language models in the "language models only" scope.
    RefTable(
        "hf_language_pipeline_tags.csv",
        "ref.hf_language_pipeline_tags",
        ("pipeline_tag", "note"),
        ("pipeline_tag",),
        {"pipeline_tag": _matches(_SLUG, "pipeline tag")},
        optional=("note",),
    ),
    # The claims the report tests, as data: each names a kind (one SQL macro per kind, sql/claims/), its
    # parameters, the article (outlet, link), the date the claim speaks of and the tolerance within
    # which data count as "at that date" (see docs/claims.md). Parameters are checked per kind below.
    RefTable(
        "claims.csv",
        "ref.claims",
        ("claim_id", "kind", "statement", "source", "outlet", "link", "dated", "tolerance", "params", "note"),
        ("claim_id",),
        {
            "claim_id": _matches(re.compile(r"^[a-z][a-z0-9_]*$"), "claim id"),
            "kind": _one_of(*CLAIM_KINDS),
            "statement": _non_empty,
            "source": _non_empty,
            "link": _matches(re.compile(r"^https?://\S+$"), "link (http:// or https://)"),
            "dated": _iso_date,
            "tolerance": _matches(_TOLERANCE, "tolerance ('N days', 'ISO week' or 'any')"),
            "params": _params,
        },
        optional=("outlet", "link", "note"),
        numbered="claim_no",
    ),
    # Claim 9: the models the articles present as open, and how to find their repos on the Hub.
    RefTable(
        "article_models.csv",
        "ref.article_models",
        ("model", "source", "namespace", "id_pattern", "note"),
        ("model",),
        {
            "source": _one_of("a", "b", "c", "d"),
            "namespace": _matches(_NAMESPACE, "Hub namespace"),
            "id_pattern": _regex,
        },
        optional=("note",),
        references={"namespace": ("hf_namespaces.csv", "namespace")},
    ),
    # Claim 7: the DeepSeek / OpenAI pairs whose catalog prices are compared (OpenRouter model ids).
    RefTable(
        "claim_price_pairs.csv",
        "ref.claim_price_pairs",
        ("deepseek_model", "openai_model", "note"),
        ("deepseek_model", "openai_model"),
        {
            "deepseek_model": _matches(re.compile(r"^deepseek/[a-z0-9._-]+$"), "DeepSeek OpenRouter id"),
            "openai_model": _matches(re.compile(r"^openai/[a-z0-9._-]+$"), "OpenAI OpenRouter id"),
        },
        optional=("note",),
    ),
)


def read_table(spec: RefTable, directory: Path = REFERENCE_DIR) -> tuple[list[dict[str, str]], list[str]]:
    """Rows and `path:line: problem` strings for one file (no cross-file checks)."""
    path = directory / spec.file
    errors: list[str] = []
    rows: list[dict[str, str]] = []
    if not path.exists():
        return rows, [f"{path}: no such file"]
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return rows, [f"{path}:1: empty file, expected header {','.join(spec.columns)}"]
        header = [h.strip() for h in header]
        if tuple(header) != spec.columns:
            return rows, [f"{path}:1: header must be {','.join(spec.columns)}, got {','.join(header)}"]
        seen: dict[tuple[str, ...], int] = {}
        for line_no, raw in enumerate(reader, start=2):
            if not raw or all(not cell.strip() for cell in raw):
                continue
            if len(raw) != len(spec.columns):
                errors.append(f"{path}:{line_no}: expected {len(spec.columns)} fields, got {len(raw)}")
                continue
            row = {col: cell.strip() for col, cell in zip(spec.columns, raw, strict=False)}
            for col in spec.columns:
                if not row[col] and col not in spec.optional:
                    errors.append(f"{path}:{line_no}: {col} is empty")
                elif row[col] and col in spec.checks and (problem := spec.checks[col](row[col])):
                    errors.append(f"{path}:{line_no}: {col} {problem}")
            key = tuple(row[k].lower() for k in spec.key)
            if key in seen:
                errors.append(
                    f"{path}:{line_no}: duplicate {'/'.join(spec.key)} {row[spec.key[0]]!r} (first on line {seen[key]})"
                )
            else:
                seen[key] = line_no
            if spec.file == "claims.csv":
                errors.extend(f"{path}:{line_no}: {problem}" for problem in _claim_problems(row))
            row["_line"] = str(line_no)
            rows.append(row)
    return rows, errors


def load(directory: Path = REFERENCE_DIR) -> dict[str, list[dict[str, str]]]:
    """Every reference table, validated; raises ConfigError listing every problem."""
    data: dict[str, list[dict[str, str]]] = {}
    errors: list[str] = []
    for spec in TABLES:
        rows, problems = read_table(spec, directory)
        data[spec.file] = rows
        errors.extend(problems)
    for spec in TABLES:
        for col, (other_file, other_col) in spec.references.items():
            known = {r[other_col] for r in data.get(other_file, [])}
            for row in data[spec.file]:
                if row[col] and row[col] not in known:
                    errors.append(f"{directory / spec.file}:{row['_line']}: {col} {row[col]!r} is not in {other_file}")
    errors.extend(_claim_subject_problems(data, directory))
    if errors:
        raise ConfigError("\n".join(errors))
    return data


def _claim_subject_problems(data: dict[str, list[dict[str, str]]], directory: Path) -> list[str]:
    """A claim's subject (subject=, a=, b=) must name a family, organisation or country the other
    reference files know: a misspelt one would otherwise measure nothing, silently."""
    known = {
        "family": ({r["family"] for r in data.get("families.csv", [])}, "families.csv"),
        "organisation": ({r["organisation"] for r in data.get("organisations.csv", [])}, "organisations.csv"),
        "country": ({r["country"] for r in data.get("organisations.csv", [])}, "organisations.csv"),
    }
    problems = []
    for row in data.get("claims.csv", []):
        params = parse_params(row.get("params", ""))
        if row.get("kind") == "top_maker" and params.get("maker") and params["maker"] not in known["organisation"][0]:
            problems.append(
                f"{directory / 'claims.csv'}:{row['_line']}: params maker {params['maker']!r} is not in organisations.csv"
            )
        for key in ("subject", "a", "b") if row.get("kind") in ("threshold", "a_vs_b") else ():
            kind, _, name = params.get(key, "").partition(":")
            if not name:
                continue
            if kind not in known or (row["kind"] == "a_vs_b" and kind != "family"):
                problems.append(
                    f"{directory / 'claims.csv'}:{row['_line']}: params {key} must be family:<name>"
                    + ("" if row["kind"] == "a_vs_b" else ", organisation:<name> or country:<name>")
                )
            elif name not in known[kind][0]:
                problems.append(
                    f"{directory / 'claims.csv'}:{row['_line']}: params {key} {kind} {name!r} is not in {known[kind][1]}"
                )
    return problems


def load_into(con: duckdb.DuckDBPyConnection, directory: Path = REFERENCE_DIR) -> None:
    """Replace the rows of the ref.* tables with the validated CSVs (the caller holds the transaction)."""
    data = load(directory)
    for spec in TABLES:
        con.execute(f"DELETE FROM {spec.table}")
        # One Arrow table per file: executemany costs ~0.15 s a connection.
        import pyarrow as pa  # only when the tables are loaded (most commands never do)

        columns = {c: pa.array([r[c] or None for r in data[spec.file]], pa.string()) for c in spec.columns}
        if spec.numbered:
            columns[spec.numbered] = pa.array(range(1, len(data[spec.file]) + 1), pa.int32())
        rows = pa.table(columns)
        con.register("reference_rows", rows)
        try:
            con.execute(f"INSERT INTO {spec.table} ({', '.join(columns)}) SELECT * FROM reference_rows")
        finally:
            con.unregister("reference_rows")


def csv_contents(directory: Path = REFERENCE_DIR) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every reference CSV, for the store's content digest."""
    return [(spec.file, (directory / spec.file).read_bytes()) for spec in TABLES if (directory / spec.file).exists()]


def hf_namespaces_to_collect(directory: Path = REFERENCE_DIR, path: Path | None = None) -> list[str]:
    """Namespaces whose `collect` is yes, from the reference CSV or a user's file of the same shape."""
    if path is None:
        rows = load(directory)["hf_namespaces.csv"]
    else:
        if not path.is_file():  # the user's --orgs, named as they gave it
            raise ConfigError(f"--orgs {path}: no such file")
        spec = next(t for t in TABLES if t.file == "hf_namespaces.csv")
        custom = RefTable(path.name, spec.table, spec.columns, spec.key, spec.checks, spec.optional)
        rows, problems = read_table(custom, path.parent)
        if problems:
            raise ConfigError("\n".join(problems))
    return [r["namespace"] for r in rows if r["collect"] == "yes"]
