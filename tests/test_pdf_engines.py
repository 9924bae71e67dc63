"""The two PDF engines, pdfium (the default) and pdfplumber, give the same report.

Every PDF in tests/ and samples/ with a text layer: the same tables (page, shape, every cell's
place, spans, text and header flag), the same blocks, the same figures and diagnostics. Boxes
may differ, within what is asserted here and why:

- a cell's box, and a table's, by at most 0.1 (both round to 0.1: the left rule of the layout
  table in prints/cut/report-2021-a5-100.pdf stands 5.25 pt or so in, 5.2 to one, 5.3 to the
  other);
- a character's, and so a paragraph's, vertical place by at most a quarter of its size: a font
  whose descriptor gives a Descent of 0 has pdfminer's boxes sit on the baseline, pdfium's
  hang below it by the font's real descent (the LibreOffice fixtures' fonts);
- a character's horizontal place by 0.01 point, on the page (a 32,000-glyph line drifts in
  pdfium's single precision far to the right of the page, where nothing is read).

And the PDFs written here for what the fixtures do not hold: rotated pages, MediaBoxes off the
origin or inherited, a CropBox, a table inside a Form XObject, horizontal scaling, invisible
text, fake bold, rules drawn as filled rectangles, white rectangles behind prose, and text
pdfium cannot place, which sends its page to pdfplumber. And the option on the command line,
and threads converting at once (pdfium is not thread-safe: one document at a time).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest

import nianbao
from nianbao.adapters._pdf_page import plumber_page
from nianbao.adapters._pdfium import PdfiumDocument
from nianbao.adapters._pdfium_api import LOCK
from nianbao.convert.options import ConvertOptions, PdfOptions
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Origin, PageOrigin, Report
from tests.fixtures.pdf.written import Page, document, ruled_table, text

ROOT = Path(__file__).resolve().parent.parent
PDFS = sorted(
    [*(ROOT / "tests").rglob("*.pdf"), *(ROOT / "samples").rglob("*.pdf")],
    key=lambda p: str(p.relative_to(ROOT)),
)
# Its fonts map no glyph to Unicode (a symbolic TrueType font, no Encoding, no ToUnicode):
# pdfminer and pdfium each make up different Latin letters for the same glyphs. Both report
# the unmapped glyphs; the tables' shapes and the figures (none) agree, their text cannot.
MADE_UP_TEXT = {"unmapped-glyphs.pdf"}
# A Chromium print whose fonts' ToUnicode maps were taken out: pdfium reads what ActualText and
# the fonts' own maps give, pdfminer makes up Latin letters (tests/test_pdf_font_unicode.py).
NO_TO_UNICODE = {"chromium-print-no-tounicode.pdf", "chromium-print-no-tounicode-objstm.pdf"}
# Glyphs a ToUnicode map lacks (every other one, make_fixtures.partial_unicode_map): both engines
# leave them unmapped and agree on the text, tables and figures, but pdfium's box of such a glyph
# has the font's default width (its width is looked up by Unicode, which it has none of), and
# pdfium's origins drift from pdfminer's along the line, 0.2 pt by its end: boxes not compared.
UNMAPPED_BOXES = {"partial-unicode-map.pdf"}
# A damaged page tree: pdfminer finds two pages, pdfium three, and pdfium cannot place the
# third's text. pdfplumber reads two pages without a word of the third; pdfium refuses.
REFUSED_BY_PDFIUM_ONLY = {"pdf-glyph-without-text.pdf"}
# A ToUnicode map gives glyphs half a surrogate pair: pdfium passes each on (nianbao reads it
# as U+FFFD, said), pdfminer decodes it to nothing and the glyph is gone. The second file's
# damaged stream is refused by pdfminer too ("Invalid octal").
LONE_SURROGATES = {
    "pdf-tounicode-lone-surrogate-min.pdf",
    "pdf-lone-surrogate-UnicodeEncodeError.pdf",
}
# Chromium's prints (tests/fixtures/prints) write Noto CJK's glyphs as Type 3 fonts whose
# ToUnicode gives the glyph of 民 as ⺠ (U+2EA0, a radical Noto draws with the same glyph):
# pdfminer reads ⺠, pdfium 民, so their text differs (the tables, boxes and figures agree); and
# pdfium places LiberationSerif's curly quotes 0.0102 point from pdfminer. Their fonts have no
# FontBBox, which pdfminer logs (`pdf.library_warnings`): a diagnostic only a pdfminer parse has.
BROWSER_PRINTS = {p.name for p in (ROOT / "tests" / "fixtures" / "prints").rglob("*.pdf")}
# A print with margins, a table clipped at the margin (prints/cut): pdfminer keeps no clip, so
# only pdfium sees the area the drawing is clipped to and the cut (`PageRead.area`); pdfplumber
# reads the table as drawn, past the margin.
CLIPPED = {"report-2021-a5-80-margins-0.5cm-page-1.pdf"}
# On the pages pdfium now reads whole (not left to pdfplumber), LiberationSerif's Latin letters
# drift apart by ~0.01 pt a glyph along a word (their widths rounded differently): 0.054 pt at most.
HORIZONTAL_IN_PRINTS = 0.06
CELL_BOX = 0.1  # boxes are rounded to 0.1 pt: one rounding step apart, and a float's hair
VERTICAL = 0.25  # of the character's size
HORIZONTAL = 0.01


def _convert(source: Path | bytes, engine: str) -> Report:
    options = ConvertOptions(pdf=PdfOptions(pdf_engine=engine))  # type: ignore[arg-type]
    if isinstance(source, bytes):
        return nianbao.convert_document(source, filename="written.pdf", options=options)
    return nianbao.convert_document(source, options=options)


def _both(source: Path | bytes) -> tuple[Report, Report] | tuple[str, str]:
    """The reports of both engines, or both engines' refusals."""
    out: list[Any] = []
    for engine in ("pdfplumber", "pdfium"):
        try:
            out.append(_convert(source, engine))
        except DocumentLoadError as exc:
            out.append(exc.message)
    return out[0], out[1]


