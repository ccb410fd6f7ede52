"""`collector import hub-stats`: full-Hub dumps (the hub-stats format) stored as back-dated `full_hub`
snapshots through the Hub source's own commit, from local files or a dataset's commit history served
by a fake Hub (tests/fakes/hub_datasets.py). The dumps are built here, growing counters day by day and
leaving out models not created yet."""

from __future__ import annotations

import hashlib
import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from collector import store
from collector.sources.hf import storage
from tests.conftest import query
from tests.fakes.hub_datasets import Commit, FakeHubDatasets, commit_sha
from tests.fakes.server import Reply

pytestmark = pytest.mark.usefixtures("empty_store")

BASE_MODELS = pa.struct(
    [
        ("relation", pa.string()),
        ("models", pa.list_(pa.struct([("_id", pa.string()), ("id", pa.string())]))),
    ]
)
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("author", pa.string()),
        ("createdAt", pa.timestamp("us")),
        ("lastModified", pa.timestamp("us")),
        ("downloads", pa.int64()),
        ("downloadsAllTime", pa.int64()),
        ("likes", pa.int64()),
        ("trendingScore", pa.float64()),
        ("tags", pa.list_(pa.string())),
        ("cardData", pa.string()),
        ("safetensors", pa.struct([("parameters", pa.struct([("BF16", pa.int64())])), ("total", pa.int64())])),
        ("gguf", pa.string()),
        ("baseModels", BASE_MODELS),
        ("pipeline_tag", pa.string()),
        ("library_name", pa.string()),
        ("extra_column", pa.string()),  # a column the format may grow: ignored
    ]
)
FIRST_DAY = date(2025, 3, 1)
# (id, created on day n, 30-day downloads on day 0, growth a day, parent (relation, id))
MODELS = [
    ("meta-llama/Llama-3.1-8B", 0, 5_000_000, 40_000, None),
    ("Qwen/Qwen2.5-7B", 0, 3_000_000, 90_000, None),
    ("deepseek-ai/DeepSeek-R1", 0, 1_000_000, 10_000, None),
    ("unsloth/Qwen2.5-7B-GGUF", 0, 200_000, 0, ("quantized", "Qwen/Qwen2.5-7B")),
    ("someone/llama-finetune", 1, 50, 0, ("finetune", "meta-llama/Llama-3.1-8B")),
    ("someone/tiny", 0, 0, 0, None),
    ("Qwen/Qwen3-8B", 2, 10_000, 500_000, None),
]


def dump_table(day: int, *, drop: tuple[str, ...] = ()) -> pa.Table:
    """The full Hub on FIRST_DAY + day: models created by then, counters grown day by day (most
    unchanged: the tiny model never moves), all-time counts rising with them."""
    rows = []
    for model_id, created, d30, growth, parent in MODELS:
        if created > day:
            continue  # not created yet
        downloads = d30 + growth * day
        rows.append(
            {
                "id": model_id,
                "author": model_id.split("/")[0],
                "createdAt": datetime(2025, 1, 1) + timedelta(days=created),
                "lastModified": datetime(2025, 2, 1) + timedelta(days=created),
                "downloads": downloads,
                "downloadsAllTime": 10 * d30 + sum(d30 + growth * d for d in range(day + 1)),
                "likes": 3,
                "trendingScore": 0.0,
                "tags": ["transformers", "text-generation"]
                + ([f"base_model:{parent[1]}", f"base_model:{parent[0]}:{parent[1]}"] if parent else []),
                "cardData": "{}",
                "safetensors": {"parameters": {"BF16": 8_000_000_000}, "total": 8_000_000_000},
                "gguf": None,
                "baseModels": {"relation": parent[0], "models": [{"_id": "x", "id": parent[1]}]} if parent else None,
                "pipeline_tag": "text-generation",
                "library_name": "transformers",
                "extra_column": "ignored",
            }
        )
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    return table.drop_columns(list(drop)) if drop else table


def write_dump(folder: Path, day: int, name: str | None = None, **kw) -> Path:
    path = folder / (name or f"models_{FIRST_DAY + timedelta(days=day)}.parquet")
    pq.write_table(dump_table(day, **kw), path)
    return path


