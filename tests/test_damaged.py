"""Damaged input is refused as damaged (exit 3), never as our bug (exit 70), never shortened.

The reproducers in `fixtures/repro/` (see its README) each once ended in an internal error, a
time-out, exhausted memory or a silently shortened report. Every one must now end as a report
or a refusal, within seconds; the unit tests below pin each defect's cause.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import ParseError

import pytest

from nianbao import convert_bytes
from nianbao.adapters import _pdf_open as pdf_open
from nianbao.adapters import docx as docx_adapter
from nianbao.adapters import pdf as pdf_adapter
from nianbao.adapters._html_read import _span
from nianbao.adapters._pdf_text import dedupe
from nianbao.convert.options import ConvertOptions, PdfOptions
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Report
from nianbao.text.tables import MAX_TEXT_TABLE_CELLS, Line, find_tables
from tests.fixtures.hostile import shared_strings_bomb

ROOT = Path(__file__).resolve().parent.parent
REPRO = Path(__file__).parent / "fixtures" / "repro"
REPRODUCERS = sorted(p.name for p in REPRO.iterdir() if p.name != "README.md")
# The figures read from prose are the annual-report profile's (nianbao/convert/annual_report/,
# not this change's to edit): a 4,301-digit figure and a 400-digit decimal still end in exit 70.
TIME_BOUND = 20.0


def _load(name: str) -> bytes:
    return (REPRO / name).read_bytes()


def _convert(name: str) -> Report:
    return convert_bytes(_load(name), filename=name)


def _refused(name: str) -> DocumentLoadError:
    with pytest.raises(DocumentLoadError) as caught:
        _convert(name)
    return caught.value


# --- every reproducer, through the command line --------------------------------------------------


@pytest.mark.parametrize("name", REPRODUCERS)
def test_every_reproducer_ends_as_a_report_or_a_refusal(name: str, tmp_path: Path) -> None:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    start = time.monotonic()
    command = [sys.executable, "-m", "nianbao.cli", "convert", str(REPRO / name)]
    done = subprocess.run(
        [*command, "-o", str(tmp_path / "out.json")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - start
    assert done.returncode in (0, 3), done.stderr
    assert elapsed < TIME_BOUND
    if done.returncode == 3:
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith(f"nianbao: error: {REPRO / name}: ")
        assert "internal error" not in last
        assert not (tmp_path / "out.json").exists()


# --- the libraries' errors, wrapped at each adapter's boundary with their cause ---------------


@pytest.mark.parametrize(
    ("name", "cause", "words"),
    [
        ("docx-AttributeError.docx", AttributeError, "structure is broken"),
        ("docx-EOFError.docx", EOFError, "ends early"),
        ("docx-bad-deflate.docx", zlib.error, "compressed part is corrupt"),
        ("xlsx-bad-deflate.xlsx", zlib.error, "compressed part is corrupt"),
        ("xlsx-sheet-not-well-formed.xlsx", ParseError, "XML is broken"),
        ("xlsx-sst-index-out-of-range.xlsx", IndexError, "entry that is not there"),
        ("zip-version-18.5.xlsx", NotImplementedError, "zip"),
        ("xls-open-struct-error.xls", struct.error, "cut short"),
        ("xls-sheet-AssertionError.xls", AssertionError, "structure is broken"),
        ("xls-sheet-KeyError.xls", KeyError, "entry that is not there"),
        ("xlsx-negative-seek.xlsx", zipfile.BadZipFile, "negative seek"),
        ("xls-unknown-codepage.xls", LookupError, "cp1202"),
        ("xls-zero-division.xls", ZeroDivisionError, "structure is broken"),
        ("xlsx-no-workbook-part.xlsx", OSError, "no valid workbook part"),
    ],
)
def test_a_library_error_on_damage_is_a_load_error_with_its_cause(
    name: str, cause: type[BaseException], words: str
) -> None:
    error = _refused(name)
    assert isinstance(error.__cause__, cause)
    assert "damaged" in error.message or "corrupt" in error.message
    assert words in error.message
    assert error.source == name


def test_an_xlrd_compound_file_error_names_the_damage() -> None:
    error = _refused("xls-open-CompDocError.xls")
    assert type(error.__cause__).__name__ == "CompDocError"
    assert "directory corruption" in error.message


def test_an_assertion_without_words_still_says_what_broke() -> None:
    # AssertionError() has no message: the error line must not end in an empty detail
    assert not _refused("xls-sheet-AssertionError.xls").message.rstrip().endswith(":")


def test_xlrd_warnings_stay_off_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    _refused("xls-open-CompDocError.xls")
    assert capsys.readouterr().out == ""


def test_a_malformed_pdf_is_a_load_error() -> None:
    # pdfium reads the MediaBox [0 0 5e2 842] as none at all; pdfplumber refuses it
    error = _refused("pdf-mediabox-keyword.pdf")
    assert "damaged" in error.message
    assert "page 1 has no valid MediaBox" in error.message
    with pytest.raises(DocumentLoadError) as caught:
        convert_bytes(
            _load("pdf-mediabox-keyword.pdf"),
            filename="pdf-mediabox-keyword.pdf",
            options=ConvertOptions(pdf=PdfOptions(pdf_engine="pdfplumber")),
        )
    assert type(caught.value.__cause__).__name__ == "MalformedPDFException"
    assert "damaged" in caught.value.message


def test_a_bug_of_ours_inside_an_adapter_is_not_passed_off_as_damage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The boundaries name the libraries' errors around the libraries' calls: an AttributeError
    in our own table code still surfaces as itself (exit 70 at the CLI)."""

    def broken(*args: object, **kwargs: object) -> object:
        raise AttributeError("a bug of ours")

    monkeypatch.setattr(docx_adapter, "_tables", broken)
    with pytest.raises(AttributeError, match="a bug of ours"):
        convert_bytes(
            (ROOT / "samples/docx/report-2021-filled.docx").read_bytes(), filename="a.docx"
        )
    monkeypatch.setattr(pdf_adapter, "_page", broken)
    with pytest.raises(AttributeError, match="a bug of ours"):
        convert_bytes((ROOT / "tests/fixtures/pdf/split-table.pdf").read_bytes(), filename="a.pdf")


