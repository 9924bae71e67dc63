"""Rebuilding flattened tables: the three shapes, the span rules, and the real samples."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from nianbao.schemas.model import Table, TableCell
from nianbao.text.tables import FoundTable, Line, find_tables

TEXT_DIR = Path(__file__).parent.parent / "samples" / "text"


def lines_of(text: str) -> list[Line]:
    normalised = text.replace("\u00a0", " ").replace("\u3000", " ")
    return [Line(n, line) for n, line in enumerate(normalised.splitlines(), start=1)]


@cache
def sample(prefix: str) -> tuple[list[Line], list[FoundTable]]:
    (path,) = TEXT_DIR.glob(f"{prefix}_*.txt")
    lines = lines_of(path.read_text("utf-8"))
    return lines, find_tables(lines)


def at(table: Table, row: int, col: int) -> TableCell:
    """The cell whose top-left corner is (row, col)."""
    matches = [cell for cell in table.cells if (cell.row, cell.col) == (row, col)]
    assert len(matches) == 1, f"no single cell starts at ({row}, {col})"
    return matches[0]


def spans(cell: TableCell) -> tuple[int, int]:
    return cell.row_span, cell.col_span


def find(table: Table, text: str) -> TableCell:
    matches = [cell for cell in table.cells if cell.text == text]
    assert matches, f"no cell {text!r}"
    return matches[0]


def assert_exact_cover(table: Table) -> None:
    counts = [[0] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        assert cell.row + cell.row_span <= table.n_rows, cell
        assert cell.col + cell.col_span <= table.n_cols, cell
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                counts[r][c] += 1
    assert all(count == 1 for row in counts for count in row), counts


def codes(found: FoundTable) -> list[str]:
    return [d.code for d in found.diagnostics]


def only_table(text: str) -> FoundTable:
    found = find_tables(lines_of(text))
    assert len(found) == 1, found
    return found[0]


# --- pipe-rows -------------------------------------------------------------------------------

SMALL_PIPE = """\
二、主动公开政府信息情况
第二十条第(一)项 | |||
信息内容 |
本年制发件数 |
本年废止件数 |
现行有效件数 |
规章 |
0 |
1 |
2 |
第二十条第(五)项 | |||
信息内容 |
本年处理决定数量 | ||
行政许可 |
0 | ||
行政事业性收费 |
7730.28 |
三、收到和处理政府信息公开申请情况
"""


def test_pipe_rows_width_rows_and_extent() -> None:
    found = only_table(SMALL_PIPE)
    table = found.table
    assert (found.start, found.end) == (1, 17)
    assert found.caption is None  # a numbered heading is not a caption
    assert (table.method, table.n_cols, table.n_rows) == ("pipe-rows", 4, 7)
    assert table.origin.model_dump() == {"kind": "lines", "line_start": 2, "line_end": 17}
    assert_exact_cover(table)
    assert spans(at(table, 0, 0)) == (1, 4)
    assert [at(table, 1, c).text for c in range(4)] == [
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
    ]
    assert all(cell.header for cell in table.cells if cell.row in {0, 1, 3, 4})
    assert not any(cell.header for cell in table.cells if cell.row in {2, 5, 6})
    assert at(table, 2, 3).origin.model_dump() == {
        "kind": "lines",
        "line_start": 10,
        "line_end": 10,
    }


def test_pipe_rows_single_header_row_puts_first_cell_over_labels() -> None:
    table = only_table(SMALL_PIPE).table
    assert (at(table, 4, 0).text, spans(at(table, 4, 0))) == ("信息内容", (1, 1))
    assert (at(table, 4, 1).text, spans(at(table, 4, 1))) == ("本年处理决定数量", (1, 3))


def test_pipe_rows_fewer_values_than_value_columns_last_spans() -> None:
    table = only_table(SMALL_PIPE).table
    assert (at(table, 5, 1).text, spans(at(table, 5, 1))) == ("0", (1, 3))


def test_pipe_rows_short_unpadded_last_row() -> None:
    found = only_table(SMALL_PIPE)
    table = found.table
    assert at(table, 6, 0).text == "行政事业性收费"
    assert (at(table, 6, 1).text, spans(at(table, 6, 1))) == ("7730.28", (1, 3))
    assert codes(found) == ["table.reconstructed"]
    assert table.confidence == 0.95


def test_pipe_rows_reconstructed_diagnostic() -> None:
    found = only_table(SMALL_PIPE)
    (info,) = found.diagnostics
    assert (info.severity, info.code) == ("info", "table.reconstructed")
    assert "pipe-rows" in info.message and "7x4" in info.message and "0.95" in info.message
    assert info.origin == found.table.origin


NESTED_PIPE = """\
项目 |
申请人情况 | |||||
自然人 |
法人 |
总计 | ||||
商业 企业 |
其他 | |||||
一、本年新收 |
0 |
1 |
2 |
3 | ||
三、办理结果 |
(一)予以公开 |
0 |
0 |
0 |
0 | |
(二)不予公开 |
1.属于国家秘密 |
5 |
251000元 |
- |
22（其中修订16件） | |
2.其他 |
0 |
0 |
/ |
0 | ||
(三)总计 |
0 |
0 |
0 |
0 | ||
四、结转 |
0 |
0 |
0 |
0 |
"""


def test_pipe_rows_header_tree_with_corner() -> None:
    found = only_table(NESTED_PIPE)
    table = found.table
    assert (table.n_cols, table.n_rows) == (7, 9)
    assert codes(found) == ["table.reconstructed"]
    assert_exact_cover(table)
    assert (at(table, 0, 0).text, spans(at(table, 0, 0))) == ("项目", (3, 3))
    assert (at(table, 0, 3).text, spans(at(table, 0, 3))) == ("申请人情况", (1, 4))
    assert (at(table, 1, 3).text, spans(at(table, 1, 3))) == ("自然人", (2, 1))
    assert (at(table, 1, 4).text, spans(at(table, 1, 4))) == ("法人", (1, 2))
    assert (at(table, 1, 6).text, spans(at(table, 1, 6))) == ("总计", (2, 1))
    assert [at(table, 2, c).text for c in (4, 5)] == ["商业 企业", "其他"]
    assert all(cell.header for cell in table.cells if cell.row < 3)


def test_pipe_rows_labels_nest_by_numbering_level() -> None:
    table = only_table(NESTED_PIPE).table
    assert spans(find(table, "一、本年新收")) == (1, 3)
    top = find(table, "三、办理结果")
    assert (top.row, top.col, spans(top)) == (4, 0, (4, 1))
    assert (find(table, "(一)予以公开").col, spans(find(table, "(一)予以公开"))) == (1, (1, 2))
    refused = find(table, "(二)不予公开")
    assert (refused.row, refused.col, spans(refused)) == (5, 1, (2, 1))
    assert (find(table, "1.属于国家秘密").col, find(table, "2.其他").col) == (2, 2)
    assert (find(table, "(三)总计").col, spans(find(table, "(三)总计"))) == (1, (1, 2))
    assert (find(table, "四、结转").col, spans(find(table, "四、结转"))) == (0, (1, 3))
    # Units, dashes and notes in brackets are values, so they line up with the numbers.
    assert [at(table, 5, c).text for c in range(3, 7)] == [
        "5",
        "251000元",
        "-",
        "22（其中修订16件）",
    ]


def test_pipe_rows_ambiguous_header_split_is_reported() -> None:
    text = "A |\nB | |\na1 |\na2 |\na3 |\n1 |\n2 |\n3 |\n"
    found = only_table(text)
    table = found.table
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert_exact_cover(table)
    assert spans(at(table, 0, 0)) == (1, 1)
    assert (at(table, 0, 1).text, spans(at(table, 0, 1))) == ("B", (1, 2))
    assert codes(found) == ["table.reconstructed", "table.layout_ambiguous"]
    assert found.diagnostics[1].severity == "warning"
    assert table.confidence < 0.95


def test_pipe_rows_totals_decide_the_header_split() -> None:
    text = "A |\nB | |||\na1 |\n总计 |\nb1 |\nb2 |\n总计 |\n1 |\n2 |\n3 |\n4 |\n5 |\n"
    found = only_table(text)
    table = found.table
    assert codes(found) == ["table.reconstructed"]
    assert (at(table, 0, 0).text, spans(at(table, 0, 0))) == ("A", (1, 2))
    assert (at(table, 0, 2).text, spans(at(table, 0, 2))) == ("B", (1, 3))


def test_pipe_rows_fall_back_when_spans_do_not_fit() -> None:
    # The second data row has two labels but the table has only one label column.
    text = "标题 | ||\n一、甲 |\n1 |\n2 |\n乙 |\n丙 |\n3 |\n"
    found = only_table(text)
    table = found.table
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert_exact_cover(table)
    assert [at(table, 2, c).text for c in range(3)] == ["乙", "丙", "3"]
    assert "table.layout_ambiguous" in codes(found)
    assert "left to right" in found.diagnostics[1].message
    assert table.confidence <= 0.65


def test_pipe_rows_a_non_pipe_line_ends_the_table() -> None:
    text = "甲 | |\n0 |\n1 |\n说明文字\n乙 | |\n2 |\n3 |\n"
    found = find_tables(lines_of(text))
    assert [(f.start, f.end) for f in found] == [(0, 3), (4, 7)]


# --- tab-cells -------------------------------------------------------------------------------

TAB_TEXT = """\
附件
某镇2017年度政府信息公开工作情况统计表
\t统\u3000计\u3000指\u3000标
\t单位
\t统计数

