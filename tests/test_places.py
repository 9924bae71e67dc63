"""A figure's origin followed to the place in the input where it was printed."""

from __future__ import annotations

from nianbao.schemas.model import (
    Block,
    Document,
    LineOrigin,
    PageOrigin,
    Table,
    TableCell,
    TableCellOrigin,
    TextSpanOrigin,
)
from nianbao.schemas.places import Places


def _document() -> Document:
    merged = TableCell(
        row=0, col=0, row_span=2, text="7", origin=PageOrigin(page=3, bbox=(1, 2, 3, 4))
    )
    plain = TableCell(row=0, col=1, text="8", origin=PageOrigin(page=3, bbox=(5, 2, 9, 4)))
    table = Table(
        n_rows=2,
        n_cols=2,
        method="ruled",
        confidence=1.0,
        cells=[merged, plain],
        origin=PageOrigin(page=3),
    )
    block = Block(
        kind="paragraph", text="共收到申请7件", origin=LineOrigin(line_start=4, line_end=5)
    )
    return Document(blocks=[block], tables=[table])


def test_a_cell_inside_a_merged_cell_is_placed_where_the_merged_cell_is() -> None:
    places = Places(_document())
    assert places.place_of(TableCellOrigin(table=0, row=1, col=0)) == PageOrigin(
        page=3, bbox=(1, 2, 3, 4)
    )
    assert places.place_of(TableCellOrigin(table=0, row=0, col=1)) == PageOrigin(
        page=3, bbox=(5, 2, 9, 4)
    )


def test_a_span_of_a_block_is_placed_at_the_block_and_a_dangling_pointer_nowhere() -> None:
    places = Places(_document())
    assert places.place_of(TextSpanOrigin(block=0, start=4, end=5)) == LineOrigin(
        line_start=4, line_end=5
    )
    assert places.place_of(TextSpanOrigin(block=9, start=0, end=1)) is None
    assert places.place_of(TableCellOrigin(table=4, row=0, col=0)) is None
    assert places.place_of(TableCellOrigin(table=0, row=1, col=1)) is None


def test_an_origin_that_is_already_a_place_is_its_own() -> None:
    origin = PageOrigin(page=2, bbox=(0, 0, 1, 1))
    assert Places(_document()).place_of(origin) is origin


def test_a_span_of_a_block_that_keeps_its_line_breaks_is_placed_on_its_own_lines() -> None:
    block = Block(
        kind="paragraph",
        text="本年度主动公开\n信息77条，\n收到申请7件",
        origin=LineOrigin(line_start=10, line_end=12),
    )
    places = Places(Document(blocks=[block], tables=[]))
    assert places.place_of(TextSpanOrigin(block=0, start=10, end=12)) == LineOrigin(
        line_start=11, line_end=11
    )
    # A span across a break covers both lines; one ending at a break stays on its line.
    assert places.place_of(TextSpanOrigin(block=0, start=5, end=10)) == LineOrigin(
        line_start=10, line_end=11
    )
    assert places.place_of(TextSpanOrigin(block=0, start=0, end=8)) == LineOrigin(
        line_start=10, line_end=10
    )


def test_a_block_whose_lines_were_joined_is_placed_at_all_its_lines() -> None:
    # The text adapter joins a paragraph's lines: no break says where the span's line is.
    block = Block(
        kind="paragraph", text="本年度主动公开信息77条", origin=LineOrigin(line_start=3, line_end=4)
    )
    places = Places(Document(blocks=[block], tables=[]))
    assert places.place_of(TextSpanOrigin(block=0, start=9, end=11)) == LineOrigin(
        line_start=3, line_end=4
    )
