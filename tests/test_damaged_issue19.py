"""Issue 19's inputs: each once ended in exit 70 or a report silently shorter than its document.

The reproducers are in `fixtures/repro/` (its README), where `test_damaged.py` runs every one
through the command line; the tests here pin each defect's cause.
"""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from nianbao import convert_bytes
from nianbao.adapters import effort
from nianbao.collection.partial import completeness, of_report
from nianbao.convert.options import ConvertOptions, Limits, PdfOptions
from nianbao.errors import DocumentLoadError, Failure, MissingDependencyError
from nianbao.runtime.pool import WorkerPool, _died
from nianbao.runtime.worker import Converted, Work, convert_file
from nianbao.schemas.model import Report
from tests.fixtures.pdf import written

ROOT = Path(__file__).resolve().parent.parent
REPRO = Path(__file__).parent / "fixtures" / "repro"
PDFIUM = ConvertOptions(pdf=PdfOptions(pdf_engine="pdfium"))


def _convert(name: str, options: ConvertOptions | None = None) -> Report:
    return convert_bytes((REPRO / name).read_bytes(), filename=name, options=options)


def _text(report: Report) -> str:
    blocks = "\n".join(block.text or "" for block in report.document.blocks)
    cells = "\n".join(cell.text for table in report.document.tables for cell in table.cells)
    return blocks + "\n" + cells


# --- a zip member whose compression method says bzip2 -------------------------------------------


@pytest.mark.parametrize(
    ("name", "member"),
    [
        ("docx-method-bzip2-document.docx", "word/document.xml"),
        ("docx-method-bzip2-contenttypes.docx", "[Content_Types].xml"),
        ("xlsx-method-bzip2-workbook.xlsx", "xl/workbook.xml"),
        ("xlsx-method-bzip2-sheet.xlsx", "xl/worksheets/sheet1.xml"),
        ("xlsx-OSError-invalid-data-stream.xlsx", "xl/workbook.xml"),
    ],
)
def test_a_member_marked_bzip2_that_is_not_is_damage(name: str, member: str) -> None:
    with pytest.raises(DocumentLoadError) as caught:
        _convert(name)
    error = caught.value
    assert f"zip member {member!r} is not the bzip2 data its header says" in error.message
    assert "damaged" in error.message
    assert isinstance(error.__cause__, OSError)
    assert error.source == name


@pytest.mark.parametrize(
    "sample", ["samples/docx/report-2021-filled.docx", "samples/xlsx/report-2021-tables.xlsx"]
)
def test_a_file_zipped_again_with_bzip2_is_read_as_it_was(sample: str) -> None:
    """bzip2 is no Office method, but a zip tool may use it: what inflates is read."""
    original = (ROOT / sample).read_bytes()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as target,
    ):
        for member in source.infolist():
            target.writestr(member.filename, source.read(member))
    name = Path(sample).name
    again = convert_bytes(out.getvalue(), filename=name)
    assert again.document == convert_bytes(original, filename=name).document


# --- PDF: a lone surrogate from a ToUnicode map; a string of 100,000 glyphs ---------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [("pdf-tounicode-lone-surrogate-min.pdf", 3), ("pdf-lone-surrogate-UnicodeEncodeError.pdf", 1)],
)
def test_a_lone_surrogate_from_pdfium_is_a_replacement_character_said(
    name: str, count: int
) -> None:
    report = _convert(name, PDFIUM)
    text = _text(report)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    assert text.count("\ufffd") == count
    [said] = [d for d in report.diagnostics if d.code == "pdf.lone_surrogates"]
    assert said.message.endswith(f"U+FFFD: {count} (pages 1)")


def test_the_minimal_lone_surrogate_keeps_its_neighbours() -> None:
    report = _convert("pdf-tounicode-lone-surrogate-min.pdf", PDFIUM)
    assert report.document.blocks[0].text == "2023\ufffd\ufffd\ufffdreport"


def test_a_surrogate_pair_from_a_tounicode_map_is_its_character() -> None:
    """pdfium gives <D840DC00> (U+20000, a CJK Extension B character) as its two halves."""
    data = (REPRO / "pdf-tounicode-lone-surrogate-min.pdf").read_bytes()
    data = data.replace(b"<41> <DF8B>", b"<41> <D840DC00>").replace(b"/Length 225", b"/Length 229")
    report = convert_bytes(data, filename="pair.pdf", options=PDFIUM)
    assert report.document.blocks[0].text == "2023\U00020000\U00020000\U00020000report"
    assert "pdf.lone_surrogates" not in {d.code for d in report.diagnostics}