\t一、主动公开情况
\t
\t\u3000\u3000

\t\u3000\u3000（一）主动公开政府信息数
\t条
\t\u3000\u3000142\u3000\u3000

\t七、向图书馆报送信息数


\t条
\t0

\t1.政府网站公开政府信息数
\t条
\t0


（注：各子栏目数总数要等于总栏目数量）
"""


def test_tab_cells_groups_become_rows() -> None:
    found = only_table(TAB_TEXT)
    table = found.table
    assert (table.method, table.n_cols, table.n_rows) == ("tab-cells", 3, 5)
    assert (found.start, found.end, found.caption) == (2, 23, 1)
    assert table.caption == "某镇2017年度政府信息公开工作情况统计表"
    assert table.origin.model_dump() == {"kind": "lines", "line_start": 2, "line_end": 23}
    assert_exact_cover(table)
    assert [at(table, 0, c).text for c in range(3)] == ["统 计 指 标", "单位", "统计数"]
    assert all(cell.header for cell in table.cells if cell.row == 0)
    assert not any(cell.header for cell in table.cells if cell.row > 0)
    assert [at(table, 1, c).text for c in range(3)] == ["一、主动公开情况", "", ""]
    assert [at(table, 2, c).text for c in range(3)] == ["（一）主动公开政府信息数", "条", "142"]


def test_tab_cells_row_split_by_blank_lines_is_joined_with_a_warning() -> None:
    found = only_table(TAB_TEXT)
    assert [at(found.table, 3, c).text for c in range(3)] == ["七、向图书馆报送信息数", "条", "0"]
    assert codes(found) == ["table.reconstructed", "table.layout_ambiguous"]


def test_tab_cells_short_group_is_padded() -> None:
    text = "\t项目\n\t数量\n\n\t甲\n\t1\n\n\t乙\n"
    found = only_table(text)
    table = found.table
    assert (table.n_rows, table.n_cols) == (3, 2)
    assert (at(table, 2, 0).text, spans(at(table, 2, 0))) == ("乙", (1, 2))
    assert "table.layout_ambiguous" in codes(found)


def test_tab_separated_lines() -> None:
    text = "某镇信息统计表\n项目\t单位\t数量\n甲\t件\t3\n乙\t条\t\n结束了。\n"
    found = only_table(text)
    table = found.table
    assert (table.method, table.n_rows, table.n_cols) == ("tab-cells", 3, 3)
    assert (found.start, found.end, found.caption) == (1, 4, 0)
    assert [at(table, 2, c).text for c in range(3)] == ["乙", "条", ""]


# --- cell-per-line ---------------------------------------------------------------------------

CELL_TEXT = """\
二、主动公开政府信息情况

