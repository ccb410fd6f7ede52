"""Rewrite the generated blocks of docs/*.md from the code and a freshly prepared store.

A block is the text between `<!-- generated: NAME -->` and the next `<!-- end -->`; everything else in
the file is left as it is. The blocks:

  * configuration: the environment variable table, from collector.core.settings.markdown_table();
  * views: every view a user can query, with its COMMENT ON VIEW, from a new temporary store;
  * macros: the macros and table macros of sql/, with their COMMENT ON MACRO, from the same store.

    .venv/bin/python scripts/gen_docs.py           # rewrite the blocks in place
    .venv/bin/python scripts/gen_docs.py --check   # exit 1 and name the files that are out of date

tests/test_docs.py fails when a block differs from what this script would write now.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from collector.core import settings  # noqa: E402
from collector.store import Store  # noqa: E402

DOCS = ROOT / "docs"
BLOCK = re.compile(r"(<!-- generated: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- end -->)", re.DOTALL)

VIEWS_SQL = (
    "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY view_name"
)
MACROS_SQL = (
    "SELECT DISTINCT function_name, function_type, comment FROM duckdb_functions() "
    "WHERE NOT internal AND schema_name = 'main' AND function_type IN ('macro', 'table_macro') "
    "ORDER BY function_name"
)


def store_catalog() -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(views, macros) of a freshly prepared temporary store: what every user's store holds."""
    with tempfile.TemporaryDirectory(prefix="collector-docs-") as folder:
        store = Store(Path(folder) / "docs.duckdb")
        store.prepare()
        with store.reader() as con:
            views = [(name, comment or "") for name, comment in con.execute(VIEWS_SQL).fetchall()]
            macros = [(name, kind, comment or "") for name, kind, comment in con.execute(MACROS_SQL).fetchall()]
    return views, macros


def _cell(text: str) -> str:
    """One line of a Markdown table cell: `|` escaped, and `<`, `*` too (read as HTML or emphasis)."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*")


def _what(name: str, comment: str) -> str:
    """The comment without its leading 'name: ' or 'name(args): ' (the table names the object)."""
    comment = " ".join(comment.split())
    if comment.startswith(name):
        rest = comment[len(name) :]
        if rest.startswith(": "):
            return rest[2:]
    return comment


def views_table(views: list[tuple[str, str]]) -> str:
    lines = ["| view | what it answers (its `COMMENT ON VIEW`) |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(_what(name, comment))} |" for name, comment in views]
    return "\n".join(lines) + "\n"


def macros_table(macros: list[tuple[str, str, str]]) -> str:
    lines = ["| macro | kind | what it answers (its `COMMENT ON MACRO`) |", "|---|---|---|"]
    for name, kind, comment in macros:
        kind_text = "table macro" if kind == "table_macro" else "scalar macro"
        lines.append(f"| `{name}` | {kind_text} | {_cell(comment)} |")
    return "\n".join(lines) + "\n"


def generators() -> dict[str, Callable[[], str]]:
    """Block name -> the text it holds. The store is prepared once, on first use."""
    cache: dict[str, tuple] = {}

    def catalog() -> tuple:
        if "catalog" not in cache:
            cache["catalog"] = store_catalog()
        return cache["catalog"]

    return {
        "configuration": settings.markdown_table,
        "views": lambda: views_table(catalog()[0]),
        "macros": lambda: macros_table(catalog()[1]),
    }


def render(text: str, blocks: dict[str, Callable[[], str]], where: str = "") -> str:
    """`text` with every generated block rewritten; an unknown block name is an error."""

    def replace(match: re.Match) -> str:
        name = match.group("name")
        if name not in blocks:
            raise SystemExit(f"{where}: unknown generated block {name!r} (known: {', '.join(blocks)})")
        return match.group(1) + blocks[name]() + match.group(4)

    return BLOCK.sub(replace, text)


def doc_files() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report the files that are out of date")
    args = parser.parse_args(argv)
    blocks = generators()
    stale = []
    for path in doc_files():
        text = path.read_text(encoding="utf-8")
        new = render(text, blocks, str(path.relative_to(ROOT)))
        if new != text:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{path}: {'out of date' if args.check else 'rewritten'}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