# --- the PDF adapter's net holds the libraries' calls, not our code between them ---------------

SPLIT_TABLE = ROOT / "tests/fixtures/pdf/split-table.pdf"


def _a_bug_of_ours(*args: object, **kwargs: object) -> object:
    raise KeyError("a bug of ours")


@pytest.mark.parametrize(
    ("ours", "engine"),
    [
        ("_chars", "pdfium"),
        ("_chars", "pdfplumber"),
        ("_is_scan", "pdfplumber"),
        ("vertical_rules", "pdfium"),
        ("_ruled_boxes", "pdfplumber"),
        ("plumber_page", "pdfplumber"),
    ],
)
def test_a_bug_of_ours_between_the_pdf_library_calls_is_not_damage(
    monkeypatch: pytest.MonkeyPatch, ours: str, engine: Literal["pdfium", "pdfplumber"]
) -> None:
    """A KeyError is among the errors pdfminer lets out on a damaged object, but raised by our
    own code, which reads the pages the libraries parsed, it is a bug: never a DocumentLoadError."""
    where = pdf_open if ours == "plumber_page" else pdf_adapter  # where the reader calls it
    monkeypatch.setattr(where, ours, _a_bug_of_ours)
    with pytest.raises(KeyError, match="a bug of ours"):
        convert_bytes(
            SPLIT_TABLE.read_bytes(),
            filename="a.pdf",
            options=ConvertOptions(pdf=PdfOptions(pdf_engine=engine)),
        )


def _pdfminer_meets_damage(*args: object, **kwargs: object) -> object:
    raise KeyError("/Contents")  # what pdfminer raises on a page object without its contents


def test_damage_the_pdf_library_meets_is_still_a_load_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pdfplumber.page import Page  # noqa: PLC0415

    monkeypatch.setattr(Page, "parse_objects", _pdfminer_meets_damage)
    with pytest.raises(DocumentLoadError, match="damaged") as caught:
        convert_bytes(
            SPLIT_TABLE.read_bytes(),
            filename="a.pdf",
            options=ConvertOptions(pdf=PdfOptions(pdf_engine="pdfplumber")),
        )
    assert isinstance(caught.value.__cause__, KeyError)


