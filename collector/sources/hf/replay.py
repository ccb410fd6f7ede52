"""The replay of a full re-attribution (rollups.reattribute): every snapshot day rolled up in order,
each day's figures made from the previous day's plus what changed that day.

A day's figures are sums over the models listed that day (hf_daily_downloads rows: one per model_key,
with its counters) of each model's share in a group (a family, an organisation, the day's set). From
one day to the next most models keep their counters and their listings, so the replay keeps each
group's sums and, for a batch of days, works out only the rows that can differ from the day before:

  * a model listed once (one scope, one id: `single`) has that listing's counters, which change only
    on a day with a counter row for it (internal.hf_counters keeps changes only) or when it is listed
    or dropped; its old and new values come from the counters (a window over the replay's state of
    each scope and model's latest counters and the batch's own counter rows: each row and the one
    before it);
  * every other model (listed by several scopes or under several ids, or in a Hub-wide top N, whose
    rank the set's cut-off reads: `multi`, a few percent) gets its rows from hf_daily_downloads_from,
    the macro that makes a day's rows for the after-commit path too, on the days its row can have
    moved (a counter row or a listing come or gone for one of its ids, or the day's snapshots
    finished in another order: `_multi_moved`), on the day before the batch, and on the days it is
    in a top N listing (the sets' top rows); on its other days its row is the day before's, so a
    moved day's old row is the one of the model's moved day before it (or of the day before the batch).

Each changed row becomes the new value added and the old one taken away (`delta`), summed as integers
per day and profile (the keys with the same factor rows: family, organisation, weight, language flag;
a few hundred), which the attribution turns into each group's change; a group's figure on a day is its
sum before the batch plus the changes up to that day. Sums of weighted downloads (a merge's share of
each parent) are kept as DECIMAL, so that adding and taking away leaves the exact sum of the products
(a weight times a profile's sum is the sum of the weight times each key's change), which the `*_from`
macros round. The sets and countries are then written by the macros that the after-commit path
uses too (hf_snapshot_sets_of, hf_downloads_by_country_of), given the totals; the families and
organisations by the same columns. tests/test_rollups.py checks that each day equals its roll-up on
its own; bench/hf_year.py --check does so on 60 days of 300,000 models.
"""

from __future__ import annotations

from datetime import date

import duckdb

# the CTE of the multi models' listings with their counters, for hf_daily_downloads_from
OBSERVED = "hf_replay_observed"

# Each group's contribution factors per key_no (the attribution, read once per replay): the group
# columns, then the key's weight in the group and whether it is a language model, as in the `*_from`
# macros (first-party sums are unweighted: weight 1). `listed` is the day's set (hf_snapshot_sets
# totals), `attributed` the country shares' denominators (hf_downloads_by_country_from's set totals).
FACTORS: dict[str, tuple[str, str]] = {
    "family": (
        "family, scope",
        """SELECT k.key_no, a.family, 'first-party' AS scope, 1.0::DOUBLE AS weight, a.language_model AS lm
           FROM internal.hf_attribution a JOIN hf_replay_key_names k USING (model_key)
           WHERE a.family_first_party
           UNION ALL
           SELECT k.key_no, a.family, 'with derivatives', a.family_weight, a.language_model
           FROM internal.hf_attribution a JOIN hf_replay_key_names k USING (model_key)""",
    ),
    "organisation": (
        "organisation, country, scope",
        """WITH first_party_models AS (
               SELECT model_key, any_value(publisher) AS organisation, any_value(language_model) AS language_model
               FROM internal.hf_attribution WHERE first_party GROUP BY model_key
           ),
           attributed_models AS (
               SELECT model_key, organisation, any_value(country) AS country, sum(family_weight) AS weight,
                      any_value(language_model) AS language_model
               FROM internal.hf_attribution GROUP BY model_key, organisation
           )
           SELECT k.key_no, p.organisation, coalesce(o.country, 'unknown') AS country, 'first-party' AS scope,
                  1.0::DOUBLE AS weight, p.language_model AS lm
           FROM first_party_models p JOIN hf_replay_key_names k USING (model_key)
           LEFT JOIN ref.organisations o USING (organisation)
           UNION ALL
           SELECT k.key_no, a.organisation, a.country, 'with derivatives', a.weight, a.language_model
           FROM attributed_models a JOIN hf_replay_key_names k USING (model_key)""",
    ),
    "attributed": (
        "",
        """SELECT k.key_no, 1.0::DOUBLE AS weight, any_value(a.language_model) AS lm
           FROM internal.hf_attribution a JOIN hf_replay_key_names k USING (model_key) GROUP BY k.key_no""",
    ),
    "listed": ("", "SELECT DISTINCT key_no, 1.0::DOUBLE AS weight, NULL::BOOLEAN AS lm FROM internal.hf_ids"),
}
# each day's and profile's change (hf_replay_key_profile): the changed rows of hf_replay_delta summed
# as integers
PROFILE_DELTA = """SELECT day_no, profile_no, sum(models)::BIGINT AS models, sum(n30)::BIGINT AS n30, sum(s30) AS s30,
                          sum(nall)::BIGINT AS nall, sum(sall) AS sall
                   FROM hf_replay_delta
                   GROUP BY ALL"""


