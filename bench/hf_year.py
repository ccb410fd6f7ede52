"""Storage benchmark: a year of daily Hub snapshots of 300,000 models, committed through `collect hf`'s
own commit code (`collector.sources.hf.commit` through the run wrapper, one run and one transaction per day), then the
file's size per model-day.

The synthetic Hub has a realistic skew: 30-day downloads fall off as a power law of popularity
(tens of millions at the top, a few dozen in the tail); a model's counters change on a given day
with a probability that grows with its downloads (the top few thousand every day, the tail rarely),
so most counts are unchanged from one day to the next; some go down. Namespaces are real ones
(meta-llama, Qwen, deepseek-ai, google, ...), a third of the models are repackagers' and community
fine-tunes with `base_model:` lineage tags to first-party models, and ~0.1% of models are missing
from any one day's listing. Each day is one coverage scope of every model plus the Hub-wide top
1,000 and the meta-llama, Qwen and deepseek-ai namespaces, as the daily job would crawl them.

    .venv/bin/python -m bench.hf_year [--models 300000] [--days 365] [--keep PATH]
    .venv/bin/python -m bench.hf_year --reattribute PATH [--check]

Prints the bytes per model-day (file size over models x days), rows per table, commit time per day
and the peak RSS. With --keep the store is kept (bench/claims_year.py times the claims report on it).

--reattribute times a full re-attribution (`rollups.reattribute`: every model re-attributed, every
day replayed) on a copy of a kept store, in a process that does nothing else, and prints the days,
seconds (wall and this process's CPU, with the load average: the machine may be shared), its phases
(ids, attribution, the replay's one-off setup, the replay per day and extrapolated to 365 days) and
peak RSS, then the after-commit step of the newest day (three runs); --check compares every roll-up table with the
store's own, rolled up a day at a time as each day was written (they must be the same rows).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from collector import store
from collector.app.runner import Run
from collector.sources.hf import commit as hf_commit
from collector.sources.hf import rollups
from collector.sources.hf.client import ScopeResult
from collector.sources.hf.parse import HfStage

FIRST_PARTY = [  # namespace, repo-name prefix, share of models (per mille)
    ("meta-llama", "Llama-3-", 20),
    ("Qwen", "Qwen2.5-", 30),
    ("deepseek-ai", "DeepSeek-V3-", 8),
    ("google", "gemma-", 20),
    ("mistralai", "Mistral-", 12),
    ("microsoft", "Phi-", 15),
    ("zai-org", "glm-4-", 5),
    ("moonshotai", "Kimi-", 2),
    ("openai", "gpt-oss-", 2),
]
REPACKAGERS = ["unsloth", "bartowski", "mradermacher", "TheBloke", "lmstudio-community", "mlx-community"]
PIPELINES = ["text-generation"] * 7 + ["feature-extraction", "image-text-to-text", "automatic-speech-recognition"]


def build_universe(gen: duckdb.DuckDBPyConnection, models: int) -> None:
    """One row per synthetic model: id, popularity, namespace, lineage parent, metadata."""
    cases = []
    start = 0
    for ns, prefix, per_mille in FIRST_PARTY:
        cases.append(f"WHEN bucket < {start + per_mille} THEN '{ns}/{prefix}' || i")
        start += per_mille
    first_party_end = start
    repack = ", ".join(f"'{r}'" for r in REPACKAGERS)
    pipelines = ", ".join(f"'{p}'" for p in PIPELINES)
    gen.execute(f"""
        CREATE TABLE universe AS
        WITH base AS (
            SELECT i, hash(i, 'ns') % 1000 AS bucket,
                   greatest(3, floor(3e7 * pow(i, -1.15)))::BIGINT AS base30
            FROM range(1, {models} + 1) t(i)
        )
        SELECT i, base30,
               CASE {" ".join(cases)}
                    WHEN bucket < {first_party_end + 250} THEN list_extract([{repack}], 1 + i % {len(REPACKAGERS)}) || '/model-' || i || '-GGUF'
                    ELSE 'user' || (hash(i, 'user') % 20000) || '/finetune-' || i END AS model_id,
               bucket < {first_party_end} AS first_party,
               list_extract([{pipelines}], 1 + (hash(i, 'pipe') % {len(PIPELINES)})::INTEGER) AS pipeline_tag,
               -- the daily chance that this model's counters move: every day at the top, rarely in the tail
               least(1.0, 0.15 + base30 / 3000.0) AS p_change
        FROM base""")
    # lineage: every non-first-party model derives from a first-party one (by popularity, so the big
    # families get the most derivatives); 1 in 20 is a merge of two
    gen.execute("""
        CREATE TABLE parents AS SELECT row_number() OVER (ORDER BY i) AS n, model_id FROM universe WHERE first_party""")
    gen.execute("""
        CREATE TABLE lineage AS
        WITH kids AS (SELECT u.i, u.model_id, (SELECT count(*) FROM parents) AS np FROM universe u WHERE NOT first_party)
        SELECT k.model_id AS child_id, p.model_id AS parent_id,
               CASE WHEN hash(k.i, 'm') % 20 = 0 THEN 'merge' WHEN k.model_id LIKE '%GGUF' THEN 'quantized' ELSE 'finetune' END AS relation
        FROM kids k JOIN parents p ON p.n = 1 + floor(pow((hash(k.i, 'p') % 1000000) / 1e6, 3) * k.np)::BIGINT
        UNION ALL
        SELECT k.model_id, p.model_id, 'merge'
        FROM kids k JOIN parents p ON p.n = 1 + (hash(k.i, 'q') % k.np)::BIGINT
        WHERE hash(k.i, 'm') % 20 = 0""")
    gen.execute("""
        CREATE TABLE state AS
        SELECT i, base30 AS downloads_30d, base30 * (20 + hash(i, 'age') % 40)::BIGINT AS downloads_all_time,
               (base30 // 500)::BIGINT AS likes,
               CASE WHEN i <= 5000 THEN round(base30 / 1e5, 1) ELSE 0 END::DOUBLE AS trending_score
        FROM universe""")
    gen.execute("""
        CREATE TABLE tags AS
        SELECT u.model_id, list(l.relation_tag ORDER BY l.relation_tag) FILTER (WHERE l.relation_tag IS NOT NULL) AS tags
        FROM universe u LEFT JOIN (
            SELECT child_id, unnest(['base_model:' || parent_id, 'base_model:' || relation || ':' || parent_id]) AS relation_tag
            FROM lineage) l ON l.child_id = u.model_id
        GROUP BY u.model_id""")


def next_day(gen: duckdb.DuckDBPyConnection, d: int) -> None:
    """Move the counters of the models whose dice say so (some down: the Hub's are not monotonic)."""
    gen.execute(f"""
        UPDATE state SET
            downloads_30d = greatest(0, downloads_30d + (u.base30 * ((hash(state.i, {d}, 'd') % 200)::BIGINT - 90) // 1000)
                                       + (hash(state.i, {d}, 'e') % 3)::BIGINT - 1),
            downloads_all_time = downloads_all_time + greatest(0, u.base30 // 30 + (hash(state.i, {d}, 'a') % 3)::BIGINT - 1)
                                 - CASE WHEN hash(state.i, {d}, 'z') % 5000 = 0 THEN 7 ELSE 0 END,
            likes = likes + CASE WHEN hash(state.i, {d}, 'l') % 10 = 0 THEN 1 ELSE 0 END,
            trending_score = CASE WHEN state.i <= 5000 THEN round(u.base30 / 1e5 + (hash(state.i, {d}, 't') % 50) / 10.0, 1)
                                  ELSE 0 END
        FROM universe u
        WHERE u.i = state.i AND (hash(state.i, {d}, 'c') % 1000000) / 1e6 < u.p_change""")


def stage_day(gen: duckdb.DuckDBPyConnection, d: int, day: date, folder: Path) -> tuple[list, HfStage]:
    folder.mkdir(parents=True, exist_ok=True)
    at = datetime(day.year, day.month, day.day, 2, 15, tzinfo=UTC)
    gen.execute(f"""
        CREATE OR REPLACE TABLE today AS
        SELECT u.model_id, s.downloads_30d, s.downloads_all_time, s.likes, s.trending_score,
               row_number() OVER (ORDER BY s.downloads_30d DESC, u.model_id)::INTEGER AS rank
        FROM universe u JOIN state s USING (i)
        WHERE hash(u.i, {d}, 'gone') % 1000 <> 0""")
    scope_sql = {
        "coverage_min_downloads:0": "SELECT * FROM today",
        "top_downloads:1000": "SELECT * FROM today WHERE rank <= 1000",
        "author:meta-llama": "SELECT * REPLACE (row_number() OVER (ORDER BY rank)::INTEGER AS rank) FROM today WHERE model_id LIKE 'meta-llama/%'",
        "author:Qwen": "SELECT * REPLACE (row_number() OVER (ORDER BY rank)::INTEGER AS rank) FROM today WHERE model_id LIKE 'Qwen/%'",
        "author:deepseek-ai": "SELECT * REPLACE (row_number() OVER (ORDER BY rank)::INTEGER AS rank) FROM today WHERE model_id LIKE 'deepseek-ai/%'",
    }
    union = " UNION ALL ".join(
        f"SELECT '{scope}' AS scope, rank, model_id, downloads_30d, downloads_all_time, likes, "
        f"trending_score FROM ({sql})"
        for scope, sql in scope_sql.items()
    )
    gen.execute(f"COPY ({union}) TO '{folder / 'downloads.parquet'}' (FORMAT parquet)")
    gen.execute(f"""COPY (SELECT u.model_id, split_part(u.model_id, '/', 1) AS author,
                                 '2025-01-01T00:00:00.000Z' AS created_at,
                                 strftime(TIMESTAMP '2025-06-01' + INTERVAL (hash(u.i, (u.i + {d}) // 30, 'mod') % 300) DAY,
                                          '%Y-%m-%dT%H:%M:%S.000Z') AS last_modified,
                                 u.pipeline_tag, 'transformers' AS library_name,
                                 coalesce(t.tags, []) AS tags, CASE WHEN u.first_party THEN u.base30 * 1000 END AS safetensors_total,
                                 'false' AS gated
                          FROM universe u JOIN tags t USING (model_id))
                    TO '{folder / "models.parquet"}' (FORMAT parquet)""")
    gen.execute(f"COPY (SELECT * FROM lineage) TO '{folder / 'lineage.parquet'}' (FORMAT parquet)")
    counts = dict(gen.execute(f"SELECT scope, count(*) FROM ({union}) GROUP BY scope").fetchall())
    results = [
        ScopeResult(
            scope,
            f"GET /api/models?bench={scope}",
            at,
            at + timedelta(minutes=5),
            pages=-(-counts.get(scope, 0) // 1000),
            models=counts.get(scope, 0),
        )
        for scope in scope_sql
    ]
    rows = sum(counts.values())
    # the Hub source's own staged form (its flags at their defaults: a crawl's files), pointing at the
    # files written above
    stage = HfStage(folder)
    stage.downloads.rows = rows
    stage.models.rows = gen.execute("SELECT count(*) FROM universe").fetchone()[0]
    stage.lineage.rows = gen.execute("SELECT count(*) FROM lineage").fetchone()[0]
    return results, stage


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process (DuckDB's too)
    return usage.ru_utime + usage.ru_stime


def time_reattribute(kept: Path, check: bool) -> None:
    """Time `rollups.reattribute` alone on a copy of `kept`; with `check`, compare its roll-ups."""
    if not kept.exists():
        raise SystemExit(f"{kept} does not exist: build it with .venv/bin/python -m bench.hf_year --keep {kept}")
    logging.basicConfig(level=logging.INFO, format="  %(message)s")
    work = Path(tempfile.mkdtemp(prefix="bench-hf-reattribute-"))
    db = work / "year.duckdb"
    try:
        shutil.copyfile(kept, db)
        store.Store(db).prepare()  # views of this collector first: not part of the re-attribution
        phases: dict[str, list[float]] = {"ids": [0.0, 0.0], "attribution": [0.0, 0.0], "replay setup": [0.0, 0.0]}

        def timed(name, step):  # the phases of rollups.reattribute, timed where it calls them
            def run(*args, **kwargs):
                wall, cpu = time.perf_counter(), _cpu()
                try:
                    return step(*args, **kwargs)
                finally:
                    phases[name][0] += time.perf_counter() - wall
                    phases[name][1] += _cpu() - cpu

            return run

        steps = {
            "refresh_ids": rollups.refresh_ids,
            "refresh_attribution": rollups.refresh_attribution,
            "Replay": rollups.Replay,
        }
        rollups.refresh_ids = timed("ids", steps["refresh_ids"])
        rollups.refresh_attribution = timed("attribution", steps["refresh_attribution"])
        rollups.Replay = timed("replay setup", steps["Replay"])  # once per re-attribution, whatever the days
        try:
            with store.writer(db) as con:
                models = con.execute("SELECT count(*) FROM internal.hf_model_keys").fetchone()[0]
                load = os.getloadavg()[0]
                started, cpu = time.perf_counter(), _cpu()
                days = rollups.reattribute(con)
                elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
        finally:
            for name, step in steps.items():
                setattr(rollups, name, step)
        print(
            f"re-attributed            {days} days, {models:,} model ids in {elapsed:.1f} s wall, {cpu:.1f} s CPU "
            f"(load average {load:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores)"
        )
        for name, (wall, cpu_s) in phases.items():
            print(f"  {name:<22} {wall:6.1f} s wall {cpu_s:6.1f} s CPU")
        replay_wall, replay_cpu = elapsed - sum(w for w, _ in phases.values()), cpu - sum(c for _, c in phases.values())
        print(
            f"  replay (and the rest)  {replay_wall:6.1f} s wall {replay_cpu:6.1f} s CPU = {replay_wall / days:.3f} s wall, "
            f"{replay_cpu / days:.3f} s CPU a day"
        )
        fixed = sum(w for w, _ in phases.values())
        print(
            f"  a year (365 days)      {fixed + replay_wall * 365 / days:6.1f} s wall "
            f"{sum(c for _, c in phases.values()) + replay_cpu * 365 / days:6.1f} s CPU "
            "(ids, attribution and the replay's setup as measured, the replay per day times 365)"
        )
        print(f"peak RSS                 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
        # the daily path for comparison: what `collect hf` runs after writing the newest day
        with store.reader(db) as con:
            newest = con.execute("SELECT max(snapshot_date) FROM hf_snapshots").fetchone()[0]
        after = []
        for _ in range(3):
            started = time.perf_counter()
            rollups.after_commit(store.Store(db), newest)
            after.append(time.perf_counter() - started)
        print(f"after-commit roll-up     of {newest}: {', '.join(f'{t:.1f} s' for t in after)}")
        if check:
            with store.reader(db) as con:
                con.execute(f"ATTACH '{kept}' AS kept (READ_ONLY)")
                for table, _ in rollups.ROLLUPS:
                    schema, name = table.split(".")
                    if not con.execute(
                        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'kept' AND schema_name = ? "
                        "AND table_name = ?",
                        [schema, name],
                    ).fetchone()[0]:
                        print(f"  {table:<30} not in the kept store (written by an older collector): not compared")
                        continue
                    differ = con.execute(
                        f"SELECT count(*) FROM ((FROM {table} EXCEPT ALL FROM kept.{table}) "
                        f"UNION ALL (FROM kept.{table} EXCEPT ALL FROM {table}))"
                    ).fetchone()[0]
                    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    print(f"  {table:<30} {rows:>9,} rows, {differ} differing from the day-by-day roll-ups")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=300_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 11, 1))
    parser.add_argument("--keep", type=Path, help="write the store here and keep it")
    parser.add_argument("--reattribute", type=Path, metavar="PATH", help="time a full re-attribution of a kept store")
    parser.add_argument("--check", action="store_true", help="with --reattribute: compare with the store's roll-ups")
    args = parser.parse_args()
    if args.reattribute:
        time_reattribute(args.reattribute, args.check)
        return
    work = Path(tempfile.mkdtemp(prefix="bench-hf-year-"))
    db = args.keep or work / "year.duckdb"
    if db.exists():
        raise SystemExit(f"{db} exists: pass a new path")
    gen = duckdb.connect()
    build_universe(gen, args.models)
    print(
        f"synthetic Hub: {args.models:,} models, {gen.execute('SELECT count(*) FROM lineage').fetchone()[0]:,} lineage edges; "
        f"{args.days} days from {args.start}"
    )
    store.Store(db).prepare()
    commit_s, rollup_s = [], []
    model_days = listing_rows = 0
    started = time.perf_counter()
    try:
        for d in range(args.days):
            day = args.start + timedelta(days=d)
            if d:
                next_day(gen, d)
            results, stage = stage_day(gen, d, day, work / "stage")
            os.environ["COLLECTOR_NOW"] = f"{day}T02:15:00Z"
            t = time.perf_counter()
            with Run(store.Store(db), "collect hf", "hf", {"bench": "hf_year"}) as run:
                run.commit(
                    lambda con, run=run, stage=stage, results=results, day=day: hf_commit.commit(
                        con, stage, results, run.run_id, day
                    )
                )
            commit_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            rollups.after_commit(store.Store(db), day)  # as `collect hf` does after its commit
            rollup_s.append(time.perf_counter() - t)
            model_days += gen.execute("SELECT count(*) FROM today").fetchone()[0]
            listing_rows += stage.downloads.rows
            if d % 30 == 0 or d == args.days - 1:
                print(
                    f"  day {d + 1:>3} {day}: commit {commit_s[-1]:.2f} s, roll-up {rollup_s[-1]:.2f} s, file {db.stat().st_size / 1e6:,.0f} MB, "
                    f"{db.stat().st_size / model_days:.2f} bytes per model-day so far",
                    flush=True,
                )
    finally:
        shutil.rmtree(work / "stage", ignore_errors=True)
    elapsed = time.perf_counter() - started
    with store.writer(db) as con:
        con.execute("CHECKPOINT")
    size = db.stat().st_size + (Path(f"{db}.wal").stat().st_size if Path(f"{db}.wal").exists() else 0)
    with store.reader(db) as con:
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (
                "hf_snapshots",
                "internal.hf_listings",
                "internal.hf_counters",
                "internal.hf_counter_state",
                "internal.hf_model_keys",
                "hf_models",
                "hf_lineage",
            )
        }
    print()
    print(
        f"store                    {size:,} bytes ({size / 1e6:,.0f} MB) for {model_days:,} model-days "
        f"({args.models:,} models x {args.days} days, less the ~0.1% missing each day)"
    )
    print(f"bytes per model-day      {size / model_days:.2f} (target <= 8)")
    print(
        f"bytes per listing row    {size / listing_rows:.2f} ({listing_rows:,} rows: a model is listed by 1 to 3 scopes a day)"
    )
    print(
        f"counter rows             {counts['internal.hf_counters']:,} = {counts['internal.hf_counters'] / listing_rows:.1%} of listing rows "
        "(only changes are stored)"
    )
    for table, n in counts.items():
        print(f"  {table:<22} {n:>13,} rows")
    commit_s.sort()
    rollup_s.sort()
    print(
        f"commit per day           median {commit_s[len(commit_s) // 2]:.2f} s, max {commit_s[-1]:.2f} s; "
        f"roll-up after it median {rollup_s[len(rollup_s) // 2]:.2f} s, max {rollup_s[-1]:.2f} s; "
        f"{elapsed:.0f} s in all (including generating the data)"
    )
    print(f"peak RSS                 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