全文电子化的主动公开信息数为184条，其中组织机构类信息为4条。

2017通过微信公众号平台主动公开政府信息情况

信息类型

数量(条)

新闻动态类

237

合计

237

\u00a0

三、依申请公开政府信息情况

2017年，我镇政府未有接到申请。
"""


def test_cell_per_line_table() -> None:
    found = only_table(CELL_TEXT)
    table = found.table
    assert (table.method, table.n_rows, table.n_cols) == ("cell-per-line", 3, 2)
    assert (found.caption, found.start, found.end) == (4, 6, 17)
    assert table.caption == "2017通过微信公众号平台主动公开政府信息情况"
    assert [[at(table, r, c).text for c in range(2)] for r in range(3)] == [
        ["信息类型", "数量(条)"],
        ["新闻动态类", "237"],
        ["合计", "237"],
    ]
    assert all(cell.header == (cell.row == 0) for cell in table.cells)
    assert codes(found) == ["table.reconstructed"]


def test_cell_per_line_needs_numbers_and_a_caption() -> None:
    no_numbers = "办公场所情况\n\n党务公开栏\n\n图片6.JPG\n\n党风廉政建设宣传栏\n\n部门政务公开栏\n"
    no_caption = "信息类型\n数量(条)\n新闻动态类\n237\n合计\n237\n"
    assert find_tables(lines_of(no_numbers)) == []
    assert find_tables(lines_of(no_caption)) == []


def test_prose_and_headings_are_not_tables() -> None:
    text = """\
