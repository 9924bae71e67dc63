"""The text objects a content stream makes, as pdfium makes them (`_pdfium_lost`): what stands
in for the objects pdfium's text page leaves out must be the same objects, in the same order."""

from __future__ import annotations

from nianbao.adapters._pdfium_lost import shown_strings


def _read(stream: bytes) -> list[tuple[str, bytes]]:
    return [(shown.font, shown.data) for shown in shown_strings(stream)]


def test_each_text_showing_operator_is_one_object_in_order() -> None:
    stream = (
        b"BT /F1 12 Tf 72 700 Td (one) Tj [(t) -20 (wo)] TJ (three) ' 1 2 (four) \" ET\n"
        b"BT /F2 9 Tf <0003> Tj ET"
    )
    assert _read(stream) == [
        ("F1", b"one"),
        ("F1", b"two"),
        ("F1", b"three"),
        ("F1", b"four"),
        ("F2", b"\x00\x03"),
    ]


def test_what_makes_no_object_is_not_counted() -> None:
    # an empty string, an array of kerning alone, text before any font is set
    stream = b"BT (before) Tj ET BT /F1 12 Tf () Tj [-250] TJ (kept) Tj ET"
    assert _read(stream) == [("F1", b"kept")]


def test_strings_are_read_whole_escapes_and_parentheses_included() -> None:
    stream = rb"BT /F1 12 Tf (a \(b\) (c) \101\n\\) Tj /ActualText (Tj) BDC (d) Tj EMC ET"
    assert _read(stream) == [("F1", b"a (b) (c) A\n\\"), ("F1", b"d")]


def test_the_font_comes_back_with_the_graphics_state() -> None:
    stream = b"BT /F1 12 Tf ET q BT /F2 12 Tf (in) Tj ET Q BT (out) Tj ET"
    assert _read(stream) == [("F2", b"in"), ("F1", b"out")]


def test_an_inline_image_s_bytes_are_not_read_as_operators() -> None:
    stream = b"BT /F1 12 Tf (a) Tj ET BI /W 1 /H 1 ID (x) Tj \xff EI BT (b) Tj ET"
    assert _read(stream) == [("F1", b"a"), ("F1", b"b")]
