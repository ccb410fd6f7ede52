"""PNG charts for the weekly export (matplotlib, no display needed). Each chart states its scope and
as_of in its title/footnote; with no data in scope it says so instead of drawing an empty axis."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

TOP_SERIES = 7


@functools.cache
def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (no display needed), imported when the first chart is
    drawn: half a second every `collector` command would otherwise pay at start-up."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _finish(fig, ax, path: Path, title: str, footnote: str) -> None:
    ax.set_title(title, fontsize=11)
    fig.text(0.01, 0.01, footnote, fontsize=7, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)


def empty(path: Path, title: str, reason: str) -> None:
    fig, ax = _pyplot().subplots(figsize=(8, 4.5))
    ax.axis("off")
    ax.text(0.5, 0.5, reason, ha="center", va="center", fontsize=11, wrap=True)
    _finish(fig, ax, path, title, "collector")


def shares_over_time(path: Path, rows: list[tuple], title: str, footnote: str, ylabel: str) -> None:
    """rows: (date, series, share 0..1). The largest series by their last value are drawn, the rest summed."""
    if not rows:
        empty(path, title, "no data in scope for this period")
        return
    dates = sorted({r[0] for r in rows})
    last = dates[-1]
    ranking = sorted({r[1] for r in rows}, key=lambda s: -sum(r[2] or 0 for r in rows if r[1] == s and r[0] == last))
    shown = ranking[:TOP_SERIES]
    series: dict[str, dict] = {name: {} for name in shown}
    rest: dict = {}
    for day, name, share in rows:
        target = series.get(name, rest)
        target[day] = target.get(day, 0.0) + (share or 0.0)
    fig, ax = _pyplot().subplots(figsize=(9, 5))
    for name in shown:
        ax.plot(
            dates,
            [100 * series[name].get(d, 0.0) for d in dates],
            marker="o" if len(dates) < 20 else None,
            label=str(name),
        )
    if rest:
        ax.plot(dates, [100 * rest.get(d, 0.0) for d in dates], linestyle=":", color="grey", label="all others")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _day_axis(ax, dates)
    fig.autofmt_xdate()
    _finish(fig, ax, path, title, footnote)


def _day_axis(ax, dates: list) -> None:
    """Snapshot days: labelled, ticked at readable dates (ISO days), whatever the span."""
    from matplotlib import dates as mdates

    ax.set_xlabel("snapshot day (UTC)")
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    if len(dates) == 1:  # one day: a single tick on it, not a span of empty hours
        ax.set_xticks(dates)


def weekly_shares(path: Path, rows: list[tuple], title: str, footnote: str, ylabel: str) -> None:
    """rows: (week_start, series, share 0..1, complete). One tick per ISO week (labelled 2026-W18); a
    week without all seven days stored is drawn hollow, on a grey band, and labelled "(partial)"."""
    from collector.core.weeks import week_label

    if not rows:
        empty(path, title, "no data in scope for this period")
        return
    weeks = sorted({r[0] for r in rows})
    complete = {w: all(r[3] for r in rows if r[0] == w) for w in weeks}
    last = weeks[-1]
    ranking = sorted({r[1] for r in rows}, key=lambda s: -sum(r[2] or 0 for r in rows if r[1] == s and r[0] == last))
    shown = ranking[:TOP_SERIES]
    values: dict[str, dict] = {name: {} for name in [*shown, "all others"]}
    for week, name, share, _ in rows:
        target = values[name] if name in shown else values["all others"]
        target[week] = target.get(week, 0.0) + (share or 0.0)
    fig, ax = _pyplot().subplots(figsize=(9, 5))
    xs = list(range(len(weeks)))
    for i, week in enumerate(weeks):
        if not complete[week]:
            ax.axvspan(i - 0.5, i + 0.5, color="#eeeeee", zorder=0)
    for name, series in values.items():
        if not series:
            continue
        ys = [100 * series.get(w, 0.0) for w in weeks]
        style = {"linestyle": ":", "color": "grey"} if name == "all others" else {}
        (line,) = ax.plot(xs, ys, label=name, **style)
        # the points in two artists per series (complete weeks filled, partial ones hollow), not one
        # per point: a year of weeks times eight series was most of the export's drawing time
        for filled in (True, False):
            points = [(x, y) for x, y, week in zip(xs, ys, weeks, strict=True) if complete[week] == filled]
            if points:
                ax.plot(
                    [x for x, _ in points],
                    [y for _, y in points],
                    linestyle="none",
                    marker="o",
                    markersize=4,
                    color=line.get_color(),
                    markerfacecolor=line.get_color() if filled else "white",
                )
    step = max(1, len(weeks) // 12)  # at most ~12 labels; every week still has its tick
    ax.set_xticks(xs)
    ax.set_xticklabels(
        [
            (week_label(w) + ("\n(partial)" if not complete[w] else "")) if i % step == 0 or not complete[w] else ""
            for i, w in enumerate(weeks)
        ],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    ax.set_xlabel("ISO week (hollow points on grey: a partial week, not all seven days stored)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _finish(fig, ax, path, title, footnote)


def families(path: Path, rows: list[tuple], title: str, footnote: str) -> None:
    """rows: (date, family, scope, downloads_30d)."""
    if not rows:
        empty(path, title, "no Qwen or Llama downloads in scope for this period")
        return
    fig, ax = _pyplot().subplots(figsize=(9, 5))
    for family, scope in sorted({(r[1], r[2]) for r in rows}):
        points = sorted((r[0], r[3] or 0) for r in rows if r[1] == family and r[2] == scope)
        ax.plot(
            [p[0] for p in points],
            [p[1] / 1e6 for p in points],
            linestyle="-" if scope == "first-party" else "--",
            marker="o" if len(points) < 20 else None,
            label=f"{family} ({scope})",
        )
    ax.set_ylabel("downloads in the last 30 days (millions)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _day_axis(ax, sorted({r[0] for r in rows}))
    fig.autofmt_xdate()
    _finish(fig, ax, path, title, footnote)
