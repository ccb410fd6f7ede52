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
    fig.autofmt_xdate()
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
    fig.autofmt_xdate()
    _finish(fig, ax, path, title, footnote)
