"""Label normalisation and fuzzy matching, for labels damaged the ways real reports damage them.

Labels are compared `fold`ed (`nianbao.text.script`): full-width ASCII as half-width, Traditional
script as Simplified (總計 → 总计, 規範性檔案 → 规范性档案), dashes as `-`, one character for
one, so offsets found in folded prose are offsets in the original text. Regional wordings (檔案
where the mainland says 文件) are label variants in the form spec.

`core` goes further for matching labels: no spaces or line breaks (vertical labels, `商业 企业`),
no leading numbering (`1、` or `1.` or `（一）`), no parenthesised notes, no punctuation or quotes.
`similarity` then tolerates characters dropped by PDF extraction (`其他法律行政止公开`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher
from functools import lru_cache

from nianbao.forms import Label, TableSpec
from nianbao.text.numbering import after_numbering, parse_numbering
from nianbao.text.script import fold

_PAREN_NOTE = re.compile(r"\([^)]*(?:\)|$)")
_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》:;,.、。;!?！？·…*＊]")
_UNIT_NOTE = re.compile(r"单位\s*[:]?\s*([^)\s]+)")


@lru_cache(maxsize=8192)
def numbering(text: str) -> tuple[int, int] | None:
    """(depth, number) of the numbering a label starts with: 一、→(1,1), （三）→(2,3), 2.→(3,2),
    and 2其他→(3,2): a row label's dot lost in extraction (`parse_numbering`'s `bare_digits`)."""
    found = parse_numbering(compact(text), bare_digits=True)
    return (found.level, found.number) if found is not None else None


def strip_numbering(text: str) -> str:
    """The label's words, `compact`, without the numbering it starts with."""
    return after_numbering(compact(text), bare_digits=True)


def numbering_agreement(printed: tuple[int, int] | None, expected: str | None) -> float:
    """What a label's printed `numbering` says for a form row numbered `expected` (`（三）`):
    +0.25 when it is the row's, -0.25 when it is another's, 0 when either is not printed."""
    if printed is None or expected is None:
        return 0.0
    return 0.25 if printed == numbering(expected) else -0.25


#: A label names a form row when it is at least this like one of the row's labels, once its
#: numbering and the caller's evidence are weighed in; a row less like it than `LEAF_MIN` on
#: its words alone is not considered, whatever the rest says.
ROW_MATCH = 0.75
LEAF_MIN = 0.55


def best_row(text: str, spec: TableSpec, evidence: Callable[[Label], float | None]) -> Label | None:
    """The row of `spec` that the label `text` names: by its words (`best_label`), its printed
    numbering (`numbering_agreement`) and what the caller knows beside (`evidence`: a score
    to add, or None to pass the row over); None when no row reaches `ROW_MATCH`."""
    best: tuple[float, Label] | None = None
    printed = numbering(text)
    for row in spec.rows:
        score = best_label(text, row.labels)
        if score < LEAF_MIN:
            continue
        extra = evidence(row)
        if extra is None:
            continue
        score += numbering_agreement(printed, row.numbering)
        score += extra
        if best is None or score > best[0]:
            best = (score, row)
    return best[1] if best is not None and best[0] >= ROW_MATCH else None


# Every table cell is compared with every canonical label: the same few hundred strings, many
# thousand times over. Both functions are pure, so caching them makes the profile ~10x faster.
@lru_cache(maxsize=8192)
def core(text: str) -> str:
    """What a label says, for comparison: no numbering, notes, spaces, punctuation."""
    body = strip_numbering(text)
    body = _PAREN_NOTE.sub("", body) or body  # a label that is all note keeps its note
    return _PUNCT.sub("", body)


def whole_label(label: str) -> str:
    """A 统计表 row's label as compared with the forms' (partitions, the national 统计表's rows):
    `core`, without a leading 其中. Compared for equality, never likeness."""
    return core(label).removeprefix("其中")


def compact(text: str) -> str:
    """A label for display and for messages: folded, whitespace inside it removed."""
    return re.sub(r"\s+", "", fold(text))


def unit_note(text: str) -> str | None:
    """The unit a header states in a note such as `（单位：万元）`."""
    match = _UNIT_NOTE.search(compact(text))
    return match.group(1) if match else None


@lru_cache(maxsize=65536)
def similarity(text: str, label: str) -> float:
    """How well the printed `text` matches a canonical `label`, 0..1, both compared as `core`."""
    a, b = core(text), core(label)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    # A printed label with words added around the canonical one (`行政复议数量`) still names it,
    # but only when the canonical label is long enough not to occur by chance (`其他`).
    if len(b) >= 4 and b in a:
        ratio = max(ratio, 0.9)
    return ratio


@lru_cache(maxsize=65536)  # the same cell against the same form labels, over and over
def best_label(text: str, labels: tuple[str, ...]) -> float:
    """The highest `similarity` of `text` to any of `labels` (0 for none); a label that cannot
    beat the best so far (`_most`) is passed over, which changes nothing but the time."""
    a = _core(text)
    best = 0.0
    for label in labels:
        if _most(a, _core(label), best) > best:
            best = max(best, similarity(text, label))
    return best


@lru_cache(maxsize=65536)
def matches_any(text: str, labels: tuple[str, ...], threshold: float) -> bool:
    """Whether `best_label(text, labels) >= threshold`, the same answer without computing every
    similarity: a label that cannot reach the threshold (`_most`) is passed over."""
    a = _core(text)
    return any(
        _most(a, _core(label), threshold) >= threshold and similarity(text, label) >= threshold
        for label in labels
    )


_core = lru_cache(maxsize=65536)(core)


def _most(a: str, b: str, level: float = 0.0) -> float:
    """The highest `similarity` of two `core` texts can be, or at least enough of it to tell
    whether it reaches `level`: a ratio of matching characters is at most twice the characters
    they share (counted with repeats: difflib's `quick_ratio`), so twice the shorter, over both
    lengths; a canonical label inside the text scores 0.9. Most pairs of a cell and a form's
    label share few characters: this passes them over without difflib's matching, the larger
    part of a first conversion's time (its results are cached after)."""
    if not a or not b:
        return 0.0
    inside = len(b) >= 4 and b in a
    bound = 2 * min(len(a), len(b)) / (len(a) + len(b))
    if bound >= level and not inside:
        in_a, in_b = _counts(a), _counts(b)
        shared = sum(min(in_a[ch], in_b[ch]) for ch in in_a.keys() & in_b.keys())
        bound = 2 * shared / (len(a) + len(b))
    return max(bound, 0.9) if inside else bound


@lru_cache(maxsize=65536)
def _counts(text: str) -> Counter[str]:
    return Counter(text)