def counts(db: Path) -> dict[str, int]:
    tables = [
        "hf_snapshots",
        "hf_imports",
        "hf_models",
        "hf_lineage",
        "internal.hf_listings",
        "internal.hf_counters",
        "internal.hf_counter_state",
        "internal.hf_model_keys",
        "internal.hf_rollup_sets",
        "internal.hf_rollup_family",
        "internal.hf_rollup_organisation",
    ]
    return {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def observed(db: Path) -> list[tuple]:
    return query(
        db,
        """SELECT s.snapshot_date, d.model_id, d.downloads_30d, d.downloads_all_time, d.likes
           FROM hf_model_downloads d JOIN hf_snapshots s USING (snapshot_id) ORDER BY ALL""",
    )


def rollups(db: Path) -> list[tuple]:
    return query(
        db,
        """SELECT snapshot_date, family, scope, models, downloads_30d, downloads_all_time FROM hf_downloads_by_family
           UNION ALL
           SELECT snapshot_date, organisation, scope, models, downloads_30d, downloads_all_time
           FROM hf_downloads_by_organisation ORDER BY ALL""",
    )


# ---------------------------------------------------------------- local files


def test_a_local_dump_is_the_full_hub_snapshot_of_its_day_with_provenance(run, db, tmp_path):
    path = write_dump(tmp_path, 2)
    result = run("--db", str(db), "import", "hub-stats", str(path))
    assert result.code == 0, result.err
    day = date(2025, 3, 3)
    assert query(db, "SELECT scope, snapshot_date, model_count, request FROM hf_snapshots") == [
        ("full_hub", day, 7, query(db, "SELECT request FROM hf_snapshots")[0][0])
    ]
    request = query(db, "SELECT request FROM hf_snapshots")[0][0]
    assert path.name in request and "sha256" in request
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert query(db, "SELECT format, file_name, sha256, rows, models, dataset, revision, derived FROM hf_imports") == [
        ("hub-stats", path.name, sha, 7, 7, None, None, False)
    ]
    # counters as in the file, metadata and lineage (from baseModels) as collect hf stores them
    assert query(
        db, "SELECT downloads_30d, downloads_all_time FROM hf_model_downloads WHERE model_id = 'Qwen/Qwen3-8B'"
    ) == [(1_010_000, 100_000 + 10_000 + 510_000 + 1_010_000)]
    assert query(
        db,
        "SELECT author, pipeline_tag, safetensors_total, first_seen FROM hf_models WHERE model_id = 'Qwen/Qwen2.5-7B'",
    ) == [("Qwen", "text-generation", 8_000_000_000, day)]
    assert query(db, "SELECT child_id, parent_id, relation FROM hf_lineage ORDER BY 1") == [
        ("someone/llama-finetune", "meta-llama/Llama-3.1-8B", "finetune"),
        ("unsloth/Qwen2.5-7B-GGUF", "Qwen/Qwen2.5-7B", "quantized"),
    ]
    # the day's set is the whole Hub: its coverage says so and names the dump
    (scopes, models, total, coverage) = query(
        db, "SELECT scopes, models, downloads_30d, coverage FROM hf_snapshot_sets WHERE snapshot_date = ?", [day]
    )[0]
    assert scopes == ["full_hub"] and models == 7
    assert total == sum(r["downloads"] for r in dump_table(2).to_pylist())
    assert "every public model on the Hub" in coverage and path.name in coverage
    assert "not collected" not in coverage
    # figures are attributed through lineage like any Hub day: the GGUF counts for Qwen with derivatives
    assert query(
        db,
        "SELECT downloads_30d FROM hf_downloads_by_family WHERE snapshot_date = ? AND family = 'Qwen' "
        "AND scope = 'with derivatives'",
        [day],
    ) == [(3_180_000 + 200_000 + 1_010_000,)]


@pytest.mark.parametrize("known", [False, True], ids=["new ids", "ids the store has numbered"])
@pytest.mark.parametrize("lineage", ["baseModels", "tags"])
def test_a_repeated_id_keeps_its_first_row(run, db, tmp_path, known, lineage):
    """A dump that lists an id twice (a cursor that served it twice) is stored with the first row, and
    the import says how many rows it left out; the same whether the store knew the id or not. A parent
    named twice (in baseModels, or in the tags of a dump without baseModels) is one edge."""
    if known:
        assert run("--db", str(db), "import", "hub-stats", str(write_dump(tmp_path, 0))).code == 0
    rows = dump_table(1).to_pylist()
    rows[3]["baseModels"]["models"] *= 2
    rows[3]["tags"] += rows[3]["tags"][-1:]
    again = {**rows[1], "downloads": 1, "lastModified": datetime(2030, 1, 1), "tags": ["other"]}
    again_tiny = {**rows[5], "downloads": 2}
    path = tmp_path / "models_2025-03-02.parquet"
    table = pa.Table.from_pylist([*rows[:3], again, *rows[3:], again_tiny], schema=SCHEMA)
    pq.write_table(table.drop_columns(["baseModels"]) if lineage == "tags" else table, path)
    result = run("--db", str(db), "import", "hub-stats", str(path))
    assert result.code == 0, result.err
    assert "2 repeated ids kept once" in result.err
    day = date(2025, 3, 2)
    assert query(db, "SELECT rows, models FROM hf_imports WHERE snapshot_date = ?", [day]) == [
        (len(rows) + 2, len(rows))
    ]
    assert query(db, "SELECT model_count, duplicates FROM hf_snapshots WHERE snapshot_date = ?", [day]) == [
        (len(rows), 2)
    ]
    got = query(
        db,
        """SELECT d.model_id, d.downloads_30d FROM hf_model_downloads d JOIN hf_snapshots s USING (snapshot_id)
           WHERE s.snapshot_date = ? ORDER BY 1""",
        [day],
    )
    assert got == sorted((r["id"], r["downloads"]) for r in rows)
    assert query(db, "SELECT tags FROM hf_models WHERE model_id = ?", [rows[1]["id"]]) == [(rows[1]["tags"],)]
    assert query(db, "SELECT count(*), count(DISTINCT model_id) FROM hf_models") == [(len(rows), len(rows))]
    assert query(db, "SELECT child_id, parent_id, relation FROM hf_lineage ORDER BY 1") == [
        ("someone/llama-finetune", "meta-llama/Llama-3.1-8B", "finetune"),
        ("unsloth/Qwen2.5-7B-GGUF", "Qwen/Qwen2.5-7B", "quantized"),
    ]


def test_importing_the_same_day_again_replaces_it_and_adds_no_rows(run, db, tmp_path):
    first = write_dump(tmp_path, 0)
    later = write_dump(tmp_path, 1)
    assert run("--db", str(db), "import", "hub-stats", str(first), str(later)).code == 0
    before, seen = counts(db), observed(db)
    assert before["hf_snapshots"] == 2 and before["hf_imports"] == 2
    result = run("--db", str(db), "import", "hub-stats", str(later))
    assert result.code == 0, result.err
    assert counts(db) == before
    assert observed(db) == seen
    # the older day again (a later day rests on its counters): still nothing added, nothing changed
    assert run("--db", str(db), "import", "hub-stats", str(first)).code == 0
    assert counts(db) == before
    assert observed(db) == seen
    assert query(
        db,
        "SELECT count(DISTINCT snapshot_id) FROM hf_imports WHERE snapshot_id IN (SELECT snapshot_id FROM hf_snapshots)",
    ) == [(2,)]


def test_changed_metadata_is_stored_once_per_model_with_the_hash_of_what_is_stored(run, db, tmp_path):
    """A model whose metadata changes keeps one row (updated where it is: only a list, the tags, makes
    DuckDB move the row), with the latest metadata, the span of every day it was seen, and the hash of
    what is stored (the next day compares with it); an unchanged model keeps its row and hash."""

    def day(n: int, edits: dict[str, dict]) -> Path:
        table = dump_table(n)
        rows = [{**row, **edits.get(row["id"], {})} for row in table.to_pylist()]
        path = tmp_path / f"models_{FIRST_DAY + timedelta(days=n)}.parquet"
        pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path)
        return path

    pushed = {"lastModified": datetime(2025, 3, 2, 12, 30)}
    carded = {"tags": ["transformers", "text-generation", "license:mit"]}
    paths = [
        day(0, {}),
        day(1, {"meta-llama/Llama-3.1-8B": pushed, "Qwen/Qwen2.5-7B": carded}),
        day(2, {"meta-llama/Llama-3.1-8B": pushed, "Qwen/Qwen2.5-7B": {**carded, "library_name": "mlx"}}),
    ]
    assert run("--db", str(db), "import", "hub-stats", str(paths[0])).code == 0
    sql = "SELECT model_id, meta_hash FROM hf_models ORDER BY 1"
    first = dict(query(db, sql))
    assert run("--db", str(db), "import", "hub-stats", *map(str, paths[1:])).code == 0
    rows = query(
        db,
        """SELECT model_id, count(*) OVER (PARTITION BY model_id), last_modified, tags, library_name, first_seen,
                  last_seen, meta_hash = hash(author, created_at, last_modified, pipeline_tag, library_name, tags,
                                              safetensors_total, gated)
           FROM hf_models ORDER BY 1""",
    )
    by_id = {r[0]: r[1:] for r in rows}
    assert {r[0] for r in rows} == {m[0] for m in MODELS}
    assert all(r[1] == 1 for r in rows)  # one row per model
    assert all(r[-1] for r in rows)  # every stored hash is that of the stored metadata
    assert by_id["meta-llama/Llama-3.1-8B"][1] == datetime(2025, 3, 2, 12, 30, tzinfo=UTC)
    assert by_id["Qwen/Qwen2.5-7B"][2:4] == (["transformers", "text-generation", "license:mit"], "mlx")
    d = [FIRST_DAY + timedelta(days=n) for n in range(3)]
    assert by_id["Qwen/Qwen2.5-7B"][4:6] == (d[0], d[2])
    assert by_id["meta-llama/Llama-3.1-8B"][4:6] == (d[0], d[2])
    assert by_id["someone/llama-finetune"][4:6] == (d[1], d[2])  # created on day 1
    after = dict(query(db, sql))
    assert after["deepseek-ai/DeepSeek-R1"] == first["deepseek-ai/DeepSeek-R1"]
    assert after["meta-llama/Llama-3.1-8B"] != first["meta-llama/Llama-3.1-8B"]


