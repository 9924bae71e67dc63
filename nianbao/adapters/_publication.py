"""What an input states about its own publication, apart from the report's text.

Crawlers head each page they save with lines such as `标题: …`, `发布时间: 2020-01-20 15:22`,
`发布机构: 市统计局`, `原文链接: https://…` (the 莆田 portal's crawler writes `原始链接`), then the
page's text. Government sites carry the same in the meta tags the national guidelines for
government websites prescribe (`ArticleTitle`, `PubDate`, `ContentSource`, `Url`), and others in
OpenGraph's. Both are read here into a `Publication`, as stated; the profile takes the report's
publication date from it, and its body where the report names none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nianbao.schemas.model import Block, Publication

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: The labels a crawler's header and a page's byline write before what they state, by the
#: `Publication` field each states; where two of a field's labels are stated, the one listed
#: first is read (a header's 发布机构 over its 来源).
_LABELS = {
    "标题": "title",
    "发布时间": "published",
    "发布日期": "published",
    "时间": "published",
    "日期": "published",
    "发布机构": "publisher",
    "来源": "publisher",
    "信息来源": "publisher",
    "原文链接": "url",
    "原始链接": "url",
    "原文地址": "url",
}
#: Other labels of a header or byline, read past: the header or byline goes on after them.
_OTHER_LABELS = frozenset(
    {"文号", "栏目", "本地目录", "索引号", "正文", "作者", "字体", "字号", "浏览次数", "点击数"}
)
_HEADER_LINE = re.compile(r"^\s*([\u4e00-\u9fff]{2,4})\s*[:：]\s*(.*?)\s*$")
#: A page's byline: labels, each with its value after it, on one line.
_BYLINE_LABEL = re.compile(
    "(" + "|".join(sorted(_LABELS.keys() | _OTHER_LABELS, key=len, reverse=True)) + r")\s*[:：]"
)
#: A byline is a short line; a longer one is the report's text, which may say 时间：.
_MAX_BYLINE = 120
#: A date as a header or byline states it: 2020-01-20 15:22, 2020年1月20日.
_DATE = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
#: Lines at the top of a text where its header may stand.
HEADER_WINDOW = 16

#: A value longer than this is no title, date, name or address: a page's damage, not read.
_MAX_VALUE = 2000
#: Meta tags (by `name` or `property`, lower-cased) read into each field, the first stated first.
_META_FIELDS = {
    "title": ("articletitle", "og:title"),
    "published": ("pubdate", "publishdate", "firstpublishedtime", "article:published_time"),
    "publisher": ("contentsource", "author"),
    "url": ("url", "og:url"),
}


def from_header(lines: Sequence[str]) -> Publication | None:
    """The publication a crawler's header at the top of `lines` states; None without one. The
    header is the first lines, each `key: value` with a key crawlers write, at least two of
    them, the first at the top: a `发布时间：` in a report's own text is no header."""
    pairs: list[tuple[str, str]] = []
    for line in lines[:HEADER_WINDOW]:
        if not line.strip():
            continue
        match = _HEADER_LINE.match(line)
        if match is None or match.group(1) not in (_LABELS.keys() | _OTHER_LABELS):
            break
        pairs.append((match.group(1), match.group(2)))
    return _stated(pairs) if len(pairs) >= 2 else None


def from_byline(line: str) -> Publication | None:
    """The publication a page prints on one line under its title, as a header states it:
    `来源：平潭综合实验区管委会办公室时间：2025-03-10 15:35` (a browser's print of the page
    keeps it). None unless the line is labels and values only, from its start, with a date."""
    text = line.strip()
    if len(text) > _MAX_BYLINE:
        return None
    marks = list(_BYLINE_LABEL.finditer(text))
    if len(marks) < 2 or marks[0].start() != 0:
        return None
    ends = [mark.start() for mark in marks[1:]] + [len(text)]
    pairs = [(mark.group(1), text[mark.end() : end]) for mark, end in zip(marks, ends, strict=True)]
    stated = _stated(pairs)
    if stated is None or stated.published is None or not _DATE.match(stated.published):
        return None
    return stated


def under_title(blocks: Sequence[Block]) -> Publication | None:
    """The publication the byline right under the title block states; None without one."""
    at = next((i for i, block in enumerate(blocks) if block.kind == "title"), None)
    if at is None or at + 1 >= len(blocks) or blocks[at + 1].kind != "paragraph":
        return None
    return from_byline(blocks[at + 1].text)


def _stated(pairs: Sequence[tuple[str, str]]) -> Publication | None:
    """The fields `label: value` pairs state, each from its first-ranked label; None if none."""
    ranked = sorted(
        # A byline's last value may run into the page's next control: 【字体：大 中 小】.
        (
            (label, value.strip().removesuffix("【").strip())
            for label, value in pairs
            if label in _LABELS
        ),
        key=lambda pair: list(_LABELS).index(pair[0]),
    )
    stated: dict[str, str] = {}
    for label, value in ranked:
        if 0 < len(value) <= _MAX_VALUE:
            stated.setdefault(_LABELS[label], value)
    return Publication.model_validate(stated) if stated else None


def from_meta(root: HtmlElement) -> Publication | None:
    """The publication a page's meta tags (and its canonical link) state; None without any."""
    head = root.find("head")
    if head is None:
        return None
    content: dict[str, str] = {}
    for meta in head.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if name and 0 < len(value) <= _MAX_VALUE:
            content.setdefault(name, value)
    stated = {
        field: value
        for field, names in _META_FIELDS.items()
        if (value := next((content[n] for n in names if n in content), None)) is not None
    }
    if "url" not in stated:
        canonical = next(
            (
                link.get("href", "").strip()
                for link in head.iter("link")
                if (link.get("rel") or "").lower() == "canonical"
            ),
            "",
        )
        if canonical:
            stated["url"] = canonical
    return Publication.model_validate(stated) if stated else None
