"""One Vega-Lite chart (through Altair) per series behind a claim. Every chart has a title, axis titles
with units, the data dates as points (with a tooltip each), the claim's threshold and date, and its
source line as a subtitle; weekly series are ticked by ISO week, and a partial week is labelled so.
A chart is a plain dict (a Vega-Lite spec), so page.py can inline it and tests can read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import polars as pl

HUB_SOURCE = "Source: Hugging Face Hub API and hub-stats dumps, as of {as_of}."
OPENROUTER_LICENCE = "OpenRouter data: CC BY 4.0 (creativecommons.org/licenses/by/4.0)."
WIDTH = "container"
HEIGHT = 260


@dataclass
class Chart:
    key: str
    title: str
    spec: dict[str, Any] | None  # None: nothing to draw; `empty` says why
    source: str
    empty: str = ""
    points: int = 0


def _records(frame: pl.DataFrame) -> list[dict]:
    """JSON-ready rows: dates as ISO strings (Vega parses them as UTC when told `utc`)."""
    out = []
    for row in frame.iter_rows(named=True):
        out.append({k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()})
    return out


def _subtitle(source: str) -> list[str]:
    """The source line as the chart's subtitle, the licence on a line of its own; the page wraps the
    lines again to the chart's width (a phone's is about 340 px), so that none is cut at the edge."""
    if source.endswith(f" {OPENROUTER_LICENCE}"):
        return [source.removesuffix(f" {OPENROUTER_LICENCE}"), OPENROUTER_LICENCE]
    return [source]


def _titled(
    chart: alt.TopLevelMixin, title: str, source: str, datasets: dict[str, list[dict]] | None = None
) -> dict[str, Any]:
    """The chart as a Vega-Lite spec. A series is named data (`alt.Data(name=...)`) whose rows are put
    into the spec's `datasets` after Altair has written it: Altair walks every value it is given,
    which for a year of daily points took seconds; Vega-Lite reads the same rows either way."""
    spec = chart.properties(
        title=alt.TitleParams(
            title, subtitle=_subtitle(source), anchor="start", subtitleColor="#555", subtitleFontSize=11
        ),
        width=WIDTH,
        height=HEIGHT,
    ).to_dict(validate=False)  # the schema check costs ~0.1 s a chart; tests validate (test_report.py)
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    if datasets:
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def _date_rule(day: date | None, label: str) -> list[alt.Chart]:
    if day is None:
        return []
    base = alt.Chart(alt.Data(values=[{"day": day.isoformat(), "label": label}]))
    return [
        base.mark_rule(color="#b33", strokeDash=[4, 3]).encode(x=alt.X("day:T")),
        base.mark_text(color="#b33", align="left", dx=4, dy=-6, baseline="bottom").encode(
            x=alt.X("day:T"), y=alt.value(12), text="label:N"
        ),
    ]


def _value_rule(value: float, label: str) -> list[alt.Chart]:
    base = alt.Chart(alt.Data(values=[{"v": value, "label": label}]))
    return [
        base.mark_rule(color="#333", strokeDash=[2, 2]).encode(y="v:Q"),
        base.mark_text(align="left", dx=4, dy=-5, color="#333").encode(y="v:Q", x=alt.value(4), text="label:N"),
    ]


def hub_history(
    key: str,
    frame: pl.DataFrame,
    *,
    title: str,
    measure: str,
    unit: str,
    threshold: float,
    threshold_label: str,
    claim_date: date | None,
    as_of: str | None,
) -> Chart:
    source = HUB_SOURCE.format(as_of=as_of or "n/a")
    if frame.is_empty():
        return Chart(
            key,
            title,
            None,
            source,
            "No Hub snapshot in the store yet for this series: collect "
            "(`collector collect hf`) or import history (`collector import hub-stats`).",
        )
    # what the marks and tooltips use, no more: each column is repeated on every point of the page
    rows = frame.select("snapshot_date", "scope", measure, "as_of").rename({measure: "value"})
    base = alt.Chart(alt.Data(name=key))
    line = base.mark_line(point=alt.OverlayMarkDef(size=30)).encode(
        x=alt.X("snapshot_date:T", title="snapshot day (UTC)", axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30)),
        y=alt.Y("value:Q", title=unit, axis=alt.Axis(format="~s")),
        color=alt.Color("scope:N", title="scope", legend=alt.Legend(orient="bottom")),
        tooltip=[
            alt.Tooltip("snapshot_date:T", title="day", format="%Y-%m-%d"),
            alt.Tooltip("scope:N"),
            alt.Tooltip("value:Q", title=unit, format=","),
            alt.Tooltip("as_of:N", title="as of"),
        ],
    )
    rule = _value_rule(threshold, threshold_label) if threshold_label else []  # a comparison has no line to cross
    layers = [line, *rule, *_date_rule(claim_date, f"claim: {claim_date}")]
    spec = _titled(alt.layer(*layers), title, source, {key: _records(rows)})
    return Chart(key, title, spec, source, points=rows.height)


def weekly_counts(
    key: str,
    frame: pl.DataFrame,
    *,
    title: str,
    unit: str,
    threshold: float,
    threshold_label: str,
    claim_week: str | None,
    as_of: str | None,
    licence: bool = True,
) -> Chart:
    citation = frame["citation"].drop_nulls()[-1] if frame.height and frame["citation"].drop_nulls().len() else None
    source = citation or f"Source: OpenRouter (openrouter.ai/rankings), as of {as_of or 'n/a'}."
    source = f"{source} {OPENROUTER_LICENCE}" if licence else source
    if frame.is_empty():
        return Chart(
            key,
            title,
            None,
            source,
            "No OpenRouter ranking of this kind in the store yet: "
            "`collector collect openrouter` backfills the weeks the API serves.",
        )
    rows = []
    for r in frame.iter_rows(named=True):
        label = r["week"] + ("" if r["complete"] else " (partial)") + (" · claim" if r["week"] == claim_week else "")
        rows.append(
            {
                "week": label,
                "order": r["week"],
                "count": r["in_country"],
                "kind": "made in China",
                "complete": "complete week" if r["complete"] else "partial week",
                "as_of": r["as_of"],
            }
        )
        if r["unknown"]:
            rows.append(
                {
                    "week": label,
                    "order": r["week"],
                    "count": r["unknown"],
                    "kind": "maker unknown",
                    "complete": "complete week" if r["complete"] else "partial week",
                    "as_of": r["as_of"],
                }
            )
    weeks = sorted({(r["order"], r["week"]) for r in rows})
    base = alt.Chart(alt.Data(name=key))
    bars = base.mark_bar().encode(
        # a year of weeks has more labels than a phone (or a laptop) has room for: overlapping ones are
        # left out (every week keeps its bar and its tooltip), and the claim's week gets a rule of its own
        x=alt.X(
            "week:O", title="ISO week", sort=[w for _, w in weeks], axis=alt.Axis(labelAngle=-45, labelOverlap="greedy")
        ),
        y=alt.Y("count:Q", title=unit, stack="zero"),
        color=alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(domain=["made in China", "maker unknown"], range=["#c0392b", "#bbb"]),
            legend=alt.Legend(orient="bottom", direction="vertical"),  # two legends side by side fit a phone
        ),
        opacity=alt.Opacity(
            "complete:O",
            title=None,
            scale=alt.Scale(domain=["complete week", "partial week"], range=[1.0, 0.35]),
            legend=alt.Legend(orient="bottom", direction="vertical"),
        ),
        tooltip=["week:N", "kind:N", "count:Q", "complete:N", alt.Tooltip("as_of:N", title="as of")],
    )
    layers: list[Any] = [bars, *_value_rule(threshold, threshold_label)]  # the claim's week: "· claim" in its label
    marked = [w for _, w in weeks if w.endswith(" · claim")]
    if marked:
        claim = alt.Chart(alt.Data(values=[{"week": marked[0], "label": "claim"}]))
        x = alt.X("week:O", sort=[w for _, w in weeks])
        layers += [
            claim.mark_rule(color="#b33", strokeDash=[4, 3]).encode(x=x),
            claim.mark_text(color="#b33", align="left", dx=4, baseline="top").encode(
                x=x, y=alt.value(2), text="label:N"
            ),
        ]
    return Chart(key, title, _titled(alt.layer(*layers), title, source, {key: rows}), source, points=frame.height)


def hub_top100_share(frame: pl.DataFrame, *, threshold: float, claim_date: date | None, as_of: str | None) -> Chart:
    title = "Share of the Hub's top 100 models (30-day downloads) made in China"
    source = HUB_SOURCE.format(as_of=as_of or "n/a")
    if frame.is_empty():
        return Chart(
            "hub_top100",
            title,
            None,
            source,
            "No Hub-wide top-100 listing in the store yet: `collector collect hf --top 100` (or more) lists it.",
        )
    rows = [
        {
            "snapshot_date": r["snapshot_date"].isoformat(),
            "share": r["in_country"] / r["listed"] * 100,
            "upper": (r["in_country"] + r["unknown"]) / r["listed"] * 100,
            "in_country": r["in_country"],
            "unknown": r["unknown"],
            "listed": r["listed"],
            "as_of": r["as_of"],
        }
        for r in frame.iter_rows(named=True)
        if r["listed"]
    ]
    base = alt.Chart(alt.Data(name="hub_top100"))
    x = alt.X("snapshot_date:T", title="snapshot day (UTC)", axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30))
    band = base.mark_area(opacity=0.2, color="#c0392b").encode(x=x, y="share:Q", y2="upper:Q")
    line = base.mark_line(point=True, color="#c0392b").encode(
        x=x,
        y=alt.Y("share:Q", title="share of the top 100 (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[
            alt.Tooltip("snapshot_date:T", title="day", format="%Y-%m-%d"),
            "in_country:Q",
            "unknown:Q",
            "listed:Q",
            alt.Tooltip("as_of:N", title="as of"),
        ],
    )
    layers = [
        band,
        line,
        *_value_rule(threshold, f"{threshold:g}% (the claim)"),
        *_date_rule(claim_date, f"claim: {claim_date}"),
    ]
    spec = _titled(alt.layer(*layers), title, source, {"hub_top100": rows})
    return Chart("hub_top100", title, spec, source, points=len(rows))


def price_ratios(frame: pl.DataFrame, *, threshold: float, as_of: str | None) -> Chart:
    title = "OpenAI's price divided by DeepSeek's, per million tokens"
    citation = frame["citation"].drop_nulls()[0] if frame.height and frame["citation"].drop_nulls().len() else None
    source = f"{citation or 'Source: OpenRouter (openrouter.ai/models), as of n/a.'} {OPENROUTER_LICENCE}"
    used = ("pair", "token", "deepseek_usd", "openai_usd", "ratio", "catalog_date")  # the marks' and tooltips'
    rows = [{k: r[k] for k in used} for r in _records(frame) if r["ratio"] is not None]
    if not rows:
        return Chart(
            "prices",
            title,
            None,
            source,
            "No OpenRouter catalog with both models of a pair in the store "
            "yet: `collector collect openrouter` collects the catalog (no key needed).",
        )
    base = alt.Chart(alt.Data(name="prices"))
    bars = base.mark_bar().encode(
        y=alt.Y("pair:N", title=None),
        yOffset="token:N",
        # the pairs' names take much of a phone's width: the title ends at the axis' end, never past it
        x=alt.X("ratio:Q", title="OpenAI price ÷ DeepSeek price (times)", axis=alt.Axis(titleAnchor="end")),
        color=alt.Color("token:N", title="tokens", legend=alt.Legend(orient="bottom")),
        tooltip=[
            "pair:N",
            "token:N",
            alt.Tooltip("deepseek_usd:Q", title="DeepSeek USD / M tokens", format=".4f"),
            alt.Tooltip("openai_usd:Q", title="OpenAI USD / M tokens", format=".4f"),
            alt.Tooltip("ratio:Q", format=".1f"),
            alt.Tooltip("catalog_date:T", format="%Y-%m-%d"),
        ],
    )
    rule = alt.Chart(alt.Data(values=[{"v": threshold}])).mark_rule(color="#333", strokeDash=[2, 2]).encode(x="v:Q")
    return Chart(
        "prices", title, _titled(alt.layer(bars, rule), title, source, {"prices": rows}), source, points=len(rows)
    )


def first_releases(frame: pl.DataFrame, *, claim_date: date | None, as_of: str | None) -> Chart:
    title = "The articles' models: first release on the Hub"
    source = HUB_SOURCE.format(as_of=as_of or "n/a")
    used = ("model", "first_release", "first_repo", "repos")
    rows = [{k: r[k] for k in used} for r in _records(frame) if r["first_release"] is not None]
    if not rows:
        return Chart(
            "article_models",
            title,
            None,
            source,
            "None of the articles' models is in the store yet: "
            "their namespaces are collected by `collector collect hf`.",
        )
    base = alt.Chart(alt.Data(name="article_models"))
    dots = base.mark_circle(size=80, color="#2c3e50").encode(
        x=alt.X("first_release:T", title="first repo created (UTC day)", axis=alt.Axis(format="%Y-%m-%d")),
        y=alt.Y("model:N", title=None, sort="x"),
        tooltip=["model:N", alt.Tooltip("first_release:T", format="%Y-%m-%d"), "first_repo:N", "repos:Q"],
    )
    layers = [dots, *_date_rule(claim_date, f"claim: {claim_date}")]
    spec = _titled(alt.layer(*layers), title, source, {"article_models": rows})
    return Chart("article_models", title, spec, source, points=len(rows))