def test_pdfium_reads_every_glyph_of_a_100000_glyph_string() -> None:
    """pdfium keeps a string operand's first 32,767 bytes; such a page is read by pdfplumber."""
    digits = "1234567890" * 10_000
    data = written.document([written.Page(written.text(0, 400, digits, size=1))])
    report = convert_bytes(data, filename="long-string.pdf", options=PDFIUM)
    assert "".join((block.text or "").replace("\n", "") for block in report.document.blocks) == (
        digits
    )


# --- full-width digits (０-９) in a one-line dump ------------------------------------------------

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PINGTAN_2024 = ROOT / "samples/text/pingtan-2024.txt"


def _values(report: Report) -> dict[str, tuple[object, str]]:
    assert report.annual_report is not None
    return {k: (f.value, f.raw) for k, f in report.annual_report.figures.items()}


def test_full_width_digits_in_a_one_line_dump_are_read_as_digits() -> None:
    report = _convert("text-fullwidth-digits-min2.txt")
    ascii_text = (REPRO / "text-fullwidth-digits-min2.txt").read_text("utf-8")
    ascii_text = ascii_text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    same = convert_bytes(ascii_text.encode("utf-8"), filename="ascii.txt")
    assert _values(report) == _values(same)
    assert report.annual_report is not None
    figures = report.annual_report.figures
    assert figures["proactive.licensing.decisions"].value == 4529
    assert figures["applications.new_received.natural_person"].value == 217  # ２１７…２１８
    # ６２３３４４０ splits 15 ways that section 二 (no sums) allows: left open, as in ASCII.
    assert figures["proactive.normative_documents.in_force"].value is None


def test_a_crawled_dump_in_full_width_digits_gives_the_figures_of_its_ascii_one() -> None:
    text = PINGTAN_2024.read_text("utf-8")
    full = convert_bytes(text.translate(_FULL_WIDTH).encode("utf-8"), filename="full.txt")
    assert _values(full) == _values(convert_bytes(text.encode("utf-8"), filename="ascii.txt"))


def test_full_width_digits_reaching_the_linear_reader_are_split_as_printed() -> None:
    """A PDF's text is not normalised: its full-width digits reach the splitter as printed."""
    from nianbao.convert.annual_report.linear import read_linear  # noqa: PLC0415

    report = convert_bytes(PINGTAN_2024.read_bytes(), filename="pingtan-2024.txt")
    assert report.annual_report is not None
    blocks = [
        block.model_copy(update={"text": block.text.translate(_FULL_WIDTH)})
        for block in report.document.blocks
    ]
    document = report.document.model_copy(update={"blocks": blocks})
    reading = read_linear(document, {}, report.annual_report.template, [])
    ascii_reading = read_linear(report.document, {}, report.annual_report.template, [])
    assert len(reading.figures) == len(ascii_reading.figures) > 150
    for key, figure in reading.figures.items():
        assert figure.value == ascii_reading.figures[key].value
        assert figure.raw == ascii_reading.figures[key].raw.translate(_FULL_WIDTH)


def test_digits_of_another_script_are_no_figures_and_no_crash() -> None:
    text = PINGTAN_2024.read_text("utf-8").translate(_ARABIC_INDIC)
    report = convert_bytes(text.encode("utf-8"), filename="arabic-indic.txt")
    assert report.annual_report is not None
    assert not {k for k in report.annual_report.figures if not k.startswith("text.")}


# --- a content stream that inflates to 1 GiB: pdfium aborts under the memory limit -------------


def aborts_in_a_library(path: Path) -> Converted:
    """What pdfium does when an allocation fails: abort the process."""
    with effort.in_library("pdfium reading page 7"):
        os.abort()
    return Converted(text="never")


def aborts_in_our_code(path: Path) -> Converted:
    os.abort()
    return Converted(text="never")


def _died_of(work: Work, memory: int) -> Failure:
    with WorkerPool(1, Limits(seconds=30, memory=memory), work) as pool:
        outcome = pool.run_one(Path("x.pdf"))
    assert outcome is not None
    assert isinstance(outcome.result, Failure)
    return outcome.result


def test_an_abort_inside_pdfium_under_a_memory_limit_is_the_memory_limit() -> None:
    failure = _died_of(aborts_in_a_library, 2 * 2**30)
    assert (failure.code, failure.exit_code) == ("MemoryLimitError", 3)
    assert "memory limit of 2 GiB: pdfium reading page 7 ran out" in failure.message


@pytest.mark.parametrize(
    ("work", "memory"), [(aborts_in_our_code, 2**31), (aborts_in_a_library, 0)]
)
def test_an_abort_outside_a_library_or_without_a_limit_is_still_a_death(
    work: Work, memory: int
) -> None:
    failure = _died_of(work, memory)
    assert (failure.code, failure.exit_code) == ("WorkerDiedError", 70)
    assert "SIGABRT" in failure.message


