"""The Hub roll-ups (collector/sources/hf/rollups.py): a full re-attribution replays the days in
order, each from the counters the days before it left, and must give exactly the rows that rolling
up each day on its own gives (the after-commit path, which reads a day's counters from the history);
a store whose views or reference data changed is re-attributed by the next Hub write."""

from __future__ import annotations

import logging
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from collector import store
from collector.sources.hf import rollups, storage
from tests.conftest import query
from tests.seed import shared_template

TABLES = [table for table, _ in rollups.ROLLUPS]
# several scopes, a renamed namespace (THUDM -> zai-org, ref.hf_aliases) listed under both names,
# first-party models, a repackager's and a community fine-tune (lineage), a model without a family
MODELS = [
    "meta-llama/Llama-3.1-8B",
    "meta-llama/Llama-3.2-1B",
    "Qwen/Qwen2.5-7B",
    "Qwen/QwQ-32B",
    "zai-org/glm-4-9b",
    "THUDM/glm-4-9b",
    "THUDM/chatglm3-6b",
    "unsloth/Llama-3.2-1B-GGUF",
    "someone/qwen-finetune",
    "someone/merge-of-two",
    "someone/unrelated-model",
]
LINEAGE = [
    ("unsloth/Llama-3.2-1B-GGUF", "meta-llama/Llama-3.2-1B", "quantized"),
    ("someone/qwen-finetune", "Qwen/Qwen2.5-7B", "finetune"),
    ("someone/merge-of-two", "Qwen/QwQ-32B", "merge"),
    ("someone/merge-of-two", "meta-llama/Llama-3.1-8B", "merge"),
]
SCOPES = {
    "top_downloads:5": lambda model_id: True,
    "author:meta-llama": lambda model_id: model_id.startswith("meta-llama/"),
    "author:Qwen": lambda model_id: model_id.startswith("Qwen/"),
    "author:zai-org": lambda model_id: model_id.startswith(("zai-org/", "THUDM/")),
    "coverage_min_downloads:0": lambda model_id: True,
}
START = date(2026, 4, 26)  # the days cross a month boundary (batches never span two months)
DAYS = [START + timedelta(days=i) for i in range(10)]


def _query(db: Path, sql: str) -> list[tuple]:
    return query(db, sql)


def _snapshot(con, scope: str, day: date, hour: int) -> int:
    return con.execute(
        """INSERT INTO hf_snapshots (scope, snapshot_date, fetched_at, as_of, run_id, request, pages, model_count, duplicates)
           VALUES (?, ?, ?, ?, 0, 'test', 1, 0, 0) RETURNING snapshot_id""",
        [scope, day, f"{day}T0{hour}:00:00Z", f"{day}T0{hour}:30:00Z"],
    ).fetchone()[0]


def _append(con, snapshot_id: int, rows: list[tuple]) -> None:
    """rows: (model_id, downloads_30d, downloads_all_time) in rank order."""
    columns = ["model_id", "rank", "downloads_30d", "downloads_all_time"]
    listed = [(r[0], rank, r[1], r[2]) for rank, r in enumerate(rows, start=1)]
    table = pa.table(
        {c: pa.array([r[i] for r in listed], type=pa.string() if i == 0 else pa.int64()) for i, c in enumerate(columns)}
    )
    con.register("listing", table)
    storage.append(
        con,
        f"SELECT {snapshot_id}::BIGINT AS snapshot_id, model_id, rank::INTEGER AS rank, downloads_30d, "
        "downloads_all_time, 0::BIGINT AS likes, 0::DOUBLE AS trending_score FROM listing",
    )
    con.unregister("listing")


