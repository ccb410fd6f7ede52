"""The HTML report (`collector report`), tested the way a person sees it: opened offline in headless
Chromium (Debian's package; scripts/check installs it when missing), with no console error, every
claim on the page, every chart drawn with a size, and the citations present. The screenshot is kept
in .artifacts/ for a person to look at."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import call_cli, isolate, query
from tests.seed import seeded, shared_template

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / ".artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    "--disable-background-networking",  # no calls home: the machine's network is closed anyway
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def history(db: Path) -> Path:
    """A store with a little history behind every chart: Hub days around the claims' dates, three
    OpenRouter weeks (the claim's week among them) and a partial one, a catalog with a price pair."""
    with seeded(db) as s:
        days = ["2025-02-10", "2025-03-10", "2025-03-24", "2025-06-01", "2025-10-27", "2025-11-03"]
        for i, day in enumerate(days):
            s.hf_snapshot(
                day,
                "author:meta-llama",
                [
                    ("meta-llama/Llama-3.1-8B", 10_000 + i, 500_000_000 + i * 120_000_000),
                    ("meta-llama/Llama-2-7b-hf", 5, 300_000_000 + i * 10_000_000),
                ],
            )
            s.hf_snapshot(day, "author:Qwen", [("Qwen/Qwen2.5-7B", 8_000 + i * 3_000, 200_000_000 + i * 80_000_000)])
            s.hf_snapshot(
                day,
                "top_downloads:100",
                [(f"Qwen/m{j}" if j % 3 == 0 else f"meta-llama/x{j}", 1_000 - j, 10_000) for j in range(100)],
            )
        for week, chinese in (("2025-10-13", 6), ("2025-10-20", 7), ("2025-10-27", 8)):
            s.or_week(week, [(f"qwen/q{j}" if j < chinese else f"openai/o{j}", 1_000 - j) for j in range(20)])
        s.or_pull(
            period="day",
            start="2025-11-03",
            end="2025-11-04",
            rows=[("2025-11-03", "qwen/q1", 5), ("2025-11-04", "qwen/q1", 5)],
        )
        s.or_catalog(
            "2025-11-05",
            [
                {
                    "id": "deepseek/deepseek-r1",
                    "canonical_slug": "deepseek/deepseek-r1",
                    "prompt": "0.00000055",
                    "completion": "0.00000219",
                },
                {"id": "openai/o1", "canonical_slug": "openai/o1", "prompt": "0.000015", "completion": "0.00006"},
            ],
        )
    return db


CUT_TEXTS = """svgs => svgs.flatMap(svg => {
    const box = svg.getBoundingClientRect();
    const out = [];
    if (box.left < 0 || box.right > window.innerWidth) out.push(`svg ${box.left}..${box.right}`);
    for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) {
            out.push(`${svg.closest('.chart').dataset.chart}: "${t.textContent}" ${Math.round(r.left)}..${Math.round(r.right)}`
                     + ` outside ${Math.round(box.left)}..${Math.round(box.right)}`);
        }
    }
    return out;
})"""


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module's pages (each page gets a context of its own)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (scripts/check installs Debian's package when it can)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser, page_path: Path, screenshot: Path | None = None, width: int = 1280) -> dict:
    """Load the page offline in Chromium; what a person would see, as data."""
    problems: list[str] = []
    requests: list[str] = []
    context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(page_path.as_uri())
        page.wait_for_function("document.body.dataset.ready", timeout=20_000)
        seen = {
            "ready": page.evaluate("document.body.dataset.ready"),
            "text": page.inner_text("body"),
            "sections": page.eval_on_selector_all("section.claim", "es => es.map(e => e.id)"),
            "charts": page.eval_on_selector_all(
                ".chart",
                "es => es.map(e => { const g = e.querySelector('svg'); const r = g ? g.getBoundingClientRect() "
                ": {width: 0, height: 0}; return [e.dataset.chart, r.width, r.height]; })",
            ),
            "page_width": page.evaluate("document.documentElement.scrollWidth"),
            "viewport_width": page.evaluate("window.innerWidth"),
            # what a chart would cut: each text of its svg (title, subtitle, axis labels, legend)
            # sticking out of the svg's box, or a chart wider than the screen
            "cut": page.eval_on_selector_all(".chart svg", CUT_TEXTS),
            # the right edge of each verdict cell: on a phone, none is hidden in a box scrolled sideways
            "verdict_right": page.eval_on_selector_all(
                "td.verdict", "es => es.map(e => e.getBoundingClientRect().right)"
            ),
        }
        if screenshot:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    seen["problems"] = problems
    seen["requests"] = requests
    return seen


@dataclass
class Report:
    db: Path  # a copy of the history store (read it; copy it again to write)
    page: Path
    code: int
    err: str


@pytest.fixture(scope="module")
def history_report(tmp_path_factory) -> Report:
    """`collector report` run once per module on a copy of the history store (built once per session):
    the tests below read the same page in different ways."""
    template = shared_template(tmp_path_factory, "report-history", history)
    folder = tmp_path_factory.mktemp("history-report")
    db = folder / "adoption.duckdb"
    shutil.copyfile(template, db)
    page = folder / "report.html"
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(err):
        isolate(mp, folder)
        code = call_cli("--db", str(db), "report", "--out", str(page))
    return Report(db, page, code, err.getvalue())