def _cells(report: Report) -> list[list[tuple[Any, ...]]]:
    return [
        [(c.row, c.col, c.row_span, c.col_span, c.text, c.header) for c in table.cells]
        for table in report.document.tables
    ]


def _boxes(report: Report) -> list[tuple[float, ...]]:
    return [
        c.origin.bbox
        for table in report.document.tables
        for c in table.cells
        if isinstance(c.origin, PageOrigin) and c.origin.bbox is not None
    ]


def _place(origin: Origin) -> Origin:
    """A table's origin less its box (`_table_boxes`, compared within `CELL_BOX`)."""
    return origin.model_copy(update={"bbox": None}) if isinstance(origin, PageOrigin) else origin


def _table_boxes(report: Report) -> list[tuple[float, ...]]:
    return [
        t.origin.bbox
        for t in report.document.tables
        if isinstance(t.origin, PageOrigin) and t.origin.bbox is not None
    ]


def _assert_same(plumber: Report, pdfium: Report, *, text: bool = True) -> None:
    assert pdfium.source.pages == plumber.source.pages
    assert [_place(t.origin) for t in pdfium.document.tables] == [
        _place(t.origin) for t in plumber.document.tables
    ]
    assert [(t.n_rows, t.n_cols) for t in pdfium.document.tables] == [
        (t.n_rows, t.n_cols) for t in plumber.document.tables
    ]
    if text:
        assert _cells(pdfium) == _cells(plumber)
        assert [(b.kind, b.text) for b in pdfium.document.blocks] == [
            (b.kind, b.text) for b in plumber.document.blocks
        ]
    boxes = zip(
        [*_boxes(pdfium), *_table_boxes(pdfium)],
        [*_boxes(plumber), *_table_boxes(plumber)],
        strict=True,
    )
    for box, other in boxes:
        assert max(abs(a - b) for a, b in zip(box, other, strict=True)) <= CELL_BOX + 1e-9
    figures = [
        {k: f.value for k, f in r.annual_report.figures.items()} if r.annual_report else None
        for r in (plumber, pdfium)
    ]
    assert figures[1] == figures[0]
    assert _codes(pdfium) == _codes(plumber)