def test_the_command_line_tells_our_pdf_bug_from_a_damaged_pdf(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pdfplumber.page import Page  # noqa: PLC0415

    from nianbao.cli import main  # noqa: PLC0415
    from nianbao.errors import InternalError  # noqa: PLC0415

    # No limits: converted in this process, where the patches hold.
    command = ["convert", str(SPLIT_TABLE), "-o", str(tmp_path / "out.json")]
    command += ["--pdf-engine", "pdfplumber", "--time-limit", "0", "--memory-limit", "0"]
    with monkeypatch.context() as patched:
        patched.setattr(pdf_adapter, "_chars", _a_bug_of_ours)
        assert main(command) == InternalError.exit_code == 70
    assert "internal error: KeyError" in capsys.readouterr().err
    with monkeypatch.context() as patched:
        patched.setattr(Page, "parse_objects", _pdfminer_meets_damage)
        assert main(command) == DocumentLoadError.exit_code == 3
    assert "not a readable PDF, damaged" in capsys.readouterr().err
    assert main(command) == 0


# --- DOCX spans --------------------------------------------------------------------------------


def test_a_superscript_grid_span_is_no_number() -> None:
    assert docx_adapter._number("²", 1) == 1
    assert docx_adapter._number("٣", 1) == 1
    assert docx_adapter._number("3", 1) == 3
    _convert("docx-gridspan-superscript.docx")  # no ValueError from int("²")


@pytest.mark.parametrize(
    "name",
    [
        "docx-gridspan-1e20.docx",
        "docx-gridspan-2e9.docx",
        "docx-gridbefore-1e20.docx",
        "docx-gridbefore-3e8.docx",
    ],
)
def test_a_span_past_the_grid_is_cut_back_and_said(name: str) -> None:
    start = time.monotonic()
    report = _convert(name)
    assert time.monotonic() - start < TIME_BOUND
    assert max(t.n_cols for t in report.document.tables) <= 64 + 16
    assert "table.span_clamped" in {d.code for d in report.diagnostics}
    assert report.annual_report is not None


# --- PDF ---------------------------------------------------------------------------------------


def test_a_32000_glyph_text_operator_reads_in_seconds() -> None:
    start = time.monotonic()
    _convert("pdf-one-line-32000-chars.pdf")
    assert time.monotonic() - start < TIME_BOUND


def test_dedupe_keeps_what_pdfplumber_keeps() -> None:
    import pdfplumber  # noqa: PLC0415
    from pdfplumber.utils.text import dedupe_chars  # noqa: PLC0415

    with pdfplumber.open(ROOT / "samples/real/hongze-2024.pdf") as pdf:
        for page in pdf.pages[:2]:
            chars = page.chars
            doubled = chars + [dict(c, x0=c["x0"] + 0.3) for c in chars[::7]]  # fake bold
            assert [id(c) for c in dedupe(doubled)] == [id(c) for c in dedupe_chars(doubled)]


# --- HTML --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "html-300-unclosed-font.html",
        "html-300-unclosed-span.html",
        "html-300-deep-div-after-first-table.html",
        "html-300-deep-div-before-report.html",
    ],
)
def test_a_deep_page_is_read_whole(name: str) -> None:
    report = _convert(name)
    assert len(report.document.tables) == 3
    assert report.annual_report is not None


def _page_with(inside_body: str) -> bytes:
    page = (ROOT / "samples/html/report-2021.html").read_bytes()
    at = page.index(b">", page.index(b"<body")) + 1
    return page[:at] + inside_body.encode("gb18030") + page[at:]


def test_thousands_of_unclosed_font_tags_are_read_whole_and_said() -> None:
    report = convert_bytes(_page_with("<font>" * 5000), filename="fonts.html")
    assert len(report.document.tables) == 3
    assert "html.deep_nesting" in {d.code for d in report.diagnostics}


def test_a_page_cut_off_by_the_parser_says_so() -> None:
    with pytest.raises(DocumentLoadError, match=r"cut off at line \d+ .* 2048 levels deep"):
        convert_bytes(_page_with("<div>" * 5000), filename="divs.html")


def test_a_text_node_past_10_mb_does_not_end_the_page() -> None:
    report = convert_bytes(_page_with("<p>" + "字" * (6 * 2**20) + "</p>"), filename="big.html")
    assert len(report.document.tables) == 3


def test_half_a_million_attributes_end_in_seconds() -> None:
    attributes = " ".join(f'a{k}="v"' for k in range(500_000))
    start = time.monotonic()
    report = convert_bytes(_page_with(f"<p {attributes}>x</p>"), filename="attrs.html")
    assert time.monotonic() - start < TIME_BOUND
    assert "html.attributes_dropped" in {d.code for d in report.diagnostics}
    assert len(report.document.tables) == 3


