"""Per-input limits: the time limit grows with the pages a document has and the pages it reads by
OCR; a library that runs out of memory under the memory limit is a memory-limit failure."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from nianbao.adapters import effort
from nianbao.convert.options import Limits
from nianbao.convert.pipeline import convert_path
from nianbao.errors import Failure
from nianbao.runtime.pool import WorkerPool
from nianbao.runtime.worker import Converted, Work
from tests.conftest import ROOT, SAMPLES

HONGZE = SAMPLES / "real" / "hongze-2024.pdf"
SCANNED = ROOT / "tests" / "fixtures" / "pdf" / "scanned.pdf"


def test_the_limit_is_for_each_hundred_pages_an_ocr_page_counting_twenty_more() -> None:
    limits = Limits(seconds=120)
    assert limits.seconds_for() == 120  # before the worker has said anything
    assert limits.seconds_for(100) == 120
    assert limits.seconds_for(101) == 240
    assert limits.seconds_for(1000) == 1200  # a 1,000-page PDF: 20 minutes
    assert limits.seconds_for(30, 30) == 840  # a 30-page scan: 30 + 600 page-equivalents


def test_the_pdf_adapter_tells_its_pages_and_each_page_it_reads_by_ocr() -> None:
    heard: list[tuple[int, int]] = []
    with effort.listening(lambda pages, ocr: heard.append((pages, ocr))):
        convert_path(HONGZE)
    assert heard == [(5, 0)]
    heard.clear()
    with effort.listening(lambda pages, ocr: heard.append((pages, ocr))):
        report = convert_path(SCANNED)
    if report.source.ocr_pages is None:
        pytest.skip("OCR is not installed")
    assert heard == [(1, 0), (0, 1)]


def test_with_no_one_listening_nothing_is_told() -> None:
    effort.pages_ahead(10)  # would raise if it called a listener left behind
    effort.ocr_page_ahead()


def long_document(path: Path) -> Converted:
    """Says it has 250 pages, then takes longer than one limit, shorter than three."""
    effort.pages_ahead(250)
    time.sleep(1.5)
    return Converted(text="done")


def short_document(path: Path) -> Converted:
    effort.pages_ahead(5)
    time.sleep(1.5)
    return Converted(text="done")


def endless_document(path: Path) -> Converted:
    effort.pages_ahead(250)
    time.sleep(600)
    return Converted(text="never")


def _run(work: Work) -> Converted | Failure:
    with WorkerPool(1, Limits(seconds=1), work) as pool:
        outcome = pool.run_one(Path("x"))
    assert outcome is not None
    return outcome.result


def test_a_long_document_gets_the_limit_for_its_pages() -> None:
    assert _run(long_document) == Converted(text="done")


def test_a_short_document_gets_the_limit_as_given() -> None:
    result = _run(short_document)
    assert isinstance(result, Failure) and result.code == "TimeLimitError"
    assert result.message == "took longer than the time limit of 1 s"


def test_a_long_document_past_its_grown_limit_is_stopped_and_told_why() -> None:
    start = time.monotonic()
    result = _run(endless_document)
    assert isinstance(result, Failure) and result.code == "TimeLimitError"
    assert result.message == (
        "took longer than the time limit of 3 s (1 s for each 100 pages; 250 pages)"
    )
    assert 2.9 < time.monotonic() - start < 10


@pytest.mark.parametrize("mebibytes", [400, 800])
def test_ocr_under_too_small_a_memory_limit_is_a_memory_limit_failure(mebibytes: int) -> None:
    # Loading onnxruntime fails (400 MiB: its library cannot be mapped, an ImportError) or
    # recognition does (800 MiB: std::bad_alloc): neither is "OCR not installed" or a bug.
    if not _ocr_installed():
        pytest.skip("OCR is not installed")
    with WorkerPool(1, Limits(seconds=120, memory=mebibytes * 2**20)) as pool:
        outcome = pool.run_one(SCANNED)
    assert outcome is not None
    assert isinstance(outcome.result, Failure), "converted: the limit no longer bites here"
    assert outcome.result.code == "MemoryLimitError", outcome.result.message
    assert outcome.result.exit_code == 3


def _ocr_installed() -> bool:
    from nianbao.adapters import _ocr  # noqa: PLC0415

    return _ocr.available()


def frozen_objects(path: Path) -> Converted:
    """How many objects the worker's collector no longer scans."""
    return Converted(text=str(gc.get_freeze_count()))


def test_a_worker_keeps_what_it_starts_with_out_of_the_collectors_sight() -> None:
    """A worker's inherited pipeline (tens of thousands of objects) would otherwise be scanned by
    every full collection its conversions set off: some 10% of a batch's warm time."""
    result = _run(frozen_objects)
    assert isinstance(result, Converted)
    assert int(result.text) > 10_000
