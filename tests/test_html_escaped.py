"""Report bodies delivered escaped: in a `<script>` string, or in a JSON API response.

The fixtures (tests/fixtures/html/make_fixtures.py) move the body of two real pages, the GBK
sample and the 平潭 2024 page, into a script or a JSON string; each must read as the page it
came from: the same tables, cell by cell with their spans, and the same figures.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

import nianbao
from nianbao.adapters._escaped_html import find_in_json, find_in_script, unescape_js
from nianbao.schemas.model import ElementOrigin, LineOrigin

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "html"
REPORT_2021 = ROOT / "samples" / "html" / "report-2021.html"
PINGTAN_2024 = ROOT / "tests" / "fixtures" / "linear" / "pingtan-2024.html"

PAIRS = [
    (REPORT_2021, "report-2021-in-script.html"),
    (REPORT_2021, "report-2021-api.txt"),
    (PINGTAN_2024, "pingtan-2024-in-script.html"),
    (PINGTAN_2024, "pingtan-2024-api.json"),
]


def _tables(report: nianbao.Report) -> list[object]:
    return [
        (t.n_rows, t.n_cols, [(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells])
        for t in report.document.tables
    ]


def _figures(report: nianbao.Report) -> dict[str, object]:
    annual = report.annual_report
    assert annual is not None
    return {key: (f.value, f.raw) for key, f in annual.figures.items()}


@pytest.mark.parametrize(("plain", "escaped"), PAIRS, ids=[name for _, name in PAIRS])
def test_escaped_body_reads_as_the_page_it_came_from(plain: Path, escaped: str) -> None:
    expected, report = nianbao.convert_document(plain), nianbao.convert_document(FIXTURES / escaped)
    assert len(expected.document.tables) == 3
    assert _tables(report) == _tables(expected)
    assert _figures(report) == _figures(expected)
    assert len(_figures(report)) == 202
    annual, plain_annual = report.annual_report, expected.annual_report
    assert annual is not None and plain_annual is not None
    assert (annual.organization, annual.year) == (plain_annual.organization, plain_annual.year)
    (note,) = [d for d in report.diagnostics if d.code == "html.unescaped"]
    if escaped.endswith(".html"):
        assert isinstance(note.origin, ElementOrigin)
        assert note.origin.path.endswith("/script[1]")
        cell = report.document.tables[0].cells[0].origin
        assert isinstance(cell, ElementOrigin) and "/unescaped[1]/table[" in cell.path
    else:
        assert isinstance(note.origin, LineOrigin)
        assert "JSON" in note.message


def test_entity_escaped_markup_is_said_so() -> None:
    report = nianbao.convert_document(FIXTURES / "report-2021-api.txt")
    (note,) = [d for d in report.diagnostics if d.code == "html.unescaped"]
    assert "HTML entities" in note.message


def _with_scripts(*scripts: str) -> bytes:
    """The GBK sample page with `scripts` added after its body."""
    page = REPORT_2021.read_bytes().decode("gbk")
    added = "".join(f"<script>{s}</script>\n" for s in scripts)
    return page.replace("<footer>", added + "<footer>").encode("gbk")


def test_small_html_in_scripts_does_not_displace_the_page() -> None:
    menu = "document.write('<ul><li><a href=\"/\">首页</a></li><li>政务公开</li></ul>');"
    calendar = (
        'var cal = "<table><tr><td>一</td><td>二</td></tr><tr><td>1</td><td>2</td></tr></table>";'
    )
    notice = 'var tip = "<p>本网站由某某区人民政府办公室主办，联系电话：0000-0000000。</p>";'
    report = nianbao.convert_bytes(_with_scripts(menu, calendar, notice), filename="page.html")
    expected = nianbao.convert_document(REPORT_2021)
    assert _tables(report) == _tables(expected)
    assert _figures(report) == _figures(expected)
    assert [d for d in report.diagnostics if d.code == "html.unescaped"] == []


def test_a_table_in_a_script_is_taken_only_where_the_page_has_none() -> None:
    page = REPORT_2021.read_bytes().decode("gbk")
    prose_only = re.sub(r"<table border.*?</table>", "", page, flags=re.S)
    calendar = "<table>" + "<tr><td>1</td><td>2</td><td>3</td></tr>" * 3 + "</table>"
    data = prose_only.replace("<footer>", f'<script>var c = "{calendar}";</script><footer>')
    report = nianbao.convert_bytes(data.encode("gbk"), filename="page.html")
    without = nianbao.convert_bytes(prose_only.encode("gbk"), filename="page.html")
    # a calendar's few figures are not the report's missing table
    assert _tables(report) == _tables(without)
    assert "1" not in {c.text for t in report.document.tables for c in t.cells}
    assert [d for d in report.diagnostics if d.code == "html.unescaped"] == []


def test_huge_and_malformed_scripts_cost_time_in_proportion() -> None:
    hostile = [
        '"\\"' * 400_000,  # a string that never closes, of escaped quotes
        "'" * 1_000_000,
        "`" + "a\\" * 400_000,
        ('"<p>' + "\\u003c" * 5) * 40_000,
    ]
    for script in hostile:
        started = time.perf_counter()
        report = nianbao.convert_bytes(_with_scripts(script), filename="page.html")
        assert time.perf_counter() - started < 10
        assert len(report.document.tables) == 3


def test_js_and_json_escapes() -> None:
    assert unescape_js(r"<td colspan=\"3\">a<\/td>\n") == '<td colspan="3">a</td>\n'
    assert unescape_js(r"\u003ctd\u003e\x3cbr\x3e") == "<td><br>"
    assert unescape_js(r"\ud83d\ude00 \u{1F600} it\'s \\ \q") == "\U0001f600 \U0001f600 it's \\ q"
    (found,) = find_in_script(r"var s = 'x'; var c = " + r'"\u003ctable\u003e\u003c/table\u003e";')
    assert found.html == "<table></table>" and found.escapes == "JavaScript string"
    (raw,) = find_in_json('{"a": [1, {"b": "<p>x</p>"}]}') or []
    (escaped,) = find_in_json('{"a":[1,{"b":"\\u003cp\\u003ex\\u003c/p\\u003e"}]}') or []
    assert raw.html == escaped.html == "<p>x</p>"
    assert find_in_json("not json") is None
    assert find_in_json("[" * 100_000) is None  # too deep for the parser: not read, not a crash
