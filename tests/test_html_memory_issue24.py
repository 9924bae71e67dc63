"""Issue 24: a long web page is read in memory bounded by what it holds, not by its tree.

The reading walks an element's children one at a time (not a step made for each of a hundred
thousand paragraphs before the first is read), and a tree that is read once is let go as it is
read, each element emptied once its text is taken. The report stays the same (the goldens,
and every page of the corpus byte for byte)."""

from __future__ import annotations

import tracemalloc

from nianbao.adapters import html
from nianbao.adapters._html_parse import parse_page
from nianbao.adapters._html_read import Reader
from nianbao.adapters.sniff import InputInfo

PARAGRAPHS = 20_000
INFO = InputInfo(name="long.html", size=0, format="html")


def _page(script: str = "") -> str:
    body = "".join(f"<p>第{n}段，全年主动公开政府信息{n}条。</p>" for n in range(PARAGRAPHS))
    return f"<html><head>{script}</head><body><div>{body}</div></body></html>"


def test_a_long_page_is_read_without_a_step_held_for_every_paragraph() -> None:
    root = parse_page(_page(), INFO)
    reader = Reader(source=INFO.name)
    tracemalloc.start()
    try:
        reader.flow(root.find("body"), "body")
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(reader.items) == PARAGRAPHS
    # what the reading made beyond what it keeps: a few frames, not 20,000 steps and paths
    assert peak - held < 1_000_000


def test_a_long_page_s_tree_is_let_go_as_it_is_read() -> None:
    root = parse_page(_page(), INFO)
    items, _ = html._read_tree(root, INFO)
    assert len(items) == PARAGRAPHS
    assert root.xpath("count(//p[text()])") == 0  # every paragraph emptied once read


def test_a_tree_read_again_for_a_script_s_escaped_html_is_kept() -> None:
    script = "<script>var s = '<table><tr><td>1</td><td>2</td></tr></table>';</script>"
    root = parse_page(_page(script), INFO)
    html._read_tree(root, INFO)
    assert root.xpath("count(//p[text()])") == PARAGRAPHS
