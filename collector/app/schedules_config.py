"""schedules.yaml: which jobs run when (cron, UTC) and with which settings, validated with line numbers.

    misfire_grace_hours: 20        # optional: how late a missed run may still be made up
    jobs:
      hf:
        cron: "15 2 * * *"         # every day 02:15 UTC
        top: 1000
      openrouter:
        cron: "45 2 * * *"
      export:
        cron: "0 6 * * 1"          # Mondays 06:00 UTC: the week that just ended
        out: exports

Every problem reads `schedules.yaml:LINE: what is wrong`; all problems are reported at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from apscheduler.triggers.cron import CronTrigger

from collector.app import registry
from collector.core.errors import ConfigError

DEFAULT_GRACE_HOURS = 20.0


@dataclass
class JobSpec:
    name: str
    cron: str
    settings: dict = field(default_factory=dict)
    line: int = 0

    def trigger(self) -> CronTrigger:
        return cron_trigger(self.cron)


_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _cron_days(field_text: str) -> str:
    """Standard cron numbers days 0-7 from Sunday; APScheduler 3 reads 0 as Monday. Use names."""
    parts: list[str] = []
    for part in field_text.split(","):
        base, _, step = part.partition("/")
        if step and not step.isdigit():
            raise ValueError(f"day-of-week step {step!r} is not a number")
        if base == "*" and step:
            base = "0-6"
        if re.fullmatch(r"\d+-\d+", base):
            low, high = (int(x) for x in base.split("-"))
            if not 0 <= low <= high <= 7:
                raise ValueError(f"day-of-week range {base!r} is not within 0-7")
            days = range(low, high + 1, int(step) if step else 1)
            parts.extend(_DAY_NAMES[d] for d in days)
            continue
        if step:
            raise ValueError(f"day-of-week {part!r}: a step needs * or a range before it")
        if base.isdigit():
            if int(base) > 7:
                raise ValueError(f"day of week {base!r} is not within 0-7")
            base = _DAY_NAMES[int(base)]
        elif re.search(r"\d", base):
            raise ValueError(f"day-of-week {part!r}: use numbers 0-7, ranges a-b, or names")
        parts.append(base + (f"/{step}" if step else ""))
    return ",".join(dict.fromkeys(parts))


def cron_trigger(expression: str) -> CronTrigger:
    """A UTC CronTrigger from a standard 5-field crontab expression (0 or 7 = Sunday)."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month day-of-week), got {len(fields)}")
    minute, hour, day, month, dow = fields
    if day != "*" and dow != "*":
        # crontab runs such a job when EITHER field matches; APScheduler would need BOTH: refuse the ambiguity
        raise ValueError("set day-of-month or day-of-week, not both (crontab ORs them; use two jobs)")
    trigger = CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=_cron_days(dow), timezone="UTC")
    # e.g. "0 0 31 2 *" (February 31st) parses but never fires; a schedule that never runs is a mistake
    start = datetime(2000, 1, 1, tzinfo=UTC)
    if trigger.get_next_fire_time(None, start) is None:
        raise ValueError("it never fires (no such date)")
    return trigger


@dataclass
class Schedule:
    jobs: list[JobSpec]
    grace: timedelta
    path: Path


def load(path: Path) -> Schedule:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise ConfigError(f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    errors: list[str] = []

    def err(node, message: str) -> None:
        errors.append(f"{path}:{node.start_mark.line + 1}: {message}")

    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{path}:1: expected a mapping with a `jobs:` key")
    grace = timedelta(hours=DEFAULT_GRACE_HOURS)
    jobs: list[JobSpec] = []
    seen_jobs_key = False
    for key_node, value_node in root.value:
        key = key_node.value
        if key == "misfire_grace_hours":
            value = yaml.safe_load(yaml.serialize(value_node))
            if type(value) not in (int, float) or value < 0:
                err(value_node, "misfire_grace_hours must be a number of hours, 0 or more")
            else:
                grace = timedelta(hours=value)
        elif key == "jobs":
            seen_jobs_key = True
            if not isinstance(value_node, yaml.MappingNode):
                err(value_node, "jobs must be a mapping of job name to its settings")
                continue
            if not value_node.value:
                err(
                    value_node,
                    f"no jobs: `jobs:` is empty, nothing would run (add one of {', '.join(registry.jobs())} with its `cron:`)",
                )
                continue
            first_line: dict[str, int] = {}
            for job_key, job_node in value_node.value:
                if job_key.value in first_line:
                    err(job_key, f"job {job_key.value} is listed twice (first on line {first_line[job_key.value]})")
                    continue
                first_line[job_key.value] = job_key.start_mark.line + 1
                jobs.extend(_job(job_key, job_node, err))
        else:
            err(key_node, f"unknown key {key!r} (known: jobs, misfire_grace_hours)")
    if not seen_jobs_key:
        errors.append(f"{path}:1: no `jobs:` key: nothing would run")
    if errors:
        raise ConfigError("\n".join(errors))
    return Schedule(jobs, grace, path)


def _job(key_node, node, err) -> list[JobSpec]:
    name = key_node.value
    known_jobs = registry.jobs()
    if name not in known_jobs:
        err(key_node, f"unknown job {name!r} (known: {', '.join(known_jobs)})")
        return []
    options = {o.name: o for o in known_jobs[name].options}
    if not isinstance(node, yaml.MappingNode):
        err(node, f"job {name}: expected its settings (at least `cron:`)")
        return []
    spec = JobSpec(name, "", {}, key_node.start_mark.line + 1)
    for setting_node, value_node in node.value:
        setting = setting_node.value
        value = yaml.safe_load(yaml.serialize(value_node))
        if setting == "cron":
            if not isinstance(value, str):
                err(value_node, f'job {name}: cron must be a string such as "15 2 * * *"')
                continue
            try:
                cron_trigger(value)
            except ValueError as exc:
                err(value_node, f"job {name}: bad cron expression {value!r}: {exc}")
                continue
            spec.cron = value
        elif setting in options:
            try:
                options[setting].parse(value)
            except ValueError as exc:
                err(value_node, f"job {name}: {setting} {exc}")
            else:
                spec.settings[setting] = value
        else:
            known = ", ".join(["cron", *options])
            err(setting_node, f"job {name}: unknown setting {setting!r} (known: {known})")
    if not spec.cron:
        if not any(setting_node.value == "cron" for setting_node, _ in node.value):
            err(key_node, f"job {name}: no cron expression")
        return []
    return [spec]
