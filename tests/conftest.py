"""Shared fixtures. Nothing here reaches the network: every server is a fake on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Before huggingface_hub is imported anywhere: its import-time endpoint (used for the agent-harness
# registry) must not be huggingface.co, and its cache must not be the user's.
os.environ["HF_ENDPOINT"] = "http://127.0.0.1:9"
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="collector-hf-home-")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.pop("HF_TOKEN", None)
os.environ.pop("OPENROUTER_API_KEY", None)
# Like HF_ENDPOINT: a test that forgets its fake OpenRouter gets a refused connection, never the internet.
os.environ["OPENROUTER_BASE_URL"] = "http://127.0.0.1:9/api/v1"


def _temp_root_in_memory() -> None:
    """The tests' folders (tmp_path) in /dev/shm when it is a roomy tmpfs: every DuckDB commit and
    checkpoint waits for fsync, which costs 5 to 20 ms a time on this machine's disk and next to
    nothing in memory; the suite commits thousands of times. A run takes about 3 GB there while it
    lasts, hence the 6 GB free asked; only the failed tests' folders stay after it (pyproject.toml).
    PYTEST_DEBUG_TEMPROOT (pytest's own setting) chooses another root."""
    if "PYTEST_DEBUG_TEMPROOT" in os.environ:
        return
    try:
        free = os.statvfs("/dev/shm")
    except OSError:
        return
    if free.f_bavail * free.f_frsize >= 6 * 2**30 and os.access("/dev/shm", os.W_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = "/dev/shm"


_temp_root_in_memory()

import importlib.util  # noqa: E402

import duckdb  # noqa: E402
import pytest  # noqa: E402


class _AbsentPandas:
    """DuckDB's Python client tries `import pandas` on every query (to recognise DataFrames). Without
    pandas installed, under pytest each try walks sys.path and the assertion-rewriting import hook
    again: about 0.4 ms a query, 2% of the suite. This finder, first on sys.meta_path, says at once
    that it is absent, as the full search would. (Not `sys.modules["pandas"] = None`: libraries that
    look in sys.modules would take that for pandas.)"""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


if importlib.util.find_spec("pandas") is None:
    sys.meta_path.insert(0, _AbsentPandas())  # type: ignore[arg-type]

from collector.store import connect as store_connect  # noqa: E402
from tests.fakes.hub import FakeHub, make_model  # noqa: E402
from tests.seed import empty_store as empty_store_at  # noqa: E402
from tests.seed import shared_template  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent (a user's clone has none)")
    return SHARED_DATA


def isolate(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """What every test runs under (also for module-scoped templates, through pytest.MonkeyPatch.context()):
    tiny retry backoffs, a short lock wait, the clock frozen, no pacing, `folder` as working directory."""
    monkeypatch.setenv("COLLECTOR_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("COLLECTOR_RETRY_CAP_SECONDS", "0.05")
    monkeypatch.setenv("COLLECTOR_LOCK_TIMEOUT", "2")
    monkeypatch.setenv("COLLECTOR_NOW", "2026-05-01T06:00:00Z")
    monkeypatch.delenv("COLLECTOR_DB", raising=False)
    monkeypatch.delenv("OPENROUTER_DAILY_BUDGET", raising=False)
    monkeypatch.setenv("OPENROUTER_REQUESTS_PER_MINUTE", "0")  # unpaced; tests that pace set their own
    # two xdist workers already keep both cores busy; DuckDB's own thread pool per connection (started
    # by each of the thousands of short connections) only adds start-up and contention
    monkeypatch.setenv("COLLECTOR_DB_THREADS", "1")
    monkeypatch.chdir(folder)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path, tmp_path_factory):
    isolate(monkeypatch, tmp_path)
    # the report's chart JavaScript takes ~6 s to build: once per session (the xdist workers share it)
    monkeypatch.setenv("COLLECTOR_CACHE_DIR", str(tmp_path_factory.getbasetemp().parent / "collector-cache"))
    yield
    release_all()


@pytest.fixture
def db(tmp_path) -> Path:
    """Where the test's store goes; nothing is there yet (the first command creates it)."""
    return tmp_path / "adoption.duckdb"


@pytest.fixture
def empty_store(db) -> Path:
    """`db` holding the store the first command on a new path would make (migrated, reference tables
    and views, no rows), copied from a template built once per worker (tests.seed.empty_store).
    Modules whose tests all start from an empty store use it for every test:
    `pytestmark = pytest.mark.usefixtures("empty_store")`."""
    return empty_store_at(db)


def hub_models() -> list[dict]:
    """The `hub` fixture's models (a fresh list each call: tests change their counters)."""
    return [
        make_model(
            "Qwen/QwQ-32B",
            61_994,
            all_time=2_945_445,
            params=32_763_876_352,
            tags=["text-generation", "base_model:Qwen/Qwen2.5-32B", "base_model:finetune:Qwen/Qwen2.5-32B"],
        ),
        make_model("Qwen/Qwen2.5-32B", 300_000, all_time=9_000_000),
        make_model("Qwen/Qwen3-8B", 2_000_000, all_time=20_000_000),
        make_model("deepseek-ai/DeepSeek-R1", 500_000, all_time=12_000_000, params=684_531_386_000),
        make_model("meta-llama/Llama-3.1-8B-Instruct", 6_000_000, all_time=90_000_000, gated="manual"),
        make_model(
            "unsloth/QwQ-32B-GGUF",
            40_000,
            library="gguf",
            tags=["gguf", "base_model:Qwen/QwQ-32B", "base_model:quantized:Qwen/QwQ-32B"],
        ),
        make_model(
            "mergekit/qwen-llama-merge",
            10,
            tags=["merge", "base_model:merge:Qwen/Qwen3-8B", "base_model:merge:meta-llama/Llama-3.1-8B-Instruct"],
        ),
    ]


@pytest.fixture
def hub(monkeypatch):
    with FakeHub(hub_models()) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


ORGS_CSV = "namespace,organisation,role,collect\nQwen,Alibaba,developer,yes\ndeepseek-ai,DeepSeek,developer,yes\n"


@pytest.fixture
def orgs(tmp_path) -> Path:
    """A namespaces file with the two organisations the `hub` fixture's models mostly belong to."""
    path = tmp_path / "orgs.csv"
    path.write_text(ORGS_CSV)
    return path


@pytest.fixture
def openrouter(monkeypatch):
    """A fake OpenRouter (catalog of 4 real models, sample usage 2025-01-01..2026-12-31, top 3 + other)
    with OPENROUTER_BASE_URL and OPENROUTER_API_KEY pointing at it."""
    from tests.fakes.openrouter import KEY, FakeOpenRouter, demo_models, sample_data

    # per_minute: tests run unpaced (OPENROUTER_REQUESTS_PER_MINUTE=0); those about the limit lower it.
    with FakeOpenRouter(models=demo_models(), top=3, per_minute=100_000, **sample_data()) as server:
        monkeypatch.setenv("OPENROUTER_BASE_URL", server.api_url)
        monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
        yield server


OPENROUTER_EARLY = "2025-01-20T06:00:00Z"  # 19 days after the Data API's first day: a backfill of 6 windows


def openrouter_first_run(path: Path, now: str = OPENROUTER_EARLY) -> None:
    """A clean `collect openrouter` on a new store at `now`, against the `openrouter` fixture's fake
    (same models, usage and limits), in an isolated environment: for session templates."""
    from tests.fakes.openrouter import KEY, FakeOpenRouter, demo_models, sample_data

    with (
        pytest.MonkeyPatch.context() as mp,
        FakeOpenRouter(models=demo_models(), top=3, per_minute=100_000, **sample_data()) as server,
    ):
        isolate(mp, path.parent)
        mp.setenv("COLLECTOR_NOW", now)
        mp.setenv("OPENROUTER_BASE_URL", server.api_url)
        mp.setenv("OPENROUTER_API_KEY", KEY)
        assert call_cli("--db", str(path), "-q", "collect", "openrouter") == 0
    shutil.rmtree(path.parent / "staging", ignore_errors=True)


@pytest.fixture(scope="session")
def openrouter_template(tmp_path_factory) -> Path:
    """A store after a clean first `collect openrouter` on 2025-01-20 against the `openrouter`
    fixture's fake (6 windows and the catalog), built once per session and shared by the xdist
    workers: copy it (shutil.copyfile), never write to it."""
    return shared_template(tmp_path_factory, "openrouter-first-run", openrouter_first_run)


@dataclass
class Result:
    code: int
    out: str
    err: str


def call_cli(*args: str) -> int:
    """The real `collector` entry point in-process; its exit code (output goes to sys.stdout/stderr)."""
    import signal

    from collector.cli import main

    argv = sys.argv
    sys.argv = ["collector", *args]
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
        for sig, handler in handlers.items():  # the CLI installs its own; give pytest its back
            signal.signal(sig, handler)
    return code


@pytest.fixture
def run(capsys):
    """Run the real `collector` entry point in-process: exit code, stdout, stderr."""

    def invoke(*args: str) -> Result:
        code = call_cli(*args)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


_READER: duckdb.DuckDBPyConnection | None = None
_ATTACHED: dict[Path, tuple[str, tuple]] = {}  # store -> (its name in _READER, the files' state then)
_ATTACH_COUNT = [0]  # names stay unique when two stores share a file name
_connect = duckdb.connect


def _files_state(db: Path) -> tuple:
    """What changes when anything writes the store: the file's and its write-ahead log's size and time."""
    state = []
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            st = path.stat()
            state.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            state.append(None)
    return tuple(state)


def release_stores() -> None:
    """Detach every store `query` keeps attached: DuckDB refuses to open a file in a process that has
    it attached elsewhere, so this runs before any new DuckDB connection of this process."""
    if _READER is not None:
        for name, _ in _ATTACHED.values():
            _READER.execute(f"DETACH {name}")
    _ATTACHED.clear()


def release_all() -> None:
    """release_stores, and the stores a command of this process leaves attached a moment for its next
    connection (collector.store.connect.lingering): before another DuckDB instance or process opens them."""
    store_connect.release()
    release_stores()


def _connect_releasing(*args, **kwargs):
    release_all()
    return _connect(*args, **kwargs)


# Every DuckDB connection this process opens (the commands run in-process, a test's own) and every
# process it starts (a read-only attachment keeps other processes from writing) first let go of the
# stores `query` keeps attached; attaching costs more than most queries, and tests ask several in a
# row of a store nothing writes in between.
duckdb.connect = _connect_releasing
_popen_init = subprocess.Popen.__init__


def _popen_releasing(self, *args, **kwargs):
    release_all()
    _popen_init(self, *args, **kwargs)


subprocess.Popen.__init__ = _popen_releasing  # type: ignore[method-assign]

# The commands attach stores to the process's shared DuckDB instance (collector.store.connect) rather
# than connecting: that too first lets go of what `query` holds.
_host_attach = store_connect._Host.attach


def _attach_releasing(self, *args, **kwargs):
    release_stores()
    return _host_attach(self, *args, **kwargs)


store_connect._Host.attach = _attach_releasing  # type: ignore[method-assign]


def query(db: Path, sql: str, params=None):
    """Rows of `sql` on the store at `db`, read-only. The file is attached to one in-memory DuckDB kept
    by this process, under its own name and as the default catalog: what a read-only connection to it
    sees. It stays attached for the next query while neither the file nor its log changes (another
    process writing it) and this process opens no other DuckDB connection (release_stores)."""
    global _READER
    store_connect.release(db)  # what a command of this process may leave lingering (connect.lingering)
    if _READER is None:
        # one thread, as the commands' own connections in the suite (COLLECTOR_DB_THREADS=1): the
        # workers already fill both cores (measured on three test files: 3 to 8 % less CPU)
        _READER = _connect(config={"threads": 1})
    con = _READER
    key = db.absolute()
    state = _files_state(db)
    held = _ATTACHED.get(key)
    if held and held[1] != state:
        con.execute(f"DETACH {held[0]}")
        del _ATTACHED[key]
        held = None
    if held is None:
        stem = db.stem if db.stem.lower() not in ("memory", "system", "temp") else f"{db.stem}_store"
        _ATTACH_COUNT[0] += 1
        name = '"' + stem.replace('"', '""') + f'_{_ATTACH_COUNT[0]}"'
        con.execute(f"ATTACH '{str(db).replace(chr(39), chr(39) * 2)}' AS {name} (READ_ONLY)")
        _ATTACHED[key] = (name, state)
    else:
        name = held[0]
    try:
        con.execute(f"USE {name}")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.execute("USE memory")