def test_the_date_comes_from_the_option_else_the_file_name(run, db, tmp_path):
    path = write_dump(tmp_path, 0, name="dump.parquet")
    bad = run("--db", str(db), "import", "hub-stats", str(path))
    assert bad.code == 2 and bad.err.count("\n") == 1 and "--date" in bad.err and "Traceback" not in bad.err
    missing = run("--db", str(db), "import", "hub-stats", str(tmp_path / "none_2025-10-31.parquet"))
    assert missing.code == 2 and missing.err == f"error: {tmp_path / 'none_2025-10-31.parquet'}: no such file\n"
    good = run("--db", str(db), "import", "hub-stats", str(path), "--date", "2025-10-31")
    assert good.code == 0, good.err
    assert query(db, "SELECT snapshot_date FROM hf_snapshots") == [(date(2025, 10, 31),)]
    two = run("--db", str(db), "import", "hub-stats", str(path), str(path), "--date", "2025-10-31")
    assert two.code == 2 and "one file" in two.err
    assert run("--db", str(db), "import", "hub-stats", str(path), "--date", "31/10/2025").code == 2
    assert run("--db", str(db), "import", "hub-stats").code == 2
    assert run("--db", str(db), "import", "hub-stats", str(path), "--every", "week").code == 2


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: pq.write_table(dump_table(0, drop=("id",)), p), "no `id` column"),
        (lambda p: pq.write_table(dump_table(0, drop=("downloads",)), p), "no `downloads` column"),
        (
            lambda p: pq.write_table(dump_table(0).set_column(4, "downloads", pa.array(["1"] * 5)), p),
            "column `downloads`",
        ),
        (lambda p: p.write_text("id,downloads\nQwen/x,1\n"), "not a readable Parquet file"),
    ],
)
def test_a_dump_that_cannot_be_used_is_one_line_and_writes_nothing(run, db, tmp_path, make, words):
    path = tmp_path / "models_2025-03-01.parquet"
    make(path)
    result = run("--db", str(db), "import", "hub-stats", str(path))
    assert result.code == 1
    assert result.err.startswith("error: ") and result.err.count("\n") == 1, result.err
    assert words in result.err and "Traceback" not in result.err
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]


