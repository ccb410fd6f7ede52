"""Hub counters on disk: ids stored once, listings in full, counters only when they change.

A daily snapshot of 300,000 models would be 300,000 rows of six columns; most of those counters are
the same as the day before. So (migration 0004):
  * `internal.hf_model_keys` gives each model id a 32-bit number once;
  * `internal.hf_listings` keeps every snapshot's membership and order in full (snapshot, rank, model);
  * `internal.hf_counters` keeps a row per scope and model only when its observed counters differ from its
    previous row in that scope; a snapshot's value is the latest row at or before its day (the view
    `hf_model_downloads` puts the rows back together, with the old table's columns);
  * `internal.hf_counter_state` caches the latest row per scope and model, so that a daily commit compares
    with 300,000 rows instead of the whole history. It is derived: `rebuild_state` remakes it.
Nothing is lost: every observation can be read back exactly (tests/test_hf_store.py checks it on
reruns, backdated snapshots and NULL counters). The caller holds the transaction.
"""

from __future__ import annotations

from datetime import date

COUNTERS = "downloads_30d, downloads_all_time, likes, trending_score"
# The order counter rows are written in (every insert selects snapshot_id, model_no, then COUNTERS):
# within a snapshot by all-time downloads, not by model number. Neighbouring rows then hold close
# values, which DuckDB's bit-packing stores in fewer bits: on a year of 300,000 models a day, 6.7
# bytes a counter row instead of 11.2 (the model numbers take 2.6 instead of 1.0, the four counters
# 4.1 instead of 10.2). Nothing reads the order: every reader joins on model_no.
ROW_ORDER = "ORDER BY 1, 4, 3, 2"


