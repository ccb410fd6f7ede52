"""The documents stay true: every command, view and environment variable is documented, links resolve,
and the generated blocks of docs/ are what scripts/gen_docs.py writes now."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from collector.cli import cli
from collector.core import settings
from tests.test_project import _commands

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REGENERATE = "run `.venv/bin/python scripts/gen_docs.py` and commit the result"


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_docs = _gen_docs()


commands = _commands  # the walk of every CLI command, shared with test_project


def documents() -> dict[Path, str]:
    """README.md, docs/*.md and the sources' READMEs."""
    paths = [ROOT / "README.md", *sorted(DOCS.glob("*.md")), *sorted((ROOT / "collector").rglob("README.md"))]
    return {path: path.read_text(encoding="utf-8") for path in paths}


@pytest.fixture(scope="module")
def catalog():
    """(views, macros) of a freshly prepared store, as scripts/gen_docs.py reads them."""
    return gen_docs.store_catalog()


def test_docs_exist():
    for name in ("sources", "store", "claims", "operations", "configuration", "benchmarks", "development"):
        assert (DOCS / f"{name}.md").is_file(), f"docs/{name}.md is missing"


def test_every_command_is_documented_in_readme_or_docs():
    text = (ROOT / "README.md").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))
    )
    found = commands(cli)
    assert "collector collect hf" in found and "collector collect openrouter" in found
    missing = [c for c in found if f"`{c}" not in text]
    assert not missing, f"commands documented neither in README.md nor in docs/: {missing}"


def test_every_view_is_in_store_md(catalog):
    views, _macros = catalog
    assert len(views) > 10
    text = (DOCS / "store.md").read_text(encoding="utf-8")
    missing = [name for name, _ in views if f"`{name}`" not in text]
    assert not missing, f"views missing from docs/store.md: {missing}; {REGENERATE}"


def test_every_setting_is_in_configuration_md():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = [s.name for s in settings.SETTINGS if f"`{s.name}`" not in text]
    assert not missing, f"environment variables missing from docs/configuration.md: {missing}; {REGENERATE}"


def test_generated_blocks_are_current(catalog):
    views, macros = catalog
    blocks = {
        "configuration": settings.markdown_table,
        "views": lambda: gen_docs.views_table(views),
        "macros": lambda: gen_docs.macros_table(macros),
    }
    assert set(blocks) == set(gen_docs.generators()), "a block of scripts/gen_docs.py is not checked here"
    used = set()
    for path in gen_docs.doc_files():
        text = path.read_text(encoding="utf-8")
        used |= {m.group("name") for m in gen_docs.BLOCK.finditer(text)}
        assert gen_docs.render(text, blocks, str(path)) == text, (
            f"{path.relative_to(ROOT)} is out of date: {REGENERATE}"
        )
    assert {"configuration", "views"} <= used


def test_generated_blocks_are_rewritten_in_place():
    blocks = {"configuration": lambda: "| new |\n"}
    text = "intro\n<!-- generated: configuration -->\n| old |\n<!-- end -->\noutro\n"
    assert gen_docs.render(text, blocks) == "intro\n<!-- generated: configuration -->\n| new |\n<!-- end -->\noutro\n"
    with pytest.raises(SystemExit, match="unknown generated block 'nope'"):
        gen_docs.render("<!-- generated: nope -->\n<!-- end -->", blocks, "x.md")


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_relative_links_resolve():
    broken = []
    for path, text in documents().items():
        for target in _LINK.findall(text):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            file = target.split("#", 1)[0]
            if not (path.parent / file).exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert not broken, f"links to no file: {broken}"


def test_readme_stays_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 155, f"README.md has {lines} lines (about 150 at most): move details to docs/"


def test_every_test_the_fault_matrix_names_exists():
    """The fault matrix of docs/operations.md promises a test per row: each named test must exist."""
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    matrix = text.split("## Fault matrix", 1)[1]
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", matrix)
    assert len(named) >= 10
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M)
    ]
    assert not missing, f"the fault matrix names tests that do not exist: {missing}"