def test_a_span_of_thousands_of_digits_is_clamped() -> None:
    assert _span("9" * 5000, 1000, zero=1) == 1000
    assert _span("²", 1000, zero=1) == 1
    assert _span("007", 1000, zero=1) == 7


# --- XLSX shared strings, text ---------------------------------------------------------------


def test_a_shared_strings_bomb_is_refused_in_seconds() -> None:
    data = shared_strings_bomb(10_000_000)
    assert len(data) < 600_000
    start = time.monotonic()
    with pytest.raises(DocumentLoadError, match="shared-strings table holds more than"):
        convert_bytes(data, filename="bomb.xlsx")
    assert time.monotonic() - start < TIME_BOUND
    with zipfile.ZipFile(io.BytesIO(shared_strings_bomb(1))) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()


def test_a_20_mb_text_is_refused_in_seconds() -> None:
    sample = (ROOT / "samples/text/004_7635fab03e0d303d.txt").read_bytes()
    start = time.monotonic()
    with pytest.raises(DocumentLoadError, match="more than an annual report holds"):
        convert_bytes(sample + (b"1\t" * 1000 + b"\n") * 10_000, filename="tabs.txt")
    assert time.monotonic() - start < TIME_BOUND


def test_text_tables_are_bounded_by_their_text() -> None:
    """Ten thousand rows of a thousand tab cells: no table of ten million cells."""
    lines = [Line(n, "1\t" * 1000) for n in range(1, 10_001)]
    start = time.monotonic()
    found = find_tables(lines)
    assert time.monotonic() - start < TIME_BOUND
    assert sum(len(f.table.cells) for f in found) <= 2 * MAX_TEXT_TABLE_CELLS
    assert "table.search_stopped" in {d.code for f in found for d in f.diagnostics}


def test_a_glyph_mapped_to_no_text_is_skipped() -> None:
    from nianbao.adapters._pdf_text import group_lines  # noqa: PLC0415

    char = {"text": "", "x0": 10.0, "x1": 12.0, "top": 5.0, "bottom": 15.0, "size": 10.0}
    other = dict(char, text="A", x0=13.0, x1=19.0, fontname="F")
    [line] = group_lines([dict(char, fontname="F"), other], page=1)
    assert line.text == "A"


def test_a_merge_with_a_5000_digit_row_is_refused_not_a_crash() -> None:
    source = (ROOT / "samples/xlsx/report-2021-tables.xlsx").read_bytes()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as archive,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in archive.infolist():
            body = archive.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                at = body.index(b'<mergeCell ref="') + len(b'<mergeCell ref="A')
                body = body[:at] + b"9" * 5000 + body[at:]
            target.writestr(member, body)
    with pytest.raises(DocumentLoadError, match="damaged"):
        convert_bytes(out.getvalue(), filename="merge.xlsx")


def test_a_page_of_a_million_cells_is_refused_before_they_are_built() -> None:
    page = "<html><body><h1>表</h1><table>" + ("<tr>" + "<td>1" * 1000) * 1000 + "</table>"
    start = time.monotonic()
    with pytest.raises(DocumentLoadError, match="more than 200,000 cells"):
        convert_bytes(page.encode(), filename="cells.html")
    assert time.monotonic() - start < TIME_BOUND


def test_a_control_character_beside_an_escaped_report_is_dropped() -> None:
    report = _convert("html-control-char-in-script-tail.html")
    assert "html.unescaped" in {d.code for d in report.diagnostics}


@pytest.mark.parametrize("name", ["text-4301-digit-figure.txt", "text-inf-figure.txt"])
def test_a_figure_of_absurd_length_is_not_read_as_a_number(name: str) -> None:
    """A 4,301-digit run (int() refuses it) or a 400-digit decimal (a float overflows to
    infinity, which JSON cannot hold) is no count: that sentence gives no figure, and the
    report's next statement of it (主动公开政府信息77条, seed 004's own) is the one read."""
    report = _convert(name)
    annual = report.annual_report
    assert annual is not None
    items = annual.figures["text.proactive.items"]
    assert (items.value, items.raw) == (77, "主动公开政府信息77条")
