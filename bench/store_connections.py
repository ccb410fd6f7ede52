"""Microbenchmark: what one short connection to a store costs (CPU and wall time per cycle), for the
connection kinds every command uses: a write transaction checkpointed when it ends, one that leaves
its checkpoint to a later write, a read, and the sandboxed read of the claims and `collector sql`;
then writes and reads that follow one another in one command (collector.store.connect.lingering:
the store stays attached between them, and the scope's end checkpoints it once, counted in).

    .venv/bin/python -m bench.store_connections [--cycles 30]

Each cycle opens the store (an empty prepared store, as the tests' template makes it), runs one
trivial statement and closes it; DuckDB runs on one thread (COLLECTOR_DB_THREADS=1).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("COLLECTOR_DB_THREADS", "1")
    from collector.store import Store, connect
    from tests.seed import empty_store

    with tempfile.TemporaryDirectory(prefix="bench-conn-") as tmp:
        store = Store(empty_store(Path(tmp) / "bench.duckdb"))

        def write(checkpoint: bool) -> Callable[[], None]:
            def cycle() -> None:
                with store.transaction(checkpoint=checkpoint) as con:
                    con.execute("UPDATE runs SET params = params WHERE false")

            return cycle

        def read(sandboxed: bool) -> Callable[[], None]:
            def cycle() -> None:
                with store.reader(sandboxed=sandboxed) as con:
                    con.execute("SELECT count(*) FROM hf_models").fetchall()

            return cycle

        for label, cycle, scope in (
            ("write, checkpointed", write(True), contextlib.nullcontext),
            ("write, checkpoint left", write(False), contextlib.nullcontext),
            ("read", read(False), contextlib.nullcontext),
            ("sandboxed read", read(True), contextlib.nullcontext),
            # the connections of one command follow one another within connect.LINGER_SECONDS
            ("write, in one command", write(True), connect.lingering),
            ("read, in one command", read(False), connect.lingering),
        ):
            cycle()  # warm: imports, the instance
            cpu, wall = time.process_time(), time.perf_counter()
            with scope():
                for _ in range(args.cycles):
                    cycle()
            cpu_ms = (time.process_time() - cpu) / args.cycles * 1000
            wall_ms = (time.perf_counter() - wall) / args.cycles * 1000
            print(f"{label:24s} {cpu_ms:6.1f} ms CPU  {wall_ms:6.1f} ms wall per connection")


if __name__ == "__main__":
    main()