def _net(changed: str) -> str:
    """A changed row of `changed` (day_no, profile_no, has_now, now_30d, now_all, has_before, before_30d,
    before_all) as one row of hf_replay_delta: the new value added and the old one taken away, as the
    sums count them (a NULL counter counts in `models` only; a sum or count that neither side has a
    value for stays NULL, as sum() over no values)."""
    parts = []
    for col, now, before in (("30", "now_30d", "before_30d"), ("all", "now_all", "before_all")):
        has_now, has_before = f"(has_now AND {now} IS NOT NULL)", f"(has_before AND {before} IS NOT NULL)"
        parts.append(
            f"CASE WHEN {has_now} OR {has_before} THEN {has_now}::INTEGER - {has_before}::INTEGER END AS n{col}, "
            f"CASE WHEN {has_now} OR {has_before} THEN coalesce(CASE WHEN has_now THEN {now} END, 0) "
            f"- coalesce(CASE WHEN has_before THEN {before} END, 0) END AS s{col}"
        )
    return (
        f"SELECT day_no::INTEGER AS day_no, profile_no, has_now::INTEGER - has_before::INTEGER AS models, {', '.join(parts)} "
        f"FROM {changed} WHERE has_now OR has_before"
    )


def _moves(span: int) -> str:
    """The offsets (1 to `span`) of the days on which a row's `listed` bits (bit 0: the day before the
    batch) differ from the day before, as a list to unnest: a listing that came or went once (most of
    those that moved at all; every one on a replay's first day) is one bit, found by counting the bits
    below it, instead of testing each day."""
    x = f"(xor(listed, listed << 1) & {((1 << (span + 1)) - 1) & ~1})"
    return (
        f"CASE WHEN {x} = 0 THEN []::BIGINT[] WHEN {x} & ({x} - 1) = 0 THEN [bit_count({x} - 1)::BIGINT] "
        f"ELSE list_filter(range(1, {span + 1}), off -> ({x} >> off) & 1 = 1) END"
    )


SUMS = ("models", "n30", "s30", "nall", "sall", "lm_models", "nlm30", "lm30", "lmall")
TEMP_TABLES = (
    "hf_replay_snapshots",
    "hf_replay_days",
    "hf_replay_keys",
    "hf_replay_key_names",
    "hf_replay_state",
    "hf_replay_key_profile",
    *(f"hf_replay_factor_{name}" for name in FACTORS),
    *(f"hf_replay_profile_factor_{name}" for name in FACTORS),
    *(f"hf_replay_sums_{name}" for name in FACTORS),
)


def _figure(sum_col: str, count_col: str) -> str:
    """A roll-up's figure from a kept sum: NULL when no row had the counter (as sum() of NULLs)."""
    return f"CASE WHEN coalesce({count_col}, 0) > 0 THEN CAST(round({sum_col}) AS BIGINT) END"