def test_optional_columns_may_be_missing(run, db, tmp_path):
    # an early dump: no downloadsAllTime (before about 2025-02-27), no baseModels, no safetensors
    path = write_dump(tmp_path, 0, drop=("downloadsAllTime", "baseModels", "safetensors", "trendingScore"))
    assert run("--db", str(db), "import", "hub-stats", str(path)).code == 0
    assert query(db, "SELECT count(*), count(downloads_all_time) FROM hf_model_downloads") == [(5, 0)]
    # lineage still comes from the base_model tags
    assert query(db, "SELECT count(*) FROM hf_lineage") == [(1,)]


# ---------------------------------------------------------------- back-dated days


def test_a_day_imported_between_two_stored_days_changes_neither(run, db, tmp_path):
    files = [write_dump(tmp_path, d) for d in range(4)]
    in_order = tmp_path / "in_order.duckdb"
    store.Store(db).prepare()  # the template store, copied for the second order
    in_order.write_bytes(db.read_bytes())
    assert run("--db", str(in_order), "import", "hub-stats", *map(str, files)).code == 0
    # out of order: the last day first, then the first, then the two between them
    for f in (files[3], files[0], files[2], files[1]):
        assert run("--db", str(db), "import", "hub-stats", str(f)).code == 0
    assert observed(db) == observed(in_order)
    assert rollups(db) == rollups(in_order)
    # a full re-attribution replays the days in order from the stored rows: the same figures again
    figures = rollups(db)
    assert run("--db", str(db), "refresh", "--rollups").code == 0
    assert rollups(db) == figures
    # the change-only rows are those of the store written in order, not a row more
    # (model numbers follow the order models were first seen: compare by id)
    canonical = (
        "SELECT s.snapshot_date, k.model_id, c.downloads_30d, c.downloads_all_time FROM internal.hf_counters c "
        "JOIN hf_snapshots s USING (snapshot_id) JOIN internal.hf_model_keys k USING (model_no) ORDER BY ALL"
    )
    assert query(db, canonical) == query(in_order, canonical)
    state = (
        "SELECT k.model_id, c.downloads_30d, c.downloads_all_time FROM internal.hf_counter_state c "
        "JOIN internal.hf_model_keys k USING (model_no) ORDER BY ALL"
    )
    assert query(db, state) == query(in_order, state)


