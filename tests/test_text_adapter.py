"""The text adapter end to end, on the seed reports: the tables the issue names come out whole."""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao


def _tables(path: Path) -> list[nianbao.Table]:
    return nianbao.convert_document(path).document.tables


def test_seed_004_pipe_tables(text_sample: dict[str, Path]) -> None:
    tables = _tables(text_sample["004"])
    assert [(t.n_cols, t.method) for t in tables] == [(w, "pipe-rows") for w in (4, 10, 15)]
    assert [t.n_rows for t in tables] == [14, 28, 4]
    last_row = [c for c in tables[2].cells if c.row == tables[2].n_rows - 1]
    assert [c.text for c in last_row] == ["0"] * 15
    corner = tables[1].grid()[0][0]
    assert corner is not None and (corner.row_span, corner.col_span) == (3, 3)
    vertical = tables[1].grid()[5][0]
    assert vertical is not None and vertical.text == "三、本年度办理结果"
    assert vertical.row_span == 22


def test_seed_001_tab_table(text_sample: dict[str, Path]) -> None:
    tables = _tables(text_sample["001"])
    assert len(tables) == 1
    assert (tables[0].n_cols, tables[0].method) == (3, "tab-cells")
    assert tables[0].n_rows >= 70
    assert tables[0].caption == "张家坡镇2017年度政府信息公开工作情况统计表"


def test_seed_000_cell_per_line_tables(text_sample: dict[str, Path]) -> None:
    tables = _tables(text_sample["000"])
    assert [(t.n_rows, t.n_cols, t.method) for t in tables] == [(3, 2, "cell-per-line")] * 2
    for table in tables:
        assert "237" in [c.text for c in table.cells]
        assert table.caption is not None and table.caption.endswith("主动公开政府信息情况")


def test_prose_seeds_have_no_tables(text_sample: dict[str, Path]) -> None:
    assert _tables(text_sample["002"]) == []
    assert _tables(text_sample["003"]) == []


def test_every_table_is_reported_with_its_method(text_sample: dict[str, Path]) -> None:
    report = nianbao.convert_document(text_sample["004"])
    reconstructed = [d for d in report.diagnostics if d.code == "table.reconstructed"]
    assert len(reconstructed) == len(report.document.tables) == 3
    assert all("pipe-rows" in d.message for d in reconstructed)


def test_table_blocks_point_at_their_tables(text_sample: dict[str, Path]) -> None:
    document = nianbao.convert_document(text_sample["004"]).document
    table_blocks = [b for b in document.blocks if b.kind == "table"]
    assert [b.table for b in table_blocks] == [0, 1, 2]
    headings = [b.text for b in document.blocks if b.kind == "heading" and b.level == 1]
    assert headings[:4] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]


VARIANTS = {
    "crlf": lambda s: s.replace("\n", "\r\n"),
    "traditional-labels": lambda s: s.replace("规范性文件", "規範性檔案").replace("处理", "處理"),
    "full-width-pipes": lambda s: s.replace("|", "｜"),
    "double-spaced": lambda s: s.replace(" |\n", " |\n\n"),
    "no-space-before-pipes": lambda s: s.replace(" |", "|"),
    "spaces-inside-labels": lambda s: s.replace("本年新收", "本年\u00a0新收").replace(
        "总计", "总 计"
    ),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_seed_004_damaged_further_still_gives_every_figure(
    text_sample: dict[str, Path], variant: str
) -> None:
    original = nianbao.convert_document(text_sample["004"]).annual_report
    text = VARIANTS[variant](text_sample["004"].read_text(encoding="utf-8"))
    report = nianbao.convert_document(text.encode("utf-8"), filename=f"004-{variant}.txt")
    assert [(t.n_rows, t.n_cols) for t in report.document.tables] == [(14, 4), (28, 10), (4, 15)]
    annual = report.annual_report
    assert annual is not None and original is not None
    values = {k: f.value for k, f in annual.figures.items() if f.source == "table"}
    assert values == {k: f.value for k, f in original.figures.items() if f.source == "table"}
    assert len(values) == 200
    assert {c.status for c in annual.checks} == {"pass"}
