"""Format from the bytes, never the file name."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from nianbao.adapters.sniff import sniff


def _zip(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (_zip("[Content_Types].xml", "word/document.xml"), "docx"),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
        (_zip("readme.txt"), "zip"),
        (b"PK\x03\x04 not really a zip", "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "ole2"),
        (b"<!DOCTYPE html><html><body><table></table></body></html>", "html"),
        ("一、总体情况\n本镇主动公开政府信息142条。".encode("gb18030"), "text"),
        ("一、总体情况\n本镇主动公开政府信息142条。".encode("utf-16-le"), "text"),
        ("一、总体情况".encode("utf-16-be"), "text"),
        (bytes(range(256)) * 8, "binary"),
    ],
    ids=[
        "pdf",
        "docx",
        "xlsx",
        "zip",
        "fake-zip",
        "ole2",
        "html",
        "gb18030",
        "utf16le",
        "utf16be-cjk-only",
        "binary",
    ],
)
def test_sniff(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


def test_every_text_sample_sniffs_as_text(text_sample: dict[str, Path]) -> None:
    assert {sniff(p.read_bytes()) for p in text_sample.values()} == {"text"}


def test_a_pdf_named_txt_is_still_a_pdf(samples: Path) -> None:
    assert sniff((samples / "real" / "hongze-2024.pdf").read_bytes()) == "pdf"
    assert sniff((samples / "real" / "template-2021-blank.docx").read_bytes()) == "docx"
