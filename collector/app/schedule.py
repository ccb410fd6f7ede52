"""Jobs by name, run once (`collector run JOB`) or on a schedule (`collector schedule`), through the
same `run_job` function.

The scheduler is APScheduler 3.x in UTC with coalescing and one instance per job, on one worker
thread (one writer at a time). Catch-up across restarts does not rely on APScheduler's memory: on
start, each job's last successful run is read from the `runs` table, and a fire time missed since
then (within the misfire grace) is run once, coalesced. SIGTERM / SIGINT stop the scheduler after
the running job has committed or rolled back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from collector.app import registry
from collector.app.runner import JobResult
from collector.app.schedules_config import JobSpec, Schedule
from collector.core import cancel, clock
from collector.core.errors import CollectorError
from collector.store import Store, scalar

log = logging.getLogger("collector.schedule")


def run_job(
    store: Store, name: str, settings: dict | None = None, progress: Callable[[str], None] | None = None
) -> JobResult:
    """Run one job once; the single entry point of `collector run` and the scheduler. Settings are
    validated (and defaulted) by the job's registry entry."""
    job = registry.get(name)
    values = job.settings(settings or {})
    return job.run(store, progress=progress, **values, **job.scheduled)


def last_success(store: Store, name: str) -> datetime | None:
    """When the job last started a run that ended ok (None if never, or no database yet)."""
    if not store.exists():
        return None
    with store.reader() as con:
        last: datetime | None = scalar(
            con, "SELECT max(started_at) FROM runs WHERE job = ? AND status = 'ok'", [registry.get(name).run_name]
        )
        return last


def missed_fire(trigger: CronTrigger, last_run: datetime | None, now: datetime, grace: timedelta) -> datetime | None:
    """The latest fire time in (last_run, now] if it is at most `grace` old, else None.

    Several missed fire times coalesce into this one run; older misses are dropped (a snapshot is of
    the day it is taken, so running a missed day late cannot recover it anyway)."""
    start = now - grace
    if last_run is not None and last_run > start:
        start = last_run
    fire = trigger.get_next_fire_time(None, start)
    latest = None
    while fire is not None and fire <= now:
        if fire > start or (last_run is None and fire >= start):
            latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


def _logged_run(store: Store, spec: JobSpec, why: str) -> JobResult | None:
    started = time.monotonic()
    log.info("job %s: start (%s)", spec.name, why)
    try:
        result = run_job(store, spec.name, spec.settings)
    except cancel.Interrupted as exc:
        log.warning("job %s: %s", spec.name, exc)
        return None
    except CollectorError as exc:
        log.error("job %s: failed after %.1f s: %s", spec.name, time.monotonic() - started, " ".join(str(exc).split()))
        return None
    except Exception as exc:  # a scheduler must outlive one bad run; the runs table has the details
        log.error("job %s: failed after %.1f s: %s: %s", spec.name, time.monotonic() - started, type(exc).__name__, exc)
        return None
    log.info("job %s: end: %s", spec.name, result.summary())
    return result


def catch_up(store: Store, schedule: Schedule, now: datetime) -> list[tuple[str, datetime]]:
    """Jobs whose scheduled run was missed (within the grace) since their last successful run."""
    due = []
    for spec in schedule.jobs:
        fire = missed_fire(spec.trigger(), last_success(store, spec.name), now, schedule.grace)
        if fire is not None:
            due.append((spec.name, fire))
    return due


def _single_scheduler(db: Path):
    """One scheduler per database: a second one would run every job twice. An advisory lock on a file
    beside the database is held for the scheduler's life (released by the OS if it dies)."""
    import fcntl

    lock_path = db.parent / f"{db.name}.scheduler.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")  # noqa: SIM115 - held open for the process's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise CollectorError(
            f"a scheduler is already running for {db} ({holder}): stop it first, "
            "or use `collector run JOB` for a one-off run"
        ) from exc
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle


NUDGE_SECONDS = 30.0


def _nudge(scheduler, stopping: threading.Event, every: float = NUDGE_SECONDS) -> None:
    """APScheduler sleeps until the next fire time on a clock that stops while the machine is
    suspended, so after a night asleep it would wake late by the length of the sleep. Waking it every
    `every` seconds makes it re-read the wall clock: a run missed while asleep starts within that
    time of waking (and once, coalesced, within the misfire grace)."""
    while not stopping.wait(every):
        with contextlib.suppress(Exception):
            scheduler.wakeup()


def serve(store: Store, schedule: Schedule) -> None:
    """Run until SIGTERM / SIGINT: catch up on missed runs, then follow the crons."""
    db = store.path
    lock = _single_scheduler(db)  # noqa: F841 - kept open: the lock lives as long as this function
    log.info("schedule: %s", schedule.path)
    scheduler = BlockingScheduler(
        timezone="UTC",
        executors={"default": ThreadPoolExecutor(max_workers=1)},  # one writer at a time
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            # None would mean "however late": 0 hours must mean (almost) never
            "misfire_grace_time": max(1, int(schedule.grace.total_seconds())),
        },
    )
    specs = {spec.name: spec for spec in schedule.jobs}
    stopping = threading.Event()

    def stop(signum, _frame) -> None:
        name = signal.Signals(signum).name
        if stopping.is_set():
            return
        stopping.set()
        log.info("%s received: stopping after the running job commits or rolls back", name)
        cancel.request(f"{name} received")
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for spec in schedule.jobs:
        scheduler.add_job(
            _logged_run,
            spec.trigger(),
            args=[store, spec, "scheduled"],
            id=spec.name,
            name=spec.name,
            replace_existing=True,
        )
    for name, fire in catch_up(store, schedule, clock.now()):
        log.info("job %s: missed its run of %s, running it once now", name, fire.strftime("%Y-%m-%d %H:%M UTC"))
        scheduler.add_job(
            _logged_run,
            args=[store, specs[name], f"catch-up of {fire:%Y-%m-%d %H:%M} UTC"],
            id=f"{name}-catch-up",
            name=f"{name} (catch-up)",
        )
    log.info("scheduler started (UTC): %s", "; ".join(f"{s.name} '{s.cron}'" for s in schedule.jobs))
    threading.Thread(target=_nudge, args=(scheduler, stopping), name="scheduler-nudge", daemon=True).start()
    scheduler.start()
    log.info("scheduler stopped")
