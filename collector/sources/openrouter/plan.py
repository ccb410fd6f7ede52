"""What to ask OpenRouter's Data API for: the series collected, and the windows a run requests given
what the store already holds.

Every bucket from the Data API's first day (2025-01-01) to the last completed UTC day that no stored
pull covers is fetched, plus the buckets of the last few days (the restatement window) unless they
were already fetched today. Windows never span more than 366 days. Weekly series are requested in
whole ISO weeks (Monday..Sunday), so no bucket is ever cut by a window edge, and the running week is
fetched once it has ended. An app ranking ranks apps over its whole window: one week per request.
Nothing here talks to the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

DATA_START = date(2025, 1, 1)  # the Data API's first day; earlier starts are clamped by the server
MAX_SPAN_DAYS = 366  # a window longer than this is a 400
DEFAULT_RESTATE_DAYS = 3
APP_LIMIT = 100  # app-rankings' largest page


def last_completed_day(today: date) -> date:
    return today - timedelta(days=1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --------------------------------------------------------------------------------------------
# What to fetch


@dataclass(frozen=True)
class Series:
    """One stored time series of pulls. `unit` is the planning grain: 'day' or 'week' (ISO)."""

    dataset: str  # 'rankings-daily' | 'app-rankings'
    period: str | None  # rankings-daily's `period`; None for app-rankings (the window is the bucket)
    category: str | None
    sort: str | None
    estimated: bool
    unit: str
    label: str

    @property
    def key(self) -> tuple:
        return (self.dataset, self.period, self.category, self.sort)


SERIES: tuple[Series, ...] = (
    Series("rankings-daily", "day", None, None, False, "day", "rankings daily"),
    Series("rankings-daily", "week", None, None, False, "week", "rankings weekly"),
    # A sampled, weekly-only dataset: OpenRouter's own estimate (or_pulls.estimated = true).
    Series("rankings-daily", "week", "programming", None, True, "week", "rankings weekly programming"),
    Series("app-rankings", None, "coding", "popular", False, "week", "coding apps weekly"),
)


MAIN_DAILY = SERIES[0]  # OpenRouter's days: a week of any series is complete only with its seven days here


@dataclass(frozen=True)
class Window:
    series: Series
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def params(self) -> list[tuple[str, str]]:
        params = [("start_date", self.start.isoformat()), ("end_date", self.end.isoformat())]
        s = self.series
        if s.dataset == "rankings-daily":
            params.append(("period", s.period or "day"))
            if s.category:
                params.append(("category", s.category))
        else:
            if s.category:
                params.append(("category", s.category))
            if s.sort:
                params.append(("sort", s.sort))
            params.append(("limit", str(APP_LIMIT)))
        return params

    def describe(self) -> str:
        return f"{self.series.label} {self.start}..{self.end}"


@dataclass(frozen=True)
class StoredPull:
    """What planning needs to know of a stored pull: its series, window and the UTC day it was fetched."""

    key: tuple
    start: date
    end: date
    fetched_on: date
    row_count: int | None = None  # rows the response held (None: not known)


def _units(series: Series, first: date, last: date) -> list[tuple[date, date]]:
    """The buckets of `series` between the data start and `last` (the last completed day), as
    (first day, last day) clamped to the data start; weeks only once they have ended."""
    if last < first:
        return []
    if series.unit == "day":
        return [(first + timedelta(days=i), first + timedelta(days=i)) for i in range((last - first).days + 1)]
    units = []
    monday = week_start(first)
    while monday + timedelta(days=6) <= last:
        units.append((max(monday, first), monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return units


def plan(
    stored: Iterable[StoredPull],
    *,
    today: date,
    since: date | None = None,
    restate_days: int = DEFAULT_RESTATE_DAYS,
    series: Iterable[Series] = SERIES,
    filled: dict[tuple, set[date]] | None = None,
    days_filled: dict[date, date] | None = None,
) -> list[Window]:
    """Windows to request, oldest first (then in SERIES order).

    A bucket is fetched when (a) `since` is given and the bucket ends on or after it, (b) some day of
    it is covered by no stored pull, (c) it overlaps the last `restate_days` completed days and was
    not already fetched today (OpenRouter may restate recent days; a same-day rerun asks nothing), or
    (d) a rankings bucket came back with no rows and was not asked for today: an empty answer is a gap,
    not coverage (`filled`: the bucket dates with stored rows, per series; None skips the check), or
    (e) a weekly rankings bucket's week is not complete and it was not asked for today: one of its days
    is a gap in the main daily series (asked for, no rows), or got its rows on a later day than the
    week was last fetched with rows, so the stored week was cut while that day was missing
    (`days_filled`: each day with rows in the main daily series -> the UTC day they first arrived;
    None skips the check). Days no daily pull asked for are taken on the weekly bucket's word."""
    last = last_completed_day(today)
    restate_from = last - timedelta(days=restate_days - 1) if restate_days > 0 else None
    by_series: dict[tuple, dict[date, date]] = {}
    # weekly series: the Monday of each week -> the last UTC day a pull covering it came back with rows
    with_rows: dict[tuple, dict[date, date]] = {}
    for pull in stored:
        latest = by_series.setdefault(pull.key, {})
        day = pull.start
        while day <= pull.end:
            if latest.get(day) is None or latest[day] < pull.fetched_on:
                latest[day] = pull.fetched_on
            day += timedelta(days=1)
        if pull.row_count != 0:
            weeks = with_rows.setdefault(pull.key, {})
            monday = week_start(pull.start)
            while monday <= pull.end:
                weeks[monday] = max(weeks.get(monday, date.min), pull.fetched_on)
                monday += timedelta(days=7)
    daily_asked = by_series.get(MAIN_DAILY.key, {})
    windows: list[Window] = []
    order: dict[Series, int] = {}
    for s in series:
        order[s] = len(order)
        fetched = by_series.get(s.key, {})
        needed: list[tuple[date, date]] = []
        for first, end in _units(s, DATA_START, last):
            days = [first + timedelta(days=i) for i in range((end - first).days + 1)]
            forced = since is not None and end >= since
            missing = any(d not in fetched for d in days)
            asked_before_today = min(fetched.get(d, date.min) for d in days) < today
            restate = restate_from is not None and end >= restate_from and asked_before_today
            bucket = first if s.unit == "day" else week_start(first)
            empty = (
                filled is not None
                and s.dataset == "rankings-daily"
                and bucket not in filled.get(s.key, set())
                and asked_before_today
            )
            short = (
                days_filled is not None
                and s.dataset == "rankings-daily"
                and s.unit == "week"
                and asked_before_today
                and any(
                    days_filled[d] > with_rows.get(s.key, {}).get(bucket, date.min)
                    if d in days_filled
                    else d in daily_asked
                    for d in days
                )
            )
            if forced or missing or restate or empty or short:
                needed.append((first, end))
        windows.extend(_group(s, needed))
    # Oldest first across series: when the daily budget cuts a run short, the next run resumes the
    # backfill where it stopped, and no series starves behind another's restatements.
    windows.sort(key=lambda w: (w.start, order[w.series]))
    return windows


