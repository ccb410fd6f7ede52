"""Standing promises of the project: the README's two commands, CI, documented commands, reference data."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from collector import reference as refdata
from collector.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix: str = "collector") -> list[str]:
    names = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        full = f"{prefix} {name}"
        if isinstance(command, click.Group):
            names.extend(_commands(command, full))
        else:
            names.append(full)
    return names


def test_ci_runs_the_readme_test_command_exactly():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    ci = [line for line in lines if line and not line.startswith(("#", "set ", "cd "))]
    assert ci == ["bash scripts/check"]
    readme = (ROOT / "README.md").read_text()
    command = "python3 -m venv .venv && .venv/bin/pip install -q -r requirements.lock -e . && bash scripts/check"
    assert f"```sh\n{command}\n```" in readme
    # the script sets itself up on a fresh machine and ends with the suite
    script = (ROOT / "scripts" / "check").read_text()
    assert "python3 -m venv .venv" in script and "pip install -q -r requirements.lock" in script
    assert script.rstrip().splitlines()[-1].startswith(".venv/bin/python -m pytest")


def test_every_command_is_documented_with_help_and_example():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    text = "".join(path.read_text() for path in documents)
    commands = _commands(cli)
    assert "collector collect hf" in commands
    for command in commands:
        assert f"`{command}" in text, f"{command} is documented neither in README.md nor in docs/"
    for command in commands:
        group = cli
        for part in command.split()[1:]:
            group = group.get_command(click.Context(group), part)
        assert group.help and "Example:" in group.help, f"{command} has no example in its help"


def test_lock_file_is_url_free_and_pins_exactly():
    text = (ROOT / "requirements.lock").read_text()
    assert not re.search(r"https?://", text)
    pins = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert pins and all("==" in p for p in pins)
    assert "duckdb==1.5.5" in pins


def test_reference_data_is_valid():
    data = refdata.load()
    namespaces = {r["namespace"] for r in data["hf_namespaces.csv"]}
    assert {"deepseek-ai", "Qwen", "zai-org", "meta-llama", "moonshotai", "MiniMaxAI", "XiaomiMiMo"} <= namespaces
    assert any(r["organisation"] == "unknown" for r in data["organisations.csv"])


def test_reference_validator_reports_path_and_line(tmp_path, run):
    for spec in refdata.TABLES:
        (tmp_path / spec.file).write_text((refdata.REFERENCE_DIR / spec.file).read_text())
    with (tmp_path / "hf_namespaces.csv").open("a") as fh:
        fh.write("bad ns!,Nobody,developer,maybe\n")
    lines = (tmp_path / "hf_namespaces.csv").read_text().count("\n")
    with pytest.raises(Exception) as info:
        refdata.load(tmp_path)
    message = str(info.value)
    assert f"hf_namespaces.csv:{lines}: namespace not a valid Hub namespace" in message
    assert f"hf_namespaces.csv:{lines}: collect must be one of yes, no" in message
    assert f"hf_namespaces.csv:{lines}: organisation 'Nobody' is not in organisations.csv" in message
    result = run("reference", "check", "--dir", str(tmp_path))
    assert result.code == 2 and f"hf_namespaces.csv:{lines}:" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("namespace", ["THUDM", "CohereForAI"])
def test_aliases_point_to_collected_namespaces(namespace):
    aliases = {r["old_namespace"]: r["new_namespace"] for r in refdata.load()["hf_aliases.csv"]}
    assert aliases[namespace] in refdata.hf_namespaces_to_collect()
