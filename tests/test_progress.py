"""Progress shows on a terminal only."""

from __future__ import annotations

import io

import pytest

from collector.core.progress import Progress


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_and_cleared_at_the_end():
    stream = FakeTty()
    progress = Progress(stream=stream)
    progress("author:Qwen: 1,000 models, 1 pages")
    assert "author:Qwen: 1,000 models" in stream.getvalue() and stream.getvalue().startswith("\r")
    progress.done()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_no_progress_when_not_a_terminal_or_quiet():
    plain = io.StringIO()
    Progress(stream=plain)("anything")
    assert plain.getvalue() == ""
    tty = FakeTty()
    Progress(enabled=False, stream=tty)("anything")
    assert tty.getvalue() == ""


@pytest.mark.usefixtures("empty_store")
def test_cli_is_silent_on_stderr_when_not_a_tty_except_summary(run, hub, db, tmp_path):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("namespace,organisation,role,collect\nQwen,Alibaba,developer,yes\n")
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 0
    assert result.err.count("\n") == 1 and result.err.startswith("collect hf: ok")
    assert "\r" not in result.err
    quiet = run("--db", str(db), "-q", "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert quiet.code == 0 and quiet.err == ""


def test_steps_are_lines_in_the_log_off_a_terminal_and_drawn_on_one(caplog):
    import logging

    from collector.core.progress import step

    caplog.set_level(logging.INFO, logger="collector.progress")
    plain = io.StringIO()
    progress = Progress(stream=plain)
    for i in range(3):  # one line each, however quickly they come (no redraw throttle off a terminal)
        progress.step(f"pull {i + 1}/3 kept")
    assert [r.getMessage() for r in caplog.records] == ["pull 1/3 kept", "pull 2/3 kept", "pull 3/3 kept"]
    assert plain.getvalue() == ""  # the log, not the progress stream, carries them
    caplog.clear()
    tty = FakeTty()
    on_terminal = Progress(stream=tty)
    on_terminal("fetching")
    on_terminal.step("pull 1/3 kept")  # within 0.1 s of the last redraw, still drawn: a step is never dropped
    assert tty.getvalue().endswith("\r\x1b[Kpull 1/3 kept") and caplog.records == []
    # whatever a job was given: a plain callable is called, None (the scheduler) logs
    seen: list[str] = []
    step(seen.append, "a")
    step(None, "b")
    assert seen == ["a"] and [r.getMessage() for r in caplog.records] == ["b"]
