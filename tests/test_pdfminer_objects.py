"""pdfminer's document reading an object stream object by object (`_pdfminer_objects`): every
object the same as pdfminer's parse of the whole stream gives, and a stream laid out otherwise
parsed whole."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream
from pdfminer.psparser import LIT

from nianbao.adapters._pdfminer_objects import lazy_objects
from nianbao.convert.pipeline import convert_path

PRINTS = Path(__file__).parent / "fixtures" / "prints"


def _plain(obj: Any) -> Any:
    """An object as a value to compare: references by number, containers by content."""
    if isinstance(obj, PDFObjRef):
        return ("ref", obj.objid)
    if isinstance(obj, dict):
        return {key: _plain(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_plain(value) for value in obj]
    return obj


def _documents(path: Path) -> tuple[Any, PDFDocument]:
    data = path.read_bytes()
    lazy = lazy_objects()(PDFParser(io.BytesIO(data)), password="")
    whole = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    return lazy, whole


@pytest.mark.parametrize("path", sorted(PRINTS.glob("*.pdf")), ids=lambda p: p.name)
def test_every_object_of_an_object_stream_is_the_one_pdfminer_parses(path: Path) -> None:
    lazy, whole = _documents(path)
    in_streams = [
        (objid, stream, index)
        for xref in whole.xrefs
        for objid in xref.get_objids()
        for stream, index, _ in [xref.get_pos(objid)]
        if stream is not None
    ]
    assert in_streams  # a browser's print keeps its fonts in object streams
    for objid, stream, index in in_streams:
        assert _plain(lazy.getobj(objid)) == _plain(whole.getobj(objid)), (objid, stream, index)
    assert not lazy._parsed_objs  # none parsed whole: each object at its offset


def _stream(header: bytes, body: bytes, count: int) -> PDFStream:
    attrs = {"Type": LIT("ObjStm"), "N": count, "First": len(header)}
    return PDFStream(attrs, header + body)


@pytest.mark.parametrize(
    ("header", "body"),
    [
        (b"1 0 2 4 ", b"<</A 1>> [1 2]"),  # the second offset inside the first object
        (b"1 0 2 10 ", b"<</A 1>> [1 2]"),  # the second offset past the second's start
        (b"1 0 2 9 ", b"<</A 1>>x[1 2]"),  # a stray token between the two
        (b"1 0 2 9 3", b"<</A 1>> [1 2]"),  # a header that is not pairs of integers
        (b"1 0 2 9 1 5", b"<</A 1>> [1 2]"),  # more pairs than N
        (b"1 0 2 9", b"5.5 [1 2] [3]"),  # the header's last integer runs into the first object
    ],
)
def test_a_stream_whose_offsets_cannot_be_right_is_parsed_whole_as_pdfminer_parses_it(
    header: bytes, body: bytes
) -> None:
    lazy, whole = _documents(PRINTS / "built-blank-2021-a5.pdf")
    stream = _stream(header, body, 2)
    stream.set_objid(10_000, 0)
    for index in (0, 1):
        expected = _plain(whole._getobj_objstm(stream, index, 1 + index))
        assert _plain(lazy._getobj_objstm(stream, index, 1 + index)) == expected
    assert 10_000 in lazy._parsed_objs


def test_a_stream_laid_out_as_the_standard_says_is_read_object_by_object() -> None:
    lazy, whole = _documents(PRINTS / "built-blank-2021-a5.pdf")
    stream = _stream(b"1 0 2 9 ", b"<</A 1>> [1 2]", 2)
    stream.set_objid(10_000, 0)
    for index in (1, 0):
        expected = _plain(whole._getobj_objstm(stream, index, 1 + index))
        assert _plain(lazy._getobj_objstm(stream, index, 1 + index)) == expected
    assert 10_000 not in lazy._parsed_objs


def test_a_glyph_left_out_of_a_browser_print_is_read_without_parsing_whole_object_streams(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 24: a print with blank cells cost three times a like print, pdfminer parsing every
    # font of the document to decode the lone space pdfium left out of each page.
    whole: list[int] = []
    parse_whole = PDFDocument._get_objects

    def counted(self: PDFDocument, stream: PDFStream) -> Any:
        whole.append(stream.objid or 0)
        return parse_whole(self, stream)

    monkeypatch.setattr(PDFDocument, "_get_objects", counted)
    report = convert_path(PRINTS / "built-blank-2021-a5.pdf")
    assert report.annual_report is not None
    assert whole == []