def _random_days(rng: random.Random, models: int, days: int) -> list[list[tuple]]:
    """Each day's full listing (model, rank, counters): most counters unchanged, some down, some NULL."""
    state = {m: (rng.randint(0, 100), rng.randint(100, 1000), 1, 0.0) for m in range(models)}
    out = []
    for _ in range(days):
        for m in range(models):
            if rng.random() < 0.3:
                d30, dall, likes, trend = state[m]
                state[m] = (d30 + rng.randint(-10, 10), None if rng.random() < 0.1 else (dall or 100) + 5, likes, trend)
        out.append([(f"m/{m}", m + 1, *state[m]) for m in range(models)])
    return out


def _append_day(con, day: date, listing: list[tuple]) -> None:
    sid = con.execute(
        """INSERT INTO hf_snapshots (scope, snapshot_date, fetched_at, as_of, run_id, request, pages, model_count, duplicates)
           VALUES ('full_hub', ?, ?, ?, 0, 'test', 1, 60, 0) RETURNING snapshot_id""",
        [day, f"{day}T06:00:00Z", f"{day}T06:00:00Z"],
    ).fetchone()[0]
    columns = ["model_id", "rank", "downloads_30d", "downloads_all_time", "likes", "trending_score"]
    con.register("batch", pa.table({c: [r[k] for r in listing] for k, c in enumerate(columns)}))
    storage.append(
        con,
        f"SELECT {sid}::BIGINT AS snapshot_id, model_id, rank::INTEGER AS rank, downloads_30d, "
        "downloads_all_time, likes::BIGINT AS likes, trending_score FROM batch",
    )
    con.unregister("batch")