class Replay:
    """Every snapshot day rolled up in order (see the module docstring); `batch` takes the days in
    order, each batch in the caller's transaction. The state between batches lives in temporary
    tables: each scope and model's latest counters (hf_replay_state) and each group's sums on the
    last day replayed (hf_replay_sums_*)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        # the replay's tables are written in the batch's transaction, so the planner has no statistics
        # on them and would take a filtered side of an ASOF join for a few rows, joining it in a nested
        # loop (minutes a batch): always the ASOF join's own plan
        con.execute("SET SESSION asof_loop_join_threshold = 0")
        # scopes and days numbered once, so that the state and the joins carry integers
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_snapshots AS
               SELECT snapshot_id, scope, snapshot_date, as_of, dense_rank() OVER (ORDER BY scope)::INTEGER AS scope_no,
                      dense_rank() OVER (ORDER BY snapshot_date)::INTEGER AS day_no,
                      starts_with(scope, 'top_downloads:') AS top
               FROM hf_snapshots"""
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE hf_replay_days AS SELECT DISTINCT snapshot_date, day_no FROM hf_replay_snapshots"
        )
        con.execute("CREATE OR REPLACE TEMP TABLE hf_replay_keys AS SELECT model_no, key_no FROM internal.hf_ids")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE hf_replay_key_names AS SELECT DISTINCT key_no, model_key FROM internal.hf_ids"
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_state AS
               SELECT 0 AS scope_no, model_no, 0 AS day_no, downloads_30d, downloads_all_time
               FROM internal.hf_counters LIMIT 0"""
        )
        self.last_day = 0
        # an empty delta, for the sums' columns
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_delta
               (day_no INTEGER, profile_no INTEGER, models INTEGER, n30 INTEGER, s30 BIGINT, nall INTEGER, sall BIGINT)"""
        )
        for name, (_, factor) in FACTORS.items():
            # the weight as a DECIMAL times the integer counters: exact products (a DOUBLE product cast to
            # DECIMAL is not, for downloads in the billions), which add and take away exactly
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE hf_replay_factor_{name} AS "
                f"SELECT * REPLACE (CAST(weight AS DECIMAL(38, 12)) AS weight) FROM ({factor})"
            )
        # Keys with the same factor rows in every group (a profile: the same family, organisation, weight
        # and language flag) add up their changes first, as integers: a group's change is then its
        # profiles' sums times their weights, the same exact DECIMAL as the sum of each key's product,
        # for a few hundred profiles instead of every changed key (most models share a handful)
        signature = " UNION ALL ".join(
            f"SELECT key_no, concat_ws(chr(30), '{name}', "
            + "".join(f"coalesce('v' || {c}, 'n'), " for c in groups.split(", ") if c)
            + "coalesce(weight::VARCHAR, 'n'), coalesce(lm::VARCHAR, 'n')) AS row_sig "
            f"FROM hf_replay_factor_{name}"
            for name, (groups, _) in FACTORS.items()
        )
        # Each key's multiset of factor rows is named by fixed-size sums of two independent 64-bit hashes
        # of its rows (and their count): an aggregate that spills, where a list of strings per key sorted
        # by a rank needed more than COLLECTOR_DB_MEMORY (1GB) for the 2.5 million keys of a full-Hub
        # store. Two different multisets share a name only if both 128 hash bits collide: for the few
        # thousand distinct profiles, a chance of about 1e-31.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE hf_replay_key_sig AS
                SELECT key_no, count(*) AS n, sum(hash(row_sig)::HUGEINT) AS h1,
                       sum(hash(row_sig || chr(31))::HUGEINT) AS h2
                FROM ({signature}) GROUP BY key_no"""
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_key_profile AS
               SELECT k.key_no, p.profile_no
               FROM hf_replay_key_sig k
               JOIN (SELECT n, h1, h2, row_number() OVER (ORDER BY n, h1, h2)::INTEGER AS profile_no
                     FROM (SELECT DISTINCT n, h1, h2 FROM hf_replay_key_sig)) p USING (n, h1, h2)"""
        )
        con.execute("DROP TABLE hf_replay_key_sig")
        for name in FACTORS:
            # each profile's factor rows: those of one of its keys (all its keys have the same)
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE hf_replay_profile_factor_{name} AS
                    SELECT p.profile_no, f.* EXCLUDE (key_no)
                    FROM hf_replay_factor_{name} f
                    JOIN (SELECT profile_no, min(key_no) AS key_no FROM hf_replay_key_profile GROUP BY profile_no) p
                    USING (key_no)"""
            )
            con.execute(f"DROP TABLE hf_replay_factor_{name}")
        # an empty change per profile, for the sums' columns
        con.execute(f"CREATE OR REPLACE TEMP TABLE hf_replay_profile_delta AS {PROFILE_DELTA} LIMIT 0")
        for name, (groups, _) in FACTORS.items():
            # no sums before the first day: an empty table of the sums' columns
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE hf_replay_sums_{name} AS "
                f"SELECT * EXCLUDE (day_no) FROM ({self._contributions(name, groups)}) LIMIT 0"
            )
        con.execute("DROP TABLE hf_replay_delta")
        con.execute("DROP TABLE hf_replay_profile_delta")

    @staticmethod
    def _contributions(name: str, groups: str) -> str:
        """Each day's and group's change of the sums: the profiles' changes (hf_replay_profile_delta)
        times their factors (DECIMAL products, so that sums taken away and added back stay exact; a
        weight times a profile's sum is the sum of the weight times each key's change)."""
        g = f"{groups}, " if groups else ""
        return f"""SELECT d.day_no, {g}
                          sum(d.models)::BIGINT AS models,
                          sum(d.n30) FILTER (WHERE f.weight IS NOT NULL)::BIGINT AS n30,
                          sum(f.weight * d.s30) AS s30,
                          sum(d.nall) FILTER (WHERE f.weight IS NOT NULL)::BIGINT AS nall,
                          sum(f.weight * d.sall) AS sall,
                          sum(d.models) FILTER (WHERE f.lm)::BIGINT AS lm_models,
                          sum(d.n30) FILTER (WHERE f.lm AND f.weight IS NOT NULL)::BIGINT AS nlm30,
                          sum(f.weight * d.s30) FILTER (WHERE f.lm) AS lm30,
                          sum(f.weight * d.sall) FILTER (WHERE f.lm) AS lmall
                   FROM hf_replay_profile_delta d JOIN hf_replay_profile_factor_{name} f USING (profile_no)
                   GROUP BY ALL"""

    def batch(self, days: list[date]) -> None:
        """Roll up `days`, which come right after every day replayed so far (the caller holds the transaction)."""
        con = self.con
        numbers = [
            r[0]
            for r in con.execute(
                "SELECT day_no FROM hf_replay_days WHERE list_contains($days, snapshot_date) ORDER BY 1", {"days": days}
            ).fetchall()
        ]
        if numbers != list(range(self.last_day + 1, self.last_day + 1 + len(days))):
            raise ValueError(f"the replay takes the snapshot days in order, without gaps: {days}")
        base, last = self.last_day, numbers[-1]
        window = {"base": base, "last": last}
        # the counters the batch's days can see (the state before it and its own counter rows), written
        # out once: read by both deltas and by a full-Hub day's top 100; each row with the scope and
        # model's row before it and the day of the row after it (none: the newest, the state after the
        # batch), from one window
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_counters AS
               SELECT scope_no, model_no, day_no, downloads_30d, downloads_all_time,
                      lag(day_no) OVER w IS NOT NULL AS had_before, lag(downloads_30d) OVER w AS before_30d,
                      lag(downloads_all_time) OVER w AS before_all, lead(day_no) OVER w AS until
               FROM (SELECT * FROM hf_replay_state
                     UNION ALL
                     SELECT s.scope_no, c.model_no, s.day_no, c.downloads_30d, c.downloads_all_time
                     FROM internal.hf_counters c
                     JOIN hf_replay_snapshots s USING (snapshot_id)
                     WHERE s.day_no > $base AND s.day_no <= $last)
               WINDOW w AS (PARTITION BY scope_no, model_no ORDER BY day_no)""",
            window,
        )
        # each scope and model listed in the window (the day before the batch and its days): a bit per
        # day it was listed (bit 0: the day before), and whether a listing ever repeated within a day
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_pairs AS
               SELECT p.*, k.key_no, f.profile_no
               FROM (SELECT s.scope_no, l.model_no, bit_or(s.bit) AS listed, count(*) AS listings, bool_or(s.top) AS top
                     FROM internal.hf_listings l
                     JOIN (SELECT snapshot_id, scope_no, top, 1::BIGINT << (day_no - $base) AS bit FROM hf_replay_snapshots
                           WHERE day_no >= $base AND day_no <= $last) s USING (snapshot_id)
                     GROUP BY s.scope_no, l.model_no) p
               JOIN hf_replay_keys k USING (model_no)
               JOIN hf_replay_key_profile f USING (key_no)""",
            window,
        )
        # the models whose day rows are not one listing's counters
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_multi AS
               SELECT key_no FROM hf_replay_pairs GROUP BY key_no
               HAVING count(*) > 1 OR bool_or(top) OR sum(listings) > sum(bit_count(listed))"""
        )
        self._single_delta(base, last)
        self._multi_delta(base, last)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE hf_replay_batch_days AS "
            "SELECT day_no AS batch_day_no, snapshot_date FROM hf_replay_days WHERE day_no > $base AND day_no <= $last",
            window,
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE hf_replay_profile_delta AS {PROFILE_DELTA}")
        for name, (groups, _) in FACTORS.items():
            self._sums(name, groups, base, last)
        self._write(days)
        # the counters state after the batch: each scope and model's newest row (rows of a scope and
        # model are at most one a day, and the batch's days are all later than the state's)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_state AS
               SELECT scope_no, model_no, day_no, downloads_30d, downloads_all_time FROM hf_replay_counters WHERE until IS NULL"""
        )
        for table in (
            "hf_replay_counters",
            "hf_replay_pairs",
            "hf_replay_multi",
            "hf_replay_multi_models",
            "hf_replay_multi_moved",
            "hf_replay_multi_needed",
            "hf_replay_delta",
            "hf_replay_profile_delta",
        ):
            con.execute(f"DROP TABLE {table}")
        con.execute("DROP TABLE hf_replay_batch_days")
        self.last_day = last

    def _single_delta(self, base: int, last: int) -> None:
        """hf_replay_delta for the models listed once: a day with a counter row for the listing, or on
        which it was listed and not the day before (or the reverse), takes the old value away and adds
        the new one (a listing's value: its scope's latest counters at or before the day).

        A counter row's day has the row itself as its new value and the row before it (the latest
        before the day) as its old one: a window over the counters, not a search for each. A day on
        which the listing came or went without a counter row (a few) has the latest row before it as
        both."""
        span = last - base
        moved = ((1 << (span + 1)) - 1) & ~1  # bits 1..span: the batch's days
        con = self.con
        # the value on the day and on the day before (a listing without any counter row has none, as
        # in hf_daily_downloads_from's inner ASOF join); a counter row that left the downloads as they
        # were (likes, trending) changes nothing and gives no rows
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE hf_replay_delta AS
                WITH single AS (
                    SELECT scope_no, model_no, profile_no, listed FROM hf_replay_pairs ANTI JOIN hf_replay_multi USING (key_no)
                ),
                counted AS (   -- each counter row of the batch and the one before it
                    SELECT * FROM hf_replay_counters WHERE day_no > {base}
                ),
                transitions AS MATERIALIZED (   -- listed and not the day before, or the reverse (a few)
                    SELECT scope_no, model_no, profile_no, ({base} + off)::INTEGER AS day_no,
                           (listed >> off) & 1 = 1 AS listed_now, (listed >> (off - 1)) & 1 = 1 AS listed_before
                    FROM (SELECT *, unnest({_moves(span)}) AS off FROM single
                          WHERE xor(listed, listed << 1) & {moved} <> 0)
                ),
                transition_counters AS (   -- their listings' counter rows (found by a hash of the few transitions)
                    FROM hf_replay_counters SEMI JOIN transitions USING (scope_no, model_no)
                ),
                valued AS (
                    SELECT c.day_no, s.profile_no,
                           (s.listed >> (c.day_no - {base})) & 1 = 1 AS has_now, c.downloads_30d AS now_30d,
                           c.downloads_all_time AS now_all,
                           (s.listed >> (c.day_no - {base} - 1)) & 1 = 1 AND c.had_before AS has_before,
                           c.before_30d, c.before_all
                    FROM counted c JOIN single s USING (scope_no, model_no)
                    UNION ALL
                    SELECT day_no, profile_no, listed_now, v.downloads_30d, v.downloads_all_time,
                           listed_before, v.downloads_30d, v.downloads_all_time
                    FROM (SELECT t.day_no, t.profile_no, t.listed_now, t.listed_before,
                                 arg_max({{'downloads_30d': c.downloads_30d, 'downloads_all_time': c.downloads_all_time}},
                                         c.day_no) AS v
                          -- those without a counter row on the day
                          FROM (FROM transitions ANTI JOIN transition_counters USING (scope_no, model_no, day_no)) t
                          JOIN transition_counters c
                            ON c.scope_no = t.scope_no AND c.model_no = t.model_no AND c.day_no < t.day_no
                          GROUP BY t.scope_no, t.model_no, t.day_no, t.profile_no, t.listed_now, t.listed_before)
                ),
                changed AS (
                    SELECT * FROM valued
                    WHERE NOT (has_now AND has_before AND now_30d IS NOT DISTINCT FROM before_30d
                               AND now_all IS NOT DISTINCT FROM before_all)
                )
                -- summed per day and profile at once (integers: PROFILE_DELTA's sums of these sums are
                -- the same), a few thousand rows instead of every changed listing
                SELECT day_no, profile_no, sum(models) AS models, sum(n30) AS n30, sum(s30) AS s30,
                       sum(nall) AS nall, sum(sall) AS sall
                FROM ({_net("changed")})
                GROUP BY ALL"""
        )

    def _multi_moved(self, base: int, last: int) -> None:
        """hf_replay_multi_moved: the batch days (key_no, day_no) on which a model of hf_replay_multi can
        have another row than the day before; on the others its row is the day before's, and only
        these are made and compared (most days, most of these models keep their counters).

        A model's row on a day is the counters of the listing that wins among its listings (by
        hf_daily_downloads_from's order: a current id before a renamed one, then the snapshot's as_of
        and id), each listing's counters being its scope's latest counter row at or before the day.
        So the row can differ from the day before's only on a day with a counter row for one of its
        ids in some scope, on a day one of its (scope, id) listings came or went, or on a day whose
        snapshots finished in another order than the day before's (or a scope listed twice on
        either day, which the bits per day cannot tell apart): every model then."""
        span = last - base
        moved = ((1 << (span + 1)) - 1) & ~1  # bits 1..span: the batch's days
        con = self.con
        orders = con.execute(
            "SELECT day_no, list(scope_no ORDER BY as_of, snapshot_id) FROM hf_replay_snapshots "
            "WHERE day_no >= $base AND day_no <= $last GROUP BY day_no ORDER BY day_no",
            {"base": base, "last": last},
        ).fetchall()
        reordered = [
            day
            for (day, order), (before_day, before) in zip(orders, [(None, None), *orders], strict=False)
            if day > base
            and (
                before_day != day - 1
                or order != before
                or len(set(order)) < len(order)
                or len(set(before)) < len(before)
            )
        ]
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE hf_replay_multi_moved AS
                -- each with the model's moved day before it (or the day before the batch), whose row
                -- is the one of the day before (none moved in between)
                SELECT key_no, day_no, coalesce(lag(day_no) OVER (PARTITION BY key_no ORDER BY day_no), {base}) AS since
                FROM (SELECT DISTINCT key_no, day_no::INTEGER AS day_no FROM (
                    SELECT k.key_no, c.day_no
                    FROM (FROM hf_replay_counters SEMI JOIN hf_replay_multi_models USING (model_no)) c
                    JOIN hf_replay_keys k USING (model_no)
                    WHERE c.day_no > {base}
                    UNION ALL
                    SELECT key_no, {base} + off
                    FROM (SELECT key_no, listed, unnest({_moves(span)}) AS off
                          FROM hf_replay_pairs SEMI JOIN hf_replay_multi USING (key_no)
                          WHERE xor(listed, listed << 1) & {moved} <> 0)
                    UNION ALL
                    SELECT key_no, unnest($reordered::INTEGER[]) FROM hf_replay_multi
                ))""",
            {"reordered": reordered},
        )

    def _multi_delta(self, base: int, last: int) -> None:
        """Add to hf_replay_delta the other models' changes, from their rows made by hf_daily_downloads_from
        on their moved days (each against the row of the moved day before it, or of the day before the
        batch). Their rows with a top rank are the sets' top rows."""
        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE hf_replay_multi_models AS "
            "SELECT model_no FROM hf_replay_keys SEMI JOIN hf_replay_multi USING (key_no)"
        )
        self._multi_moved(base, last)
        # The snapshots whose listings are read (the others' are the pairs' bits: a scope's only
        # snapshot of a day, not a top N, lists a pair that day if its bit is set, and its rank is
        # never read): the top N listings, whose ranks are, and a scope's several snapshots of a day.
        # By their ids, so that the scan reads only their row groups.
        read = [
            r[0]
            for r in con.execute(
                """SELECT snapshot_id FROM hf_replay_snapshots WHERE day_no >= $base AND day_no <= $last
                   QUALIFY top OR count(*) OVER (PARTITION BY scope_no, day_no) > 1 ORDER BY 1""",
                {"base": base, "last": last},
            ).fetchall()
        ]
        in_read = f"l.snapshot_id IN ({', '.join(str(int(i)) for i in read)})" if read else "false"
        # the rows made: each moved day and the one before it (the day before the batch for the first),
        # whose row the day before the moved day has, and the days a model is in a top N listing (the
        # sets' top rows and the top 100 read them), for each of the key's ids
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE hf_replay_multi_needed AS
                SELECT k.model_no, n.day_no
                FROM (SELECT key_no, day_no FROM hf_replay_multi_moved
                      UNION
                      SELECT key_no, since FROM hf_replay_multi_moved
                      UNION
                      SELECT k.key_no, s.day_no
                      FROM internal.hf_listings l
                      JOIN hf_replay_snapshots s USING (snapshot_id)
                      JOIN hf_replay_keys k USING (model_no)
                      WHERE {in_read} AND s.top AND s.day_no > {base} AND s.day_no <= {last}) n
                JOIN hf_replay_keys k USING (key_no)"""
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE hf_replay_multi_rows AS
                WITH listed AS (
                    SELECT s.snapshot_id, s.snapshot_date, s.scope, s.scope_no, s.day_no, s.as_of,
                           NULL::INTEGER AS rank, p.model_no
                    FROM hf_replay_multi_needed n
                    JOIN hf_replay_pairs p USING (model_no)
                    JOIN hf_replay_snapshots s ON s.scope_no = p.scope_no AND s.day_no = n.day_no
                    WHERE (p.listed >> (n.day_no - {base})) & 1 = 1
                      AND NOT list_contains($read, s.snapshot_id)
                    UNION ALL
                    SELECT s.snapshot_id, s.snapshot_date, s.scope, s.scope_no, s.day_no, s.as_of, l.rank, l.model_no
                    FROM internal.hf_listings l
                    JOIN hf_replay_snapshots s USING (snapshot_id)
                    SEMI JOIN hf_replay_multi_needed n ON n.model_no = l.model_no AND n.day_no = s.day_no
                    WHERE {in_read} AND s.day_no >= {base} AND s.day_no <= {last}
                ),
                {OBSERVED} AS (
                    SELECT l.*, c.downloads_30d, c.downloads_all_time
                    FROM listed l
                    JOIN (FROM hf_replay_counters SEMI JOIN hf_replay_multi_models USING (model_no)) c
                      ON c.scope_no = l.scope_no AND c.model_no = l.model_no
                     AND l.day_no >= c.day_no AND (l.day_no < c.until OR c.until IS NULL)
                )
                SELECT r.*, d.day_no, k.key_no
                FROM hf_daily_downloads_from('{OBSERVED}', 'internal.hf_ids') r
                JOIN hf_replay_days d USING (snapshot_date)
                JOIN hf_replay_key_names k USING (model_key)""",
            {"read": read},
        )
        # a day's row against the day before's, both from the macro: only the rows that differ count
        con.execute(
            f"""INSERT INTO hf_replay_delta
                WITH paired AS (
                    SELECT m.day_no, m.key_no,
                           n.key_no IS NOT NULL AS has_now, n.downloads_30d AS now_30d, n.downloads_all_time AS now_all,
                           b.key_no IS NOT NULL AS has_before, b.downloads_30d AS before_30d,
                           b.downloads_all_time AS before_all
                    FROM hf_replay_multi_moved m
                    LEFT JOIN hf_replay_multi_rows n ON n.key_no = m.key_no AND n.day_no = m.day_no
                    LEFT JOIN hf_replay_multi_rows b ON b.key_no = m.key_no AND b.day_no = m.since
                ),
                changed AS (
                    SELECT p.*, f.profile_no FROM paired p JOIN hf_replay_key_profile f USING (key_no)
                    WHERE NOT (has_now AND has_before AND now_30d IS NOT DISTINCT FROM before_30d
                               AND now_all IS NOT DISTINCT FROM before_all)
                )
                {_net("changed")}"""
        )

    def _sums(self, name: str, groups: str, base: int, last: int) -> None:
        """hf_replay_day_<name>: each batch day's and group's sums (the sums before the batch plus the
        changes up to the day); the sums of the batch's last day become the state."""
        g = f"{groups}, " if groups else ""
        totals = ", ".join(f"sum({c}) AS {c}" for c in SUMS)
        con = self.con
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE hf_replay_day_{name} AS
                WITH steps AS (
                    SELECT {base} AS day_no, * FROM hf_replay_sums_{name}
                    UNION ALL BY NAME
                    {self._contributions(name, groups)}
                )
                SELECT b.batch_day_no AS day_no, b.snapshot_date, {g}{totals}
                FROM hf_replay_batch_days b JOIN steps s ON s.day_no <= b.batch_day_no
                GROUP BY ALL"""
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE hf_replay_sums_{name} AS
                SELECT * EXCLUDE (day_no, snapshot_date) FROM hf_replay_day_{name} WHERE day_no = {last} AND models <> 0"""
        )

    def _write(self, days: list[date]) -> None:
        """Replace the roll-ups of `days` by the batch's sums, in the columns of the `*_from` macros."""
        con, params = self.con, {"days": days}
        for table in ("sets", "family", "organisation", "country"):
            con.execute(f"DELETE FROM internal.hf_rollup_{table} WHERE list_contains($days, snapshot_date)", params)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_totals AS
               SELECT snapshot_date, models, coalesce(round(s30), 0) AS downloads_30d,
                      coalesce(round(sall), 0) AS downloads_all_time
               FROM hf_replay_day_listed WHERE models > 0"""
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_top AS
               SELECT snapshot_date, downloads_30d, scopes FROM hf_replay_multi_rows
               WHERE top_rank IS NOT NULL AND list_contains($days, snapshot_date)""",
            params,
        )
        con.execute(
            "INSERT INTO internal.hf_rollup_sets "
            "SELECT * FROM hf_snapshot_sets_of('hf_replay_totals', 'hf_replay_top', $days)",
            params,
        )
        figures = f"""models, {_figure("s30", "n30")} AS downloads_30d, {_figure("sall", "nall")} AS downloads_all_time,
                      coalesce(lm_models, 0) AS lm_models, coalesce(round(lm30), 0)::BIGINT AS lm_downloads_30d,
                      coalesce(round(lmall), 0)::BIGINT AS lm_downloads_all_time"""
        for name, groups in (("family", "family, scope"), ("organisation", "organisation, country, scope")):
            con.execute(
                f"""INSERT INTO internal.hf_rollup_{name}
                    SELECT d.*, s.as_of, s.coverage
                    FROM (SELECT snapshot_date, {groups}, {figures} FROM hf_replay_day_{name} WHERE models > 0) d
                    JOIN internal.hf_rollup_sets s USING (snapshot_date)"""
            )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE hf_replay_set_totals AS
                SELECT snapshot_date, {_figure("s30", "n30")} AS downloads_30d, {_figure("lm30", "nlm30")} AS lm_downloads_30d
                FROM hf_replay_day_attributed WHERE models > 0"""
        )
        con.execute(
            "INSERT INTO internal.hf_rollup_country SELECT * FROM hf_downloads_by_country_of("
            "'hf_replay_set_totals', 'internal.hf_rollup_organisation', 'internal.hf_rollup_sets')"
        )
        self._top100(days)
        for table in ("hf_replay_totals", "hf_replay_top", "hf_replay_set_totals", "hf_replay_multi_rows"):
            con.execute(f"DROP TABLE {table}")
        for name in FACTORS:
            con.execute(f"DROP TABLE hf_replay_day_{name}")

    def _top100(self, days: list[date]) -> None:
        """internal.hf_rollup_top100 for `days`, by hf_top100_from as after a commit: a top-N listing's
        first 100 ranks are rows of the multi models (a top N makes a model one); a full-Hub day ranks
        every model, so its rows are made whole (listings and counters, as the old day-by-day replay
        did), only for those days."""
        con, params = self.con, {"days": days}
        con.execute("DELETE FROM internal.hf_rollup_top100 WHERE list_contains($days, snapshot_date)", params)
        full_days = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT snapshot_date FROM hf_replay_snapshots "
                "WHERE scope = 'full_hub' AND list_contains($days, snapshot_date) ORDER BY 1",
                params,
            ).fetchall()
        ]
        con.execute(
            """CREATE OR REPLACE TEMP TABLE hf_replay_top100_rows AS
               SELECT snapshot_date, model_id, model_key, downloads_30d, top_rank FROM hf_replay_multi_rows
               WHERE top_rank <= 100 AND list_contains($days, snapshot_date)
                 AND NOT list_contains($full, snapshot_date)""",
            {**params, "full": full_days},
        )
        for day in full_days:  # a day at a time: each is the whole Hub (2.5 million rows)
            con.execute(
                f"""INSERT INTO hf_replay_top100_rows
                    WITH listed AS (
                        SELECT s.snapshot_id, s.snapshot_date, s.scope, s.scope_no, s.day_no, s.as_of, l.rank, l.model_no
                        FROM internal.hf_listings l
                        JOIN hf_replay_snapshots s USING (snapshot_id)
                        WHERE s.snapshot_date = $day
                    ),
                    {OBSERVED} AS (
                        SELECT l.*, c.downloads_30d, c.downloads_all_time
                        FROM listed l
                        ASOF JOIN hf_replay_counters c
                          ON c.scope_no = l.scope_no AND c.model_no = l.model_no AND l.day_no >= c.day_no
                    ),
                    day_rows AS (
                        SELECT snapshot_date, model_id, model_key, downloads_30d, top_rank
                        FROM hf_daily_downloads_from('{OBSERVED}', 'internal.hf_ids')
                    ),
                    language AS (SELECT DISTINCT model_key FROM internal.hf_attribution WHERE language_model)
                    -- only what can be in the day's two lists: its top 100 and its top 100 language models
                    (SELECT * FROM day_rows ORDER BY downloads_30d DESC NULLS LAST, model_id LIMIT 100)
                    UNION
                    (SELECT * FROM day_rows SEMI JOIN language USING (model_key)
                     ORDER BY downloads_30d DESC NULLS LAST, model_id LIMIT 100)""",
                {"day": day},
            )
        con.execute(
            "INSERT INTO internal.hf_rollup_top100 "
            "SELECT * FROM hf_top100_from('hf_replay_top100_rows', 'internal.hf_rollup_sets')"
        )
        con.execute("DROP TABLE hf_replay_top100_rows")

    def close(self) -> None:
        self.con.execute("RESET SESSION asof_loop_join_threshold")
        for table in TEMP_TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS {table}")
