"""The `collector` command: a thin layer over the library. Errors are one line and a non-zero exit."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from pathlib import Path

import click

from collector import __version__, cancel, claims as claims_report, jobs, refdata, store
from collector.errors import CollectorError
from collector.progress import Progress

log = logging.getLogger("collector")


class Context:
    def __init__(self, db: Path, quiet: bool, verbose: bool):
        self.db = db
        self.quiet = quiet
        self.verbose = verbose

    def progress(self) -> Progress:
        return Progress(enabled=False if self.quiet else None)


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s" if not verbose else "%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("collector").setLevel(level)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="DuckDB file (default: $COLLECTOR_DB or data/adoption.duckdb).")
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
    _install_stop_signals()
    ctx.obj = Context(store.db_path(db), quiet, verbose)


@cli.group()
def collect() -> None:
    """Fetch today's snapshot from a source and store it.

    \b
    Example:
      collector collect hf
      collector collect openrouter
      collector collect all
    """


@collect.command("hf")
@click.option("--top", "top_n", type=int, default=1000, show_default=True,
              help="Also snapshot the Hub-wide top N models by 30-day downloads (0 to skip).")
@click.option("--coverage", type=int, default=None, metavar="MIN_DOWNLOADS",
              help="Also crawl the Hub by 30-day downloads until models fall below MIN_DOWNLOADS (coverage mode).")
@click.option("--orgs", "orgs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV of namespaces (namespace,organisation,role,collect); default: the built-in reference list.")
@click.option("--page-size", type=int, default=1000, show_default=True, help="Models per listing request (1-1000).")
@click.pass_obj
def collect_hf(obj: Context, top_n: int, coverage: int | None, orgs_file: Path | None, page_size: int) -> None:
    """Snapshot Hugging Face download counts for the tracked organisations and the Hub-wide top N.

    Uses HF_TOKEN when set; HF_ENDPOINT redirects every call.

    \b
    Example:
      collector collect hf --top 1000
      collector collect hf --top 0 --coverage 1000
      HF_ENDPOINT=http://127.0.0.1:8080 collector --db /tmp/test.duckdb collect hf --top 50
    """
    progress = obj.progress()
    try:
        result = jobs.collect_hf(obj.db, top_n=top_n, coverage=coverage, orgs_file=orgs_file, page_size=page_size,
                                 progress=progress)
    finally:
        progress.done()
    _report(result)


def _report(result: jobs.JobResult) -> None:
    for line in result.warnings:
        log.warning(line)
    log.info(result.summary())


@collect.command("openrouter")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Fetch every rankings bucket from this UTC day again, even if stored (default: only what is "
                   "missing, back to 2025-01-01, plus the restatement window).")
@click.option("--restate-days", type=int, default=3, show_default=True,
              help="Re-fetch buckets touching the last N completed days (OpenRouter may restate them).")
@click.pass_obj
def collect_openrouter(obj: Context, since, restate_days: int) -> None:
    """Snapshot OpenRouter's model catalog and store its usage rankings (Data API) back to 2025-01-01.

    The rankings need OPENROUTER_API_KEY (without it only the catalog is collected);
    OPENROUTER_BASE_URL redirects every call.

    \b
    Example:
      OPENROUTER_API_KEY=... collector collect openrouter
      collector collect openrouter --since 2025-01-01
    """
    progress = obj.progress()
    try:
        result = jobs.collect_openrouter(
            obj.db, since=since.date() if since else None, restate_days=restate_days, progress=progress
        )
    finally:
        progress.done()
    _report(result)


@collect.command("all")
@click.pass_obj
def collect_all(obj: Context) -> None:
    """Run `collect hf` then `collect openrouter` with their defaults; one failing does not stop the other.

    Prints one line per source; exits non-zero if any source failed.

    \b
    Example:
      OPENROUTER_API_KEY=... collector collect all
    """
    failed = []
    for name, job in (("hf", jobs.collect_hf), ("openrouter", jobs.collect_openrouter)):
        progress = obj.progress()
        try:
            result = job(obj.db, progress=progress)
        except CollectorError as exc:
            progress.done()
            if obj.verbose:
                traceback.print_exc()
            failed.append((name, exc))
            click.echo(f"error: collect {name}: {' '.join(str(exc).split())}", err=True)
            if isinstance(exc, cancel.Interrupted):
                break  # the user asked to stop: do not start the next source
            continue
        progress.done()
        _report(result)
    if failed:
        sys.exit(max(exc.exit_code for _, exc in failed))


@cli.command("run")
@click.argument("job", type=click.Choice(["hf", "openrouter", "export"]))
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default=Path("schedules.yaml"),
              show_default=True, help="Take the job's settings from this schedule file (if it exists).")
@click.pass_obj
def run_cmd(obj: Context, job: str, config: Path) -> None:
    """Run one scheduled job once, with its settings from schedules.yaml (for system cron or CI).

    Goes through the same code as `collector schedule`. SIGTERM / SIGINT stop it before its next
    request; nothing partial is committed.

    \b
    Example:
      collector run hf
      15 2 * * *  cd /srv/collector && .venv/bin/collector --quiet run hf   # a crontab line
    """
    from collector import schedule, schedules_config

    settings = {}
    if config.exists():
        spec = next((j for j in schedules_config.load(config).jobs if j.name == job), None)
        settings = spec.settings if spec else {}
    progress = obj.progress()
    try:
        result = schedule.run_job(obj.db, job, settings, progress=progress)
    finally:
        progress.done()
    _report(result)


def _install_stop_signals() -> None:
    """SIGTERM / SIGINT ask the running job to stop before its next request (it then rolls back and
    commits nothing); a second signal forces an immediate stop. A commit in progress is never cut."""
    import signal

    from collector import cancel

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
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=Path("schedules.yaml"),
              show_default=True, help="The schedule: jobs, cron expressions (UTC) and settings.")
@click.option("--check", is_flag=True, help="Validate the schedule, print the next run of each job, and exit.")
@click.pass_obj
def schedule_cmd(obj: Context, config: Path, check: bool) -> None:
    """Run the jobs of schedules.yaml on their cron schedules (UTC) until SIGTERM / SIGINT.

    Missed runs (machine asleep, scheduler stopped) are made up once when within the grace.

    \b
    Example:
      collector schedule --config schedules.yaml
      collector schedule --check
    """
    from collector import clock, schedule, schedules_config

    plan = schedules_config.load(config)
    if check:
        now = clock.now()
        for spec in plan.jobs:
            nxt = spec.trigger().get_next_fire_time(None, now)
            click.echo(f"{spec.name:<11} '{spec.cron}'  next run {nxt:%Y-%m-%d %H:%M} UTC  settings {spec.settings}")
        return
    schedule.serve(obj.db, plan)


@cli.command("sql")
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_obj
def sql_cmd(obj: Context, query: str, fmt: str) -> None:
    """Run a read-only SQL query against the store (tables and views) and print the result.

    \b
    Example:
      collector sql "SELECT claim_id, verdict FROM claims"
      collector sql --format csv "SELECT * FROM hf_downloads_by_country"
    """
    from collector import sqlout

    sqlout.run(obj.db, query, fmt)


@cli.command("export")
@click.option("--week", default=None, metavar="YYYY-Www", help="ISO week to export (default: the last complete week).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"), show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing export of that week.")
@click.pass_obj
def export_cmd(obj: Context, week: str | None, out: Path, force: bool) -> None:
    """Write the weekly export: CSV reports, PNG charts and a manifest, in OUT/YYYY-Www/.

    \b
    Example:
      collector export
      collector export --week 2026-W20 --out /srv/exports
    """
    from collector import export

    _report(export.export_job(obj.db, out=out, week=week, force=force))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def status(obj: Context, as_json: bool) -> None:
    """Show the latest run of each job, row counts per table, and the database path and size.

    \b
    Example:
      collector status
    """
    info = store.status(obj.db)
    if as_json:
        click.echo(json.dumps(info, indent=2, default=str))
        return
    click.echo(f"database: {info['path']} ({info['size_bytes']:,} bytes, schema version {info['schema_version']})")
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
    click.echo("tables:")
    for table, count in info["tables"].items():
        click.echo(f"  {table:<28} {count:>12,} rows")


@cli.command()
@click.option("--format", "fmt", default="table", show_default=True, metavar="table|csv|json|markdown",
              help="Output format; json is a list of objects with the report's nine keys.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Judge with the data known on this UTC day (YYYY-MM-DD); default: everything stored.")
@click.option("--week", default=None, metavar="YYYY-Www",
              help="Also count the weekly OpenRouter claims for this ISO week (e.g. 2025-W44).")
@click.pass_obj
def claims(obj: Context, fmt: str, as_of: str | None, week: str | None) -> None:
    """Test the news claims against the stored data: one row per claim and scope, with the verdict.

    Rows come from the `claims_at` macro in the database (the `claims` view is the same with the
    defaults), so any DuckDB client gets the same report. The database is opened read-only.

    \b
    Example:
      collector claims
      collector claims --format json --as-of 2025-11-10 --week 2025-W44
      duckdb data/adoption.duckdb -c "SELECT claim_id, verdict FROM claims"
    """
    fmt = claims_report.parse_format(fmt)
    day = claims_report.parse_day(as_of)
    monday = claims_report.parse_week(week)
    rows = claims_report.fetch(obj.db, day, monday)
    click.echo(claims_report.render(rows, fmt), nl=False)


@cli.group()
def reference() -> None:
    """Curated reference data (organisations, namespaces, aliases, OpenRouter authors).

    \b
    Example:
      collector reference check
    """


@reference.command("check")
@click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=refdata.REFERENCE_DIR, show_default=False, help="Folder of reference CSVs (default: built-in).")
def reference_check(directory: Path) -> None:
    """Validate the reference CSVs; each problem is printed as `path:line: what is wrong`.

    \b
    Example:
      collector reference check
    """
    data = refdata.load(directory)
    click.echo(", ".join(f"{name}: {len(rows)} rows" for name, rows in data.items()) + " - all valid")


def main() -> None:
    verbose = "-v" in sys.argv[1:] or "--verbose" in sys.argv[1:]
    try:
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
