"""OpenRouter planning as pure logic (collector/sources/openrouter/plan.py): which windows a run asks
for, given the pulls the store holds and the day. No store, no server: milliseconds per test."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from collector.sources.openrouter.plan import (
    DATA_START,
    MAX_SPAN_DAYS,
    SERIES,
    StoredPull,
    Window,
    _group,
    _units,
    plan,
    summarize_left,
)

DAY, WEEK, PROGRAMMING, APPS = SERIES  # rankings daily, weekly, weekly programming, coding apps weekly
D = date.fromisoformat


def spans(windows: list[Window]) -> list[tuple[str, str, str]]:
    return [(w.series.label, w.start.isoformat(), w.end.isoformat()) for w in windows]


def pulls_of(windows: list[Window], fetched_on: date) -> list[StoredPull]:
    """The store after every window was fetched on `fetched_on`."""
    return [StoredPull(w.series.key, w.start, w.end, fetched_on) for w in windows]


# ------------------------------------------------------------------------------------------- _units


def test_day_units_are_one_per_day_inclusive():
    assert _units(DAY, D("2025-01-01"), D("2025-01-03")) == [
        (D("2025-01-01"), D("2025-01-01")),
        (D("2025-01-02"), D("2025-01-02")),
        (D("2025-01-03"), D("2025-01-03")),
    ]
    assert _units(DAY, D("2025-01-05"), D("2025-01-05")) == [(D("2025-01-05"), D("2025-01-05"))]


def test_no_units_when_the_last_day_is_before_the_first():
    assert _units(DAY, D("2025-01-02"), D("2025-01-01")) == []
    assert _units(WEEK, D("2025-01-02"), D("2025-01-01")) == []


def test_week_units_are_iso_weeks_clamped_to_the_first_day_and_only_once_ended():
    # 2025-01-01 is a Wednesday: the first week is clamped to start on it; 2025-01-19 is a Sunday.
    first_three = [
        (D("2025-01-01"), D("2025-01-05")),
        (D("2025-01-06"), D("2025-01-12")),
        (D("2025-01-13"), D("2025-01-19")),
    ]
    assert _units(WEEK, DATA_START, D("2025-01-19")) == first_three
    # On Saturday the running week has not ended: it is not a unit yet.
    assert _units(WEEK, DATA_START, D("2025-01-18")) == first_three[:2]
    assert _units(APPS, DATA_START, D("2025-01-04")) == []  # not even the clamped first week has ended


# ------------------------------------------------------------------------------------------- _group


def test_consecutive_days_join_into_windows_of_at_most_366_days():
    units = _units(DAY, D("2025-01-01"), D("2026-02-04"))  # 400 days
    windows = _group(DAY, units)
    assert spans(windows) == [
        ("rankings daily", "2025-01-01", "2026-01-01"),
        ("rankings daily", "2026-01-02", "2026-02-04"),
    ]
    assert windows[0].days == MAX_SPAN_DAYS and windows[1].days == 400 - MAX_SPAN_DAYS


def test_a_gap_starts_a_new_window():
    units = [(D("2025-01-01"), D("2025-01-01")), (D("2025-01-02"), D("2025-01-02")), (D("2025-01-04"), D("2025-01-04"))]
    assert spans(_group(DAY, units)) == [
        ("rankings daily", "2025-01-01", "2025-01-02"),
        ("rankings daily", "2025-01-04", "2025-01-04"),
    ]


def test_weeks_join_but_app_rankings_are_one_request_per_week():
    units = _units(WEEK, DATA_START, D("2025-01-19"))
    assert spans(_group(WEEK, units)) == [("rankings weekly", "2025-01-01", "2025-01-19")]
    assert spans(_group(APPS, units)) == [
        ("coding apps weekly", "2025-01-01", "2025-01-05"),
        ("coding apps weekly", "2025-01-06", "2025-01-12"),
        ("coding apps weekly", "2025-01-13", "2025-01-19"),
    ]
    assert _group(DAY, []) == []


# --------------------------------------------------------------------------------------------- plan


def test_first_run_backfills_every_series_oldest_first():
    windows = plan([], today=D("2025-01-20"))
    assert spans(windows) == [
        ("rankings daily", "2025-01-01", "2025-01-19"),
        ("rankings weekly", "2025-01-01", "2025-01-19"),
        ("rankings weekly programming", "2025-01-01", "2025-01-19"),
        ("coding apps weekly", "2025-01-01", "2025-01-05"),
        ("coding apps weekly", "2025-01-06", "2025-01-12"),
        ("coding apps weekly", "2025-01-13", "2025-01-19"),
    ]


def test_a_same_day_rerun_asks_for_nothing():
    today = D("2025-01-20")
    first = plan([], today=today)
    assert plan(pulls_of(first, today), today=today) == []


def test_next_day_fetches_the_new_day_and_restates_the_recent_buckets():
    first = plan([], today=D("2025-01-20"))
    stored = pulls_of(first, D("2025-01-20"))
    # last completed day 2025-01-20; restatement window 2025-01-18..20; the week of 2025-01-20 is running
    assert spans(plan(stored, today=D("2025-01-21"))) == [
        ("rankings weekly", "2025-01-13", "2025-01-19"),
        ("rankings weekly programming", "2025-01-13", "2025-01-19"),
        ("coding apps weekly", "2025-01-13", "2025-01-19"),
        ("rankings daily", "2025-01-18", "2025-01-20"),
    ]


def test_without_a_restatement_window_only_missing_buckets_are_fetched():
    stored = pulls_of(plan([], today=D("2025-01-20")), D("2025-01-20"))
    assert spans(plan(stored, today=D("2025-01-21"), restate_days=0)) == [
        ("rankings daily", "2025-01-20", "2025-01-20")
    ]


def test_a_bucket_fetched_today_is_not_restated_again():
    stored = pulls_of(plan([], today=D("2025-01-20")), D("2025-01-20"))
    again = plan(stored, today=D("2025-01-21"))
    assert plan(stored + pulls_of(again, D("2025-01-21")), today=D("2025-01-21")) == []


def test_since_refetches_every_bucket_ending_on_or_after_it():
    today = D("2025-01-20")
    stored = pulls_of(plan([], today=today), today)
    windows = plan(stored, today=today, since=D("2025-01-10"))
    assert spans(windows) == [
        ("rankings weekly", "2025-01-06", "2025-01-19"),  # the week of Jan 6 ends on the 12th, after `since`
        ("rankings weekly programming", "2025-01-06", "2025-01-19"),
        ("coding apps weekly", "2025-01-06", "2025-01-12"),
        ("rankings daily", "2025-01-10", "2025-01-19"),
        ("coding apps weekly", "2025-01-13", "2025-01-19"),
    ]


def test_a_hole_in_the_stored_days_is_filled():
    today = D("2025-01-20")
    stored = [
        StoredPull(DAY.key, D("2025-01-01"), D("2025-01-09"), today),
        StoredPull(DAY.key, D("2025-01-12"), D("2025-01-19"), today),
    ]
    assert spans(plan(stored, today=today, series=[DAY])) == [("rankings daily", "2025-01-10", "2025-01-11")]


def test_pulls_of_another_series_do_not_count():
    today = D("2025-01-20")
    stored = [StoredPull(WEEK.key, DATA_START, D("2025-01-19"), today)]
    assert spans(plan(stored, today=today, series=[PROGRAMMING])) == [
        ("rankings weekly programming", "2025-01-01", "2025-01-19")
    ]


def test_a_long_backfill_is_whole_weeks_in_windows_within_the_limit():
    today = D("2026-03-01")  # a Sunday: last completed day Saturday 2026-02-28
    windows = plan([], today=today)
    for series in SERIES:
        mine = [w for w in windows if w.series == series]
        assert mine[0].start == DATA_START
        assert all(w.days <= MAX_SPAN_DAYS for w in mine)
        assert all(b.start == a.end + timedelta(days=1) for a, b in zip(mine, mine[1:], strict=False))
        if series.unit == "week":
            assert all(w.end.weekday() == 6 for w in mine)  # every window ends on a Sunday
            assert all(w.start.weekday() == 0 for w in mine[1:])  # and later ones start on a Monday
            assert mine[-1].end == D("2026-02-22")  # the running week is not asked for
        else:
            assert mine[-1].end == D("2026-02-28")
    assert [w.start for w in windows] == sorted(w.start for w in windows)


@pytest.mark.parametrize(
    "series, expected",
    [
        (DAY, [("start_date", "2025-01-01"), ("end_date", "2025-01-19"), ("period", "day")]),
        (
            PROGRAMMING,
            [("start_date", "2025-01-01"), ("end_date", "2025-01-19"), ("period", "week"), ("category", "programming")],
        ),
        (
            APPS,
            [
                ("start_date", "2025-01-01"),
                ("end_date", "2025-01-19"),
                ("category", "coding"),
                ("sort", "popular"),
                ("limit", "100"),
            ],
        ),
    ],
)
def test_window_query_parameters(series, expected):
    window = Window(series, DATA_START, D("2025-01-19"))
    assert window.params() == expected
    assert window.describe() == f"{series.label} 2025-01-01..2025-01-19"


# ------------------------------------------------------------------------------------ summarize_left


def test_summarize_left_one_line_per_series_with_plural_requests():
    assert summarize_left(plan([], today=D("2025-01-20"))) == [
        "rankings daily 2025-01-01..2025-01-19 (1 request)",
        "rankings weekly 2025-01-01..2025-01-19 (1 request)",
        "rankings weekly programming 2025-01-01..2025-01-19 (1 request)",
        "coding apps weekly 2025-01-01..2025-01-19 (3 requests)",
    ]
    assert summarize_left([]) == []


# ------------------------------------------------------------------- weeks complete only with 7 days


def _filled(stored: list[StoredPull], gaps: set[date]) -> tuple[dict, dict[date, date]]:
    """`filled` and `days_filled` for a store whose pulls all came back with rows, but for the days in
    `gaps` of the daily rankings (asked for, served empty)."""
    filled: dict[tuple, set[date]] = {}
    days_filled: dict[date, date] = {}
    for pull in stored:
        day = pull.start
        while day <= pull.end:
            if pull.key != DAY.key:
                filled.setdefault(pull.key, set()).add(day - timedelta(days=day.weekday()))
            elif day not in gaps:
                filled.setdefault(pull.key, set()).add(day)
                days_filled.setdefault(day, pull.fetched_on)
            day += timedelta(days=1)
    return filled, days_filled


def test_a_week_with_a_day_missing_is_asked_again_on_later_days():
    first = D("2025-01-20")
    stored = pulls_of(plan([], today=first), first)
    filled, days_filled = _filled(stored, {D("2025-01-15")})
    # the same day: nothing (a gap is asked again on later days, not at once)
    assert plan(stored, today=first, filled=filled, days_filled=days_filled) == []
    # the next day: the empty day and both weekly rankings of its week (the apps rank the window as a whole)
    assert spans(plan(stored, today=D("2025-01-21"), restate_days=0, filled=filled, days_filled=days_filled)) == [
        ("rankings weekly", "2025-01-13", "2025-01-19"),
        ("rankings weekly programming", "2025-01-13", "2025-01-19"),
        ("rankings daily", "2025-01-15", "2025-01-15"),
        ("rankings daily", "2025-01-20", "2025-01-20"),
    ]
    # without the day check, as before: only the empty day
    assert ("rankings weekly", "2025-01-13", "2025-01-19") not in spans(
        plan(stored, today=D("2025-01-21"), restate_days=0, filled=filled)
    )


def test_a_week_fetched_before_its_missing_day_arrived_is_asked_again():
    first = D("2025-01-20")
    stored = pulls_of(plan([], today=first), first)
    filled, days_filled = _filled(stored, set())
    # 2025-01-15 only got its rows on the 21st (the weekly buckets were not fetched again that day)
    stored.append(StoredPull(DAY.key, D("2025-01-15"), D("2025-01-15"), D("2025-01-21"), 4))
    days_filled[D("2025-01-15")] = D("2025-01-21")
    later = plan(stored, today=D("2025-01-22"), restate_days=0, filled=filled, days_filled=days_filled)
    assert spans(later)[:2] == [
        ("rankings weekly", "2025-01-13", "2025-01-19"),
        ("rankings weekly programming", "2025-01-13", "2025-01-19"),
    ]
    # once the weeks are fetched with rows after that, they are complete: not asked again
    stored += [StoredPull(s.key, D("2025-01-13"), D("2025-01-19"), D("2025-01-22"), 16) for s in (WEEK, PROGRAMMING)]
    assert plan(stored, today=D("2025-01-23"), restate_days=0, filled=filled, days_filled=days_filled) == [
        w for w in plan(stored, today=D("2025-01-23"), restate_days=0) if w.series == DAY
    ]
    # an empty answer (row_count 0) is no fresher fetch of the week
    empty = [StoredPull(WEEK.key, D("2025-01-13"), D("2025-01-19"), D("2025-01-23"), 0)]
    days_filled[D("2025-01-16")] = D("2025-01-23")
    assert ("rankings weekly", "2025-01-13", "2025-01-19") in spans(
        plan(stored + empty, today=D("2025-01-24"), restate_days=0, filled=filled, days_filled=days_filled)
    )


def test_days_no_daily_pull_asked_for_are_taken_on_the_weekly_buckets_word():
    today = D("2025-01-20")
    stored = [StoredPull(WEEK.key, DATA_START, D("2025-01-19"), today, 12)]
    filled = {WEEK.key: {D("2024-12-30"), D("2025-01-06"), D("2025-01-13")}}
    assert plan(stored, today=D("2025-01-21"), restate_days=0, series=[WEEK], filled=filled, days_filled={}) == []