def test_the_patches_for_back_dated_days_are_the_full_re_encoding(db):
    """storage.append patches a day inserted before stored ones, and storage.delete_day one removed
    before them; the rows must be exactly those a re-encoding of the scope's whole history gives."""
    rng = random.Random(3)
    listings = _random_days(rng, 60, 9)
    days = [date(2025, 5, 1) + timedelta(days=i) for i in range(9)]
    with store.Store(db).writer() as con:
        for i in [8, 0, 4, 2, 6, 1, 3, 5, 7]:
            _append_day(con, days[i], listings[i])
        # two days replaced (a re-import) while later days are stored: one with other counters
        for i, listing in ((3, _random_days(rng, 60, 1)[0]), (1, listings[1])):
            assert storage.delete_day(con, days[i], ["full_hub"]) == 1
            _append_day(con, days[i], listing)
            listings[i] = listing
        # and one removed for good
        assert storage.delete_day(con, days[5], ["full_hub"]) == 1
        patched = con.execute("SELECT * FROM internal.hf_counters ORDER BY ALL").fetchall()
        state = con.execute("SELECT * FROM internal.hf_counter_state ORDER BY ALL").fetchall()
        storage._materialise(con, ["full_hub"], exclude=[])
        storage._encode(con, ["full_hub"])
        assert con.execute("SELECT * FROM internal.hf_counters ORDER BY ALL").fetchall() == patched
        assert con.execute("SELECT * FROM internal.hf_counter_state ORDER BY ALL").fetchall() == state
    got = query(
        db,
        """SELECT s.snapshot_date, d.model_id, d.downloads_30d, d.downloads_all_time FROM hf_model_downloads d
           JOIN hf_snapshots s USING (snapshot_id) ORDER BY ALL""",
    )
    want = sorted((days[i], r[0], r[2], r[3]) for i in range(9) if i != 5 for r in listings[i])
    assert got == want


# ---------------------------------------------------------------- a dataset's history


def _history(days: list[int], *, twice_on: int | None = None) -> list[Commit]:
    """A commit a day at 02:00 UTC (its dump that day's), plus an earlier commit of a stale file on
    `twice_on` (the day's last commit is the one to take)."""
    commits = []
    n = 0
    for d in days:
        at = datetime.combine(FIRST_DAY + timedelta(days=d), datetime.min.time(), UTC)
        if d == twice_on:
            n += 1
            stale = pq_bytes(dump_table(max(0, d - 1)))
            commits.append(Commit(commit_sha(n), at + timedelta(hours=1), {"models.parquet": stale}))
        n += 1
        commits.append(Commit(commit_sha(n), at + timedelta(hours=2), {"models.parquet": pq_bytes(dump_table(d))}))
    return commits


def pq_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


@pytest.fixture
def datasets(monkeypatch):
    repos = {"cfahlgren1/hub-stats": _history([0, 1, 2, 3], twice_on=2), "someone/gated": _history([0])}
    with FakeHubDatasets(repos, gated=["someone/gated"], gone=["cfahlgren1/gone"]) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


def test_a_dataset_history_is_imported_a_day_at_a_time_and_resumes(run, db, datasets, tmp_path):
    result = run("--db", str(db), "import", "hub-stats", "--dataset", "cfahlgren1/hub-stats", "--until", "2025-03-03")
    assert result.code == 0, result.err
    repo = datasets.repos["cfahlgren1/hub-stats"]
    last_of_day_3 = repo[3]  # day 2 had two commits: the later one is imported
    assert query(db, "SELECT snapshot_date, dataset, revision, file_name FROM hf_imports ORDER BY 1") == [
        (date(2025, 3, 1), "cfahlgren1/hub-stats", repo[0].sha, "models.parquet"),
        (date(2025, 3, 2), "cfahlgren1/hub-stats", repo[1].sha, "models.parquet"),
        (date(2025, 3, 3), "cfahlgren1/hub-stats", last_of_day_3.sha, "models.parquet"),
    ]
    assert query(
        db,
        "SELECT d.downloads_30d FROM hf_model_downloads d JOIN hf_snapshots s USING (snapshot_id) "
        "WHERE s.snapshot_date = '2025-03-03' AND d.model_id = 'Qwen/Qwen3-8B'",
    ) == [(1_010_000,)]  # the stale first commit of that day has no Qwen3 at all
    assert query(db, "SELECT as_of FROM hf_snapshots WHERE snapshot_date = '2025-03-03'")[0][0] == last_of_day_3.at
    assert "cfahlgren1/hub-stats@" in query(db, "SELECT request FROM hf_snapshots LIMIT 1")[0][0]
    assert "2025-03-03" in result.err and "[3/3]" in result.err  # a progress line per day
    # the commit list is paginated (2 a page) and every page was read through its Link header
    assert [r.param("p") for r in datasets.requests_to("/api/datasets/cfahlgren1/hub-stats/commits/")] == [
        None,
        "1",
        "2",
    ]
    # the downloaded files are gone: nothing left beside the store but the store
    assert not list(db.parent.glob("hub-stats-*")) and not list((db.parent / "staging").glob("*"))
    # resumable: the next walk skips the three days and imports only the new one
    downloads = datasets.downloads()
    again = run("--db", str(db), "import", "hub-stats", "--dataset", "cfahlgren1/hub-stats")
    assert again.code == 0, again.err
    assert datasets.downloads() == downloads + 1
    assert query(db, "SELECT count(*), max(snapshot_date) FROM hf_imports") == [(4, date(2025, 3, 4))]


