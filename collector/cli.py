"""The `collector` command: click only. Each command parses its arguments, calls the library and prints
the result; errors are one line and a non-zero exit (2 for bad arguments or settings).

The `collect` subcommands and `export` are generated from the job registry (collector.app.registry),
so their options, defaults and validation are the jobs' own.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from collector import __version__, reference
from collector.app import registry
from collector.app.runner import JobResult
from collector.core import cancel, settings
from collector.core.errors import CollectorError
from collector.core.progress import Progress
from collector.core.weeks import parse_as_of, parse_day, parse_week, week_label
from collector.store import Store, db_path

log = logging.getLogger("collector")


class Context:
    def __init__(self, db: Path, quiet: bool, verbose: bool):
        self.store = Store(db)
        self.quiet = quiet
        self.verbose = verbose

    def progress(self) -> Progress:
        return Progress(enabled=False if self.quiet else None)

    def prepare(self) -> None:
        """The explicit refresh step before any job opens a run: reference data and views are remade
        when their content changed (a hash of a few dozen small files when it did not)."""
        if not self.store.writable():
            # A read-only store can still be read and exported; a job that must write says so itself.
            if self.store.exists() and not self.store.views_current():
                log.warning(
                    "database %s is read-only and its views are older than this collector: using them as they "
                    "are (run `collector refresh` where the file is writable)",
                    self.store.path,
                )
            return
        self.store.prepare_on_first_use()


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(message)s" if not verbose else "%(asctime)s %(name)s %(levelname)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("collector").setLevel(level)


def _help(job: registry.Job) -> str:
    text = job.summary + ("\n\n" + job.description if job.description else "")
    return text + "\n\n\b\nExample:\n" + "\n".join(f"  {e}" for e in job.examples)


def _job_command(job: registry.Job, name: str) -> click.Command:
    """A click command for a registered job: its options are the job's settings."""

    @click.pass_obj
    def command(obj: Context, **given: Any) -> None:
        values = {k: v for k, v in given.items() if v is not None and v is not False}
        checked = job.settings(values, prefix="--")  # exit 2 before anything is opened
        obj.prepare()
        progress = obj.progress()
        try:
            result = job.run(obj.store, progress=progress, **checked)
        finally:
            progress.done()
        _report(result)

    params: list[click.Parameter] = []
    for option in job.options:
        if option.kind == "flag":
            params.append(click.Option([option.flag, option.name], is_flag=True, default=False, help=option.help))
        else:
            default = "" if option.default is None else f" [default: {option.default}]"
            params.append(
                click.Option(
                    [option.flag, option.name], default=None, metavar=option.metavar, help=option.help + default
                )
            )
    return click.Command(name, callback=command, params=params, help=_help(job))


def _report(result: JobResult) -> None:
    for line in result.warnings:
        log.warning(line)
    for line in result.stdout:
        click.echo(line)
    log.info(result.summary())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB file (default: $COLLECTOR_DB or data/adoption.duckdb).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors; no progress.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging, and tracebacks on errors.")
@click.version_option(__version__, prog_name="collector")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, quiet: bool, verbose: bool) -> None:
    """Collect open-model adoption metrics (Hugging Face downloads, OpenRouter usage) into DuckDB.

    \b
    Example:
      collector collect hf --top 1000
      collector status
    """
    _setup_logging(quiet, verbose)
    settings.check()  # a bad setting exits 2 before any command opens anything
    _install_stop_signals()
    ctx.obj = Context(db_path(db), quiet, verbose)


