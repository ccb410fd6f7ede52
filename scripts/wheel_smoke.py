"""The wheel works outside the checkout: build it, install it (with the locked dependencies) into a
venv of its own, and from an empty folder run `collect hf` against the fake Hub, then `claims`,
`export`, `report` and `schedule --check`. Run by scripts/check; prints one line per step, exits non-zero on
the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.hub import FakeHub, demo_models  # noqa: E402


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.exit(f"wheel smoke: {' '.join(args[-4:])} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def main() -> None:
    build = ROOT / "build"
    dist = build / "dist"
    venv = Path(tempfile.gettempdir()) / "collector-wheel-venv"  # outside the checkout; reused between runs
    for old in dist.glob("collector-*.whl"):
        old.unlink()
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)])
    wheel = next(dist.glob("collector-*.whl"))
    if not venv.exists():
        run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    run([*pip, "-c", str(ROOT / "requirements.lock"), "--force-reinstall", "--no-deps", str(wheel)])
    run([*pip, "-c", str(ROOT / "requirements.lock"), str(wheel)])
    collector = str(venv / "bin" / "collector")
    print(f"wheel smoke: {wheel.name} installed in {venv}")
    with tempfile.TemporaryDirectory(prefix="wheel-smoke-") as tmp, FakeHub(demo_models()) as hub:
        env = {
            **os.environ,
            "HF_ENDPOINT": hub.url,
            "HF_HOME": tmp,
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "COLLECTOR_NOW": "2026-05-06T06:00:00Z",
            "PYTHONPATH": "",
            # the report's chart JavaScript takes ~6 s to build: kept between runs, like the venv
            "COLLECTOR_CACHE_DIR": str(Path(tempfile.gettempdir()) / "collector-wheel-cache"),
        }
        env.pop("OPENROUTER_API_KEY", None)
        env.pop("HF_TOKEN", None)
        db = Path(tmp) / "store.duckdb"
        where = {"cwd": tmp, "env": env, "timeout": 300}
        out = run([collector, "--db", str(db), "collect", "hf", "--top", "5"], **where)
        print("wheel smoke: collect hf ->", out.stderr.strip().splitlines()[-1])
        out = run([collector, "--db", str(db), "claims", "--format", "csv"], **where)
        rows = out.stdout.strip().splitlines()
        if len(rows) < 10 or not rows[0].startswith("claim_id,"):
            sys.exit(f"wheel smoke: claims printed {len(rows)} lines:\n{out.stdout[:500]}")
        print(f"wheel smoke: claims -> {len(rows) - 1} rows")
        out = run(
            [collector, "--db", str(db), "export", "--week", "2026-W18", "--out", str(Path(tmp) / "exports")], **where
        )
        if not (Path(tmp) / "exports" / "2026-W18" / "manifest.json").is_file():
            sys.exit("wheel smoke: export wrote no manifest")
        print("wheel smoke: export ->", out.stderr.strip().splitlines()[-1])
        page = Path(tmp) / "report.html"
        out = run([collector, "--db", str(db), "report", "--out", str(page)], **where)
        if "vegaEmbed" not in page.read_text(encoding="utf-8") or "report_hub_history" in out.stderr:
            sys.exit(f"wheel smoke: report wrote no page: {out.stderr[-500:]}")
        print("wheel smoke: report ->", out.stderr.strip().splitlines()[-1])
        out = run([collector, "schedule", "--check", "--config", str(ROOT / "schedules.yaml")], **where)
        print("wheel smoke: schedule --check ->", len(out.stdout.strip().splitlines()) - 1, "jobs")
        imported = run(
            [str(venv / "bin" / "python"), "-c", "import collector, sys; print(collector.__file__)"], **where
        )
        if not imported.stdout.strip().startswith(str(venv)):
            sys.exit(f"wheel smoke: collector was imported from the checkout ({imported.stdout.strip()})")


if __name__ == "__main__":
    main()
