"""The benchmark's quick mode, end to end, so that `make bench` never rots.

It starts every server, takes residents through the survey on each, checks
survey-bot's databases afterwards and writes the results; the figures
themselves are not judged here (on a shared machine they mean little).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SECONDS = 150
SURVEY_BOT = (
    "directline-sqlite",
    "directline-postgresql",
    "directline-postgresql-x2",
    "messages-sqlite",
)


def run_quick_benchmark(out: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bench --quick`, writing its results to `out`."""
    return subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        check=False,
    )


@pytest.mark.timeout(SECONDS + 30)
@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the benchmark makes its own databases; it runs once, in the SQLite pass",
)
def test_the_quick_benchmark_measures_every_server_and_loses_no_answer(tmp_path: Path) -> None:
    finished = run_quick_benchmark(tmp_path)
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-4000:]
    results = json.loads((tmp_path / "quick.json").read_text(encoding="utf-8"))
    servers = results["servers"]
    measured = {key for key, server in servers.items() if not server["problem"]}
    assert {"ceiling", "directline-sqlite", "messages-sqlite"} <= measured
    if os.environ.get("CI") == "true":
        for key in ("directline-postgresql", "directline-postgresql-x2"):
            assert key in measured, servers[key]["problem"]
    for key in measured:
        [run] = servers[key]["closed_loop"]
        assert run["turns"] > 0
        assert run["errors"] == 0
        assert servers[key]["open_loop"]["errors"] == 0
    for key in measured & set(SURVEY_BOT):
        check = servers[key]["check"]
        assert check["completed"] >= 1
        assert check["stored"] == check["completed"]
        assert check["lost"] == 0
    assert servers["directline-sqlite"]["memory"]["points"]
    assert (tmp_path / "quick.png").stat().st_size > 0
    assert "x usual" in finished.stdout
