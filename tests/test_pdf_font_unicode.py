"""Glyphs of fonts without a ToUnicode map (issue 24): pdfium's Unicode is taken where it is a
real character, and said; a glyph with none is left out as unmapped, as before.

The fixture is a page (chromium-print-no-tounicode.html, beside it) printed by Chromium
(`chromium --headless --print-to-pdf`, fonts-noto-cjk), each `/ToUnicode` key then renamed
`/ToUnicodX` (same length: the cross-reference table still holds). Its fonts are Chromium's
Type 3 fonts: their glyph names say nothing, so pdfium has no Unicode for most glyphs, but
the words Chromium marks with ActualText (人, 民, 工, 行, 文...) it reads.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from nianbao.adapters._pdf_fonts import fonts_without_to_unicode, inflated, is_real_character
from nianbao.adapters._pdf_unicode_maps import MapValues
from nianbao.convert.pipeline import convert_path

PDF = Path(__file__).parent / "fixtures" / "pdf" / "chromium-print-no-tounicode.pdf"
# No ToUnicode either, but WinAnsiEncoding and the predefined CMap UniGB-UCS2-H: nothing to say
STANDARD_ENCODINGS = PDF.parent / "row-at-page-foot.pdf"
# The same PDF saved by pikepdf with its dictionaries in compressed object streams (PDF 1.5)
IN_OBJECT_STREAMS = PDF.parent / "chromium-print-no-tounicode-objstm.pdf"
# A reportlab line whose font's ToUnicode map lacks every other entry (make_fixtures)
PARTIAL_MAP = PDF.parent / "partial-unicode-map.pdf"
# A Chromium print with its ToUnicode maps (make_prints.py)
CHROMIUM_PRINT = PDF.parent.parent / "prints" / "built-blank-2021-a5.pdf"
PARTIAL_MAP_TEXT = "Отчёт 2023 αβγδ ΣΩ №5 — «итог»"  # make_fixtures.PARTIAL_MAP_TEXT


def test_the_fixture_s_fonts_have_no_to_unicode_map() -> None:
    with PDF.open("rb") as handle:
        page = next(PDFPage.create_pages(PDFDocument(PDFParser(handle))))
        fonts = [resolve1(f) for f in resolve1(resolve1(page.resources)["Font"]).values()]
    assert fonts
    assert not [f for f in fonts if "ToUnicode" in f]
    assert fonts_without_to_unicode(PDF.read_bytes()) == frozenset({""})  # Type 3: no BaseFont


def test_glyphs_without_to_unicode_take_pdfium_s_unicode_and_say_so() -> None:
    report = convert_path(PDF)
    said = {d.code: d.message for d in report.diagnostics}
    assert said["pdf.unicode_from_font"].startswith("8 characters are of fonts without a ToUnicode")
    assert "pdf.unicode_from_font" not in {
        d.code for d in convert_path(STANDARD_ENCODINGS).diagnostics
    }
    text = "".join(block.text for block in report.document.blocks)
    assert "人民" in text and "工" in text
    # the glyphs pdfium has no Unicode for stay unmapped, counted, left out: no made-up text
    assert said["pdf.unmapped_glyphs"].startswith("122 characters have no Unicode mapping")
    assert "$$" not in text


def test_a_private_use_or_control_code_is_no_real_character() -> None:
    assert is_real_character(ord("人")) and is_real_character(ord("A"))
    assert not is_real_character(0xF041)  # a symbolic font's own map: private use
    assert not is_real_character(0x13)
    assert not is_real_character(0xFFFF)


def test_fonts_without_to_unicode_inside_object_streams_are_seen() -> None:
    data = IN_OBJECT_STREAMS.read_bytes()
    assert b"/ObjStm" in data and b"/Type /Font" not in data  # every font dictionary compressed
    assert fonts_without_to_unicode(data) == fonts_without_to_unicode(PDF.read_bytes())
    said = {d.code: d.message for d in convert_path(IN_OBJECT_STREAMS).diagnostics}
    assert (
        said["pdf.unicode_from_font"]
        == {d.code: d.message for d in convert_path(PDF).diagnostics}["pdf.unicode_from_font"]
    )


def test_glyphs_a_partial_to_unicode_map_lacks_stay_unmapped_as_pdfminer_reads_them() -> None:
    """A TrueType subset's map lacking every other entry: pdfium finds no Unicode for those
    glyphs either (the font's own map gives none), so they are counted and left out, nothing
    made up, and the report is pdfplumber's (tests/test_pdf_engines.py)."""
    report = convert_path(PARTIAL_MAP)
    said = {d.code: d.message for d in report.diagnostics}
    assert said["pdf.unmapped_glyphs"].startswith("9 characters have no Unicode mapping")
    assert "pdf.unicode_from_font" not in said
    text = "".join(block.text for block in report.document.blocks)
    assert "ёт 2023" in text
    assert set(text) <= set(PARTIAL_MAP_TEXT)


def test_glyphs_a_partial_to_unicode_map_lacks_that_pdfium_reads_from_the_font_are_said() -> None:
    """The same map: its 3 and 5 (two of the eleven glyphs it lacks) pdfium reads from the
    TrueType font's codes, rightly, but nothing said their Unicode was not the map's."""
    report = convert_path(PARTIAL_MAP)
    said = {d.code: d.message for d in report.diagnostics}
    assert said["pdf.unicode_outside_map"].startswith(
        "2 characters of fonts with a ToUnicode map have a Unicode value the map does not give"
    )
    text = "".join(block.text for block in report.document.blocks)
    assert "3" in text and "5" in text


def test_text_in_an_actualtext_span_is_not_counted_outside_its_map() -> None:
    # Chromium marks 人, 民, 工… with ActualText, their glyphs' map entries being radicals
    said = {d.code for d in convert_path(CHROMIUM_PRINT).diagnostics}
    assert "pdf.unicode_outside_map" not in said


def test_a_to_unicode_map_s_values_are_its_bfchar_and_bfrange_destinations() -> None:
    values = MapValues()
    values.read(
        b"2 beginbfchar\n<01> <4E2D>\n<02> <D840DC00>\nendbfchar\n"
        b"2 beginbfrange\n<10> <12> <0030>\n<20> <21> [<0041> <0062>]\nendbfrange"
    )
    assert all(values.holds(ord(c)) for c in "中\U00020000012Ab")
    assert not values.holds(ord("3")) and not values.holds(ord("B"))


def test_a_stream_inflating_past_the_limit_is_not_read_cut_short() -> None:
    """A ToUnicode map or object stream cut at the limit would be read in part (a map's later
    entries missing: its characters counted as outside it); past the limit it is not read."""
    raw = zlib.compress(b"<0001> <4E00>\n" * 100)
    assert inflated(raw, 10_000) == b"<0001> <4E00>\n" * 100
    assert inflated(raw, 1_000) is None
    assert inflated(b"not deflate", 10_000) is None