def _metadata(con) -> None:
    for model_id in MODELS:
        con.execute(
            """INSERT INTO hf_models (model_id, author, created_at, last_modified, pipeline_tag, library_name, tags,
                                      safetensors_total, gated, meta_hash, first_seen, last_seen)
               VALUES (?, ?, '2025-01-15T10:00:00Z', '2025-01-15T10:00:00Z', ?, 'transformers', [], NULL, 'false', 0, ?, ?)""",
            [
                model_id,
                model_id.split("/")[0],
                "feature-extraction" if "unrelated" in model_id else "text-generation",
                DAYS[0],
                DAYS[-1],
            ],
        )
    for child, parent, relation in LINEAGE:
        con.execute("INSERT INTO hf_lineage VALUES (?, ?, ?, ?, ?)", [child, parent, relation, DAYS[0], DAYS[-1]])


def _day_listings(rng: random.Random, counters: dict, scopes: dict) -> dict[str, list[tuple]]:
    """A day's listing per scope: counters that move (up, down, to NULL and back), models that leave
    and come back, a scope that is not crawled some days."""
    for model_id in MODELS:
        if rng.random() < 0.5:
            d30, total = counters.get(model_id, (1000, 50_000))
            d30 = None if rng.random() < 0.15 else (d30 or 500) + rng.randint(-300, 400)
            total = None if rng.random() < 0.1 else (total or 40_000) + rng.randint(-20, 900)
            counters[model_id] = (d30, total)
        counters.setdefault(model_id, (1000, 50_000))
    listings = {}
    for scope, member in scopes.items():
        if (scope.startswith("author:") or scope == "full_hub") and rng.random() < 0.2:
            continue  # not crawled (not imported) that day
        rows = [(m, *counters[m]) for m in MODELS if member(m) and rng.random() > 0.2]  # ~1 in 5 absent
        rows.sort(key=lambda r: -(r[1] or 0))
        listings[scope] = rows[:5] if scope.startswith("top_downloads:") else rows
    return listings


def _write_history(db: Path, scopes: dict | None = None) -> None:
    """Ten days of every scope (or of `scopes`), written out of day order (late days backfilled)."""
    rng = random.Random(23)
    counters: dict = {}
    planned = {day: _day_listings(rng, counters, scopes or SCOPES) for day in DAYS}
    order = DAYS[:3] + DAYS[6:] + DAYS[3:6][::-1]  # days 4-6 written last, newest first
    store.Store(db).prepare()
    with store.writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        _metadata(con)
        for day in order:
            for hour, (scope, rows) in enumerate(planned[day].items(), start=1):
                _append(con, _snapshot(con, scope, day, hour), rows)
        con.execute("COMMIT")


# the roll-ups of each `alone` template, read once per test process
_ROLLED_UP: dict[str, dict[str, list[tuple]]] = {}


def _history(tmp_path_factory, db: Path, scopes: dict | None = None, *, alone: bool = False):
    """`db`: the history of `_write_history(scopes)`; with `alone`, each day also rolled up on its own,
    whose roll-ups are returned (`_each_day_on_its_own`). Both are deterministic, so each is built once
    per session (tests.seed.shared_template: the xdist workers share it) and copied: the replay tests
    then cost their replay."""
    scopes = scopes or SCOPES
    names = {id(SCOPES): "top-n", id(WITHOUT_TOP): "single-listings", id(WITH_FULL_HUB): "full-hub"}
    name = f"rollups-history-{names[id(scopes)]}" + ("-alone" if alone else "")

    def build(path: Path) -> None:
        if alone:
            _history(tmp_path_factory, path, scopes)
            _each_day_on_its_own(path)
        else:
            _write_history(path, scopes)

    template = shared_template(tmp_path_factory, name, build)
    shutil.copyfile(template, db)
    if not alone:
        return None
    if name not in _ROLLED_UP:
        _ROLLED_UP[name] = _rollups(template)
    return _ROLLED_UP[name]


def _rollups(db: Path) -> dict[str, list[tuple]]:
    return {table: _query(db, f"SELECT * FROM {table} ORDER BY ALL") for table in TABLES}