def _codes(report: Report) -> list[str]:
    """The diagnostics' codes, but what pdfminer logged while parsing (said only when it did)
    and the glyphs pdfium alone reads from a font's own map where it has no ToUnicode, or where
    its ToUnicode lacks them (pdfium alone says which: `_pdf_unicode_maps`)."""
    left_out = {"pdf.library_warnings", "pdf.unicode_from_font", "pdf.unicode_outside_map"}
    return [d.code for d in report.diagnostics if d.code not in left_out]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_both_engines_give_the_same_report(path: Path) -> None:
    if path.name in LONE_SURROGATES:
        pytest.skip("the engines read a lone surrogate differently (test_damaged_issue19.py)")
    if path.name in NO_TO_UNICODE:
        pytest.skip("pdfminer cannot read it: pdfium's reading (test_pdf_font_unicode.py)")
    if path.name in CLIPPED:
        pytest.skip("pdfminer keeps no clip: pdfium's reading (test_prints_cut_at_page_edge.py)")
    plumber, pdfium = _both(path)
    if path.name in REFUSED_BY_PDFIUM_ONLY:
        assert isinstance(plumber, Report)
        assert isinstance(pdfium, str) and "damaged" in pdfium
        return
    if isinstance(plumber, str) or isinstance(pdfium, str):
        # both refuse it (a password, a broken MediaBox), each in its words
        assert isinstance(plumber, str) and isinstance(pdfium, str)
        assert ("password" in plumber) == ("password" in pdfium)
        return
    _assert_same(plumber, pdfium, text=path.name not in MADE_UP_TEXT | BROWSER_PRINTS)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_character_boxes_agree_within_their_tolerance(path: Path) -> None:
    data = path.read_bytes()
    try:
        with LOCK:
            document_ = PdfiumDocument(data, path.name)
            pdfium = [document_.page(i) for i in range(len(document_))]
            document_.close()
        with pdfplumber.open(path) as pdf:
            plumber = [plumber_page(page) for page in pdf.pages]
    except Exception:  # the refusals are the test above's
        pytest.skip("not read by both engines")
    horizontal = HORIZONTAL_IN_PRINTS if path.name in BROWSER_PRINTS else HORIZONTAL
    for read, other in zip(pdfium, plumber, strict=False):
        if read is None or path.name in MADE_UP_TEXT | LONE_SURROGATES | NO_TO_UNICODE | (
            UNMAPPED_BOXES
        ):
            continue  # pdfium left the page to pdfplumber; or there is no text to match
        assert (read.width, read.height) == pytest.approx((other.width, other.height), abs=1e-3)
        left = [c for c in read.chars if 0 <= c["x0"] <= read.width]
        for char in (c for c in other.chars if 0 <= c["x0"] <= other.width and _upright(c)):
            same = [c for c in left if c["text"] == char["text"]]
            if not same:  # a fake-bold duplicate pdfium left out, or an unmapped glyph
                continue
            match = min(same, key=lambda c: abs(c["x0"] - char["x0"]) + abs(c["top"] - char["top"]))
            assert abs(match["x0"] - char["x0"]) <= horizontal
            assert abs(match["x1"] - char["x1"]) <= horizontal
            assert abs(match["top"] - char["top"]) <= VERTICAL * char["size"]
            assert abs(match["size"] - char["size"]) <= 0.01
            left.remove(match)


def _upright(char: dict[str, Any]) -> bool:
    """Not slanted: a browser's synthetic italic (a sheared text matrix) is boxed by pdfium
    round the slanted glyph and by pdfminer at its upright origin, 0.36 pt apart at 12 pt."""
    a, b, c, d, _, _ = (float(v) for v in char["matrix"])
    return (b == 0 and c == 0) or (a == 0 and d == 0)


# --- PDFs written here -------------------------------------------------------------------------

ROWS = [["Item", "New", "Total"], ["Rules", "3", "12"], ["Documents", "5", "40"]]
PROSE = text(72, 760, "2021 Annual Report on Government Information Disclosure", size=16) + text(
    72, 730, "I. General situation. In 2021 the office published 77 items.", size=11
)
TABLE = ruled_table(72, 700, ROWS, [200, 100, 100], rects=False)


def _fake_bold() -> str:
    offset = [
        text(76.3 + x, 686 - 20 * r, cell)
        for r, row in enumerate(ROWS)
        for x, cell in zip((0, 200, 300), row, strict=True)
    ]
    return PROSE + TABLE + text(72.3, 760.2, "2021 Annual Report", size=16) + "".join(offset)


