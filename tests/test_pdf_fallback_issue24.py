"""Issue 24: the pages the pdfium engine still sent whole to pdfplumber, and why.

A page goes to pdfplumber only where pdfium truly cannot read it (`_pdfium`): a string operand
cut by pdfium's parser, text it cannot place that the content stream does not account for, a
damaged page tree. A long line pdfium did not cut is pdfium's.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from nianbao.adapters._pdf_page import PageRead, plumber_page
from nianbao.adapters._pdfium import PdfiumDocument
from nianbao.adapters._pdfium_api import LOCK
from nianbao.adapters._pdfium_lost import KEPT_STRING_BYTES
from tests.fixtures.pdf import written

REPRO = Path(__file__).parent / "fixtures" / "repro"


def _pdfium_page(data: bytes) -> PageRead | None:
    with LOCK:
        document = PdfiumDocument(data, "written.pdf")
        try:
            return document.page(0)
        finally:
            document.close()


def _one_string(length: int) -> bytes:
    digits = ("1234567890" * (length // 10 + 1))[:length]
    return written.document([written.Page(written.text(0, 400, digits, size=1))])


def test_pdf_one_line_32000_chars_is_read_by_pdfium_every_character_as_pdfplumber() -> None:
    path = REPRO / "pdf-one-line-32000-chars.pdf"
    read = _pdfium_page(path.read_bytes())
    assert read is not None  # was left to pdfplumber: a line of 32,000 glyphs may have been cut
    with pdfplumber.open(path) as pdf:
        other = plumber_page(pdf.pages[0])
    assert [c["text"] for c in read.chars] == [c["text"] for c in other.chars]


def test_a_string_as_long_as_pdfium_keeps_is_pdfium_s_one_byte_longer_pdfplumber_s() -> None:
    kept = _pdfium_page(_one_string(KEPT_STRING_BYTES))
    assert kept is not None
    assert len(kept.chars) == KEPT_STRING_BYTES
    assert _pdfium_page(_one_string(KEPT_STRING_BYTES + 1)) is None  # cut: pdfplumber reads it