def _group(series: Series, units: list[tuple[date, date]]) -> list[Window]:
    """Consecutive buckets joined into windows of at most MAX_SPAN_DAYS days. An app ranking is one
    ranking over its whole window, so there every bucket is a request of its own."""
    if series.dataset == "app-rankings":
        return [Window(series, first, last) for first, last in units]
    windows: list[Window] = []
    for first, last in units:
        if (
            windows
            and first == windows[-1].end + timedelta(days=1)
            and (last - windows[-1].start).days + 1 <= MAX_SPAN_DAYS
        ):
            windows[-1] = Window(series, windows[-1].start, last)
        else:
            windows.append(Window(series, first, last))
    return windows


def summarize_left(windows: list[Window]) -> list[str]:
    """'rankings daily 2025-01-01..2025-12-31 (1 request)' per series, for the budget-stop message."""
    out = []
    for s in SERIES:
        mine = [w for w in windows if w.series == s]
        if mine:
            n = len(mine)
            out.append(f"{s.label} {mine[0].start}..{mine[-1].end} ({n} request{'s' if n != 1 else ''})")
    return out


# --------------------------------------------------------------------------------------------
# What the store holds

STATE_SQL = """
SELECT dataset, period, category, sort, start_date, end_date, CAST(timezone('UTC', fetched_at) AS DATE), row_count
FROM or_pulls
"""

