"""Shared fixtures: paths from this file, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def text_sample() -> dict[str, Path]:
    """Text samples by their number: '000' .. '004'."""
    return {path.name[:3]: path for path in TEXT_SAMPLES}