class _CollectGroup(click.Group):
    """`collect <job>` for every registered job that has a collect command, read from the registry
    when asked (a job registered at run time gets its command too)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        jobs = [j.name for j in registry.jobs().values() if j.collect_command]
        return jobs + [name for name in super().list_commands(ctx) if name not in jobs]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        job = registry.jobs().get(cmd_name)
        return _job_command(job, cmd_name) if job is not None and job.collect_command else None


@cli.group(cls=_CollectGroup)
def collect() -> None:
    """Fetch today's snapshot from a source and store it.

    \b
    Example:
      collector collect hf
      collector collect openrouter
      collector collect all
    """


@collect.command("all")
@click.pass_obj
def collect_all(obj: Context) -> None:
    """Run every source's collect job with its defaults; one failing does not stop the others.

    Prints one line per source; exits non-zero if any source failed.

    \b
    Example:
      OPENROUTER_API_KEY=... collector collect all
    """
    obj.prepare()
    failed = []
    for job in registry.jobs().values():
        if not job.in_collect_all:
            continue
        progress = obj.progress()
        try:
            result = job.run(obj.store, progress=progress, **job.settings({}))
        except CollectorError as exc:
            progress.done()
            if obj.verbose:
                traceback.print_exc()
            failed.append(exc)
            click.echo(f"error: collect {job.name}: {' '.join(str(exc).split())}", err=True)
            if isinstance(exc, cancel.Interrupted):
                break  # the user asked to stop: do not start the next source
            continue
        progress.done()
        _report(result)
    if failed:
        sys.exit(max(exc.exit_code for exc in failed))


def _schedule_file(config: Path | None) -> Path:
    """--config, then COLLECTOR_SCHEDULES, then schedules.yaml in the current folder."""
    return Path(config or settings.get("COLLECTOR_SCHEDULES"))


@cli.command("run")
@click.argument("job")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Take the job's settings from this schedule file (default: $COLLECTOR_SCHEDULES, else "
    "schedules.yaml in the current folder, if it exists).",
)
@click.pass_obj
def run_cmd(obj: Context, job: str, config: Path | None) -> None:
    """Run one scheduled job once (hf, openrouter, export), with its settings from schedules.yaml.

    For system cron or CI; the same code as `collector schedule`. SIGTERM / SIGINT stop it before
    its next request; nothing partial is committed.

    \b
    Example:
      collector run hf
      15 2 * * *  cd /srv/collector && .venv/bin/collector --quiet run hf   # a crontab line
    """
    from collector.app import schedule, schedules_config

    registry.get(job)  # an unknown job is a one-line error, exit 2
    path = _schedule_file(config)
    job_settings: dict = {}
    if path.exists():
        spec = next((j for j in schedules_config.load(path).jobs if j.name == job), None)
        job_settings = spec.settings if spec else {}
        log.info("run %s: settings from %s: %s", job, path, job_settings or "defaults")
    elif config is not None:
        raise CollectorError(f"--config {config}: no such file")
    registry.get(job).settings(job_settings)  # bad settings exit 2 before the run opens
    obj.prepare()
    progress = obj.progress()
    try:
        result = schedule.run_job(obj.store, job, job_settings, progress=progress)
    finally:
        progress.done()
    _report(result)


def _install_stop_signals() -> None:
    """SIGTERM / SIGINT ask the running job to stop before its next request (it then rolls back and
    commits nothing); a second signal forces an immediate stop. A commit in progress is never cut."""
    import signal

    cancel.clear()

    def stop(signum, _frame):
        name = signal.Signals(signum).name
        if cancel.requested():
            raise KeyboardInterrupt
        cancel.request(f"{name} received")
        if signum == signal.SIGINT:
            click.echo("stopping at the next safe point (Ctrl-C again to force)", err=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


@cli.command("schedule")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The schedule: jobs, cron expressions (UTC) and settings (default: $COLLECTOR_SCHEDULES, "
    "else schedules.yaml in the current folder).",
)
@click.option("--check", is_flag=True, help="Validate the schedule, print the next run of each job, and exit.")
@click.pass_obj
def schedule_cmd(obj: Context, config: Path | None, check: bool) -> None:
    """Run the jobs of schedules.yaml on their cron schedules (UTC) until SIGTERM / SIGINT.

    Missed runs (machine asleep, scheduler stopped) are made up once when within the grace.

    \b
    Example:
      collector schedule --config schedules.yaml
      collector schedule --check
    """
    from collector.app import schedule, schedules_config
    from collector.core import clock

    plan = schedules_config.load(_schedule_file(config))
    if check:
        now = clock.now()
        click.echo(f"schedule: {plan.path}")
        for spec in plan.jobs:
            nxt = spec.trigger().get_next_fire_time(None, now)
            click.echo(f"{spec.name:<11} '{spec.cron}'  next run {nxt:%Y-%m-%d %H:%M} UTC  settings {spec.settings}")
        return
    obj.prepare()
    schedule.serve(obj.store, plan)


@cli.command("sql")
@click.argument("query")
@click.option("--format", "fmt", default="table", show_default=True, metavar="table|csv|json|markdown")
@click.pass_obj
def sql_cmd(obj: Context, query: str, fmt: str) -> None:
    """Run a read-only SQL query against the store (tables and views) and print the result.

    \b
    Example:
      collector sql "SELECT claim_id, verdict FROM claims"
      collector sql --format csv "SELECT * FROM hf_downloads_by_country"
    """
    from collector.outputs import formats, sql

    click.echo(sql.run(obj.store, query, formats.parse_format(fmt)), nl=False)


cli.add_command(_job_command(registry.get("export"), "export"))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def status(obj: Context, as_json: bool) -> None:
    """Show the latest run of each job, row counts per table, and the database path and size.

    \b
    Example:
      collector status
    """
    info = obj.store.status()
    if as_json:
        click.echo(json.dumps(info, indent=2, default=str))
        return
    click.echo(f"database: {info['path']} ({info['size_bytes']:,} bytes, schema version {info['schema_version']})")
    from collector.store.compact import mostly_free

    if mostly_free(info["size_bytes"], info["free_bytes"]):
        click.echo(
            f"free space: {info['free_bytes']:,} bytes of the file are free, kept for reuse "
            "(`collector compact` gives them back)"
        )
    if not info["views_current"]:
        click.echo("views: built by another collector version (`collector refresh` rebuilds them)")
    click.echo("latest runs:")
    if not info["runs"]:
        click.echo("  (none yet)")
    for run in info["runs"]:
        line = f"  {run['job']:<22} {run['status']:<8} run {run['run_id']:<5} started {run['started_at']}"
        if run["finished_at"]:
            line += f", finished {run['finished_at']}"
        if run["rows"]:
            line += f", {run['rows']:,} rows"
        if run["error"]:
            line += f"\n      error: {run['error']}"
        click.echo(line)
    hf, router = info["freshness"]["hf"], info["freshness"]["openrouter"]
    click.echo("data:")
    click.echo(
        f"  Hugging Face   latest snapshot day {hf['latest_snapshot_day'] or 'none'}"
        + (f" (as of {hf['as_of']:%Y-%m-%d %H:%M:%SZ})" if hf["as_of"] else "")
    )
    click.echo(
        f"  OpenRouter     latest day {router['latest_day'] or 'none'}, latest week "
        f"{router['latest_week'] or 'none'}, latest complete week (all seven days) "
        f"{week_label(router['latest_complete_week']) if router['latest_complete_week'] else 'none'}, "
        f"latest catalog {router['latest_catalog_day'] or 'none'}"
    )
    for name, part in (("Hugging Face", hf), ("OpenRouter", router)):
        if part["gaps_last_90_days"]:
            click.echo(f"  {name} days missing in the last 90 days: {', '.join(part['gaps_last_90_days'])}")
    click.echo("tables:")
    for table, count in info["tables"].items():
        click.echo(f"  {table:<34} {count:>12,} rows")


@cli.command()
@click.option("--rollups", is_flag=True, help="Re-attribute every Hub snapshot day even when the roll-ups are current.")
@click.pass_obj
def refresh(obj: Context, rollups: bool) -> None:
    """Bring the store up to this collector: migrations, reference tables, views and the Hub roll-ups.

    Every writing command refreshes the reference tables and views first, and the next `collect hf`
    re-attributes the Hub history when they changed; run this after an upgrade so that readers
    (`claims`, `sql`, the DuckDB CLI) see the new figures at once, with progress.

    \b
    Example:
      collector refresh
      collector refresh --rollups
    """
    from collector.app.runner import require_store
    from collector.sources.hf import rollups as hf_rollups

    require_store(obj.store)  # it brings an existing store up to date; `collect` makes a new one
    changed = obj.store.prepare(thorough=True)
    click.echo("reference data and views: " + ("rebuilt" if changed else "already current"))
    progress = obj.progress()
    try:
        with obj.store.writer() as con:
            days = hf_rollups.reattribute(con, progress) if rollups or hf_rollups.stale(con) else None
    finally:
        progress.done()
    click.echo("Hub roll-ups: " + ("already current" if days is None else f"{days} snapshot days re-attributed"))


@cli.command()
@click.pass_obj
def compact(obj: Context) -> None:
    """Rewrite the database into a fresh file in its place, giving back the space of deleted and replaced rows.

    DuckDB reuses freed space but never returns it to the file system: a store that imports history
    day after day carries about a fifth of its file as free space after two weeks (`collector status`
    shows how much). Every table, view, macro and sequence is copied and checked; the store's lock
    is held throughout, and a failure leaves the store as it was. Needs as much free disk as the
    file takes.

    \b
    Example:
      collector compact
    """
    from collector.store import compact as store_compact

    progress = obj.progress()
    try:
        result = store_compact.compact(obj.store, progress)
    finally:
        progress.done()
    click.echo(f"compact: {result.path}: {result.summary()}")


@cli.command()
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    metavar="table|csv|json|markdown",
    help="Output format; json is a list of objects with the report's sixteen keys (measured_value, expected_value: numbers).",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE",
    help="Judge with the data known on this UTC day (YYYY-MM-DD); default: everything stored.",
)
@click.option(
    "--week",
    default=None,
    metavar="YYYY-Www",
    help="Also count the weekly OpenRouter claims for this ISO week (e.g. 2025-W44).",
)
@click.option("--detail", is_flag=True, help="In the table, every row with its reasons under it.")
@click.option(
    "--all-rows",
    "all_rows",
    is_flag=True,
    help="In the table, every row: no summary line for a claim's many scopes (one per model, per price pair).",
)
@click.pass_obj
def claims(obj: Context, fmt: str, as_of: str | None, week: str | None, detail: bool, all_rows: bool) -> None:
    """Test the news claims against the stored data: one row per claim and scope, with the verdict.

    Rows come from the `claims_at` macro in the database (the `claims` view is the same with the
    defaults), so any DuckDB client gets the same report. The database is opened read-only. The
    table gives a claim measured in many scopes (one per model) a summary line per date; --all-rows
    and --detail list every row; csv, json and markdown always carry every row.

    \b
    Example:
      collector claims
      collector claims --all-rows
      collector claims --detail
      collector claims --format json --as-of 2025-11-10 --week 2025-W44
      duckdb data/adoption.duckdb -c "SELECT claim_id, verdict FROM claims"
    """
    from collector.core import clock
    from collector.outputs import claims as report
    from collector.outputs import formats

    fmt = formats.parse_format(fmt)
    day = parse_as_of(as_of, clock.today()) if as_of else None
    monday = parse_week(week) if week else None
    rows = report.fetch(obj.store, day, monday)
    extra = report.context(obj.store) if fmt == "table" else {}
    click.echo(report.render(rows, fmt, detail=detail, all_rows=all_rows, **extra), nl=False)


@cli.command("report")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE",
    help="Show the data known on this UTC day (YYYY-MM-DD); default: everything stored.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write (replaced atomically).",
)
@click.pass_obj
def report_cmd(obj: Context, as_of: str | None, out: Path) -> None:
    """Write one self-contained HTML page: each claim with its verdicts and the charts behind it.

    The page inlines its styles, scripts and data, so it opens offline, on a laptop or a phone.
    The database is opened read-only.

    \b
    Example:
      collector report
      collector report --as-of 2025-11-10 --out claims-2025-11-10.html
    """
    from collector.core import clock
    from collector.outputs.report import write_report

    day = parse_as_of(as_of, clock.today()) if as_of else None
    result = write_report(obj.store, out, day)
    empty = f", {result.empty_charts} with nothing to draw yet" if result.empty_charts else ""
    log.info(
        "report: %s (%s KB, %d claims, %d charts%s) in %.1f s",
        result.path,
        f"{result.bytes // 1024:,}",
        result.claims,
        result.charts,
        empty,
        result.seconds,
    )


@cli.group("reference")
def reference_group() -> None:
    """Curated reference data (organisations, namespaces, aliases, OpenRouter authors).

    \b
    Example:
      collector reference check
    """


@reference_group.command("check")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=reference.REFERENCE_DIR,
    show_default=False,
    help="Folder of reference CSVs (default: built-in).",
)
def reference_check(directory: Path) -> None:
    """Validate the reference CSVs; each problem is printed as `path:line: what is wrong`.

    \b
    Example:
      collector reference check
    """
    data = reference.load(directory)
    click.echo(", ".join(f"{name}: {len(rows)} rows" for name, rows in data.items()) + " - all valid")


@cli.group("import")
def import_group() -> None:
    """Import history the live APIs cannot give (docs/history.md).

    \b
    Example:
      collector import hub-stats --dataset cfahlgren1/hub-stats --since 2025-03-01 --every week
    """


@import_group.command("hub-stats")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD", help="The UTC day of the one FILE given.")
@click.option(
    "--dataset",
    default=None,
    metavar="OWNER/NAME",
    help="Walk this Hub dataset's commits instead of local files (e.g. cfahlgren1/hub-stats).",
)
@click.option(
    "--path",
    "file_path",
    default=None,
    metavar="PATH",
    help="The dump's path in the dataset [default: models.parquet].",
)
@click.option("--since", default=None, metavar="DATE", help="With --dataset: the first UTC day to import.")
@click.option("--until", default=None, metavar="DATE", help="With --dataset: the last UTC day to import.")
@click.option(
    "--every",
    default=None,
    metavar="day|week|month",
    help="With --dataset: every day with a commit, or the last of each ISO week or month [default: day]; "
    "the claims' own dates are always included.",
)
@click.option("--keep", is_flag=True, help="With --dataset: keep the downloaded files in the Hugging Face cache.")
@click.pass_obj
def import_hub_stats(
    obj: Context,
    files: tuple[Path, ...],
    day: str | None,
    dataset: str | None,
    file_path: str | None,
    since: str | None,
    until: str | None,
    every: str | None,
    keep: bool,
) -> None:
    """Import full-Hub daily dumps in the hub-stats format as back-dated Hub snapshots (scope full_hub).

    Each FILE is the snapshot of one UTC day: --date, else a YYYY-MM-DD in its name. Importing a day
    again replaces that day's snapshot. With --dataset, the dataset's commit history is walked instead:
    the last commit of each chosen day is downloaded and imported, days already imported are skipped.

    \b
    Example:
      collector import hub-stats models_2025-03-10.parquet
      collector import hub-stats dump.parquet --date 2025-10-31
      collector import hub-stats --dataset cfahlgren1/hub-stats --since 2025-03-01 --until 2025-11-30 --every week
    """
    from collector.core.errors import ConfigError
    from collector.sources.hubstats import dataset as hub_dataset
    from collector.sources.hubstats import dump
    from collector.sources.hubstats.importer import Origin, import_file

    if dataset is None:
        given = [n for n, v in (("--path", file_path), ("--since", since), ("--until", until), ("--every", every)) if v]
        given += ["--keep"] if keep else []
        if given:
            raise ConfigError(f"{', '.join(given)} go with --dataset; local FILEs take only --date")
        if not files:
            raise ConfigError("give dump FILEs, or --dataset OWNER/NAME to walk a Hub dataset's history")
        if day and len(files) != 1:
            raise ConfigError(f"--date names the day of one file; {len(files)} given (name each file with its day)")
        days = []
        for file in files:
            if not file.is_file():
                raise ConfigError(f"{file}: no such file")
            found = parse_day(day, "--date") if day else dump.day_from_name(file)
            if found is None:
                raise ConfigError(
                    f"{file}: no YYYY-MM-DD in its name to say which UTC day it is: give --date YYYY-MM-DD"
                )
            days.append(found)
        obj.prepare()
        for file, found in zip(files, days, strict=True):
            progress = obj.progress()
            try:
                result = import_file(obj.store, file, found, Origin(file.name), progress=progress)
            finally:
                progress.done()
            log.info("%s: %s", found, result.summary())
        _compact_after_import(obj, len(files))
        return
    if files or day:
        raise ConfigError("give either dump FILEs (with --date) or --dataset, not both")
    if every is not None and every not in hub_dataset.EVERY:
        raise ConfigError(f"--every must be day, week or month, got {every!r}")
    first = parse_day(since, "--since") if since else None
    last = parse_day(until, "--until") if until else None
    if first and last and first > last:
        raise ConfigError(f"--since {first} is after --until {last}")
    obj.prepare()
    progress = obj.progress()
    try:
        counts = hub_dataset.import_dataset(
            obj.store,
            dataset,
            file_path or hub_dataset.DEFAULT_PATH,
            since=first,
            until=last,
            every=every or "day",
            keep=keep,
            progress=progress,
        )
    finally:
        progress.done()
    log.info(
        "import hub-stats: %s: %d days imported, %d already there (%d chosen of %d commits)",
        dataset,
        counts["imported"],
        counts["skipped"],
        counts["chosen"],
        counts["commits"],
    )
    _compact_after_import(obj, counts["imported"])


# One day's import compacts the store too once this much of it is free (and a fifth of the file): a
# daily import from cron then compacts rarely, when replaced days or changed tags have freed that much
COMPACT_AFTER_ONE_DAY_BYTES = 256 * 1024 * 1024


def _compact_after_import(obj: Context, imported: int) -> None:
    """Imported days leave free space in the file (a first import's working rows, replaced days,
    models whose tags changed): compacted at the end when a fifth or more of it is free,
    after several days, or after one when that is also COMPACT_AFTER_ONE_DAY_BYTES or more."""
    from collector.store import compact as store_compact

    if imported < 1:
        return
    if not store_compact.worth_it(obj.store, 1 << 20 if imported > 1 else COMPACT_AFTER_ONE_DAY_BYTES):
        return
    progress = obj.progress()
    try:
        result = store_compact.compact(obj.store, progress)
    except CollectorError as exc:  # the days are stored: say it, and how to finish the job
        log.warning(
            "import hub-stats: the days are imported, but compacting the store failed (%s): run `collector compact`",
            exc,
        )
        return
    finally:
        progress.done()
    log.info("import hub-stats: compacted the store: %s", result.summary())


def main() -> None:
    verbose = "-v" in sys.argv[1:] or "--verbose" in sys.argv[1:]
    from collector.store.connect import lingering

    try:
        with lingering():  # the command's successive connections to a store share one attachment
            cli.main(standalone_mode=False)
    except click.exceptions.Abort:  # click's form of KeyboardInterrupt
        click.echo("interrupted: nothing partial was written", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CollectorError as exc:
        if verbose:
            traceback.print_exc()
        lines = str(exc).splitlines() or [type(exc).__name__]
        for line in lines:
            click.echo(f"error: {line}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing partial was written", err=True)
        sys.exit(130)
    except Exception as exc:  # the promise is one line, never a traceback (use --verbose for one)
        if verbose:
            traceback.print_exc()
        click.echo(f"error: {type(exc).__name__}: {' '.join(str(exc).split())}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