def _each_day_on_its_own(db: Path) -> dict[str, list[tuple]]:
    """The roll-ups of each day computed alone (read from the history), in a shuffled order."""
    with store.writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        rollups.refresh_ids(con)
        rollups.refresh_attribution(con)
        for table in TABLES:
            con.execute(f"DELETE FROM {table}")
        for day in random.Random(5).sample(DAYS, len(DAYS)):
            rollups.roll_up(con, [day])
        con.execute("COMMIT")
    return _rollups(db)


def test_the_replay_gives_the_rollups_of_each_day_on_its_own(tmp_path, tmp_path_factory, monkeypatch, caplog):
    db = tmp_path / "store.duckdb"
    alone = _history(tmp_path_factory, db, alone=True)
    assert [r[0] for r in alone["internal.hf_rollup_sets"]] == DAYS
    # the history is not trivial: counters went down and to NULL, a renamed id was listed under both names
    assert _query(db, "SELECT count(*) FROM hf_model_downloads WHERE downloads_30d IS NULL")[0][0] > 0
    families = {r[1] for r in alone["internal.hf_rollup_family"]}
    assert {"Llama", "Qwen", "GLM"} <= families
    monkeypatch.setattr(rollups, "BATCH_DAYS", 3)
    progress: list[str] = []
    with caplog.at_level(logging.INFO, logger=rollups.__name__), store.writer(db) as con:
        assert rollups.reattribute(con, progress.append) == len(DAYS)
    assert _rollups(db) == alone
    # batches of at most 3 days, none across the month boundary; a log line per month
    assert progress[-1] == f"re-attributing the Hub history: {len(DAYS)}/{len(DAYS)} days ({DAYS[-1]})"
    assert len(progress) == 2 + 2  # April: 26-28, 29-30; May: 1-3, 4-5
    months = [r.getMessage() for r in caplog.records if "re-attributing the Hub history" in r.getMessage()]
    assert [m.split(": ")[1].split(" ")[0] for m in months] == ["2026-04", "2026-05"]
    # one batch of every day gives the same rows too
    monkeypatch.setattr(rollups, "BATCH_DAYS", 31)
    with store.writer(db) as con:
        rollups.reattribute(con)
    assert _rollups(db) == alone


# no Hub-wide top N: the models listed by one scope under one id take the replay's path for a single
# listing (its counters, changed on a counter row or when it is listed or dropped), the others the
# day rows of hf_daily_downloads_from (several scopes, the renamed namespace's two ids)
WITHOUT_TOP = {scope: member for scope, member in SCOPES.items() if not scope.startswith("top_downloads:")}


# a full-Hub day (imported) on most days, a top 100 on the others: the day's top 100 lists
# (hf_rollup_top100) are the whole day ranked, or the listing's first ranks
WITH_FULL_HUB = {"top_downloads:100": lambda model_id: True, **WITHOUT_TOP, "full_hub": lambda model_id: True}


@pytest.mark.parametrize(
    "scopes", [pytest.param(SCOPES, id="top N and authors"), pytest.param(WITH_FULL_HUB, id="full Hub")]
)
def test_a_store_of_one_day_is_rolled_up_without_the_replay_and_gives_the_replays_rows(tmp_path, monkeypatch, scopes):
    """A new store's first Hub write re-attributes its one day: rolled up directly (the replay's set-up
    carries days from one to the next, which one day does not need), with the rows the replay gives."""
    db = tmp_path / "store.duckdb"
    rng = random.Random(23)
    listings = _day_listings(rng, {}, scopes)
    if scopes is WITH_FULL_HUB:
        assert "full_hub" in listings  # the day's top 100 lists are the whole day ranked
    store.Store(db).prepare()
    with store.writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        _metadata(con)
        for hour, (scope, rows) in enumerate(listings.items(), start=1):
            _append(con, _snapshot(con, scope, DAYS[0], hour), rows)
        con.execute("COMMIT")

    def no_replay(con):
        raise AssertionError("one day needs no replay")

    progress: list[str] = []
    with monkeypatch.context() as patched, store.writer(db) as con:
        patched.setattr(rollups, "Replay", no_replay)
        assert rollups.reattribute(con, progress.append) == 1
    assert progress == [f"re-attributing the Hub history: 1/1 days ({DAYS[0]})"]
    direct = _rollups(db)
    assert [r[0] for r in direct["internal.hf_rollup_sets"]] == [DAYS[0]]
    assert {"Llama", "Qwen"} <= {r[1] for r in direct["internal.hf_rollup_family"]}
    assert bool(direct["internal.hf_rollup_top100"]) == (scopes is WITH_FULL_HUB)  # (a top 5 makes no top 100)
    with store.writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        for table in TABLES:
            con.execute(f"DELETE FROM {table}")
        con.execute("COMMIT")
        rollups._replay(con, [DAYS[0]], None)
    assert _rollups(db) == direct