def _white_rectangles() -> str:
    behind = "".join(
        f"1 g 70 {y - 3} 460 14 re f 1 G 70 {y - 4} m 530 {y - 4} l S\n"
        for y in (730, 715, 700, 685)
    )
    lines = "".join(
        text(72, y, f"Line {i} of a paragraph set on white.", size=11)
        for i, y in enumerate((730, 715, 700, 685))
    )
    return "0 g\n" + behind + "0 g\n" + lines


WRITTEN = {
    "plain": document([Page(PROSE + TABLE)]),
    "rules-as-rectangles": document(
        [Page(PROSE + ruled_table(72, 700, ROWS, [200, 100, 100], rects=True))]
    ),
    "rotated-90": document([Page(PROSE + TABLE, rotate=90)]),
    "rotated-180": document([Page(PROSE + TABLE, rotate=180)]),
    "rotated-270": document([Page(PROSE + TABLE, rotate=270)]),
    "mediabox-off-origin": document([Page(PROSE + TABLE, mediabox=(10, 20, 605, 862))]),
    "cropbox": document([Page(PROSE + TABLE, cropbox=(50, 50, 545, 792))]),
    "mediabox-inherited": document(
        [Page(PROSE + TABLE, mediabox=None)], tree_mediabox=(0, 0, 595, 842)
    ),
    "form-xobject": document(
        [
            Page(
                PROSE + "q 0.8 0 0 0.8 40 100 cm /Fm1 Do Q\n",
                forms={"Fm1": (TABLE, (1, 0, 0, 1, 0, 20))},
            )
        ]
    ),
    "horizontal-scaling": document([Page(PROSE + TABLE.replace(" Tf ", " Tf 80 Tz "))]),
    "invisible-text": document([Page((PROSE + TABLE).replace(" Tf ", " Tf 3 Tr "))]),
    "fake-bold": document([Page(_fake_bold())]),
    "two-pages": document([Page(PROSE + TABLE), Page(TABLE, rotate=90)]),
}


@pytest.mark.parametrize("name", WRITTEN)
def test_written_pdfs_read_the_same_by_both_engines(name: str) -> None:
    data = WRITTEN[name]
    with LOCK:
        read = PdfiumDocument(data, name)
        assert all(read.page(i) is not None for i in range(len(read)))  # pdfium read it all
        read.close()
    plumber, pdfium = _both(data)
    assert isinstance(plumber, Report) and isinstance(pdfium, Report)
    _assert_same(plumber, pdfium)
    if name.startswith("rotated"):
        return  # a page shown turned is read turned (by both), its words in pieces
    table = pdfium.document.tables[0]
    assert [[c.text for c in row if c is not None] for row in table.grid()] == ROWS
    assert any("Annual Report" in b.text for b in pdfium.document.blocks)


def test_white_rectangles_behind_prose_are_no_table() -> None:
    data = document([Page(_white_rectangles())])
    plumber, pdfium = _both(data)
    assert isinstance(plumber, Report) and isinstance(pdfium, Report)
    _assert_same(plumber, pdfium)
    assert pdfium.document.tables == []


def test_a_glyph_pdfium_leaves_out_is_read_from_the_content_stream() -> None:
    # a single glyph without a box: pdfium's text page leaves its text object out, unsaid;
    # its text comes from the page's content stream, the rest of the page from pdfium
    data = document([Page(PROSE + TABLE + text(72, 600, "A", font="F2"))])
    with LOCK:
        read = PdfiumDocument(data, "boxless.pdf")
        page = read.page(0)
        read.close()
    assert page is not None
    assert [c["text"] for c in page.chars if c["fontname"] == ""] == ["一"]
    plumber, pdfium = _both(data)
    assert isinstance(plumber, Report) and isinstance(pdfium, Report)
    _assert_same(plumber, pdfium)
    assert "一" in [b.text for b in pdfium.document.blocks]


def test_lone_spaces_of_a_browser_print_keep_the_page_with_pdfium() -> None:
    # Chromium prints a space between two inline elements as a text object of its own
    # (`<0003> Tj`): no ink, no box, left out of pdfium's text page; each is read back
    spaces = "".join(text(72 + 30 * k, 600, " ") for k in range(3))
    data = document([Page(PROSE + TABLE + spaces + text(72, 580, "x"))])
    with LOCK:
        read = PdfiumDocument(data, "spaces.pdf")
        page = read.page(0)
        read.close()
    assert page is not None
    line = [c for c in page.chars if 230 < c["top"] < 240]
    assert [(c["text"], round(c["x0"])) for c in line] == [(" ", 72), (" ", 102), (" ", 132)]
    plumber, pdfium = _both(data)
    assert isinstance(plumber, Report) and isinstance(pdfium, Report)
    _assert_same(plumber, pdfium)