def append(con, rows_sql: str, params: dict | None = None, *, ranked: bool = True) -> int:
    """Store listings given as a query (constant SQL written by this project, never fetched text)
    with the columns snapshot_id, model_id, rank, downloads_30d, downloads_all_time, likes,
    trending_score and, optionally, model_no (the id's number when the staging knew it, else NULL:
    then model_id is needed); their snapshots are already in hf_snapshots. `params` are named (the
    query is read twice). `ranked=False`: the rows carry no rank, and each listing is ranked in
    model-number order. Returns the counter rows written."""
    columns = {d[0] for d in con.execute(f"SELECT * FROM ({rows_sql}) LIMIT 0", params).description}
    raw = f"({rows_sql})" if "model_no" in columns else f"(SELECT *, NULL::INTEGER AS model_no FROM ({rows_sql}))"
    # A number never changes once given: only the rows staged without one are joined with the ids (the
    # rows are read twice rather than kept: 2.5 million for a full Hub).
    numbered = f"""CREATE OR REPLACE TEMP TABLE hf_new AS
            SELECT n.snapshot_id, s.scope, s.snapshot_date, n.model_no, n.rank, {_cols("n")}
            FROM {raw} n JOIN hf_snapshots s USING (snapshot_id) WHERE n.model_no IS NOT NULL
            UNION ALL
            SELECT n.snapshot_id, s.scope, s.snapshot_date, k.model_no, n.rank, {_cols("n")}
            FROM (SELECT * FROM {raw} WHERE model_no IS NULL) n JOIN hf_snapshots s USING (snapshot_id)
            LEFT JOIN internal.hf_model_keys k USING (model_id)"""
    # Most ids were numbered on an earlier day: one join finds their numbers, and only when some are
    # new are they numbered and the rows joined again.
    con.execute(numbered, params)
    if con.execute("SELECT count(*) FROM hf_new WHERE model_no IS NULL").fetchone()[0]:
        register_ids(con, f"SELECT model_id FROM {raw} WHERE model_no IS NULL", params)
        con.execute(numbered, params)
    if ranked:
        con.execute(
            "INSERT INTO internal.hf_listings SELECT snapshot_id, rank, model_no FROM hf_new ORDER BY snapshot_id, rank"
        )
    else:
        con.execute(
            """INSERT INTO internal.hf_listings
               SELECT snapshot_id, row_number() OVER (PARTITION BY snapshot_id ORDER BY model_no), model_no
               FROM hf_new ORDER BY snapshot_id, model_no"""
        )
    # A scope can take the quick path (compare with the cached state) when this is its one new
    # snapshot and no stored snapshot of it is later; otherwise its counters are re-encoded in order.
    rewrite = [
        r[0]
        for r in con.execute(
            """WITH new AS (SELECT scope, min(snapshot_date) AS first_day, count(DISTINCT snapshot_id) AS snapshots
                        FROM hf_new GROUP BY scope)
           SELECT n.scope FROM new n
           WHERE n.snapshots > 1 OR EXISTS (
               SELECT 1 FROM hf_snapshots s WHERE s.scope = n.scope AND s.snapshot_date > n.first_day
                 AND s.snapshot_id NOT IN (SELECT snapshot_id FROM hf_new))
           ORDER BY 1"""
        ).fetchall()
    ]
    written = 0
    # A scope whose one new snapshot goes before stored later ones (a back-dated import, a clock behind)
    # is patched where it lands instead of re-encoding the scope's whole history (`_insert_before`).
    patch = [
        r[0]
        for r in con.execute(
            """SELECT scope FROM hf_new GROUP BY scope HAVING count(DISTINCT snapshot_id) = 1
               AND list_contains($scopes, scope) ORDER BY 1""",
            {"scopes": rewrite},
        ).fetchall()
    ]
    for scope in patch:
        written += _insert_before(con, scope)
    rewrite = [scope for scope in rewrite if scope not in patch]
    if rewrite:
        new_ids = [r[0] for r in con.execute("SELECT DISTINCT snapshot_id FROM hf_new").fetchall()]
        _materialise(con, rewrite, exclude=new_ids)
        con.execute(
            f"INSERT INTO hf_full SELECT snapshot_id, scope, snapshot_date, model_no, {COUNTERS} "
            "FROM hf_new WHERE list_contains($scopes, scope)",
            {"scopes": rewrite},
        )
        before = _count(con)
        _encode(con, rewrite)
        written += _count(con) - before
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE hf_changed AS
            SELECT n.snapshot_id, n.scope, n.model_no, {_cols("n")}, c.model_no IS NULL AS first_row
            FROM hf_new n
            LEFT JOIN internal.hf_counter_state c ON c.scope = n.scope AND c.model_no = n.model_no
            WHERE NOT list_contains($scopes, n.scope)
              AND (c.model_no IS NULL OR row({_cols("n")}) IS DISTINCT FROM row({_cols("c")}))""",
        {"scopes": rewrite + patch},
    )
    con.execute(
        f"INSERT INTO internal.hf_counters SELECT snapshot_id, model_no, {COUNTERS} FROM hf_changed {ROW_ORDER}"
    )
    written += con.execute("SELECT count(*) FROM hf_changed").fetchone()[0]
    # the cached latest row: a plain insert for a scope and model seen for the first time (a first run
    # is all of them), an update for the others
    con.execute(
        f"INSERT INTO internal.hf_counter_state SELECT scope, model_no, {COUNTERS} FROM hf_changed WHERE first_row"
    )
    con.execute(
        f"""UPDATE internal.hf_counter_state AS t SET {", ".join(f"{c} = s.{c}" for c in COUNTERS.split(", "))}
            FROM hf_changed s WHERE NOT s.first_row AND t.scope = s.scope AND t.model_no = s.model_no"""
    )
    con.execute("DROP TABLE hf_changed")
    con.execute("DROP TABLE hf_new")
    return written


def _insert_before(con, scope: str) -> int:
    """Store the one new snapshot of `scope` in hf_new, which goes before the scope's stored later
    snapshots, by patching the change-only rows where it lands; returns the counter rows written.

    A value at a day is the scope's latest row at or before it, so a day D inserted between the
    stored days P < D < N changes nothing else if, for each model listed at D:
      * D gets a row when its counters differ from the model's latest row before D (as any day);
      * N gets a row with that older value when D wrote one and N has none (N's value stays what it
        was: without it, N would now read D's row);
      * N's row goes when it equals D's counters (it no longer records a change).
    N is the scope's next snapshot; a model listed at D but not at N gets its row at N all the same
    (the value is the same for every later day until the model's next row). The cached latest state
    only changes for a model the scope never had a row for. Reads the scope's rows before D once,
    not its whole history written again (tests/test_hf_store.py compares with the full re-encoding)."""
    new, day = con.execute(
        "SELECT any_value(snapshot_id), any_value(snapshot_date) FROM hf_new WHERE scope = ?", [scope]
    ).fetchone()
    following = con.execute(
        """SELECT snapshot_id FROM hf_snapshots WHERE scope = ? AND snapshot_date > ? AND snapshot_id <> ?
           ORDER BY snapshot_date, snapshot_id LIMIT 1""",
        [scope, day, new],
    ).fetchone()[0]
    struct = "{" + ", ".join(f"'{c}': c.{c}" for c in COUNTERS.split(", ")) + "}"
    given = {"scope": scope, "day": day, "new": new, "next": following}

    def run(sql: str) -> None:  # DuckDB wants exactly the parameters a statement names
        con.execute(sql, {k: v for k, v in given.items() if f"${k}" in sql})

    run(
        f"""CREATE OR REPLACE TEMP TABLE hf_patch AS
            WITH listed AS (SELECT model_no, {_cols("n")} FROM hf_new n WHERE n.scope = $scope),
            before AS (
                SELECT c.model_no, arg_max({struct}, (s.snapshot_date, s.snapshot_id)) AS v
                FROM internal.hf_counters c JOIN hf_snapshots s USING (snapshot_id)
                WHERE s.scope = $scope AND s.snapshot_date < $day AND c.snapshot_id <> $new
                  AND c.model_no IN (SELECT model_no FROM listed)
                GROUP BY c.model_no
            ),
            at_next AS (
                SELECT model_no, {_cols("c")} FROM internal.hf_counters c
                WHERE c.snapshot_id = $next AND c.model_no IN (SELECT model_no FROM listed)
            )
            SELECT l.*, b.model_no IS NOT NULL AS had_before, b.v AS before,
                   b.model_no IS NULL OR row({_cols("l")}) IS DISTINCT FROM row({", ".join(f"b.v.{c}" for c in COUNTERS.split(", "))})
                       AS changed,
                   x.model_no IS NOT NULL AS next_has_row,
                   x.model_no IS NOT NULL AND row({_cols("l")}) IS NOT DISTINCT FROM row({_cols("x")}) AS next_redundant
            FROM listed l LEFT JOIN before b USING (model_no) LEFT JOIN at_next x USING (model_no)"""
    )
    run(
        f"""INSERT INTO internal.hf_counters
            SELECT $new, model_no, {COUNTERS} FROM hf_patch WHERE changed {ROW_ORDER}"""
    )
    run(
        f"""INSERT INTO internal.hf_counters
            SELECT $next, model_no, {", ".join(f"before.{c}" for c in COUNTERS.split(", "))}
            FROM hf_patch WHERE changed AND had_before AND NOT next_has_row {ROW_ORDER}"""
    )
    run(
        """DELETE FROM internal.hf_counters WHERE snapshot_id = $next
           AND model_no IN (SELECT model_no FROM hf_patch WHERE next_redundant)"""
    )
    # a model the scope had never listed, and does not list later: its only row is D's
    run(
        f"""INSERT INTO internal.hf_counter_state
            SELECT $scope, p.model_no, {_cols("p")} FROM hf_patch p
            WHERE p.changed AND NOT p.had_before
              AND NOT EXISTS (SELECT 1 FROM internal.hf_counter_state t WHERE t.scope = $scope AND t.model_no = p.model_no)"""
    )
    written = con.execute(
        "SELECT count(*) FILTER (WHERE changed) + count(*) FILTER (WHERE changed AND had_before AND NOT next_has_row) "
        "- count(*) FILTER (WHERE next_redundant) FROM hf_patch"
    ).fetchone()[0]
    con.execute("DROP TABLE hf_patch")
    return written


def register_ids(con, ids_sql: str, params: dict | None = None) -> None:
    """Number the ids of the query `ids_sql` (constant SQL, one column model_id) not numbered yet."""
    con.execute(
        f"""INSERT INTO internal.hf_model_keys
            SELECT ((SELECT coalesce(max(model_no), 0) FROM internal.hf_model_keys) + row_number() OVER (ORDER BY model_id))::INTEGER,
                   model_id
            FROM (SELECT DISTINCT model_id FROM ({ids_sql})) ANTI JOIN internal.hf_model_keys USING (model_id)""",
        params,
    )


def delete_day(con, day: date, scopes: list[str]) -> int:
    """Remove the snapshots of `scopes` on `day` (a rerun replaces them). A later snapshot of the same
    scope may rest on the removed counters, so such scopes are re-encoded first. Returns how many."""
    ids = [
        r[0]
        for r in con.execute(
            "SELECT snapshot_id FROM hf_snapshots WHERE snapshot_date = ? AND list_contains(?, scope)", [day, scopes]
        ).fetchall()
    ]
    if not ids:
        return 0
    later = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT scope FROM hf_snapshots WHERE snapshot_date > ? AND list_contains(?, scope) ORDER BY 1",
            [day, scopes],
        ).fetchall()
    ]
    # a scope's one snapshot of the day, with later ones stored: patched where it goes (`_delete_before`)
    patch = [
        r[0]
        for r in con.execute(
            "SELECT scope FROM hf_snapshots WHERE list_contains(?, snapshot_id) AND list_contains(?, scope) "
            "GROUP BY scope HAVING count(*) = 1 ORDER BY 1",
            [ids, later],
        ).fetchall()
    ]
    for scope in patch:
        _delete_before(con, scope, day)
    later = [s for s in later if s not in patch]
    if later:
        _materialise(con, later, exclude=ids)
    for table in ("internal.hf_listings", "internal.hf_counters", "hf_snapshots"):
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, snapshot_id)", [ids])
    if later:
        _encode(con, later)
    rebuild_state(con, [s for s in scopes if s not in later and s not in patch])
    return len(ids)


def _delete_before(con, scope: str, day: date) -> None:
    """Before the snapshot of `scope` on `day` is removed (the caller removes it), keep the values of
    the scope's later snapshots: for each model with a row on that day, the scope's next snapshot N
    gets that row when it has none (N read it; without it N would read the older row), and N's row
    goes when it equals the model's row before the day (it would no longer record a change). The
    cached latest state stays right: each model's latest value is unchanged. The mirror of
    `_insert_before`."""
    gone, following = con.execute(
        """SELECT (SELECT snapshot_id FROM hf_snapshots WHERE scope = $scope AND snapshot_date = $day),
                  (SELECT snapshot_id FROM hf_snapshots WHERE scope = $scope AND snapshot_date > $day
                   ORDER BY snapshot_date, snapshot_id LIMIT 1)""",
        {"scope": scope, "day": day},
    ).fetchone()
    struct = "{" + ", ".join(f"'{c}': c.{c}" for c in COUNTERS.split(", ")) + "}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE hf_patch AS
            WITH dropped AS (SELECT model_no, {_cols("c")} FROM internal.hf_counters c WHERE c.snapshot_id = $gone),
            before AS (
                SELECT c.model_no, arg_max({struct}, (s.snapshot_date, s.snapshot_id)) AS v
                FROM internal.hf_counters c JOIN hf_snapshots s USING (snapshot_id)
                WHERE s.scope = $scope AND s.snapshot_date < $day AND c.model_no IN (SELECT model_no FROM dropped)
                GROUP BY c.model_no
            ),
            at_next AS (
                SELECT model_no, {_cols("c")} FROM internal.hf_counters c
                WHERE c.snapshot_id = $next AND c.model_no IN (SELECT model_no FROM dropped)
            )
            SELECT d.*, x.model_no IS NOT NULL AS next_has_row,
                   x.model_no IS NOT NULL AND b.model_no IS NOT NULL
                       AND row({_cols("x")}) IS NOT DISTINCT FROM row({", ".join(f"b.v.{c}" for c in COUNTERS.split(", "))})
                       AS next_redundant
            FROM dropped d LEFT JOIN before b USING (model_no) LEFT JOIN at_next x USING (model_no)""",
        {"gone": gone, "scope": scope, "day": day, "next": following},
    )
    con.execute(
        f"""INSERT INTO internal.hf_counters
            SELECT $next, model_no, {COUNTERS} FROM hf_patch WHERE NOT next_has_row {ROW_ORDER}""",
        {"next": following},
    )
    con.execute(
        """DELETE FROM internal.hf_counters WHERE snapshot_id = $next
           AND model_no IN (SELECT model_no FROM hf_patch WHERE next_redundant)""",
        {"next": following},
    )
    con.execute("DROP TABLE hf_patch")


def rebuild_state(con, scopes: list[str] | None = None) -> None:
    """Remake the cache of the latest counters per scope and model (all scopes when None)."""
    if scopes == []:
        return
    where = "" if scopes is None else "WHERE list_contains($scopes, s.scope)"
    params = {} if scopes is None else {"scopes": scopes}
    con.execute(
        "DELETE FROM internal.hf_counter_state" + ("" if scopes is None else " WHERE list_contains($scopes, scope)"),
        params,
    )
    # arg_max of a struct: arg_max of a bare column skips NULLs and would pick an older value
    con.execute(
        f"""INSERT INTO internal.hf_counter_state
            SELECT scope, model_no, v.downloads_30d, v.downloads_all_time, v.likes, v.trending_score
            FROM (SELECT s.scope, c.model_no,
                         arg_max({{'downloads_30d': c.downloads_30d, 'downloads_all_time': c.downloads_all_time,
                                   'likes': c.likes, 'trending_score': c.trending_score}},
                                 (s.snapshot_date, s.snapshot_id)) AS v
                  FROM internal.hf_counters c JOIN hf_snapshots s USING (snapshot_id) {where}
                  GROUP BY s.scope, c.model_no)""",
        params,
    )


def _materialise(con, scopes: list[str], exclude: list[int]) -> None:
    """Every stored observation of `scopes` (but the snapshots in `exclude`) as full rows, in hf_full."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE hf_full AS
            WITH listed AS (
                SELECT l.snapshot_id, s.scope, s.snapshot_date, l.model_no
                FROM internal.hf_listings l JOIN hf_snapshots s USING (snapshot_id)
                WHERE list_contains($scopes, s.scope) AND NOT list_contains($exclude, l.snapshot_id)
            ),
            counted AS (
                SELECT s.scope, s.snapshot_date, c.*
                FROM internal.hf_counters c JOIN hf_snapshots s USING (snapshot_id)
                WHERE list_contains($scopes, s.scope)  -- all of them: later days may rest on excluded ones
            )
            SELECT l.snapshot_id, l.scope, l.snapshot_date, l.model_no, {_cols("c")}
            FROM listed l ASOF JOIN counted c
              ON c.scope = l.scope AND c.model_no = l.model_no AND l.snapshot_date >= c.snapshot_date""",
        {"scopes": scopes, "exclude": exclude},
    )


def _encode(con, scopes: list[str]) -> None:
    """Replace the counters of `scopes` by the change-only encoding of hf_full, then its state."""
    con.execute(
        """DELETE FROM internal.hf_counters WHERE snapshot_id IN (
               SELECT snapshot_id FROM hf_snapshots WHERE list_contains($scopes, scope))""",
        {"scopes": scopes},
    )
    con.execute(
        f"""INSERT INTO internal.hf_counters
            SELECT snapshot_id, model_no, {COUNTERS}
            FROM (SELECT *, lag(row({COUNTERS})) OVER w AS previous, row_number() OVER w AS nth
                  FROM hf_full WINDOW w AS (PARTITION BY scope, model_no ORDER BY snapshot_date, snapshot_id))
            WHERE nth = 1 OR previous IS DISTINCT FROM row({COUNTERS})
            {ROW_ORDER}"""
    )
    con.execute("DROP TABLE hf_full")
    rebuild_state(con, scopes)


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in COUNTERS.split(", "))


def _count(con) -> int:
    return con.execute("SELECT count(*) FROM internal.hf_counters").fetchone()[0]