@pytest.mark.parametrize(
    ("scopes", "batch_days"),
    [
        pytest.param(SCOPES, 1, id="every model in the top N-1"),
        pytest.param(SCOPES, 4, id="every model in the top N-4"),
        pytest.param(WITHOUT_TOP, 1, id="single listings-1"),
        pytest.param(WITHOUT_TOP, 4, id="single listings-4"),
        pytest.param(WITH_FULL_HUB, 4, id="full-Hub days-4"),  # batches of 4 cross days of both kinds
    ],
)
def test_the_replay_keeps_each_days_figures_from_the_day_before(
    tmp_path, tmp_path_factory, monkeypatch, scopes, batch_days
):
    """The replay adds to the day before's figures only what changed: whatever the batches, each day
    equals its roll-up on its own (models dropped and listed again, counters to NULL and back)."""
    db = tmp_path / "store.duckdb"
    alone = _history(tmp_path_factory, db, scopes, alone=True)
    if scopes is WITHOUT_TOP:
        assert all(r[5] is None for r in alone["internal.hf_rollup_sets"])  # no top N: no cut-off
        single = _query(
            db,
            """SELECT count(DISTINCT l.model_no) FROM internal.hf_listings l
               WHERE l.model_no NOT IN (SELECT model_no FROM internal.hf_listings JOIN hf_snapshots USING (snapshot_id)
                                        GROUP BY model_no HAVING count(DISTINCT scope) > 1)""",
        )[0][0]
        assert single >= 3  # the someone/ models and THUDM/chatglm3-6b take the single listings' path
    if scopes is WITH_FULL_HUB:
        full = {d for (d,) in _query(db, "SELECT snapshot_date FROM hf_snapshots WHERE scope = 'full_hub'")}
        lists = {(r[1], r[0] in full) for r in alone["internal.hf_rollup_top100"]}
        assert lists == {("all", True), ("language", True), ("all", False)}  # both kinds of day, both lists
    monkeypatch.setattr(rollups, "BATCH_DAYS", batch_days)
    with store.writer(db) as con:
        rollups.reattribute(con)
    assert _rollups(db) == alone


