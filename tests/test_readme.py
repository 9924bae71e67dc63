"""The README's examples run as written (issue 19: its library example used a `data` it never
defined and showed a PDF's `source.encoding` as utf-8).

In a temporary working copy of `samples/`, in the README's order: every ```` ```sh test ````
block (the shell commands marked runnable), then every ```` ```python ```` block (but those marked
`no-test`) and every ```` ```sql ```` block against the dataset the shell blocks made, and every
```` ```toml ```` block parses. An example that breaks fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

README = ROOT / "README.md"
# A fenced block: its indentation, its info string (language and marks), its lines.
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```$", re.M | re.S
)


@dataclass(frozen=True)
class Block:
    line: int  # where it starts in the README, for the test's id
    language: str
    marks: tuple[str, ...]
    code: str

    @property
    def id(self) -> str:
        return f"{self.language}-line-{self.line}"


def _blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        language, *marks = match["info"].split() or [""]
        indent = len(match["indent"])
        code = "".join(line[indent:] + "\n" for line in match["body"].splitlines())
        found.append(Block(text.count("\n", 0, match.start()) + 1, language, tuple(marks), code))
    return found


BLOCKS = _blocks()
SHELL = [b for b in BLOCKS if b.language == "sh" and "test" in b.marks]
PYTHON = [b for b in BLOCKS if b.language == "python" and "no-test" not in b.marks]
SQL = [b for b in BLOCKS if b.language == "sql"]
TOML = [b for b in BLOCKS if b.language == "toml"]


def test_the_readme_has_examples_to_run() -> None:
    # The fence pattern finding nothing would pass every test below by running nothing.
    assert len(SHELL) >= 1 and len(PYTHON) >= 2 and len(SQL) >= 1 and len(TOML) >= 2


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working copy with `samples/` in it, where the shell blocks have run, in order."""
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(SAMPLES, work / "samples")
    return work


def _environment() -> dict[str, str]:
    # `nianbao` as the README's reader has it: this interpreter's scripts first on PATH.
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}


@pytest.fixture(scope="module")
def shell_runs(workdir: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    runs = {}
    for block in SHELL:
        runs[block.id] = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block.code],
            check=False,
            cwd=workdir,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=300,
        )
    return runs


@pytest.mark.parametrize("block", SHELL, ids=[b.id for b in SHELL])
def test_readme_shell_block_runs(
    block: Block, shell_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    run = shell_runs[block.id]
    assert run.returncode == 0, f"{block.code}\n--- stderr:\n{run.stderr}"


@pytest.mark.parametrize("block", PYTHON, ids=[b.id for b in PYTHON])
def test_readme_python_block_runs(block: Block, workdir: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", block.code],
        check=False,
        cwd=workdir,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, f"{block.code}\n--- stderr:\n{run.stderr}"


@pytest.mark.parametrize("block", SQL, ids=[b.id for b in SQL])
def test_readme_sql_block_runs_on_the_dataset_made(
    block: Block,
    workdir: Path,
    shell_runs: dict[str, subprocess.CompletedProcess[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    duckdb = pytest.importorskip("duckdb")
    assert (workdir / "dataset" / "figures.parquet").is_file(), "no shell block made dataset/"
    monkeypatch.chdir(workdir)  # the README's paths are relative to where it is run
    rows = duckdb.connect().execute(block.code).fetchall()
    assert rows, "the README's query found nothing in the samples' dataset"


@pytest.mark.parametrize("block", TOML, ids=[b.id for b in TOML])
def test_readme_toml_block_parses(block: Block) -> None:
    assert tomllib.loads(block.code)