def test_a_rate_limited_answer_is_waited_out_and_retried(run, db, datasets):
    # the Hub's 429 with its window spent (r=0; t=0: the next window opens at once): huggingface_hub
    # waits t + 1 s and asks again; the walk goes on
    spent = {"RateLimit": '"api";r=0;t=0', "RateLimit-Policy": '"fixed window";"api";q=1000;w=300'}
    datasets.script("/api/datasets/cfahlgren1/hub-stats/commits/", Reply(429, b'{"error":"rate limited"}', spent))
    result = run("--db", str(db), "import", "hub-stats", "--dataset", "cfahlgren1/hub-stats", "--until", "2025-03-01")
    assert result.code == 0, result.err
    assert [r.status for r in datasets.requests_to("/api/datasets/")][:2] == [429, 200]
    assert query(db, "SELECT count(*) FROM hf_imports") == [(1,)]


def test_every_week_or_month_keeps_the_claims_own_dates(run, db, monkeypatch):
    # commits every day of March 2025: a monthly walk takes March 31, plus the days nearest the claims
    # dated in March (2025-03-06 and 2025-03-18)
    commits = _history(list(range(31)))
    with FakeHubDatasets({"o/dumps": commits}, page_size=10) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        result = run(
            "--db", str(db), "import", "hub-stats", "--dataset", "o/dumps", "--every", "month", "--since", "2025-03-02"
        )
    assert result.code == 0, result.err
    assert query(db, "SELECT snapshot_date::VARCHAR FROM hf_imports ORDER BY 1") == [
        ("2025-03-06",),
        ("2025-03-18",),
        ("2025-03-31",),
    ]


@pytest.mark.parametrize(
    ("dataset", "words"),
    [("cfahlgren1/gone", "not found"), ("someone/gated", "gated"), ("nobody/nothing", "not found")],
)
def test_a_dataset_gone_or_gated_is_one_line_naming_it(run, db, datasets, dataset, words):
    result = run("--db", str(db), "import", "hub-stats", "--dataset", dataset)
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert dataset in lines[0] and words in lines[0]
    assert "--dataset" in lines[0] and "FILE" in lines[0]
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]


def test_keep_leaves_the_downloaded_file_in_the_hugging_face_cache(run, db, datasets):
    # the cache is HF_HOME's (conftest points it at a temporary folder before huggingface_hub is imported)
    sha = datasets.repos["cfahlgren1/hub-stats"][0].sha
    cached = (
        Path(os.environ["HF_HOME"]) / "hub" / "datasets--cfahlgren1--hub-stats" / "snapshots" / sha / "models.parquet"
    )
    result = run(
        "--db", str(db), "import", "hub-stats", "--dataset", "cfahlgren1/hub-stats", "--until", "2025-03-01", "--keep"
    )
    assert result.code == 0, result.err
    assert cached.is_file()


# ---------------------------------------------------------------- the real sample


