"""The report page: one self-contained HTML file (styles, Vega's JavaScript and the data inlined;
nothing is loaded from the network), readable on a laptop and a phone. A section per claim: its
statement, source and date, its rows and verdicts, and the charts of the data behind it."""

from __future__ import annotations

import html
import importlib.metadata
import json
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from collector.core import clock, settings
from collector.core.weeks import week_label, week_start
from collector.outputs.report import charts
from collector.outputs.report.data import ReportData, gather
from collector.store import Store

# The bundle's globals (vegaEmbed, vegaLite, vega), for the page's own script to call
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vegaLite = vegaLite; window.vega = vega;"


def _cache_dir() -> Path:
    configured = settings.get("COLLECTOR_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "collector"


def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (under 1 MB), for the Vega-Lite version Altair
    writes. vl-convert builds it in about 6 s, so it is kept in the cache folder (keyed by both
    versions) and rebuilt only when missing; an unwritable cache only costs the time."""
    import altair as alt
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.split(".")[:2])
    path = _cache_dir() / f"vega-bundle-{version}-vlc{importlib.metadata.version('vl-convert-python')}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle(BUNDLE_SNIPPET, vl_version=version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".vega-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(bundle)
        os.replace(tmp, path)  # several processes may race: each writes whole files
    except OSError:
        pass
    return bundle


@dataclass
class ReportResult:
    path: Path
    bytes: int
    claims: int
    charts: int
    empty_charts: int
    seconds: float


def _dated(data: ReportData, claim_id: str) -> date | None:
    ref = data.reference.filter(data.reference["claim_id"] == claim_id)
    if ref.is_empty() or ref["dated"][0] is None:
        return None
    value = ref["dated"][0]
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def charts_for(data: ReportData, claim_id: str) -> list[charts.Chart]:
    """The charts behind a claim (none for a claim without a time series, e.g. a parameter count)."""
    day = _dated(data, claim_id)
    hub_as_of, or_as_of = data.hub_as_of, data.openrouter_as_of
    s = data.series
    if claim_id == "llama_1b_downloads":
        return [
            charts.hub_history(
                "llama",
                s["llama"],
                title="Llama family: all-time Hub downloads",
                measure="downloads_all_time",
                unit="all-time downloads (count)",
                threshold=1e9,
                threshold_label="1 billion (the claim)",
                claim_date=day,
                as_of=hub_as_of,
            )
        ]
    if claim_id == "hf_cn_540m_downloads":
        return [
            charts.hub_history(
                "china_hub",
                s["china_hub"],
                title="Models made in China: all-time Hub downloads",
                measure="downloads_all_time",
                unit="all-time downloads (count)",
                threshold=540e6,
                threshold_label="540 million (the claim)",
                claim_date=day,
                as_of=hub_as_of,
            )
        ]
    if claim_id == "qwen_overtakes_llama":
        both = [
            f.filter(pl.col("scope") == "with derivatives").with_columns(scope=pl.lit(f"{name}, with derivatives"))
            for name, f in (("Qwen", s["qwen"]), ("Llama", s["llama"]))
            if f.height
        ]
        frame = pl.concat(both) if both else s["qwen"]
        return [
            charts.hub_history(
                "qwen_llama",
                frame,
                title="Qwen against Llama: 30-day Hub downloads, with derivatives",
                measure="downloads_30d",
                unit="30-day downloads (count)",
                threshold=0,
                threshold_label="",
                claim_date=day,
                as_of=hub_as_of,
            )
        ]
    if claim_id == "openrouter_cn_7_of_top20":
        return [
            charts.weekly_counts(
                "or_top20",
                s["or_top20"],
                title="OpenRouter's top 20 models by tokens: how many are made in China",
                unit="models in the top 20 (count)",
                threshold=7,
                threshold_label="7 (the claim)",
                claim_week=week_label(week_start(day)) if day else None,
                as_of=or_as_of,
            )
        ]
    if claim_id == "openrouter_cn_4_of_top10_programming":
        return [
            charts.weekly_counts(
                "or_programming_top10",
                s["or_programming_top10"],
                title="OpenRouter's programming top 10 (sampled estimate): how many are made in China",
                unit="models in the top 10 (count)",
                threshold=4,
                threshold_label="4 (the claim)",
                claim_week=week_label(week_start(day)) if day else None,
                as_of=or_as_of,
            )
        ]
    if claim_id == "cn_41_of_top100":
        return [charts.hub_top100_share(s["hub_top100"], threshold=41, claim_date=day, as_of=hub_as_of)]
    if claim_id == "deepseek_40x_cheaper":
        return [charts.price_ratios(s["prices"], threshold=40, as_of=or_as_of)]
    if claim_id == "article_models_open_on_hf":
        return [charts.first_releases(s["article_models"], claim_date=day, as_of=hub_as_of)]
    return []


STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.2em;margin:0 0 .2em}
.meta,.source{color:#555;font-size:.9em}
section.claim{background:#fff;border:1px solid #ddd;border-radius:8px;padding:14px 16px;margin:16px 0}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.6em 0}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
.scroll{overflow-x:auto}
.verdict{font-weight:600;white-space:nowrap}
.supported{color:#1e7b34}.refuted{color:#b3261e}.inconclusive{color:#8a6d00}
.chart{width:100%;min-height:200px;margin:.8em 0}
.empty{border:1px dashed #bbb;padding:12px;color:#555;border-radius:6px}
details{font-size:.88em;color:#333}
@media (max-width:640px){body{font-size:14px}main{padding:8px}th,td{padding:3px}
.rows thead{display:none}
.rows tr{display:flex;flex-wrap:wrap;gap:0 .8em;border-bottom:1px solid #ddd;padding:6px 0}
.rows td{display:block;border:0;padding:1px 0}
.rows td.verdict{order:-2}.rows td.when,.rows td.data_date{order:-1}
.rows td.scope,.rows td.measured,.rows td.expected,.rows td.as_of{flex-basis:100%}
.rows td.labelled::before{content:attr(data-label) ": ";color:#777}.rows td.labelled:empty{display:none}}
"""
# On a phone each row of a claim's table is a small card (verdict, when and date first, then one line
# each for what was measured, expected, the scope and the time of the data) instead of seven columns
# that would not fit: no column hidden off the screen to the right.
LABELLED = ("measured", "expected", "scope", "as_of")

ROW_COLUMNS = ("when", "scope", "data_date", "measured", "expected", "verdict", "as_of")


def _cell(value: Any) -> str:
    return "" if value is None else html.escape(str(value))


def _claim_section(data: ReportData, claim: dict, rows: list[dict], claim_charts: list[charts.Chart]) -> str:
    columns = [c for c in ROW_COLUMNS if rows and c in rows[0]]
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in columns)
    body = []
    for r in rows:
        cells = []
        for c in columns:
            label = html.escape(c.replace("_", " "))
            if c == "verdict":
                cells.append(f'<td class="verdict {_cell(r[c])}">{_cell(r[c])}</td>')
            elif c in LABELLED:
                cells.append(f'<td class="{c} labelled" data-label="{label}">{_cell(r[c])}</td>')
            else:
                cells.append(f'<td class="{c}">{_cell(r[c])}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    details = "".join(
        f"<li><b>{_cell(r.get('scope'))}</b>: {_cell(r.get('detail'))}</li>" for r in rows if r.get("detail")
    )
    parts = [
        f'<section class="claim" id="{_cell(claim["claim_id"])}">',
        f"<h2>{_cell(claim.get('statement'))}</h2>",
        f'<p class="meta">Source: {_cell(claim.get("source"))}'
        + (f' (<a href="{_cell(claim["link"])}">link</a>)' if claim.get("link") else "")
        + f" · claim dated {_cell(claim.get('dated'))} · id <code>{_cell(claim['claim_id'])}</code></p>",
        f'<div class="scroll"><table class="rows"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
        if rows
        else '<p class="empty">No rows for this claim.</p>',
        f"<details><summary>Why each verdict</summary><ul>{details}</ul></details>" if details else "",
    ]
    for chart in claim_charts:
        if chart.spec is None:
            parts.append(
                f'<div class="empty chart-empty" data-chart="{chart.key}"><b>{_cell(chart.title)}</b><br>'
                f"{_cell(chart.empty)}<br><span class=source>{_cell(chart.source)}</span></div>"
            )
        else:
            parts.append(f'<div class="chart" id="chart-{chart.key}" data-chart="{chart.key}"></div>')
            parts.append(f'<p class="source">{_cell(chart.source)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def render(data: ReportData) -> tuple[str, int, int]:
    """The page's HTML, the number of charts drawn and of charts with nothing to draw."""
    sections, specs, empty = [], {}, 0
    claims_rows = data.claims.to_dicts()
    for claim in data.reference.to_dicts():
        rows = [r for r in claims_rows if r["claim_id"] == claim["claim_id"]]
        claim_charts = charts_for(data, claim["claim_id"])
        for chart in claim_charts:
            if chart.spec is None:
                empty += 1
            else:
                specs[chart.key] = chart.spec
        sections.append(_claim_section(data, claim, rows, claim_charts))
    little = (
        f"<p class=meta>This store holds {data.hub_days} Hub snapshot day{'s' if data.hub_days != 1 else ''} and "
        f"{data.openrouter_weeks} OpenRouter week{'s' if data.openrouter_weeks != 1 else ''}: with little history the "
        "charts show what there is; `collector import hub-stats` brings the Hub's past.</p>"
        if data.hub_days < 30 or data.openrouter_weeks < 8
        else ""
    )
    as_of = data.as_of.isoformat() if data.as_of else "everything stored"
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>collector: the claims and the data behind them</title>
<style>{STYLE}</style>
<script>{vega_bundle()}</script>
</head><body><main>
<h1>The claims and the data behind them</h1>
<p class="meta">Data known on: {html.escape(as_of)} · generated {clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")} ·
Hugging Face as of {_cell(data.hub_as_of) or "none"} · OpenRouter as of {_cell(data.openrouter_as_of) or "none"}</p>
<p class="meta">A verdict answers the claim within its row's scope: <b>supported</b> or <b>refuted</b> only when the
data of the row's date decide it under every reading of what is unknown, otherwise <b>inconclusive</b>.
OpenRouter figures: Source: OpenRouter (openrouter.ai/rankings), as of {_cell(data.openrouter_as_of) or "n/a"}.
{charts.OPENROUTER_LICENCE}</p>
{little}
{"".join(sections)}
</main>
<script>
const specs = {_script_json(specs)};
// Vega draws a title line as one line: wrap the title and the subtitle (the source line) to the chart's
// width, measured in the font Vega draws them in, so that a phone's narrow chart cuts none of them.
const measure = document.createElement("canvas").getContext("2d");
function wrapLines(lines, font, room) {{
  measure.font = font;
  const out = [];
  for (const line of [].concat(lines || [])) {{
    let current = "";
    for (const word of String(line).split(" ")) {{
      const next = current ? current + " " + word : word;
      if (current && measure.measureText(next).width > room) {{ out.push(current); current = word; }}
      else current = next;
    }}
    out.push(current);
  }}
  return out;
}}
function fitTitle(spec, width) {{
  const t = spec.title;
  if (!t || typeof t !== "object") return spec;
  const room = Math.max(120, width - 16);  // the view's padding on both sides, and a margin
  t.text = wrapLines(t.text, `bold ${{t.fontSize || 13}}px sans-serif`, room);
  if (t.subtitle) t.subtitle = wrapLines(t.subtitle, `${{t.subtitleFontSize || 11}}px sans-serif`, room);
  return spec;
}}
Promise.all(Object.entries(specs).map(([key, spec]) => {{
  const target = document.getElementById("chart-" + key);
  return vegaEmbed(target, fitTitle(spec, target.clientWidth), {{actions: false, renderer: "svg"}});
}})).then(() => {{ document.body.dataset.ready = "1"; }},
        (error) => {{ console.error(error); document.body.dataset.ready = "error"; }});
</script>
</body></html>
"""
    return page, len(specs), empty


def write_report(store: Store, out: Path, as_of: date | None = None) -> ReportResult:
    """Write the page to `out` atomically (a reader never sees half a page)."""
    started = time.monotonic()
    data = gather(store, as_of)
    page, drawn, empty = render(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}-", dir=out.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(page)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, out)
    return ReportResult(out, out.stat().st_size, data.reference.height, drawn, empty, time.monotonic() - started)
