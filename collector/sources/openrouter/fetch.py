"""Fetching OpenRouter into staging: the catalog, then the planned Data API windows in order until
the daily budget runs out, each pull staged on its own and handed over to be kept as it arrives (a
pull cut short, by the budget or a failure, is dropped whole; one cut by the budget is left for the
next run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from collector.core import clock
from collector.core.staging import ParquetStage
from collector.sources.openrouter.client import BudgetedPacer, BudgetExhausted, OpenRouterClient, _decode
from collector.sources.openrouter.parse import (
    APPS_SCHEMA,
    RANKINGS_SCHEMA,
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
    pulls: list[Pull] = field(default_factory=list)  # fetched and kept, in order
    left: list[Window] = field(default_factory=list)  # not fetched: the daily budget ran out


# keep(pull, staged rankings, staged apps): store one complete pull (in a transaction of its own)
Keep = Callable[[Pull, Path, Path], None]


def fetch_pulls(
    client: OpenRouterClient,
    windows: list[Window],
    keyed: BudgetedPacer,
    staging: Path,
    keep: Keep,
    progress: Callable[[str], None] | None = None,
) -> PullsResult:
    """Every window in order until the budget runs out, each pull handed to `keep` as soon as it has
    arrived whole, so a run stopped later (a failure, Ctrl-C, the budget) loses no complete pull. A
    pull cut short is dropped whole (its rows are staged apart and never kept); one interrupted by the
    budget is listed with the rest as left for the next run."""
    result = PullsResult()
    for index, window in enumerate(windows):
        if progress:
            progress(f"OpenRouter {window.describe()} ({index + 1}/{len(windows)})")
        stages = [
            ParquetStage(staging / f"pull-{index}-{name}.parquet", schema)
            for name, schema in (("rankings", RANKINGS_SCHEMA), ("apps", APPS_SCHEMA))
        ]
        try:
            try:
                pull = fetch_window(client, window, keyed, index, stages[0], stages[1])
            finally:
                for stage in stages:
                    stage.close()
            keep(pull, stages[0].path, stages[1].path)
            result.pulls.append(pull)
        except BudgetExhausted:
            result.left = windows[index:]
            break
        finally:
            for stage in stages:
                stage.path.unlink(missing_ok=True)  # kept or dropped, a pull's staged rows are done with
    return result