BUDGET_SQL = """
SELECT coalesce(sum(requests), 0) FROM runs
WHERE source = 'openrouter' AND run_id <> $run_id AND started_at >= $since
"""


FILLED_SQL = """
SELECT DISTINCT p.dataset, p.period, p.category, p.sort, r.bucket_date
FROM or_rankings r JOIN or_pulls p USING (pull_id)
"""


DAYS_FILLED_SQL = """
SELECT r.bucket_date, min(CAST(timezone('UTC', p.fetched_at) AS DATE))
FROM or_rankings r JOIN or_pulls p USING (pull_id)
WHERE p.dataset = 'rankings-daily' AND p.period = 'day' AND p.category IS NULL
GROUP BY 1
"""


def read_days_filled(con) -> dict[date, date]:
    """OpenRouter's stored days: each day with rows in the main daily series -> the UTC day its rows
    first arrived (the same rule as the `complete` column of sql/openrouter/or_weekly_tokens_at.sql)."""
    return dict(con.execute(DAYS_FILLED_SQL).fetchall())


def read_filled(con) -> dict[tuple, set[date]]:
    """The rankings bucket dates that have stored rows, per series."""
    filled: dict[tuple, set[date]] = {}
    for dataset, period, category, sort, bucket in con.execute(FILLED_SQL).fetchall():
        filled.setdefault((dataset, period, category, sort), set()).add(bucket)
    return filled


def empty_buckets(filled: dict[tuple, set[date]], today: date, stored: Iterable[StoredPull]) -> dict[str, list[date]]:
    """Per rankings series, the buckets a stored pull covered that have no rows (OpenRouter's gaps)."""
    covered: dict[tuple, set[date]] = {}
    for pull in stored:
        days = covered.setdefault(pull.key, set())
        day = pull.start
        while day <= pull.end:
            days.add(day)
            day += timedelta(days=1)
    gaps: dict[str, list[date]] = {}
    for s in SERIES:
        if s.dataset != "rankings-daily":
            continue
        mine = covered.get(s.key, set())
        buckets = [
            first if s.unit == "day" else week_start(first)
            for first, end in _units(s, DATA_START, last_completed_day(today))
            if all(first + timedelta(days=i) in mine for i in range((end - first).days + 1))
        ]
        missing = [b for b in buckets if b not in filled.get(s.key, set())]
        if missing:
            gaps[s.label] = missing
    return gaps


def read_pulls(con) -> list[StoredPull]:
    """What planning needs to know of every stored pull."""
    return [
        StoredPull((dataset, period, category, sort), start, end, fetched_on, row_count)
        for dataset, period, category, sort, start, end, fetched_on, row_count in con.execute(STATE_SQL).fetchall()
    ]


def read_state(con, run_id: int, today: date) -> tuple[list[StoredPull], int]:
    """Stored pulls (for planning) and the requests earlier runs made to OpenRouter today (UTC).
    Every request counts, the keyless catalog call included: the budget errs on the safe side."""
    stored = read_pulls(con)
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
    used = con.execute(BUDGET_SQL, {"run_id": run_id, "since": midnight}).fetchone()[0]
    return stored, int(used)
