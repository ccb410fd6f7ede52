"""The reference CSVs the attribution views and claims read: validation errors as `path:line: problem`."""

from __future__ import annotations

import pytest

from collector import reference as refdata
from collector.core.errors import ConfigError


@pytest.fixture
def refdir(tmp_path):
    folder = tmp_path / "reference"
    folder.mkdir()
    for spec in refdata.TABLES:
        (folder / spec.file).write_text((refdata.REFERENCE_DIR / spec.file).read_text())
    return folder


def append(folder, name, line):
    path = folder / name
    with path.open("a") as fh:
        fh.write(line + "\n")
    return path.read_text().count("\n")


@pytest.mark.parametrize(
    "name, line, problem",
    [
        ("families.csv", "Qwen,Alibaba,Qwen,(?i)(qwen,", "id_pattern is not a valid regular expression"),
        ("families.csv", "Qwen,Alibaba,Qwen,(?i)qwen(?!-vl),", "id_pattern uses look-around or a back-reference"),
        ("families.csv", "Qwen,Nobody Inc,Qwen,(?i)^qwen3,", "organisation 'Nobody Inc' is not in organisations.csv"),
        ("families.csv", "Qwen,Alibaba,not-listed,(?i)^qwen3,", "namespace 'not-listed' is not in hf_namespaces.csv"),
        ("families.csv", "Llama,Meta,meta-llama,(?i)llama,", "duplicate namespace/id_pattern 'meta-llama'"),
        (
            "claims.csv",
            "new_claim,threshold,Something,(a),news,,2025-02-30,7 days,subject=family:Qwen; metric=downloads_30d; op=>; value=1,",
            "dated must be a date YYYY-MM-DD, got '2025-02-30'",
        ),
        (
            "claims.csv",
            "Bad-Id,threshold,Something,(a),news,,2025-02-01,7 days,subject=family:Qwen; metric=downloads_30d; op=>; value=1,",
            "claim_id not a valid claim id",
        ),
        (
            "claims.csv",
            "new_claim,guess,Something,(a),news,,2025-02-01,7 days,value=1,",
            "kind must be one of threshold, count_top_k, ratio, a_vs_b, published_with_weights, top_maker, got 'guess'",
        ),
        (
            "claims.csv",
            "new_claim,threshold,Something,(a),news,,2025-02-01,7 days,subject=family:Qwen; op=>; value=1,",
            "params lacks metric= (kind threshold needs subject, metric, op, value)",
        ),
        (
            "claims.csv",
            "new_claim,threshold,Something,(a),news,,2025-02-01,7 days,subject=family:Qwen; metric=likes; op=>; value=1,",
            "params metric='likes' is not a valid value for metric",
        ),
        (
            "claims.csv",
            "new_claim,threshold,Something,(a),news,,2025-02-01,a fortnight,subject=family:Qwen; metric=downloads_30d; op=>; value=1,",
            "tolerance not a valid tolerance ('N days', 'ISO week' or 'any'): 'a fortnight'",
        ),
        (
            "claims.csv",
            "new_claim,threshold,Something,(a),news,example.org,2025-02-01,7 days,subject=family:Qwen; metric=downloads_30d; op=>; value=1,",
            "link not a valid link (http:// or https://): 'example.org'",
        ),
        (
            "claims.csv",
            "new_claim,threshold,Something,(a),news,,2025-02-01,7 days,subject=family:Nobody; metric=downloads_30d; op=>; value=1,",
            "params subject family 'Nobody' is not in families.csv",
        ),
        ("article_models.csv", "Foo,e,Qwen,(?i)^foo,", "source must be one of a, b, c, d, got 'e'"),
        ("article_models.csv", "Bar,c,NoSuchOrg,(?i)^bar,", "namespace 'NoSuchOrg' is not in hf_namespaces.csv"),
        (
            "claim_price_pairs.csv",
            "openai/o1,deepseek/deepseek-r1,",
            "deepseek_model not a valid DeepSeek OpenRouter id",
        ),
        ("hf_language_pipeline_tags.csv", "Text Generation,", "pipeline_tag not a valid pipeline tag"),
    ],
)
def test_bad_rows_reported_with_path_and_line(refdir, name, line, problem):
    line_no = append(refdir, name, line)
    with pytest.raises(ConfigError) as info:
        refdata.load(refdir)
    assert f"{refdir / name}:{line_no}: {problem}" in str(info.value)


def test_wrong_header_reported_on_line_1(refdir):
    (refdir / "families.csv").write_text("family,namespace\nQwen,Qwen\n")
    with pytest.raises(ConfigError) as info:
        refdata.load(refdir)
    assert f"{refdir / 'families.csv'}:1: header must be family,organisation,namespace,id_pattern,note" in str(
        info.value
    )


def test_reference_check_command_reports_new_files(run, refdir):
    line_no = append(refdir, "families.csv", "Qwen,Alibaba,Qwen,(?i)(,")
    result = run("reference", "check", "--dir", str(refdir))
    assert result.code == 2 and f"families.csv:{line_no}: id_pattern" in result.err and "Traceback" not in result.err


def test_every_family_pattern_compiles_in_duckdb_and_matches_its_examples():
    import duckdb

    con = duckdb.connect()
    families = refdata.load()["families.csv"]
    for row in families:
        con.execute("SELECT regexp_matches('x', ?)", [row["id_pattern"]]).fetchall()
    examples = {
        "Llama": ("meta-llama", "Llama-3.1-8B-Instruct"),
        "Qwen": ("Qwen", "QwQ-32B"),
        "GLM": ("zai-org", "GLM-4.5-Air"),
        "CogView": ("zai-org", "CogView4-6B"),
        "MiMo": ("XiaomiMiMo", "MiMo-7B-RL"),
        "gpt-oss": ("openai", "gpt-oss-20b"),
        "Gemma": ("google", "t5gemma-2b-2b-ul2"),
        "Phi": ("microsoft", "Phi-4-mini-instruct"),
        "Kimi": ("moonshotai", "Kimi-K2-Instruct"),
        "ERNIE": ("baidu", "ERNIE-4.5-21B-A3B-PT"),
    }
    for family, (namespace, repo) in examples.items():
        matches = sorted(
            (
                (len(r["id_pattern"]), r["family"])
                for r in families
                if r["namespace"] == namespace
                and con.execute("SELECT regexp_matches(?, ?)", [repo, r["id_pattern"]]).fetchone()[0]
            ),
            reverse=True,
        )
        assert matches and matches[0][1] == family, (family, repo, matches)


def test_the_documented_claim_line_is_valid(refdir):
    """docs/claims.md shows how to add a claim with one CSV line: that line must pass the validator."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "claims.md").read_text()
    (line,) = re.findall(r"```csv\n(.+?)\n```", doc)
    append(refdir, "claims.csv", line)
    rows = refdata.load(refdir)["claims.csv"]
    assert rows[-1]["claim_id"] == "qwen_1b_downloads" and rows[-1]["kind"] == "threshold"
    assert refdata.parse_params(rows[-1]["params"])["subject"] == "family:Qwen"


def test_a_missing_file_is_named_without_a_line(run, refdir, db):
    (refdir / "families.csv").unlink()
    result = run("reference", "check", "--dir", str(refdir))
    assert result.code == 2 and result.err.startswith(f"error: {refdir / 'families.csv'}: no such file\n")
    orgs = run("--db", str(db), "collect", "hf", "--orgs", "nosuchfile", "--top", "0")
    assert orgs.code == 2 and orgs.err == "error: --orgs nosuchfile: no such file\n"