def test_the_page_in_a_real_browser(history_report, browser):
    assert history_report.code == 0, history_report.err
    assert "6 charts" in history_report.err  # + qwq (no series) and article models (no repo seeded): said, not drawn
    seen = open_page(browser, history_report.page, ARTIFACTS / "report.png")
    assert seen["ready"] == "1"
    assert seen["problems"] == [] and seen["requests"] == []
    assert seen["cut"] == []
    claim_ids = [r[0] for r in query(history_report.db, "SELECT claim_id FROM ref.claims")]
    assert sorted(seen["sections"]) == sorted(claim_ids)
    drawn = {key: (w, h) for key, w, h in seen["charts"]}
    assert set(drawn) == {"llama", "china_hub", "or_top20", "hub_top100", "prices", "qwen_llama"}
    assert all(w > 300 and h > 150 for w, h in drawn.values()), drawn
    text = seen["text"]
    assert "Source: OpenRouter (openrouter.ai/rankings), as of 2025-11-05T01:00:00Z." in text
    assert "CC BY 4.0" in text
    assert "2025-W45 (partial)" in text  # the partial week is labelled, not drawn as a full one
    assert "2025-W44 · claim" in text  # the claim's week is marked
    assert "1 billion (the claim)" in text and "claim: 2025-03-18" in text
    assert "Source: Hugging Face Hub API and hub-stats dumps, as of 2025-11-03T07:00:00Z." in text


def test_the_page_fits_a_phone(history_report, browser):
    assert history_report.code == 0, history_report.err
    seen = open_page(browser, history_report.page, ARTIFACTS / "report-phone.png", width=390)
    assert seen["problems"] == []
    assert seen["page_width"] <= 390  # no sideways scrolling: tables scroll in their own box
    assert len(seen["charts"]) == 6 and all(0 < w <= 390 and h > 150 for _, w, h in seen["charts"])
    assert seen["verdict_right"] and max(seen["verdict_right"]) <= 390  # each row a card, its verdict on screen
    assert seen["cut"] == [], "\n".join(
        seen["cut"]
    )  # no title, subtitle (the source line), axis label or legend cut at the edge
    text = seen["text"]
    assert "Source: OpenRouter (openrouter.ai/rankings), as of 2025-11-05T01:00:00Z." in text
    assert "Source: Hugging Face Hub API and hub-stats dumps, as of 2025-11-03T07:00:00Z." in text
    assert "CC BY 4.0" in text


def test_little_history_says_so_and_still_renders(run, db, tmp_path, browser):
    with seeded(db):
        pass
    out = tmp_path / "report.html"
    result = run("--db", str(db), "report", "--out", str(out))
    assert result.code == 0, result.err
    assert "0 charts" in result.err and "with nothing to draw yet" in result.err
    seen = open_page(browser, out)
    assert seen["ready"] == "1" and seen["problems"] == []
    assert "This store holds 0 Hub snapshot days and 0 OpenRouter weeks" in seen["text"]
    assert "collector import hub-stats" in seen["text"]


def test_the_file_is_self_contained_and_the_specs_valid(history_report):
    import altair as alt

    from collector.outputs.report import data, page
    from collector.store import Store

    assert history_report.code == 0, history_report.err
    out, db = history_report.page, history_report.db
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import|url\(http", html)
    assert out.stat().st_size < 2_000_000
    report = data.gather(Store(db), None)
    for claim in report.reference["claim_id"]:
        for chart in page.charts_for(report, claim):
            if chart.spec is not None:
                alt.LayerChart.from_dict(chart.spec)  # raises on a spec Vega-Lite would reject
                # the series is named data, its rows in `datasets`, each with only what a mark or a
                # tooltip reads (a year of days repeats every column 365 times on the page)
                rows = chart.spec["datasets"][chart.key]
                assert len(rows) == chart.points or chart.key == "or_top20"  # a row per kind of bar
                assert not any("coverage" in r or "citation" in r for r in rows)
        if claim == "openrouter_cn_7_of_top20":  # a year of weeks: labels thinned, the claim's week a rule
            layers = page.charts_for(report, claim)[0].spec["layer"]
            assert layers[0]["encoding"]["x"]["axis"]["labelOverlap"] == "greedy"
            rules = [la for la in layers if la["mark"]["type"] == "rule" and "week" in str(la["encoding"].get("x"))]
            assert len(rules) == 1


def test_as_of_keeps_later_data_out(run, db, tmp_path, history_report):
    from collector.outputs.report import data
    from collector.store import Store

    shutil.copyfile(history_report.db, db)
    from datetime import date

    report = data.gather(Store(db), date(2025, 3, 20))
    assert max(report.series["llama"]["snapshot_date"]) == date(2025, 3, 10)
    assert report.series["or_top20"].is_empty() and report.series["prices"]["ratio"].drop_nulls().is_empty()
    out = tmp_path / "early.html"
    assert run("--db", str(db), "report", "--as-of", "2025-03-20", "--out", str(out)).code == 0
    assert "Data known on: 2025-03-20" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--as-of", "2025-13-01"], "--as-of"),
        (["--as-of", "soon"], "--as-of"),
        (["--as-of", "2026-05-02"], "--as-of 2026-05-02 is after today (2026-05-01 UTC)"),
    ],
)
def test_bad_arguments_are_one_line(run, db, args, message):
    with seeded(db):
        pass
    result = run("--db", str(db), "report", *args)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1
