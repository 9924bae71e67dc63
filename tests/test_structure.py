from __future__ import annotations

import pytest

from nianbao.text.numbering import numbering_level
from nianbao.text.structure import build_blocks
from nianbao.text.tables import Line


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("一、总体情况", 1),
        ("十二、其他", 1),
        ("（一）主动公开", 2),
        ("(三)不予公开", 2),
        ("1.属于国家秘密", 3),
        ("2、其他", 3),
        ("（1）具体办法", 4),
        ("(2) 具体解决办法", 4),
        ("①组织机构类", 5),
        ("2017年，我镇", None),
        ("7730.28", None),
        ("一是加强组织领导", None),
    ],
)
def test_numbering_levels(text: str, level: int | None) -> None:
    assert numbering_level(text) == level


def _lines(*texts: str) -> list[Line]:
    return [Line(n, t) for n, t in enumerate(texts, 1)]


def test_blocks_title_headings_items_paragraphs() -> None:
    blocks, tables, title = build_blocks(
        _lines(
            "江城镇2017年政府信息公开工作",
            "年度报告",
            "",
            "一、概述",
            "（一）高度重视，加强组织领导。一是成立领导小组。",
            "(二)依申请公开情况",
            "2017年，我镇主动公开政府信息142条。",
        ),
        [],
    )
    assert title == "江城镇2017年政府信息公开工作年度报告"
    assert tables == []
    assert [(b.kind, b.level) for b in blocks] == [
        ("title", None),
        ("heading", 1),
        ("list_item", 2),
        ("heading", 2),
        ("paragraph", None),
    ]
    assert blocks[0].origin.model_dump() == {"kind": "lines", "line_start": 1, "line_end": 2}


def test_no_title_when_the_body_starts_at_once() -> None:
    _, _, title = build_blocks(_lines("一、总体情况", "某镇政府信息公开工作报告"), [])
    assert title is None
