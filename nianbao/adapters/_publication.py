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

from nianbao.schemas.model import Publication

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: A crawler's header lines read, by their key, into the `Publication` field they state.
_HEADER_FIELDS = {
    "标题": "title",
    "发布时间": "published",
    "发布日期": "published",
    "发布机构": "publisher",
    "原文链接": "url",
    "原始链接": "url",
    "原文地址": "url",
}
#: Other keys of a crawler's header, read past: the header goes on after them.
_HEADER_OTHER = frozenset({"文号", "栏目", "本地目录", "索引号", "来源", "正文"})
_HEADER_LINE = re.compile(r"^\s*([\u4e00-\u9fff]{2,4})\s*[:：]\s*(.*?)\s*$")
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
    stated: dict[str, str] = {}
    keys = 0
    for line in lines[:HEADER_WINDOW]:
        if not line.strip():
            continue
        match = _HEADER_LINE.match(line)
        if match is None or match.group(1) not in (_HEADER_FIELDS.keys() | _HEADER_OTHER):
            break
        keys += 1
        field = _HEADER_FIELDS.get(match.group(1))
        if field is not None and 0 < len(match.group(2)) <= _MAX_VALUE:
            stated.setdefault(field, match.group(2))
    if keys < 2 or not stated:
        return None
    return Publication.model_validate(stated)


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
