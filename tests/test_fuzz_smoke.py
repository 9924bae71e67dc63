"""A few mutants of every format through `benchmarks/fuzz_inputs.py`: the script works, and
none of them ends in an internal error or at the time limit. The full run (2,000 per format)
is not part of the suite; see the script's docstring."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_few_mutants_of_every_format_end_as_reports_or_refusals(tmp_path: Path) -> None:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    counts = tmp_path / "counts.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "fuzz_inputs.py"),
            "--per-format",
            "4",
            "--seed",
            "11",
            "--jobs",
            "2",
            "--json",
            str(counts),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(counts.read_text())
    assert set(data["counts"]) == {"pdf", "docx", "doc", "xlsx", "xls", "html", "text"}
    for tally in data["counts"].values():
        assert sum(tally.values()) == 4
        assert set(tally) <= {"exit 0", "exit 3", "exit 4"}
