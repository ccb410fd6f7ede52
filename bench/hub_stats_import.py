"""Import benchmark: one synthetic full-Hub dump in the hub-stats format (2.5 million models by default,
the size of a real daily `models.parquet`) imported by `collector import hub-stats`'s own code, into an
empty store and then the next day's dump into the same store (steady state).

The synthetic Hub is bench/hf_year.py's: 30-day downloads fall off as a power law of popularity (tens
of millions at the top, a handful in the long tail: most models are near zero), real namespaces, a
third of the models repackagers' and community derivatives with `baseModels` lineage; the next day
moves the counters of ~15% of the models (every popular one), drops ~0.1%, and changes the
lastModified of one model in 30 (each model's about once a month, as a push would), and the tags of a
third of those (a card edit with the push: a list DuckDB cannot update in place). The dump has the
format's columns (tags, cardData, safetensors, baseModels, ...) in row groups of 100,000, zstd.

    .venv/bin/python -m bench.hub_stats_import [--models 2500000] [--keep DIR]

Each import runs in a process of its own, which prints its phases (staging the dump to Parquet, the
commit transaction, the after-commit roll-ups: ids, attribution, the day's figures) and its peak RSS.
Targets (issue 12): at most 15 s and under 2 GB for one dump.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from bench.hf_year import build_universe, next_day

FIRST_DAY = date(2025, 3, 1)


def prepare_dump_tables(gen: duckdb.DuckDBPyConnection, models: int) -> None:
    """The synthetic Hub (bench/hf_year.py's universe) plus its lineage as hub-stats `baseModels`."""
    build_universe(gen, models)
    gen.execute(
        """CREATE TABLE base_models AS
           SELECT child_id AS model_id,
                  {'relation': any_value(relation),
                   'models': list({'_id': left(md5(parent_id), 24), 'id': parent_id} ORDER BY parent_id)} AS baseModels
           FROM lineage GROUP BY child_id"""
    )


def write_dump(gen: duckdb.DuckDBPyConnection, d: int, path: Path) -> int:
    """Day `d`'s dump in the hub-stats format (~0.1% of the models missing that day); returns its rows."""
    gen.execute(f"""
        COPY (
            SELECT u.model_id AS id, split_part(u.model_id, '/', 1) AS author,
                   TIMESTAMP '2024-01-01' + INTERVAL (hash(u.i, 'created') % 400) DAY AS createdAt,
                   TIMESTAMP '2025-01-01' + INTERVAL (hash(u.i, u.i // 30, 'mod') % 60 + (u.i % 30 + {d}) // 30 * 30) DAY AS lastModified,
                   s.downloads_30d AS downloads, s.downloads_all_time AS downloadsAllTime, s.likes,
                   s.trending_score AS trendingScore,
                   ['transformers', 'safetensors', u.pipeline_tag, 'license:apache-2.0', 'region:us']
                       || coalesce(t.tags, [])
                       -- a third of the models carry a tag that changes with each push (a card edit)
                       || CASE WHEN u.i % 3 = 0 THEN ['dataset:push-' || ((u.i % 30 + {d}) // 30)] ELSE [] END AS tags,
                   '{{"license": "apache-2.0", "language": ["en"], "pipeline_tag": "' || u.pipeline_tag || '"}}' AS cardData,
                   CASE WHEN u.first_party THEN {{'parameters': {{'BF16': u.base30 * 1000}}, 'total': u.base30 * 1000}} END
                       AS safetensors,
                   NULL::VARCHAR AS gguf,
                   b.baseModels,
                   u.pipeline_tag, 'transformers' AS library_name
            FROM universe u JOIN state s USING (i) LEFT JOIN tags t USING (model_id) LEFT JOIN base_models b USING (model_id)
            WHERE hash(u.i, {d}, 'gone') % 1000 <> 0
            ORDER BY u.i
        ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 100000, COMPRESSION zstd)""")
    return duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchone()[0]  # type: ignore[index]


def measure(dump: Path, db: Path, day: date, *, roll_up: bool = True) -> dict:
    """Import `dump` as `day` into `db` through the command's own code, timing each phase (without the
    after-commit roll-ups when not `roll_up`)."""
    from collector.sources.hf import rollups
    from collector.sources.hubstats import importer
    from collector.store import Store

    phases: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.monotonic()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.monotonic() - started

        return wrapper

    importer.stage = timed("stage", importer.stage)  # type: ignore[attr-defined]
    rollups.refresh_ids = timed("roll-ups: ids", rollups.refresh_ids)  # type: ignore[assignment]
    rollups.refresh_attribution = timed("roll-ups: attribution", rollups.refresh_attribution)  # type: ignore[assignment]
    rollups.roll_up = timed("roll-ups: the day's figures", rollups.roll_up)  # type: ignore[assignment]
    rollups.Replay.batch = timed("roll-ups: the day's figures", rollups.Replay.batch)  # type: ignore[method-assign]
    store = Store(db)
    store.prepare()  # the refresh step every command runs first; not part of the import
    started = time.monotonic()
    cpu = time.process_time()
    origin = importer.Origin(dump.name)
    result = importer.import_file(store, dump, day, origin, roll_up=False)
    imported = time.monotonic() - started
    failed = None
    try:
        if roll_up:
            rollups.after_commit(store, day)
    except Exception as exc:  # reported with the phases that ran (the snapshot itself is committed)
        failed = " ".join(str(exc).split())[:200]
    total = time.monotonic() - started
    phases["commit"] = imported - phases["stage"]
    return {
        "import_seconds": imported,
        "rollups_failed": failed,
        "day": day.isoformat(),
        "models": result.row_counts["hf_model_downloads"],
        "counter_rows": result.row_counts["hf_counters"],
        "seconds": total,
        "cpu_seconds": time.process_time() - cpu,
        "phases": phases,
        "peak_rss_mb": peak_rss_mb(),
        "db_mb": db.stat().st_size / 1e6,
    }


def peak_rss_mb() -> float:
    """This process's own peak RSS. Linux keeps getrusage's ru_maxrss across fork and exec, so a child
    started by the process that generated the dumps (gigabytes, in DuckDB) would report the parent's
    peak as its own; the kernel's high-water mark of the process's memory (VmHWM) starts afresh."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(dump: Path, db: Path, day: date) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.hub_stats_import", "--measure", str(dump), str(db), day.isoformat()],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_DISABLE_TELEMETRY": "1"},
    )
    if out.returncode:
        raise SystemExit(f"the import of {dump.name} failed:\n{out.stderr.strip()[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(label: str, r: dict) -> None:
    per_row = r["seconds"] / r["models"] * 1e6
    print(
        f"{label}: {r['models']:,} models in {r['seconds']:.1f} s ({per_row:.1f} µs/model, "
        f"{r['cpu_seconds']:.1f} s CPU; stage + commit {r['import_seconds']:.1f} s), "
        f"{r['counter_rows']:,} counter rows written, peak RSS {r['peak_rss_mb']:,.0f} MB, store {r['db_mb']:,.0f} MB"
    )
    if r["rollups_failed"]:
        print(f"    the after-commit roll-ups FAILED: {r['rollups_failed']}")
    for name, seconds in r["phases"].items():
        print(f"    {name:<32} {seconds:6.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=2_500_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the dumps and the store in this folder")
    parser.add_argument("--measure", nargs=3, metavar=("DUMP", "DB", "DAY"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--import-only",
        nargs=3,
        metavar=("DUMP", "DB", "DAY"),
        help="import DUMP as DAY into the store DB (changed in place: pass a copy) and print the staging and "
        "commit phases, without the after-commit roll-ups",
    )
    args = parser.parse_args()
    if args.measure or args.import_only:
        dump, db, day = args.measure or args.import_only
        figures = measure(Path(dump), Path(db), date.fromisoformat(day), roll_up=not args.import_only)
        if args.measure:
            print(json.dumps(figures))
        else:
            show(f"{Path(dump).name} into {db}, without the roll-ups", figures)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-hub-stats-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        started = time.monotonic()
        dumps = [work / f"models_{FIRST_DAY + timedelta(days=d)}.parquet" for d in range(2)]
        if not all(p.exists() for p in dumps):  # a --keep folder of an earlier run is reused
            gen = duckdb.connect()
            prepare_dump_tables(gen, args.models)
            for d, path in enumerate(dumps):
                if d:
                    next_day(gen, d)
                write_dump(gen, d, path)
            gen.close()
            print(f"(synthetic dumps written in {time.monotonic() - started:.0f} s)")
        for path in dumps:
            rows = duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchone()[0]  # type: ignore[index]
            print(f"{path.name}: {rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB")
        db = work / "hub.duckdb"
        for stale in (db, db.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        show("first dump, empty store", run_child(dumps[0], db, FIRST_DAY))
        show("next day's dump", run_child(dumps[1], db, FIRST_DAY + timedelta(days=1)))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
