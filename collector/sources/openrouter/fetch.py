"""Fetching OpenRouter into staging: the catalog, then the planned Data API windows in order until
the daily budget runs out (a pull cut by the budget is dropped whole and left for the next run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from collector.core import clock
from collector.core.staging import ParquetStage
from collector.sources.openrouter.client import BudgetedPacer, BudgetExhausted, OpenRouterClient, _decode
from collector.sources.openrouter.parse import (
    CatalogResult,
    Pull,
    parse_apps,
    parse_catalog,
    parse_meta,
    parse_rankings,
)
from collector.sources.openrouter.plan import Window


def fetch_catalog(client: OpenRouterClient, stage: ParquetStage) -> CatalogResult:
    request = client.request_text("/models", None)
    fetched_at = clock.now()
    content = client.get("/models", None, "OpenRouter models catalog", keyed=None)
    result = CatalogResult(request, fetched_at, clock.now())
    cols, result.duplicates = parse_catalog(_decode(content, request), request)
    stage.write(cols)
    result.models = len(cols["id"])
    return result


def fetch_window(
    client: OpenRouterClient,
    window: Window,
    keyed: BudgetedPacer,
    pull_key: int,
    rankings: ParquetStage,
    apps: ParquetStage,
) -> Pull:
    path = f"/datasets/{window.series.dataset}"
    params = window.params()
    request = client.request_text(path, params)
    fetched_at = clock.now()
    content = client.get(path, params, f"OpenRouter {window.describe()}", keyed=keyed)
    rows, start, end, as_of, version = parse_meta(_decode(content, request), request)
    if window.series.dataset == "rankings-daily":
        rankings.write(parse_rankings(rows, request, window, start, end, pull_key))
    else:
        apps.write(parse_apps(rows, request, pull_key))
    return Pull(pull_key, window, request, fetched_at, start, end, as_of, version, len(rows))


@dataclass
class PullsResult:
    pulls: list[Pull] = field(default_factory=list)
    left: list[Window] = field(default_factory=list)  # not fetched: the daily budget ran out


def fetch_pulls(
    client: OpenRouterClient,
    windows: list[Window],
    keyed: BudgetedPacer,
    rankings: ParquetStage,
    apps: ParquetStage,
    progress: Callable[[str], None] | None = None,
) -> PullsResult:
    """Every window in order until the budget runs out; a pull interrupted by the budget is dropped
    whole (its rows were never staged) and listed with the rest as left for the next run."""
    result = PullsResult()
    for index, window in enumerate(windows):
        if progress:
            progress(f"OpenRouter {window.describe()} ({index + 1}/{len(windows)})")
        try:
            result.pulls.append(fetch_window(client, window, keyed, index, rankings, apps))
        except BudgetExhausted:
            result.left = windows[index:]
            break
    return result