def test_a_content_stream_inflating_to_1_gib_is_refused_in_seconds(tmp_path: Path) -> None:
    pdf = tmp_path / "flate-content-1g.pdf"
    pdf.write_bytes(
        gzip.decompress((ROOT / "tests/fixtures/pdf/flate-content-1g.pdf.gz").read_bytes())
    )
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "convert", str(pdf), "-o", str(tmp_path / "o.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert time.monotonic() - start < 10
    assert done.stderr.strip() == (
        f"nianbao: error: {pdf}: needed more than the memory limit of 2 GiB: pdfium reading "
        "page 1 ran out and aborted"
    )
    assert not (tmp_path / "o.json").exists()


def test_the_rust_steps_after_reading_are_named_so_their_abort_is_a_refusal(tmp_path: Path) -> None:
    """A page large enough passes the adapter within the limit and then makes jsonschema-rs (the
    schema check) or pydantic-core (the JSON) fail to allocate, which aborts the worker: those
    steps announce themselves as library calls, so that the pool says the input needed more
    memory than allowed (exit 3), not that the worker died unexplained (exit 70)."""
    text = tmp_path / "a.txt"
    text.write_text("2021年政府信息公开工作年度报告\n", encoding="utf-8")
    heard: list[str | None] = []
    with effort.listening(lambda pages, ocr: None, heard.append):
        convert_file(text)
    assert "jsonschema-rs checking the report against the schema" in heard
    assert "pydantic-core writing the report's JSON" in heard
    died = _died(-6, "jsonschema-rs checking the report against the schema", Limits(memory=2**31))
    assert Failure.of(died).exit_code == 3
    assert "jsonschema-rs checking the report against the schema ran out and aborted" in str(died)


# --- HTML: an unclosed <embed>, <button> or <canvas> holds the rest of the page ------------------

_EMBED = b'<embed src="/player.swf" width="400" height="300">'


@pytest.mark.parametrize("tag", ["embed", "button", "canvas"])
def test_an_unclosed_element_holding_the_rest_of_the_page_is_read(tag: str) -> None:
    page = (REPRO / "html-unclosed-embed-drops-rest.html").read_bytes()
    assert page.count(_EMBED) == 1
    page = page.replace(_EMBED, f"<{tag}>".encode())
    report = convert_bytes(page, filename=f"unclosed-{tag}.html")
    assert len(report.document.tables) == 3
    assert report.annual_report is not None
    assert len(report.annual_report.figures) == 202
    [said] = [d for d in report.diagnostics if d.code == "html.unclosed_element"]
    assert said.message.startswith(f"<{tag}> left unclosed holds the page after it (2 tables)")


def test_a_closed_button_and_canvas_are_still_chrome() -> None:
    page = (REPRO / "html-unclosed-embed-drops-rest.html").read_bytes()
    closed = "<button>搜索</button><canvas>您的浏览器不支持</canvas>".encode("gbk")  # the page's
    page = page.replace(_EMBED, closed)
    report = convert_bytes(page, filename="closed.html")
    assert len(report.document.tables) == 3
    assert "搜索" not in _text(report) and "不支持" not in _text(report)
    assert not [d for d in report.diagnostics if d.code == "html.unclosed_element"]
    removed = [d.message for d in report.diagnostics if d.code == "boilerplate.removed"]
    assert "removed web page chrome <button>: 搜索" in removed


# --- a TIFF's frames past the 200th ------------------------------------------------------------


def test_frames_past_the_limit_are_said_and_make_the_report_partial(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import Image  # noqa: PLC0415

    from nianbao.adapters import image as image_adapter  # noqa: PLC0415
    from nianbao.adapters._ocr import engine  # noqa: PLC0415

    try:
        engine("x.tiff")
    except MissingDependencyError:
        pytest.skip("OCR is not installed")
    monkeypatch.setattr(image_adapter, "MAX_PAGES", 2)  # 200 frames of OCR would take minutes
    frames = [Image.new("L", (300, 420), 255) for _ in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    report = convert_bytes(buffer.getvalue(), filename="three-frames.tiff")
    [said] = [d for d in report.diagnostics if d.code == "image.truncated"]
    assert said.message.startswith("read the first 2 frames of the image; it has more")
    assert report.source.pages == 2
    assert "cut short by a limit (image.truncated)" in of_report(report).reasons


@pytest.mark.parametrize("code", ["html.truncated", "image.truncated"])
def test_a_limit_that_cut_content_makes_a_report_partial(code: str) -> None:
    found = completeness(recognised=False, form=None, figures=(), diagnostics=[(code, ())])
    assert found.reasons == ("not recognised as an annual report", f"cut short by a limit ({code})")
    found = completeness(
        recognised=True, form="2021", figures=(), diagnostics=[(code, ()), (code, ())]
    )
    assert found.partial and found.reasons[0] == f"cut short by a limit ({code})"
