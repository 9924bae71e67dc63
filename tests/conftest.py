"""Shared fixtures: paths from this file, never the working directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from nianbao.forms import FORMS_DIR

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
#: The five seed reports (`000_…` .. `004_…`); other text samples are named for what they are.
TEXT_SAMPLES = sorted((SAMPLES / "text").glob("[0-9][0-9][0-9]_*.txt"))
#: Every sample input, whatever its format: each has a golden report.
ALL_SAMPLES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md")
GOLDEN = Path(__file__).resolve().parent / "golden"

#: Set to 1 to rewrite the goldens and the committed schema from the current code. Review the
#: diff before committing; tests/test_regenerate_flag.py fails whenever this is on in CI.
REGENERATE = os.environ.get("NIANBAO_REGENERATE") == "1"


def copy_forms(tmp_path: Path) -> Path:
    """The installed form files copied to `tmp_path/forms`, for a test to break or amend and
    load (`NIANBAO_FORMS`)."""
    folder = tmp_path / "forms"
    folder.mkdir()
    for path in FORMS_DIR.glob("*.toml"):
        shutil.copyfile(path, folder / path.name)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    """`old` in the file at `path` replaced by `new`, once; `old` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def text_sample() -> dict[str, Path]:
    """Text samples by their number: '000' .. '004'."""
    return {path.name[:3]: path for path in TEXT_SAMPLES}
