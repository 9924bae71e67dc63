"""The same text in any encoding gives the same document; wrong guesses are never silent."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import nianbao
from nianbao.text.encoding import decode

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16-le", "utf-16-be", "utf-16"]


def _blocks(report: nianbao.Report) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in report.document.blocks]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_seed_004_reencoded_gives_the_same_document(
    text_sample: dict[str, Path], encoding: str
) -> None:
    text = text_sample["004"].read_text(encoding="utf-8")
    original = nianbao.convert_document(text_sample["004"])
    report = nianbao.convert_document(text.encode(encoding), filename=f"004.{encoding}.txt")
    assert _blocks(report) == _blocks(original)
    assert report.document.tables == original.document.tables
    assert report.source.encoding is not None
    expected = {"gbk": "gb18030", "utf-8-sig": "utf-8", "utf-16": "utf-16-le"}.get(
        encoding, encoding
    )
    assert report.source.encoding.name == expected
    assert not [d for d in report.diagnostics if d.code.startswith("encoding.")]


@pytest.mark.parametrize("seed", ["000", "001", "002", "003"])
def test_other_seeds_decode_identically_from_gb18030(
    text_sample: dict[str, Path], seed: str
) -> None:
    text = text_sample[seed].read_text(encoding="utf-8")
    decoded = decode(text.encode("gb18030"))
    assert decoded.text == text
    assert decoded.encoding.name == "gb18030"
    assert decoded.encoding.method == "detected"


def test_bom_wins_and_is_recorded() -> None:
    decoded = decode(codecs.BOM_UTF16_BE + "年度报告".encode("utf-16-be"))
    assert (decoded.text, decoded.encoding.name, decoded.encoding.method) == (
        "年度报告",
        "utf-16-be",
        "bom",
    )


def test_declared_charset_is_honoured() -> None:
    data = '<meta charset="gb2312">\n政府信息公开工作年度报告'.encode("gb18030")
    decoded = decode(data)
    assert decoded.encoding.name == "gb18030"
    assert decoded.encoding.method == "declared"
    assert decoded.text.endswith("政府信息公开工作年度报告")


def test_a_wrong_declaration_is_reported_not_obeyed() -> None:
    data = "charset=gbk\n本年新收政府信息公开申请数量 ①".encode()
    decoded = decode(data)
    assert decoded.encoding.name == "utf-8"
    assert [d.code for d in decoded.diagnostics] == ["encoding.declared_wrong"]


def test_mojibake_is_a_diagnostic() -> None:
    text = "本年度收到政府信息公开申请数量为零。主动公开政府信息一百四十二条。"
    mangled = text.encode("utf-8").decode("latin-1").encode("utf-8")
    decoded = decode(mangled)
    assert "encoding.mojibake" in [d.code for d in decoded.diagnostics]


def test_undecodable_bytes_are_counted_not_hidden() -> None:
    text = "政府信息公开工作年度报告，主动公开政府信息一百四十二条。" * 20
    data = text.encode("gb18030") + b"\xff" + text.encode("gb18030")  # 0xFF never leads
    decoded = decode(data)
    codes = [d.code for d in decoded.diagnostics]
    assert "encoding.undecodable" in codes
    assert decoded.text.count("\ufffd") >= 1