def test_a_glyph_left_out_inside_a_form_sends_its_page_to_pdfplumber() -> None:
    # the content stream of a Form XObject is not scanned: the page is read whole, as before
    identity: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    data = document(
        [
            Page(
                PROSE + TABLE + "/Fm1 Do\n",
                forms={"Fm1": (text(72, 600, "A", font="F2"), identity)},
            )
        ]
    )
    with LOCK:
        read = PdfiumDocument(data, "boxless.pdf")
        assert read.page(0) is None
        read.close()
    plumber, pdfium = _both(data)
    assert isinstance(plumber, Report) and isinstance(pdfium, Report)
    _assert_same(plumber, pdfium)
    assert "一" in [b.text for b in pdfium.document.blocks]


def test_a_glyph_without_a_box_in_a_longer_run_is_read_by_pdfium() -> None:
    data = document([Page(PROSE + TABLE + text(72, 600, "AB", font="F2"))])
    with LOCK:
        read = PdfiumDocument(data, "boxless.pdf")
        page = read.page(0)
        read.close()
    assert page is not None
    assert "".join(c["text"] for c in page.chars).endswith("一二")


# --- options, the command line, threads ----------------------------------------------------------


def test_the_engine_is_an_option_the_command_line_passes_on(tmp_path: Path) -> None:
    from nianbao.cli import main  # noqa: PLC0415

    with pytest.raises(ValueError, match="pdf_engine"):
        PdfOptions(pdf_engine="pdfminer")  # type: ignore[arg-type]
    assert ConvertOptions().pdf.pdf_engine == "pdfium"
    hongze = ROOT / "samples" / "real" / "hongze-2024.pdf"
    outputs = []
    for engine in ("pdfium", "pdfplumber"):
        out = tmp_path / f"{engine}.json"
        assert main(["convert", str(hongze), "-o", str(out), "--pdf-engine", engine]) == 0
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]  # the golden's PDF: byte for byte
    # The flag reaches the reader: on a LibreOffice PDF (fonts with a Descent of 0, see above)
    # the two engines' paragraph boxes differ, so the reports do too, and only there.
    libreoffice = ROOT / "tests" / "fixtures" / "pdf" / "report-2021-libreoffice.pdf"
    reports = []
    for engine in ("pdfium", "pdfplumber"):
        out = tmp_path / f"libreoffice-{engine}.json"
        assert main(["convert", str(libreoffice), "-o", str(out), "--pdf-engine", engine]) == 0
        reports.append(Report.model_validate_json(out.read_text(encoding="utf-8")))
    assert reports[0] != reports[1]
    _assert_same(reports[1], reports[0])
    with pytest.raises(SystemExit):
        main(["convert", str(hongze), "--pdf-engine", "pdfminer"])


def test_threads_converting_pdfs_at_once_get_what_one_gets() -> None:
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    paths = [p for p in PDFS if p.name in ("hongze-2024.pdf", "rows-broken-across-pages.pdf")]
    alone = [nianbao.to_json(nianbao.convert_document(p)) for p in paths]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda p: nianbao.to_json(nianbao.convert_document(p)), paths * 4))
    assert together == alone * 4


def test_a_document_opened_anew_as_it_is_read_reads_every_page_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pdfium keeps what it parsed until the document is closed: it is opened anew every so
    # many pages (_REOPEN_PAGES, 50), which must change nothing read, doctop included
    import nianbao.adapters._pdfium as pdfium_module  # noqa: PLC0415

    data = document([Page(PROSE + TABLE + text(72, 600, f"page {n}")) for n in range(7)])

    def pages() -> list[Any]:
        with LOCK:
            read = PdfiumDocument(data, "seven.pdf")
            out = [read.page(i) for i in range(len(read))]
            read.close()
        return out

    whole = pages()
    monkeypatch.setattr(pdfium_module, "_REOPEN_PAGES", 2)
    reopened = pages()
    assert len(reopened) == 7 and all(page is not None for page in reopened)
    assert reopened == whole
    assert reopened[6].chars[0]["doctop"] == whole[6].chars[0]["doctop"] > 6 * 842
