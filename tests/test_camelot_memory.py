"""The camelot table engine under the worker's memory limit (issue 19: a new user's
`--table-engine camelot-lattice` failed under the default 2 GiB, blaming the PDF)."""

from __future__ import annotations

import importlib.util

import pytest

import nianbao
from nianbao.adapters import _pdf_camelot
from nianbao.errors import DocumentLoadError, MemoryLimitError
from tests.conftest import SAMPLES

HONGZE = SAMPLES / "real" / "hongze-2024.pdf"

needs_camelot = pytest.mark.skipif(
    importlib.util.find_spec("camelot") is None, reason="camelot-py not installed"
)


@needs_camelot
def test_camelot_lattice_reads_under_the_default_memory_limit() -> None:
    options = nianbao.ConvertOptions(
        pdf=nianbao.PdfOptions(table_engine="camelot-lattice"), limits=nianbao.Limits()
    )
    report = nianbao.convert_document(HONGZE, options=options)  # in a worker, 2 GiB
    assert report.annual_report is not None
    assert report.annual_report.year == 2024
    assert [c for c in report.annual_report.checks if c.status == "fail"] == []


@needs_camelot
def test_camelot_out_of_memory_names_the_engine_not_the_pdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import camelot.io  # noqa: PLC0415

    def insufficient_memory(*args: object, **kwargs: object) -> object:
        raise RuntimeError("OpenCV(5.1.0) alloc.cpp:73: error: (-4:Insufficient memory)")

    monkeypatch.setattr(camelot.io, "read_pdf", insufficient_memory)
    with pytest.raises(MemoryLimitError) as caught:
        _pdf_camelot.camelot_boxes(HONGZE.read_bytes(), "camelot-lattice", "hongze-2024.pdf")
    message = str(caught.value)
    assert "camelot-lattice" in message and "--memory-limit" in message
    assert "cannot read the PDF" not in message


@needs_camelot
def test_camelot_render_failing_for_memory_is_a_memory_limit_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import camelot.io  # noqa: PLC0415

    def render_failed(*args: object, **kwargs: object) -> object:
        try:
            raise MemoryError
        except MemoryError as exc:  # camelot wraps pdfium's failure in its own error
            raise RuntimeError("Image conversion failed with backend pdfium error:") from exc

    monkeypatch.setattr(camelot.io, "read_pdf", render_failed)
    with pytest.raises(MemoryLimitError):
        _pdf_camelot.camelot_boxes(HONGZE.read_bytes(), "camelot-lattice", "hongze-2024.pdf")


@needs_camelot
def test_camelot_damage_is_still_the_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    import camelot.io  # noqa: PLC0415

    def damaged(*args: object, **kwargs: object) -> object:
        raise ValueError("xref table not found")

    monkeypatch.setattr(camelot.io, "read_pdf", damaged)
    with pytest.raises(DocumentLoadError, match="camelot cannot read the PDF"):
        _pdf_camelot.camelot_boxes(HONGZE.read_bytes(), "camelot-lattice", "hongze-2024.pdf")


@needs_camelot
def test_camelot_under_a_tiny_limit_is_refused_not_a_crashed_worker() -> None:
    # Under 500 MiB, importing OpenCV and pandas crashed the worker (SIGSEGV: exit 70).
    options = nianbao.ConvertOptions(
        pdf=nianbao.PdfOptions(table_engine="camelot-lattice"),
        limits=nianbao.Limits(memory=500 * 2**20),
    )
    with pytest.raises(MemoryLimitError, match="camelot-lattice table engine"):
        nianbao.convert_document(HONGZE, options=options)
