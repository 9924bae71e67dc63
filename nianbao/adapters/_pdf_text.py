"""PDF text: characters into lines, lines into paragraphs, page furniture out.

pdfplumber gives characters with their boxes and fonts, nothing more. Chinese has no spaces
between words, and PDF producers space characters out to justify a line, so a gap between two
characters is a space only between Latin letters or digits (`重 新出具` is 重新出具, `PDF 2.0`
keeps its space). A paragraph is rejoined across its line breaks, and across a page break,
until a line that is clearly shorter than the text width, or a next line that is indented,
numbered, in another font size, or far below.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from typing import Any

from nianbao.text.numbering import numbering_level

Char = dict[str, Any]  # a pdfplumber character: text, x0, x1, top, bottom, size, fontname

# pdfminer writes `(cid:123)` for a glyph whose font has no Unicode mapping; the private use
# area is what other producers leave for the same. Neither is text a reader could use.
_UNMAPPED = re.compile(r"^\(cid:\d+\)$|^[\ue000-\uf8ff]$")
# Kangxi radicals and compatibility ideographs stand in for ordinary characters in PDFs from
# some Chinese word processors (⽬ for 目): read as the character a reader sees.
_LOOKALIKES = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")
_HEADING_FONT = re.compile(r"bold|black|heavy|黑体|hei|simhei|方正小标宋|小标宋|xbs", re.I)
_SENTENCE_END = re.compile(r"[。；;！？!?：:]")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_\s]*\d{1,4}[-—–－_\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)
# A number at a cut: its digits (and separators) may run on past the side, unseen
_NUMBER_AT_END = re.compile(r"[0-9０-９][0-9０-９.,．，]*$")
_NUMBER_AT_START = re.compile(r"^[0-9０-９.,．，]*[0-9０-９]")
_INK_FIRST_HALF = frozenset("）】」』》〉〕，。、；：！？")
_INK_SECOND_HALF = frozenset("（【「『《〈〔")
_CUT_TOLERANCE = 0.1  # points: a line set to end at the side ends there, give or take a float's
_MARGIN = 0.12  # top and bottom share of a page where headers, footers and page numbers live
_HEADING_MAX = 50


@dataclass(slots=True)  # a 2,000-page PDF holds hundreds of thousands
class TextLine:
    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    heading_font: bool
    # OCR'd text: its least certain digit (character, where it has no digit)
    confidence: float | None = None
    #: The page's side cuts the line (`Edges`): its text ends there, a paragraph of its own
    cut: bool = False

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass
class Paragraph:
    lines: list[TextLine]
    text: str
    heading_font: bool


def dedupe(chars: Sequence[Char], tolerance: float = 1) -> list[Char]:
    """pdfplumber's `Page.dedupe_chars()`: of the characters with the same text, font and size
    within `tolerance` of each other (fake bold, printed twice), the first by position is kept.
    The same characters as pdfplumber keeps, in their order on the page, in n log n time:
    pdfplumber restores the order with `chars.index`, quadratic, a minute for one 32,000-glyph
    text operator."""
    same = itemgetter("upright", "text", "fontname", "size")
    groups: dict[Any, list[Char]] = {}
    for char in chars:
        groups.setdefault(same(char), []).append(char)
    # what is dropped, not what is kept: on most pages nothing, and the page's list is copied
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) == 1:  # most characters: nothing to merge
            continue
        tops = sorted(char["doctop"] for char in group)
        if tolerance >= 0 and all(b > a + tolerance for a, b in pairwise(tops)):
            # a character repeated on lines of its own (a digit, a common word): every row of
            # `_clusters` one character, each kept, without making them
            continue
        for row in _clusters(group, "doctop", tolerance):
            if len(row) == 1:  # a character repeated elsewhere on the page, not printed twice
                continue
            for spot in _clusters(row, "x0", tolerance):
                first = min(spot, key=itemgetter("doctop", "x0"))
                dropped.update(id(char) for char in spot if char is not first)
    if not dropped:
        return list(chars)
    return [char for char in chars if id(char) not in dropped]


def _clusters(chars: list[Char], attr: str, tolerance: float) -> list[list[Char]]:
    """`chars` grouped by `attr`, values less than `tolerance` apart chained into one group
    (pdfplumber's `cluster_objects`); groups in order of value, characters in their order."""
    if len(chars) == 1:
        return [chars]
    index: dict[Any, int] = {}
    cluster, last = -1, None
    for value in sorted({char[attr] for char in chars}):
        if last is None or value > last + tolerance:
            cluster += 1
        index[value] = cluster
        last = value
    groups: dict[int, list[Char]] = {}
    for char in chars:
        groups.setdefault(index[char[attr]], []).append(char)
    return [groups[key] for key in sorted(groups)]


def is_unmapped(char: Char) -> bool:
    text = str(char["text"])
    if len(text) == 1:  # most characters: the expression's second branch, without it
        return "\ue000" <= text <= "\uf8ff"
    return bool(_UNMAPPED.match(text))


def wide(ch: str) -> bool:
    """CJK characters and punctuation, which take no spaces between them."""
    return ord(ch) >= 0x2000


def join_pieces(pieces: Iterable[str]) -> str:
    """Pieces of one text (characters, or wrapped lines) joined with a space only where both
    sides are Latin letters, digits or ASCII signs."""
    out = ""
    for raw in pieces:
        piece = raw.strip()
        if not piece:
            continue
        if out and not wide(out[-1]) and not wide(piece[0]):
            out += " "
        out += piece
    return out


def _clean(text: str) -> str:
    return _LOOKALIKES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def group_lines(chars: Sequence[Char], page: int, edges: Edges | None = None) -> list[TextLine]:
    """Characters into lines, top to bottom, by the vertical middle of each character; a line
    whose first or last glyph the page's `edges` cut through is `cut`."""
    return [line for group in line_groups(chars) if (line := _line(group, page, edges)) is not None]


@dataclass(frozen=True)
class Edges:
    """The page's visible sides, left and right, in pdfplumber's coordinates.

    A browser prints a page wider than the paper as far as the paper goes: a glyph the side
    cuts through is drawn, in part, and those wholly past it are not in the PDF at all, so a
    line that runs into the side has lost what followed (`收到政府信息公开申请123件` cut
    after `12` reads `…申请12`, and the next line, run on, may give it a unit: `12件`). A
    line whose ink reaches past a side ends its paragraph; where the side cuts through its
    last glyph (or its first), a number there, whose digits may have gone on past the side,
    is left out of its text. Glyphs the PDF holds wholly past the side are read as it holds
    them."""

    left: float
    right: float

    def reached(self, chars: Sequence[Char]) -> tuple[bool, bool]:
        """Whether a line's `chars` reach past the left side, and past the right."""
        right, left = self.right + _CUT_TOLERANCE, self.left - _CUT_TOLERANCE
        inks = [_inked(c) for c in chars]
        return any(x0 < left for x0, _ in inks), any(x1 > right for _, x1 in inks)

    def cuts(self, char: Char, side: str) -> bool:
        """Whether the side (`left`, `right`) cuts through `char`'s ink (`_inked`)."""
        x0, x1 = _inked(char)
        if side == "right":
            return x0 < self.right < x1 - _CUT_TOLERANCE
        return x0 + _CUT_TOLERANCE < self.left < x1

    def past(self, chars: Iterable[Char]) -> int:
        """How many of `chars` have ink past a side (their boxes first: most lie within)."""
        right, left = self.right + _CUT_TOLERANCE, self.left - _CUT_TOLERANCE
        near = [c for c in chars if c["x1"] > right or c["x0"] < left]
        return sum(1 for c in near if (ink := _inked(c))[1] > right or ink[0] < left)


def _inked(char: Char) -> tuple[float, float]:
    """Where `char` is inked, left to right: its box is as wide as its advance, but a closing
    bracket or a comma is inked in the first half of it, an opening bracket in the second (a
    `）` whose advance reaches past the side is whole)."""
    x0, x1 = float(char["x0"]), float(char["x1"])
    text = str(char["text"])
    if text in _INK_FIRST_HALF:
        return x0, (x0 + x1) / 2
    if text in _INK_SECOND_HALF:
        return (x0 + x1) / 2, x1
    return x0, x1


def line_groups(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters in lines, top to bottom, by the vertical middle of each character."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2)
    groups: list[list[Char]] = [[ordered[0]]]
    mid = (ordered[0]["top"] + ordered[0]["bottom"]) / 2
    for char in ordered[1:]:
        char_mid = (char["top"] + char["bottom"]) / 2
        if char_mid - mid <= 0.4 * max(char["size"], 1.0):
            groups[-1].append(char)
        else:
            groups.append([char])
            mid = char_mid
    return groups


def _line(chars: list[Char], page: int, edges: Edges | None = None) -> TextLine | None:
    """One line of `chars`; `edges` where the page has text past its sides (`Edges`)."""
    left_cut, right_cut = edges.reached(chars) if edges is not None else (False, False)
    text = _line_text(chars)
    if edges is not None and text:  # `chars` sorted by `_line_text`: the glyphs at its ends
        last = next(c for c in reversed(chars) if str(c["text"]).strip())
        first = next(c for c in chars if str(c["text"]).strip())
        if right_cut and edges.cuts(last, "right"):
            text = _NUMBER_AT_END.sub("", text).rstrip()
        if left_cut and edges.cuts(first, "left"):
            text = _NUMBER_AT_START.sub("", text).lstrip()
    if not text:
        return None
    return TextLine(
        page=page,
        text=text,
        x0=min(c["x0"] for c in chars),
        top=min(c["top"] for c in chars),
        x1=max(c["x1"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        size=statistics.median(c["size"] for c in chars),
        heading_font=all(_HEADING_FONT.search(str(c["fontname"])) for c in chars),
        confidence=ocr_confidence(chars, digits=True),
        cut=left_cut or right_cut,
    )


def _line_text(chars: list[Char]) -> str:
    """The text of one line's characters (sorted left to right, in place)."""
    chars.sort(key=lambda c: c["x0"])
    text = ""
    previous: Char | None = None
    for char in chars:
        ch = str(char["text"])
        if not ch or ch.isspace():  # a damaged font can map a glyph to no text at all
            continue
        if (
            previous is not None
            and text
            and not wide(text[-1])
            and not wide(ch[0])
            and char["x0"] - previous["x1"] > 0.2 * char["size"]
        ):
            text += " "
        text += ch
        previous = char
    return _clean(text).strip()


def ocr_confidence(chars: Sequence[Char], *, digits: bool = False) -> float | None:
    """The lowest OCR probability among `chars` (among their digits, with `digits`, where they
    have any); None for a text layer's characters."""
    read = [c for c in chars if c.get("confidence") is not None]
    if digits and any(str(c["text"]).isdigit() for c in read):
        read = [c for c in read if str(c["text"]).isdigit()]
    return round(min(float(c["confidence"]) for c in read), 3) if read else None


def cell_text(chars: Sequence[Char]) -> str:
    """A table cell's text: wrapped lines joined, a vertical label read top to bottom."""
    return lines_text(line_groups(chars))


def lines_text(lines: list[list[Char]]) -> str:
    """`cell_text` of characters already in `line_groups` (each line sorted left to right, in
    place)."""
    return join_pieces(_line_text(group) for group in lines)


# --- page furniture ----------------------------------------------------------------------------


def furniture(pages: Sequence[Sequence[TextLine]], heights: Sequence[float]) -> set[int]:
    """`id`s of header, footer and page-number lines: page numbers in the margins, and lines
    that stand at the same place on most pages (a running head, a document number)."""
    drop: set[int] = set()
    seen: Counter[tuple[str, int]] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        keys = set()
        for line in lines:
            if not _in_margin(line, height):
                continue
            if _PAGE_NUMBER.match(line.text):
                drop.add(id(line))
            keys.add(_furniture_key(line))
        seen.update(keys)
    repeated = {key for key, n in seen.items() if n >= 2 and n >= 0.6 * len(pages)}
    for lines, height in zip(pages, heights, strict=True):
        drop.update(
            id(line)
            for line in lines
            if _in_margin(line, height) and _furniture_key(line) in repeated
        )
    return drop


def _in_margin(line: TextLine, height: float) -> bool:
    return line.bottom < _MARGIN * height or line.top > (1 - _MARGIN) * height


def _furniture_key(line: TextLine) -> tuple[str, int]:
    # Digits vary from page to page (第3页, 2024-05-07): the place and the words stay.
    return re.sub(r"\d+", "#", line.text), round(line.top / 6)


# --- paragraphs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """The text block of the document: where lines start and end, and the body font size."""

    left: float
    right: float
    size: float

    @classmethod
    def of(cls, lines: Sequence[TextLine]) -> Body:
        if not lines:
            return cls(0.0, 0.0, 12.0)
        size = Counter(round(line.size) for line in lines).most_common(1)[0][0]
        body = [line for line in lines if abs(line.size - size) <= 1] or list(lines)
        # Most lines of a paragraph run from margin to margin, so the most common start and end
        # are the margins; the widest seen stands in when most lines are short.
        left = Counter(round(line.x0) for line in body).most_common(1)[0][0]
        right_mode, n = Counter(round(line.x1) for line in body).most_common(1)[0]
        right = right_mode if n >= 3 else max(line.x1 for line in body)
        return cls(float(left), float(right), float(size))


def starts_paragraph(prev: TextLine, line: TextLine, body: Body, *, same_page: bool) -> bool:
    """Whether `line` begins a new paragraph rather than continuing `prev`."""
    size = max(prev.size, line.size, 1.0)
    if prev.cut or line.cut:
        return True  # what the side cut off is not there to join
    if abs(prev.size - line.size) > 1.0 or prev.heading_font != line.heading_font:
        return True
    if _centred(prev, body) and _centred(line, body) and prev.size > body.size + 1:
        return False  # a title set in large type over two centred lines
    if prev.x1 < body.right - 1.5 * size:
        return True  # the line before stops short: it ended its paragraph
    if line.x0 > body.left + 0.8 * size or numbering_level(line.text) is not None:
        return True
    return same_page and line.top - prev.bottom > 1.5 * size


def _centred(line: TextLine, body: Body) -> bool:
    middle = (body.left + body.right) / 2
    return abs((line.x0 + line.x1) / 2 - middle) < 2 * line.size and line.x0 > body.left + line.size


def is_heading(paragraph: Paragraph, body: Body) -> bool:
    """A short line set apart by its font: bold or 黑体, or larger than the body text."""
    if len(paragraph.lines) > 2 or len(paragraph.text) > _HEADING_MAX:
        return False
    if _SENTENCE_END.search(paragraph.text.rstrip("。：:")):
        return False
    larger = min(line.size for line in paragraph.lines) > body.size + 1.0
    return paragraph.heading_font or larger
