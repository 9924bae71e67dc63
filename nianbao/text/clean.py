"""Normalise decoded text and strip the web page around a report, never the report's words.

Text scraped from government sites carries the site's chrome: its name and emblem, menus,
【字体】【打印】【关闭】 bars, share targets, 返回顶部, image file names. Removing it is a
judgement, so every removed line is reported in a `boilerplate.removed` diagnostic with its
line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from nianbao.forms import FORMS
from nianbao.schemas.model import Diagnostic, LineOrigin
from nianbao.text.numbering import numbered_headings, parse_numbering
from nianbao.text.script import ascii_digits
from nianbao.text.tables import Line

# Spaces that look like a space to a reader: NBSP, ideographic space, the typographic ones.
_SPACES = re.compile("[\u00a0\u2002-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
# Markup left behind by Word-to-text converters, e.g. `[bookmark: _GoBack]`.
_STRAY_MARKUP = re.compile(r"\[(?:bookmark|image|comment)s?:[^\]\n]*\]", re.I)
# Markdown that converters leave around a report's words: **bold**, __bold__, `# ` headings.
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+", re.M)

_CHROME_LINE = re.compile(
    r"^(?:"
    r"分享(?:文章)?到[:：]?.{0,20}|返回顶部|回到顶部|关注(?:微信)?公众号|打印本页|关闭窗口|"
    r"【?(?:字体|字号)[:：].{0,12}|"
    r"\S{0,40}\.(?:jpe?g|png|gif|bmp|webp|tiff?)|图片\d*|"
    r"(?:扫一扫|手机扫描).{0,20}|"
    r"(?:上一篇|下一篇)[:：].*|"
    r"(?:当前位置|您当前的位置|您现在的位置|您的位置)[:：].{0,80}|"
    r"网站地图|联系我们|无障碍浏览|长者模式|English|繁体版?|简体版?"
    r")$",
    re.I,
)
# Site footers: registration numbers and sponsors, on lines too short to be report prose.
_FOOTER = re.compile(
    r"ICP备|公网安备|网站标识码|版权所有|主办单位[:：]|承办单位[:：]|技术支持[:：]"
)
_FOOTER_MAX = 100
_CHROME_GROUPS = re.compile(r"【[^】]*(?:字体|打印|关闭|收藏|纠错|分享|返回|大|中|小)[^】]*】?")
_FONT_SIZE_SWITCH = re.compile(r"\s+大\s+中\s+小\s*$")
# A menu: four or more short words separated by spaces, no punctuation.
_MENU = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}\s+){3,}[\u4e00-\u9fff]{2,6}$")
_SENTENCE_PUNCTUATION = re.compile(r"[。，,；;！？]")
_TAIL_TRIGGER = re.compile(r"^(?:分享(?:文章)?到?[:：]?|返回顶部|回到顶部|关注(?:微信)?公众号)$")
_HEAD_WINDOW = 15  # non-blank lines before a title that may still be site chrome
_SHORT = 40
_TAIL_SHORT = 20


@dataclass
class Cleaned:
    lines: list[Line]
    diagnostics: list[Diagnostic]


def normalise(text: str) -> list[Line]:
    """Unify line endings, spaces and digits (full-width ０-９ are digits: ASCII, one for one) and
    drop stray markup; the words themselves are untouched."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _SPACES.sub(" ", ascii_digits(text)))
    text = _STRAY_MARKUP.sub("", text)
    text = _MARKDOWN_HEADING.sub("", _MARKDOWN_EMPHASIS.sub(r"\2", text))
    return [Line(number, line.rstrip(" ")) for number, line in enumerate(text.split("\n"), 1)]


# A crawler that keeps only a page's text may put the whole body on one line. Such a line is cut
# before and after each standard section heading it prints (一、总体情况 …), so that the report's
# structure can be found; shorter lines are left alone, their headings are lines already.
_RUN_ON_MIN = 300


_SECTION_HEADING = numbered_headings(
    s.heading for form in FORMS.forms for s in form.sections if s.heading
)


def split_run_on(lines: Sequence[Line]) -> list[Line]:
    """Lines with a one-line body cut at its section headings, each piece keeping its line number.

    A heading found inside a line becomes a line of its own; the text before and after it stays
    as it was printed. Only a long line printing two or more headings is cut: one heading named
    in a sentence is not the report's structure.
    """
    out: list[Line] = []
    for line in lines:
        found = list(_SECTION_HEADING.finditer(line.text)) if len(line.text) > _RUN_ON_MIN else []
        if len({m.group() for m in found}) < 2:
            out.append(line)
            continue
        cuts = sorted({0, len(line.text)} | {p for m in found for p in m.span()})
        pieces = (line.text[a:b].strip() for a, b in pairwise(cuts))
        out += [Line(line.number, piece) for piece in pieces if piece]
    return out