@pytest.mark.parametrize("batch_days", [1, 4, 31])
def test_a_model_listed_twice_takes_the_listing_that_finished_last_each_day(tmp_path, monkeypatch, batch_days):
    """A model listed by two scopes with other counters in each has the counters of the listing that
    finished last that day: when the scopes finish in another order than the day before, or a scope
    listed twice in a day lists it in its second listing one day and not the next, its row changes
    with no counter row written and no (scope, model) listing come or gone, and the replay (which
    makes a model's row again only on the days something of it moved) must see it."""
    db = tmp_path / "store.duckdb"
    store.Store(db).prepare()
    flipped = {DAYS[2], DAYS[3], DAYS[6], DAYS[9]}  # the author's listing finishes last on these days
    # the coverage scope crawled twice, before and after the author's: the model in its second listing
    # on the first day, not on the second (the days finish in the same order of scopes)
    rerun = {DAYS[7]: True, DAYS[8]: False}
    llama, qwen = ("meta-llama/Llama-3.1-8B", 200, 2000), ("Qwen/Qwen2.5-7B", 50, 500)
    with store.writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        _metadata(con)
        for day in DAYS:
            author, coverage = (2, 1) if day in flipped else (1, 0) if day in rerun else (1, 2)
            _append(con, _snapshot(con, "author:meta-llama", day, author), [("meta-llama/Llama-3.1-8B", 100, 1000)])
            _append(con, _snapshot(con, "coverage_min_downloads:0", day, coverage), [llama, qwen])
            if day in rerun:
                _append(
                    con, _snapshot(con, "coverage_min_downloads:0", day, 3), [llama, qwen] if rerun[day] else [qwen]
                )
        con.execute("COMMIT")
    alone = _each_day_on_its_own(db)
    rows = [r for r in alone["internal.hf_rollup_family"] if r[1:3] == ("Llama", "first-party")]
    last = [100 if day in flipped or rerun.get(day) is False else 200 for day in DAYS]  # the last listing's
    assert [r[4] for r in rows] == last
    monkeypatch.setattr(rollups, "BATCH_DAYS", batch_days)
    with store.writer(db) as con:
        rollups.reattribute(con)
    assert _rollups(db) == alone


def test_the_replay_takes_the_days_in_order(tmp_path, tmp_path_factory):
    db = tmp_path / "store.duckdb"
    _history(tmp_path_factory, db)
    with store.writer(db) as con:
        replay = rollups.Replay(con)
        try:
            with pytest.raises(ValueError, match="in order"):
                replay.batch([DAYS[1]])
        finally:
            replay.close()


def test_a_store_whose_views_changed_is_reattributed_by_the_next_write(tmp_path, tmp_path_factory):
    db = tmp_path / "store.duckdb"
    _history(tmp_path_factory, db)
    hub = store.Store(db)
    assert rollups.after_commit(hub, DAYS[-1]) == DAYS  # no roll-ups yet: every day
    with store.writer(db) as con:
        version = con.execute("SELECT value FROM internal.store_state WHERE name = 'views_version'").fetchone()[0]
        assert con.execute("SELECT value FROM internal.store_state WHERE name = 'rollups_version'").fetchone() == (
            version,
        )
    assert rollups.after_commit(hub, DAYS[-1]) == [DAYS[-1]]  # up to date: the day written only
    # reference data changed (as a new collector's CSVs would): Meta now in another country
    with store.writer(db) as con:
        con.execute("UPDATE ref.organisations SET country = 'Atlantis' WHERE organisation = 'Meta'")
        con.execute("UPDATE internal.store_state SET value = 'changed' WHERE name = 'views_version'")
    assert rollups.after_commit(hub, DAYS[-1]) == DAYS
    countries = {r[1] for r in _query(db, "SELECT * FROM internal.hf_rollup_country")}
    assert "Atlantis" in countries and "United States" not in countries
    assert _query(db, "SELECT value FROM internal.store_state WHERE name = 'rollups_version'") == [("changed",)]
    assert _rollups(db) == _each_day_on_its_own(db)


# ---- incremental attribution: only the models a commit touched, and their descendants ----------

DUMP_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("downloads", pa.int64()),
        ("downloadsAllTime", pa.int64()),
        ("pipeline_tag", pa.string()),
        (
            "baseModels",
            pa.struct([("relation", pa.string()), ("models", pa.list_(pa.struct([("id", pa.string())])))]),
        ),
    ]
)


def _dump(folder: Path, day: date, models: dict[str, tuple]) -> Path:
    """A full-Hub dump of `models`: id -> (pipeline tag, (relation, [parent ids]) or None)."""
    import pyarrow.parquet as pq

    rows = [
        {
            "id": model_id,
            "downloads": 1000 + n,
            "downloadsAllTime": 50_000 + n,
            "pipeline_tag": tag,
            "baseModels": {"relation": base[0], "models": [{"id": p} for p in base[1]]} if base else None,
        }
        for n, (model_id, (tag, base)) in enumerate(sorted(models.items()))
    ]
    path = folder / f"models_{day}.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=DUMP_SCHEMA), path)
    return path


