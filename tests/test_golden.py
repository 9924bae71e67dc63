"""Every sample converts to exactly its committed golden report.

A missing golden is a failure. To accept a deliberate change, regenerate with
`NIANBAO_REGENERATE=1 pytest tests/test_golden.py` and review the diff before committing.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

import nianbao
from nianbao.schemas.validation import load_schema, schema_errors
from tests.conftest import ALL_SAMPLES, GOLDEN, REGENERATE

SAMPLES = ALL_SAMPLES


def _golden_for(sample: Path) -> Path:
    return GOLDEN / f"{sample.name}.json"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_sample_matches_golden(sample: Path) -> None:
    actual = nianbao.to_json(nianbao.convert_document(sample))
    golden = _golden_for(sample)
    if REGENERATE:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"missing golden {golden.name}: regenerate and review it"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "golden", "actual", lineterm="", n=2
        )
        pytest.fail("report differs from golden:\n" + "\n".join(list(diff)[:80]))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_sample_report_validates_against_published_schema(sample: Path) -> None:
    data = json.loads(nianbao.to_json(nianbao.convert_document(sample)))
    assert load_schema()["$id"].endswith(":1")
    assert schema_errors(data) == []


def test_every_golden_has_a_sample() -> None:
    names = {p.name for p in SAMPLES}
    orphans = [g.name for g in GOLDEN.glob("*.json") if g.stem not in names]
    assert orphans == []


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_conversion_is_deterministic(sample: Path) -> None:
    # Twice in one process, once from the path and once from bytes: same text, byte for byte.
    first = nianbao.to_json(nianbao.convert_document(sample))
    assert (
        nianbao.to_json(nianbao.convert_document(sample.read_bytes(), filename=sample.name))
        == first
    )