def remove_chrome(lines: Sequence[Line]) -> Cleaned:
    """Drop site chrome before the title, chrome lines anywhere, and share bars at the end."""
    removed: set[int] = set()
    kept_text: dict[int, str] = {}

    title = _title_index(lines)
    if title is not None:
        removed.update(i for i in range(title) if _is_head_chrome(lines[i].text))

    for i, line in enumerate(lines):
        stripped = line.text.strip()
        if stripped and (
            _CHROME_LINE.match(stripped)
            or _is_chrome_bar(stripped)
            or _is_menu(stripped)
            or _is_footer(stripped)
        ):
            removed.add(i)
        elif _FONT_SIZE_SWITCH.search(line.text):
            kept_text[i] = _FONT_SIZE_SWITCH.sub("", line.text)

    removed.update(_tail_chrome(lines))

    kept = [
        Line(line.number, kept_text.get(i, line.text))
        for i, line in enumerate(lines)
        if i not in removed
    ]
    return Cleaned(kept, _report(lines, sorted(removed)))


def _title_index(lines: Sequence[Line]) -> int | None:
    seen = 0
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        if parse_numbering(text) is not None:
            return None  # a numbered heading: the body has begun, no title or chrome after it
        if (
            FORMS.titles.in_chrome.search(text)
            and not _MENU.match(text)
            and len(text) <= 60
            and not _SENTENCE_PUNCTUATION.search(text)
        ):
            return i
        seen += 1
        if seen >= _HEAD_WINDOW:
            return None
    return None


def _is_menu(text: str) -> bool:
    """A menu bar, unless every word is part of a form table's column header: a header whose
    labels a narrow column wrapped (section 三's applicant columns print as `自然 商业 科研 …`)."""
    if not _MENU.match(text):
        return False
    return not all(any(word in label for label in _header_labels()) for word in text.split())


@cache
def _header_labels() -> tuple[str, ...]:
    return tuple(
        label
        for table in FORMS.tables
        for c in (*table.columns, *table.groups)
        for label in c.labels
    )


def _is_head_chrome(text: str) -> bool:
    text = text.strip()
    return bool(text) and len(text) <= _SHORT and not _SENTENCE_PUNCTUATION.search(text)


def _is_footer(text: str) -> bool:
    return len(text) <= _FOOTER_MAX and _FOOTER.search(text) is not None


def _is_chrome_bar(text: str) -> bool:
    """`【字体: 】【 打印】 【 关闭` and the like: nothing left once the bar groups are gone."""
    if "【" not in text:
        return False
    rest = _CHROME_GROUPS.sub("", text)
    return not re.sub(r"[\s【】:：大中小]", "", rest)


def _tail_chrome(lines: Sequence[Line]) -> set[int]:
    """After a share or back-to-top line in the second half, short lines are the page footer."""
    trigger = next(
        (
            i
            for i in range(len(lines) // 2, len(lines))
            if _TAIL_TRIGGER.match(lines[i].text.strip())
        ),
        None,
    )
    if trigger is None:
        return set()
    tail = {trigger}
    for i in range(trigger + 1, len(lines)):
        text = lines[i].text.strip()
        if len(text) > _TAIL_SHORT or _SENTENCE_PUNCTUATION.search(text):
            break
        tail.add(i)
    return tail


def _report(lines: Sequence[Line], removed: list[int]) -> list[Diagnostic]:
    """One `boilerplate.removed` diagnostic per run of removed lines (blank lines don't split)."""
    runs: list[list[int]] = []
    for i in removed:
        if not lines[i].text.strip():
            continue
        if runs and all(not lines[j].text.strip() for j in range(runs[-1][-1] + 1, i)):
            runs[-1].append(i)
        else:
            runs.append([i])
    diagnostics = []
    for run in runs:
        texts = [lines[i].text.strip() for i in run]
        shown = " / ".join(texts[:6]) + (" / …" if len(texts) > 6 else "")
        diagnostics.append(
            Diagnostic(
                code="boilerplate.removed",
                severity="info",
                message=f"removed {len(run)} line(s) of web page chrome: {shown}",
                origin=LineOrigin(line_start=lines[run[0]].number, line_end=lines[run[-1]].number),
            )
        )
    return diagnostics
