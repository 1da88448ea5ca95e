"""A short soak in `make test`: bench/soak.py drives the real server through explain,
refactor, fix, undo, ghost text and typing against the simulator in chaos mode, and
exits non-zero when an invariant breaks (a crash, an unanswered request, a half-rewritten
document, a wrong undo, a stream left open, server tasks left running). `make soak` runs
the long version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench"


def test_short_soak_under_faults_holds_every_invariant(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(BENCH / "soak.py"),
            "--ops",
            "80",
            "--fault-rate",
            "0.3",
            "--seed",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads((BENCH / "results" / "soak.json").read_text())
    assert figures["operations"] == 80
    assert figures["injected_faults"] > 0
    assert figures["invariants"]["server_tasks_left_alive"] == 0
    assert figures["server_tasks_start"] > 0