一、总体情况
2024年以来我镇按照区政府的统一要求,认真贯彻落实政府信息公开工作要求。
(一)主动公开政府信息情况
1.健全组织领导。强化了政务公开工作的组织领导。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
2017年，我镇未收取政府信息公开的任何费用。
无。
鹤山市鹤城镇人民政府
2018年3月21日
"""
    assert find_tables(lines_of(text)) == []


# --- the real samples ------------------------------------------------------------------------


def test_sample_004_three_pipe_tables() -> None:
    lines, found = sample("004")
    assert [(f.table.method, f.table.n_cols, f.table.n_rows) for f in found] == [
        ("pipe-rows", 4, 14),
        ("pipe-rows", 10, 28),
        ("pipe-rows", 15, 4),
    ]
    assert [(lines[f.start].number, lines[f.end - 1].number) for f in found] == [
        (11, 40),
        (42, 256),
        (258, 291),
    ]
    for f in found:
        assert_exact_cover(f.table)
        assert codes(f) == ["table.reconstructed"]


def test_sample_004_four_wide_table() -> None:
    table = sample("004")[1][0].table
    assert (at(table, 0, 0).text, spans(at(table, 0, 0))) == ("第二十条第(一)项", (1, 4))
    assert (at(table, 6, 1).text, spans(at(table, 6, 1))) == ("0", (1, 3))
    assert (at(table, 13, 0).text, at(table, 13, 1).text) == ("行政事业性收费", "0")
    assert spans(at(table, 13, 1)) == (1, 3)


def test_sample_004_ten_wide_table_spans() -> None:
    table = sample("004")[1][1].table
    expected = {
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)": (0, 0, 3, 3),
        "申请人情况": (0, 3, 1, 7),
        "自然人": (1, 3, 2, 1),
        "法人或其他组织": (1, 4, 1, 5),
        "总计": (1, 9, 2, 1),
        "一、本年新收政府信息公开申请数量": (3, 0, 1, 3),
        "三、本年度办理结果": (5, 0, 22, 1),
        "(一)予以公开": (5, 1, 1, 2),
        "(三)不予公开": (7, 1, 8, 1),
        "1.属于国家秘密": (7, 2, 1, 1),
        "(七)总计": (26, 1, 1, 2),
        "四、结转下年度继续办理": (27, 0, 1, 3),
    }
    for text, place in expected.items():
        cell = find(table, text)
        assert (cell.row, cell.col, cell.row_span, cell.col_span) == place, text
    assert [at(table, 2, c).text for c in range(4, 9)] == [
        "商业 企业",
        "科研 机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert all(cell.header == (cell.row < 3) for cell in table.cells)
    assert [at(table, 27, c).text for c in range(3, 10)] == ["0"] * 7


def test_sample_004_fifteen_wide_table_spans() -> None:
    table = sample("004")[1][2].table
    assert (at(table, 0, 0).text, spans(at(table, 0, 0))) == ("行政复议", (1, 5))
    assert (at(table, 0, 5).text, spans(at(table, 0, 5))) == ("行政诉讼", (1, 10))
    row1 = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [(at(table, 1, c).text, spans(at(table, 1, c))) for c in range(5)] == [
        (text, (2, 1)) for text in row1
    ]
    assert (at(table, 1, 5).text, spans(at(table, 1, 5))) == ("未经复议直接起诉", (1, 5))
    assert (at(table, 1, 10).text, spans(at(table, 1, 10))) == ("复议后起诉", (1, 5))
    assert [at(table, 2, c).text for c in range(5, 15)] == row1 * 2
    assert [at(table, 3, c).text for c in range(15)] == ["0"] * 15


def test_sample_001_tab_table() -> None:
    lines, found = sample("001")
    (f,) = found
    table = f.table
    assert (table.method, table.n_cols) == ("tab-cells", 3)
    assert table.n_rows >= 70
    assert f.caption is not None and lines[f.caption].number == 54
    assert table.caption == "张家坡镇2017年度政府信息公开工作情况统计表"
    assert (lines[f.start].number, lines[f.end - 1].number) == (55, 379)
    assert_exact_cover(table)
    assert [at(table, 0, c).text for c in range(3)] == ["统 计 指 标", "单位", "统计数"]
    assert all(cell.header == (cell.row == 0) for cell in table.cells)
    label = find(table, "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）")
    assert at(table, label.row, 2).text == "142"


def test_sample_000_cell_per_line_tables() -> None:
    lines, found = sample("000")
    assert [(f.table.method, f.table.n_rows, f.table.n_cols) for f in found] == [
        ("cell-per-line", 3, 2),
        ("cell-per-line", 3, 2),
    ]
    assert [f.table.caption for f in found] == [
        "2017鹤城镇通过微信公众号平台主动公开政府信息情况",
        "2017鹤城镇通过微博公众平台主动公开政府信息情况",
    ]
    for f in found:
        assert at(f.table, 1, 1).text == at(f.table, 2, 1).text == "237"
        assert at(f.table, 2, 0).text == "合计"
    heading = next(i for i, line in enumerate(lines) if line.text == "三、依申请公开政府信息情况")
    assert all(not f.start <= heading < f.end for f in found)


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_prose_samples_have_no_tables(prefix: str) -> None:
    assert sample(prefix)[1] == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_samples_tables_are_ordered_and_disjoint(prefix: str) -> None:
    _, found = sample(prefix)
    previous_end = 0
    for f in found:
        assert previous_end <= f.start < f.end
        assert f.caption is None or previous_end <= f.caption < f.start
        previous_end = f.end
        assert 0.0 <= f.table.confidence <= 1.0
        assert f.table.confidence == round(f.table.confidence, 2)


def test_pipe_rows_without_padding_guess_width_with_a_warning() -> None:
    found = only_table("项目 |\n数量 |\n甲 |\n1 |\n乙 |\n2 |\n")
    assert (found.table.n_rows, found.table.n_cols) == (3, 2)
    assert [at(found.table, 2, c).text for c in range(2)] == ["乙", "2"]
    assert "table.layout_ambiguous" in codes(found)


def test_markdown_rows_with_left_out_covered_cells_get_their_spans() -> None:
    text = [
        "| | | | |",
        "| --- | --- | --- | --- |",
        "| 第二十条第（五）项 | | | |",
        "| 信息内容 | 本年处理决定数量 | | |",
        "| 行政许可 | 172 | | |",
        "| 规章 | 6 | | 6 |",
    ]
    (found,) = find_tables([Line(n, t) for n, t in enumerate(text, 1)])
    table = found.table
    assert (table.method, table.n_rows, table.n_cols) == ("markdown", 4, 4)
    grid = [[c.text if c else None for c in row] for row in table.grid()]
    assert grid[0] == ["第二十条第（五）项"] * 4
    assert grid[1] == ["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"]
    assert grid[2] == ["行政许可", "172", "172", "172"]
    assert grid[3] == ["规章", "6", "", "6"]  # a blank among figures stays a blank cell