def test_each_commit_re_attributes_only_what_changed_and_matches_the_full_walk(run, db, tmp_path):
    models: dict[str, tuple] = {
        "meta-llama/Llama-3.1-8B": ("text-generation", None),
        "Qwen/Qwen2.5-7B": ("text-generation", None),
        "someone/base-without-tag": (None, None),
        "someone/gguf-of-untagged": (None, ("quantized", ["someone/base-without-tag"])),
        "someone/ft": ("text-generation", ("finetune", ["someone/plain"])),
        "someone/ft-of-ft": ("text-generation", ("finetune", ["someone/ft"])),
        "someone/plain": ("text-generation", None),
        **{f"crowd/model-{i}": ("text-generation", None) for i in range(40)},
    }
    changes = [
        {},  # the same Hub again: nothing to re-attribute
        # someone/plain becomes a Llama fine-tune: it and its two descendants change family
        {"someone/plain": ("text-generation", ("finetune", ["meta-llama/Llama-3.1-8B"]))},
        # an untagged base gets a tag (its derivative becomes a language model through it); a new
        # merge of two families arrives, under a parent id written in another case
        {
            "someone/base-without-tag": ("text-generation", None),
            "someone/new-merge": ("text-generation", ("merge", ["qwen/qwen2.5-7b", "someone/ft-of-ft"])),
        },
        # a cycle through lineage, and a model gone from the dump (its rows stay)
        {"someone/ft": ("text-generation", ("finetune", ["someone/ft-of-ft"])), "crowd/model-3": None},
    ]
    attributed = []
    for n, change in enumerate([{}, *changes]):
        day = date(2025, 3, 1) + timedelta(days=n)
        for model_id, value in change.items():
            if value is None:
                models.pop(model_id)
            else:
                models[model_id] = value
        result = run("-v", "--db", str(db), "import", "hub-stats", str(_dump(tmp_path, day, models)))
        assert result.code == 0, result.err
        attributed.append(re.findall(r"re-attributed (\d+) Hub models", result.err))
        # the table kept up by the commits equals a fresh walk over every model
        assert _query(db, "SELECT * FROM internal.hf_attribution ORDER BY ALL") == _query(
            db, "SELECT * FROM hf_model_attribution ORDER BY ALL"
        ), f"day {n}"
        assert _query(db, "SELECT count(*) FROM internal.hf_touched") == [(0,)]
        # and what the next commit compares with is what a fresh look gives, once per model
        assert _query(db, "SELECT * FROM internal.hf_attribution_inputs ORDER BY ALL") == _query(
            db, "SELECT * FROM hf_model_attribution_inputs ORDER BY ALL"
        ), f"day {n}"
    # the first import attributes every model (a new store); the later ones only what changed
    assert attributed[0] == []
    assert attributed[1] == ["0"]
    assert attributed[2] == ["3"]  # someone/plain, someone/ft, someone/ft-of-ft
    assert all(len(a) == 1 and 0 < int(a[0]) < 10 for a in attributed[3:]), attributed
    family = _query(
        db,
        "SELECT model_id, family, family_weight FROM internal.hf_attribution WHERE model_id LIKE 'someone/%' ORDER BY ALL",
    )
    assert ("someone/plain", "Llama", 1.0) in family
    assert ("someone/new-merge", "Qwen", 0.5) in family


