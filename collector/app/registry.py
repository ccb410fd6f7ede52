"""The registry of jobs: one entry per job (name, function, typed settings with defaults, whether
`collect all` runs it). The CLI (`collect <name>`, `run`), the scheduler and the schedules.yaml
validator all read it, so a job's settings are declared, defaulted and validated in one place.

Adding a source: a folder under collector/sources/ with a `job.py` that defines `JOB = Job(...)`,
its line in BUILTIN below, its migration and its views (docs/development.md has the recipe).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from collector.core import weeks
from collector.core.errors import ConfigError

# module:attribute of every built-in job, in the order `collect all` runs them
BUILTIN = (
    "collector.sources.hf.job:JOB",
    "collector.sources.openrouter.job:JOB",
    "collector.outputs.export:JOB",
)


@dataclass(frozen=True)
class Option:
    """One typed setting of a job: `--name` on the command line, `name:` in schedules.yaml."""

    name: str
    kind: str  # 'int' | 'date' | 'path' | 'week' | 'flag'
    default: Any
    help: str
    minimum: int | None = None
    maximum: int | None = None
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, value: Any) -> Any:
        """The typed value, or ValueError with the problem ('must be 0 or more, got -1')."""
        if value is None:
            return None
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ValueError(f"must be a whole number, got {value!r}")
            try:
                number = int(str(value).strip())
            except ValueError:
                raise ValueError(f"must be a whole number, got {value!r}") from None
            if self.minimum is not None and number < self.minimum:
                raise ValueError(f"must be {self.minimum} or more, got {number}")
            if self.maximum is not None and number > self.maximum:
                raise ValueError(f"must be {self.maximum} or less, got {number}")
            return number
        if self.kind == "date":
            if isinstance(value, datetime):
                return value.date()
            if isinstance(value, date):
                return value
            try:
                text = str(value).strip()
                if len(text) != 10:
                    raise ValueError
                return date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}") from None
        if self.kind == "week":
            try:
                return weeks.parse_week(str(value), option="")  # named once, by the caller
            except ConfigError as exc:
                raise ValueError(str(exc)) from None
        if self.kind == "path":
            if not isinstance(value, (str, Path)) or not str(value).strip():
                raise ValueError(f"must be a non-empty path, got {value!r}")
            return Path(value)
        if self.kind == "flag":
            if not isinstance(value, bool):
                raise ValueError(f"must be true or false, got {value!r}")
            return value
        raise AssertionError(self.kind)


@dataclass(frozen=True)
class Job:
    name: str  # `collector collect <name>`, `collector run <name>`, the key in schedules.yaml
    run_name: str  # how its runs are recorded in runs.job
    source: str  # runs.source
    run: Callable[..., Any]  # run(store, progress=..., **settings) -> JobResult
    summary: str
    options: tuple[Option, ...] = ()
    in_collect_all: bool = False
    collect_command: bool = True  # a `collector collect <name>` command (exports have their own)
    description: str = ""
    examples: tuple[str, ...] = field(default_factory=tuple)
    # keyword arguments `collector run` and the scheduler add to `run` (not options: what an unattended
    # run needs, e.g. the export's "an existing export of the week is nothing to do")
    scheduled: dict[str, Any] = field(default_factory=dict)

    def settings(self, given: dict[str, Any], *, prefix: str = "") -> dict[str, Any]:
        """Validated settings with defaults filled in; every problem at once as a ConfigError (exit 2).
        `prefix` says where they came from ('--' for options)."""
        known = {o.name: o for o in self.options}
        problems = []
        out = {o.name: o.default for o in self.options}
        for key, value in given.items():
            option = known.get(key)
            if option is None:
                problems.append(f"{self.name}: unknown setting {key!r} (known: {', '.join(known) or 'none'})")
                continue
            try:
                out[key] = option.parse(value)
            except ValueError as exc:
                label = option.flag if prefix == "--" else key
                problems.append(f"{label} {exc}")
        if problems:
            raise ConfigError("\n".join(problems))
        return out


_JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    _JOBS[job.name] = job
    return job


def unregister(name: str) -> None:
    _JOBS.pop(name, None)


def _load_builtin() -> list[str]:
    names = []
    for entry in BUILTIN:
        module, attr = entry.split(":")
        job = getattr(importlib.import_module(module), attr)
        _JOBS.setdefault(job.name, job)
        names.append(job.name)
    return names


def jobs() -> dict[str, Job]:
    """Every registered job by name (the built-in ones first, in `collect all` order, whether or not
    another job was registered before they were loaded)."""
    builtin = _load_builtin()
    return {name: _JOBS[name] for name in builtin} | {n: j for n, j in _JOBS.items() if n not in builtin}


def get(name: str) -> Job:
    known = jobs()
    if name not in known:
        raise ConfigError(f"unknown job {name!r} (known: {', '.join(known)})")
    return known[name]
