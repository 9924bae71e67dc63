"""Hostile inputs are refused quickly, by name, without a traceback and without output.

Every case goes through the command line, as a user (or the hot folder) would meet it.
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import random
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import nianbao
from nianbao.cli import main
from tests.conftest import SAMPLES

SECRET = "nianbao-secret-4711"
XXE_DOCTYPE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{path}">]>'
LAUGHS = (
    '<!DOCTYPE x [<!ENTITY a "hahahahahahahahahaha">'
    + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefg", "bcdefgh", strict=True)
    )
    + "]>"
)


DOCX = SAMPLES / "docx" / "report-2021-filled.docx"
XLSX = SAMPLES / "xlsx" / "report-2021-tables.xlsx"
SHEET = "xl/worksheets/sheet1.xml"


def _rewritten(sample: Path, member: str, edit: Callable[[bytes], bytes]) -> bytes:
    """The sample Office file with one of its zip members passed through `edit`."""
    source = zipfile.ZipFile(sample)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, edit(data) if info.filename == member else data)
    return out.getvalue()


def _docx_with_document_xml(xml: bytes) -> bytes:
    return _rewritten(DOCX, "word/document.xml", lambda _: xml)


def _xxe_docx(secret_file: Path) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    doctype = XXE_DOCTYPE.format(path=secret_file).encode()
    body = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
        b"<w:p><w:r><w:t>\xe4\xb8\x80\xe3\x80\x81\xe6\x80\xbb\xe4\xbd\x93</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )
    return _docx_with_document_xml(head + doctype + body)


def _xxe_xlsx(secret_file: Path) -> bytes:
    def edit(xml: bytes) -> bytes:
        declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        doctype = XXE_DOCTYPE.format(path=secret_file).encode()
        xml = xml[:declaration_end] + doctype + xml[declaration_end:]
        return xml.replace(b"</sheetData>", b'<row r="999"><c r="A999" t="inlineStr"><is>'
                           b"<t>&xxe;</t></is></c></row></sheetData>")  # fmt: skip

    return _rewritten(XLSX, SHEET, edit)


def _docx_bomb() -> bytes:
    """A real DOCX whose document.xml inflates to 3 GiB: honest sizes, a few MiB on disk.

    Built by streaming zeros through deflate; nothing of that size is ever in memory.
    """
    source = zipfile.ZipFile(DOCX)
    out = io.BytesIO()
    chunk = b"<w:t>" + b" " * (2**20 - 11) + b"</w:t>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for member in source.infolist():
            if member.filename != "word/document.xml":
                target.writestr(member.filename, source.read(member))
        with target.open("word/document.xml", "w", force_zip64=True) as bomb:
            for _ in range(3 * 1024):
                bomb.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    return _docx_bomb()


CASES: dict[str, tuple[str, Callable[[Path], bytes]]] = {
    "empty": ("empty.pdf", lambda _: b""),
    "garbage-with-pdf-header": (
        "report.pdf",
        lambda _: b"%PDF-1.7\n" + random.Random(2).randbytes(50_000),
    ),
    "truncated-pdf": (
        "cut.pdf",
        lambda _: (SAMPLES / "real" / "hongze-2024.pdf").read_bytes()[:30_000],
    ),
    "random-bytes-named-xlsx": ("numbers.xlsx", lambda _: random.Random(1).randbytes(50_000)),
    "xlsx-claiming-a-billion-rows": ("huge.xlsx", lambda _: _xlsx_claiming("A1:J1000000000")),
    "fake-zip-named-docx": ("report.docx", lambda _: b"PK\x03\x04" + b"\x00" * 200),
    "zip-that-is-not-office": (
        "report.docx",
        lambda _: _zip({"readme.txt": b"hello"}),
    ),
    "docx-without-body": (
        "nobody.docx",
        lambda _: _docx_with_document_xml(
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            b'main"></w:document>'
        ),
    ),
    "docx-billion-laughs": (
        "laughs.docx",
        lambda _: _docx_with_document_xml(
            b'<?xml version="1.0"?>' + LAUGHS.encode() + b'<w:document xmlns:w="http://schemas.'
            b'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&h;</w:t>'
            b"</w:r></w:p></w:body></w:document>"
        ),
    ),
}


def _xlsx_claiming(dimension: str) -> bytes:
    """The sample workbook with its first sheet claiming `dimension`."""

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)
        return xml.replace(b"<sheetData", f'<dimension ref="{dimension}"/><sheetData'.encode())

    return _rewritten(XLSX, SHEET, edit)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refused(path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    start = time.monotonic()
    code = main(["convert", str(path), "-o", str(out)])
    elapsed = time.monotonic() - start
    err = capsys.readouterr().err
    assert code != 0, f"{path.name} was accepted"
    assert elapsed < 10, f"{path.name} took {elapsed:.1f} s to refuse"
    assert err.count("\n") == 1 and str(path) in err, err
    assert "Traceback" not in err
    assert not out.exists()
    return err


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_is_refused(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, make = CASES[case]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    _refused(path, tmp_path / "out.json", capsys)


def test_docx_inflating_to_gigabytes_is_refused_unread(
    docx_bomb: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(docx_bomb) < 64 * 2**20
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bomb)
    err = _refused(path, tmp_path / "out.json", capsys)
    assert "inflates to" in err


@pytest.mark.parametrize(("name", "make"), [("xxe.docx", _xxe_docx), ("xxe.xlsx", _xxe_xlsx)])
def test_external_entity_is_never_read(
    name: str, make: Callable[[Path], bytes], tmp_path: Path
) -> None:
    # The entity points at a named pipe: a parser that so much as opens it blocks until a
    # writer comes, so a conversion that returns at all never tried to read the entity.
    pipe = tmp_path / "secret"
    os.mkfifo(pipe)
    data = make(pipe)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(_convert_or_error, data, name)
        try:
            outcome = future.result(timeout=30)
        except concurrent.futures.TimeoutError:
            with pipe.open("w") as writer:  # let the stuck parser go, then fail
                writer.write(SECRET)
            pytest.fail(f"{name}: the parser opened the external entity's file")
    assert SECRET not in outcome


def _convert_or_error(data: bytes, name: str) -> str:
    try:
        return nianbao.to_json(nianbao.convert_document(data, filename=name))
    except nianbao.NianbaoError as exc:
        return str(exc)