@pytest.mark.parametrize(
    "memory, chunk", [("250MB", 125_000), ("512MB", 256_000), ("1GB", 500_000), ("3GB", 500_000), ("1kB", 1)]
)
def test_the_full_walks_chunks_follow_the_writers_memory_limit(monkeypatch, memory, chunk):
    """A smaller COLLECTOR_DB_MEMORY takes proportionally fewer models a statement (each chunk's
    memory was measured at 1GB); a larger one keeps 500,000, and a chunk is never empty."""
    monkeypatch.setenv("COLLECTOR_DB_MEMORY", memory)
    assert rollups.chunk_models() == chunk


def test_a_full_re_attribution_in_small_chunks_gives_the_same_ids_and_rows(run, db, tmp_path, monkeypatch):
    """A new store numbers its ids and attributes its models a chunk at a time (a full Hub does not fit
    the writer's memory at once): chunks of a few models (4 at 1GB, 2 at the default 512MB) give the
    ids and rows of one pass, including the key number of ids that differ only in case and fall in
    different chunks."""
    monkeypatch.setattr(rollups, "CHUNK_MODELS", 4)
    models: dict[str, tuple] = {
        "meta-llama/Llama-3.1-8B": ("text-generation", None),
        "Qwen/Qwen2.5-7B": ("text-generation", None),
        "someone/ft": ("text-generation", ("finetune", ["meta-llama/llama-3.1-8b"])),
        "someone/ft-of-ft": (None, ("finetune", ["someone/ft"])),
        "someone/merge": ("text-generation", ("merge", ["qwen/qwen2.5-7b", "SOMEONE/FT"])),
        **{f"crowd/model-{i}": ("text-generation", None) for i in range(9)},
    }
    assert run("--db", str(db), "import", "hub-stats", str(_dump(tmp_path, date(2025, 3, 1), models))).code == 0
    ids = _query(db, "SELECT * FROM internal.hf_ids ORDER BY model_no")
    assert len(ids) > 3 * 4  # several chunks
    assert ids == _query(
        db,
        "SELECT k.model_no, min(k.model_no) OVER (PARTITION BY i.model_key), i.* "
        "FROM internal.hf_model_keys k JOIN hf_model_ids i USING (model_id) ORDER BY k.model_no",
    )
    assert _query(db, "SELECT * FROM internal.hf_attribution ORDER BY ALL") == _query(
        db, "SELECT * FROM hf_model_attribution ORDER BY ALL"
    )
    assert _query(db, "SELECT * FROM internal.hf_attribution_inputs ORDER BY ALL") == _query(
        db, "SELECT * FROM hf_model_attribution_inputs ORDER BY ALL"
    )
    # SOMEONE/FT and someone/ft are one model: one key number, one attribution
    assert _query(
        db, "SELECT count(DISTINCT key_no), count(*) FROM internal.hf_ids WHERE model_key = 'someone/ft'"
    ) == [(1, 2)]


def test_an_untagged_derivative_of_a_base_first_named_in_another_case_is_a_language_model(run, db, tmp_path):
    """A lineage tag names its base in lower case before the base itself is listed (under its own
    spelling, with a pipeline tag): the base is one model, and the derivative without a tag of its own
    is a language model through it, in the kept table as in a fresh walk."""
    models: dict[str, tuple] = {"someone/llama-gguf": (None, ("quantized", ["meta-llama/llama-3.1-8b"]))}
    assert run("--db", str(db), "import", "hub-stats", str(_dump(tmp_path, date(2025, 3, 1), models))).code == 0
    models["meta-llama/Llama-3.1-8B"] = ("text-generation", None)
    assert run("--db", str(db), "import", "hub-stats", str(_dump(tmp_path, date(2025, 3, 2), models))).code == 0
    kept = _query(db, "SELECT * FROM internal.hf_attribution ORDER BY ALL")
    assert kept == _query(db, "SELECT * FROM hf_model_attribution ORDER BY ALL")
    child = _query(
        db,
        "SELECT family, base_model_ids, language_model FROM internal.hf_attribution WHERE model_key = 'someone/llama-gguf'",
    )
    assert child == [("Llama", ["meta-llama/llama-3.1-8b"], True)]