@pytest.mark.shared
def test_the_real_sample_grown_day_by_day(run, db, tmp_path, shared_data):
    sample = pq.read_table(shared_data / "hf" / "hub_stats_sample_2026-06.parquet")
    created = sample.column("createdAt").to_pylist()
    cut = sorted(created)[len(created) // 2]
    paths = []
    for d in range(3):
        # models created after the cut appear on day 2 only; counters grow by 1% a day
        keep = [i for i, c in enumerate(created) if d == 2 or c <= cut]
        table = sample.take(keep)
        grown = pa.array(
            [None if v is None else v + v * d // 100 for v in table.column("downloads").to_pylist()], pa.int64()
        )
        table = table.set_column(table.schema.get_field_index("downloads"), "downloads", grown)
        paths.append(tmp_path / f"hub_stats_2026-06-0{d + 1}.parquet")
        pq.write_table(table, paths[-1])
    assert run("--db", str(db), "import", "hub-stats", *map(str, paths)).code == 0
    got = query(db, "SELECT snapshot_date, models, downloads_30d FROM hf_snapshot_sets ORDER BY 1")
    assert [g[1] for g in got] == [len([c for c in created if c <= cut])] * 2 + [len(created)]
    assert got[0][2] == sum(sample.column("downloads").to_pylist()[i] for i, c in enumerate(created) if c <= cut)
    assert query(db, "SELECT count(*) FROM hf_lineage")[0][0] > 1000


def test_the_same_metadata_has_the_same_hash_from_the_api_and_from_a_dump(run, db, tmp_path, monkeypatch):
    """The Hub API stages timestamps as its text, a dump typed: the commit hashes the stored form, so a
    model whose metadata did not change is not rewritten (and re-attributed) when the next day comes
    from the other path; a model whose metadata differs is."""
    from tests.fakes.hub import FakeHub, make_model

    api = make_model(
        "Qwen/Qwen2.5-7B",
        3_000_000,
        created="2025-01-01T00:00:00.000Z",
        params=8_000_000_000,
        tags=["transformers", "text-generation"],
    )
    api["lastModified"] = "2025-02-01T00:00:00.000Z"
    del api["gated"]  # the dumps of these tests carry no `gated`
    other = make_model("deepseek-ai/DeepSeek-R1", 1_000_000, tags=["transformers"])
    with FakeHub([api, other]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("COLLECTOR_NOW", "2025-03-01T06:00:00Z")
        assert run("--db", str(db), "collect", "hf", "--top", "10").code == 0
    dumped = tmp_path / "dumped.duckdb"
    assert run("--db", str(dumped), "import", "hub-stats", str(write_dump(tmp_path, 1))).code == 0
    sql = "SELECT model_id, meta_hash, created_at, last_modified FROM hf_models WHERE model_id IN (?, ?) ORDER BY 1"
    (api_qwen, api_other), (dump_qwen, dump_other) = (
        query(path, sql, ["Qwen/Qwen2.5-7B", "deepseek-ai/DeepSeek-R1"]) for path in (db, dumped)
    )
    assert api_qwen == dump_qwen  # the same timestamps, the same hash
    assert api_qwen[2] == datetime(2025, 1, 1, tzinfo=UTC)
    assert api_other[1] != dump_other[1]  # other metadata (created, tags), another hash


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "dataset a/b not found on"), (401, "dataset a/b refused on"), (403, "dataset a/b refused on")],
)
def test_a_plain_http_error_on_the_dataset_says_what_it_means(run, db, datasets, status, words):
    """A Hub or mirror that answers without the Hub's X-Error-Code: not found or gated/private, named,
    with the ways on; never "retry later" (nothing will change by waiting)."""
    datasets.script("/api/datasets/a/b/", Reply(status, b'{"error":"Not Found"}'))
    result = run(
        "--db", str(db), "import", "hub-stats", "--dataset", "a/b", "--since", "2025-03-01", "--until", "2025-03-31"
    )
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert words in lines[0] and "--dataset" in lines[0] and "FILE" in lines[0] and "retry later" not in lines[0]
    assert ("gated or private" in lines[0]) == (status != 404)


def test_only_a_server_error_on_the_dataset_says_retry_later():
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    from collector.sources.hubstats import dataset

    request = httpx2.Request("GET", "http://127.0.0.1/api/datasets/a/b/commits/main")
    error = HfHubHTTPError("server error", response=httpx2.Response(503, request=request))
    assert "listing its commits failed (HTTP 503); retry later" in str(
        dataset._fail("a/b", error, "listing its commits")
    )
