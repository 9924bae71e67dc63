"""Is this an annual report, and whose, for which year, published when, in which template.

Each answer comes from the most direct statement the report makes, in this order:

- year: the title (鹤城镇2017年…报告), the 统计期限 (自2017年1月1日至2017年12月31日), a sentence
  naming the report (现公布2021年中山镇政府信息公开工作年度报告), and only then the year the
  text names most often, with a diagnostic saying it was inferred;
- organisation: a signature line at the end (鹤山市鹤城镇人民政府), the title's name as the
  text writes it in full (中山镇 → 中山镇人民政府 when the text says 中山镇人民政府), else the
  title's name as printed;
- published_on: the date the input's header or meta tags state (`document.publication`), a
  发布日期 header, a date line at the end (repaired when truncated, with a
  `date.repaired` diagnostic), or a sentence saying when the report was published;
- template: what each form's spec says tells it apart (`recognise` in `nianbao/forms`): the
  column labels only it prints, then the rows only it prints, then a 统计表 or chapter words
  of the 2008-era reports, and only then the year (where the headings of two forms are the
  same).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from nianbao.convert.annual_report.grids import classify, names_a_row
from nianbao.convert.annual_report.labels import best_label
from nianbao.forms import FORMS, WRITTEN_YEAR, Form, SectionKey
from nianbao.schemas.model import Block, Diagnostic, Document, Section
from nianbao.text.numbering import numbering_level
from nianbao.text.numbers import chinese_digits, chinese_number
from nianbao.text.script import fold

#: The id of a form in `nianbao/forms` ("2021", "2019", "2008"), or None.
Template = str | None

_HEADING_MAX = 40
_YEAR = f"({WRITTEN_YEAR})"
_TITLE_YEAR = re.compile(_YEAR + r"\s*年")
_PERIOD = re.compile(
    r"(?:统计(?:期限|日期|时间|区间|周期)|数据)[^。]{0,20}?" + _YEAR + r"年\s*1\s*月\s*1\s*日"
    r"\s*(?:起)?\s*(?:至|到|-|~)\s*" + _YEAR + r"年\s*12\s*月\s*31\s*日"
)
_ANY_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_NAME_YEAR = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d{2})(?![0-9A-Za-z])")
_ORG_END = re.compile(
    r"(?:人民政府|政府办公室|人民政府办公室|办公厅|街道办事处|办事处|委员会|局|厅|署|委|办|中心)$"
)
# The name as the text writes it in full: any places above it (鹤山市) and then 人民政府.
_ORG_IN_TEXT = r"((?:[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|州|盟|区|县|旗))*%s人民政府)"
_BODY_END = re.compile(
    r"(?:省|市|州|盟|区|县|旗|镇|乡|街道|政府|办公室|办公厅|局|委|委员会|办|中心|厅|署|院|处)$"
)
_ISO_DATE = re.compile(
    r"(?:发布日期|发布时间|日期)\s*[:：]?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})"
)
_STATED_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_DATE_LINE = re.compile(r"^(\d{4})\s*(年?)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*(日?)$")
_CN_DATE_LINE = re.compile(
    r"^([二〇一三四五六七八九零○]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$"
)
_PUBLISHED_SENTENCE = re.compile(
    r"于\s*(\d{4})年(\d{1,2})月(\d{1,2})日[^。；]{0,30}?(?:公开发布|发布|公布|公开)"
)
_TAIL = 8  # blocks at the end where a signature and a date stand


@dataclass
class Recognised:
    template: Template
    organization: str | None
    year: int | None
    published_on: date | None
    sections: list[Section]


def is_annual_report(document: Document, sections: list[Section]) -> bool:
    """A 政府信息公开工作年度报告: named so at its top, or built of its standard sections. A
    crawler's dump may print the body on one line (标题: …2012年政府信息公开工作年度报告, then the
    text with 一、概述…二、主动公开政府信息情况… run in): its chapters are then read in the run."""
    top = [document.title or ""] + [b.text for b in document.blocks[:4] if b.kind != "table"]
    named = any(FORMS.titles.words.search(fold(t)) for t in top)
    core_sections = {s.key for s in sections} & {"proactive", "applications", "review_litigation"}
    if named and len(sections) < 2:
        return len(_section_keys(run_in_headings(document))) >= 2
    return (named and len(sections) >= 2) or len(core_sections) >= 2


# A chapter heading run into the text: 一、 after a sentence's end or at the start, up to the
# words a chapter heading ends with (…情况, 概述, …措施, 需要说明的事项, …问题).
_RUN_IN_HEADING = re.compile(
    r"(?:^|(?<=[。；;！？!?\s]))([一二三四五六七八九十]{1,2}、[^。；;，,：:]{2,30}?"
    r"(?:情况|概述|措施|事项|问题))"
)


def run_in_headings(document: Document) -> list[str]:
    """The chapter headings run into long paragraphs, folded, in the order printed."""
    return [
        match.group(1)
        for block in document.blocks
        if block.kind != "table" and len(block.text) > _HEADING_MAX
        for match in _RUN_IN_HEADING.finditer(fold(block.text))
    ]


def _section_keys(headings: list[str]) -> set[SectionKey]:
    return {key for h in headings for key, words in FORMS.sections if any(w in h for w in words)}


def find_sections(document: Document) -> list[Section]:
    """The six standard sections, found by their words among the top-level headings."""
    blocks = document.blocks
    candidates = [i for i, b in enumerate(blocks) if _is_top_heading(b)]
    found: dict[SectionKey, tuple[int, str]] = {}
    for i in candidates:
        text = fold(blocks[i].text)
        for key, words in FORMS.sections:
            if key not in found and any(w in text for w in words):
                found[key] = (i, blocks[i].text)
                break
    starts = sorted(candidates)
    sections: list[Section] = []
    for key, (start, heading) in sorted(found.items(), key=lambda kv: kv[1][0]):
        following = [i for i in starts if i > start]
        end = following[0] - 1 if following else len(blocks) - 1
        sections.append(Section(key=key, heading=heading, block_start=start, block_end=end))
    return sections


def _is_top_heading(block: Block) -> bool:
    text = fold(block.text).strip()
    if names_a_row(text):
        return False  # a table's row printed as a line of text, numbered 一、 as its form does
    if block.kind == "heading" and block.level in (None, 1):
        return True
    return (
        block.kind in ("list_item", "paragraph")
        and len(text) <= _HEADING_MAX
        and numbering_level(text) == 1
        and not re.search(r"[。；;]", text.rstrip("。"))
    )


def recognise(
    document: Document,
    sections: list[Section],
    diagnostics: list[Diagnostic],
    figures: Mapping[str, object] = {},
    source_name: str | None = None,
) -> Recognised:
    """What the report says of itself; `figures` already mapped from its tables help tell its
    form, and its file's name is the last resort for its year."""
    year = _year(document, diagnostics)
    if year is None and source_name is not None:
        year = _year_from_name(source_name, diagnostics)
    organization = _organization(document)
    publisher = document.publication.publisher if document.publication else None
    if organization is None and publisher is not None:
        organization = publisher
        diagnostics.append(
            Diagnostic(
                code="annual_report.organization_from_publication",
                severity="info",
                message=f"the report names no body: {publisher!r}, its publisher as the input's "
                "header or meta tags state it, is taken for its organization",
            )
        )
    for what, value in (("year reported on", year), ("organization", organization)):
        if value is None:
            diagnostics.append(
                Diagnostic(
                    code="annual_report.missing",
                    severity="warning",
                    message=f"the report does not state its {what}: it is left null",
                )
            )
    return Recognised(
        template=_template(document, sections, year) or template_from_figures(figures),
        organization=organization,
        year=year,
        published_on=_published_on(document, diagnostics),
        sections=sections,
    )


# --- year --------------------------------------------------------------------------------------


def _year(document: Document, diagnostics: list[Diagnostic]) -> int | None:
    texts = [fold(b.text) for b in document.blocks if b.kind != "table"]
    if document.title and FORMS.titles.words.search(fold(document.title)):
        match = _TITLE_YEAR.search(fold(document.title))
        if match:
            return _as_year(match.group(1))
    for text in texts:
        match = _PERIOD.search(text)
        if match:
            return _as_year(match.group(1))
    for text in texts:
        match = FORMS.titles.naming.search(text)
        if match:
            return _as_year(match.group("year"))
    counts = Counter(int(m.group(1)) for t in texts for m in _ANY_YEAR.finditer(t))
    if not counts:
        return None
    year, _ = counts.most_common(1)[0]
    diagnostics.append(
        Diagnostic(
            code="annual_report.year_inferred",
            severity="info",
            message=f"no title, 统计期限 or sentence names the year reported on; {year} is the "
            f"year the text names most often ({counts[year]} times)",
        )
    )
    return year


def _year_from_name(name: str, diagnostics: list[Diagnostic]) -> int | None:
    """The one year a file's name carries (`2023年报表.xlsx`, `hongze-2023-tables.xlsx`)."""
    years = {int(m.group(1)) for m in _NAME_YEAR.finditer(PurePath(name).stem)}
    if len(years) != 1:
        return None
    (year,) = years
    diagnostics.append(
        Diagnostic(
            code="annual_report.year_from_filename",
            severity="warning",
            message=f"the document does not state the year reported on; {year} is taken from "
            f"its file name {PurePath(name).name!r}",
        )
    )
    return year


def names_a_year(document: Document) -> bool:
    """Whether the text (the tables aside) names any year (2021年, 二〇二一年): every report
    names the year it reports on somewhere; the empty form names none."""
    texts = [document.title or ""] + [b.text for b in document.blocks if b.kind != "table"]
    return any(_TITLE_YEAR.search(fold(text)) for text in texts)


def period_years(document: Document) -> list[int]:
    """The distinct years the document's statements of its 统计期限 name: one per report."""
    years = [
        year
        for block in document.blocks
        if block.kind != "table"
        for match in _PERIOD.finditer(fold(block.text))
        if (year := _as_year(match.group(1))) is not None
    ]
    return list(dict.fromkeys(years))


def _as_year(token: str) -> int | None:
    digits = chinese_digits(token)
    return int(digits) if digits.isdigit() else None


# --- organisation ------------------------------------------------------------------------------


def _organization(document: Document) -> str | None:
    blocks = [b for b in document.blocks if b.kind != "table"]
    signature = _signature(blocks)
    name = _title_name(document)
    if signature is not None:
        # The office that compiled the report often signs it for the body the title names.
        body = signature.removesuffix("办公室")
        if name and body != signature and body.endswith(name):
            return body
        return signature
    if name is None:
        return None
    text = "\n".join(fold(b.text) for b in blocks)
    pattern = re.compile(_ORG_IN_TEXT % re.escape(name))
    # Inside 《》 a name is some other document's title, not a statement about this body.
    unquoted = re.sub(r"《[^》]*》", "", text)
    # Every match holds the name and 人民政府 as printed: without them, the pattern's search (a
    # place name's characters tried at every character of the text) finds nothing.
    found = pattern.finditer(unquoted) if f"{name}人民政府" in unquoted else ()
    names = Counter(m.group(1) for m in found)
    if names:
        # The longest spelling that is used: 鹤山市鹤城镇人民政府 over 鹤城镇人民政府.
        return max(names, key=lambda n: (len(n), names[n]))
    return name


def _signature(blocks: list[Block]) -> str | None:
    for block in reversed(blocks[-_TAIL:]):
        text = re.sub(r"\s+", "", fold(block.text))
        if 4 <= len(text) <= 30 and _ORG_END.search(text) and not re.search(r"[，,。；;:：]", text):
            if "报告" in text or "统计表" in text:
                continue
            return text
    return None


def _title_name(document: Document) -> str | None:
    """The body the title names: 鹤城镇 in 鹤城镇2017年政府信息公开工作年度报告."""
    candidates = [document.title or ""] + [b.text for b in document.blocks[:4]]
    for text in candidates:
        folded = re.sub(r"\s+", "", fold(text))
        match = FORMS.titles.body.search(folded)
        if match and _BODY_END.search(_strip_verbs(match.group("body"))):
            return _strip_verbs(match.group("body"))
        match = FORMS.titles.naming.search(folded)
        if match and match.group("body") and _BODY_END.search(_strip_verbs(match.group("body"))):
            return _strip_verbs(match.group("body"))
    return None


def _strip_verbs(name: str) -> str:
    return re.sub(r"^.*?(?:现公布|特公布|公布|发布|关于)", "", name) or name


# --- published_on ------------------------------------------------------------------------------


def _published_on(document: Document, diagnostics: list[Diagnostic]) -> date | None:
    # When the input itself says it was published (a crawler's 发布时间, a page's PubDate).
    stated = document.publication.published if document.publication else None
    match = _STATED_DATE.match(fold(stated or "").strip())
    if match and (found := _date(*match.groups())) is not None:
        return found
    blocks = document.blocks
    for block in blocks[:3]:
        match = _ISO_DATE.search(fold(block.text))
        if match:
            found = _date(*match.groups())
            if found is not None:
                return found
    texts = [(i, b) for i, b in enumerate(blocks) if b.kind != "table"]
    for _, block in reversed(texts[-_TAIL:]):
        text = re.sub(r"\s+", "", fold(block.text))
        match = _DATE_LINE.match(text)
        if match:
            year, nian, month, day, ri = match.groups()
            found = _date(year, month, day)
            if found is not None and not (nian and ri):
                diagnostics.append(
                    Diagnostic(
                        code="date.repaired",
                        severity="warning",
                        message=f"date line {block.text.strip()!r} read as {found.isoformat()}",
                        origin=block.origin,
                    )
                )
            if found is not None:
                return found
        match = _CN_DATE_LINE.match(text)
        if match:
            year_text, month_text, day_text = match.groups()
            found = _date(
                chinese_digits(year_text),
                str(chinese_number(month_text) or 0),
                str(chinese_number(day_text) or 0),
            )
            if found is not None:
                return found
    for _, block in texts:
        match = _PUBLISHED_SENTENCE.search(fold(block.text))
        if match:
            found = _date(*match.groups())
            if found is not None:
                return found
    return None


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# --- template ----------------------------------------------------------------------------------


def _template(document: Document, sections: list[Section], year: int | None) -> Template:
    # Each text once: a form's tables print the same figures (0, 1) and labels many times over.
    labels = list(dict.fromkeys(c.text for t in document.tables for c in t.cells if c.text.strip()))
    # Section 二's column labels are what sets the forms apart; rows only one form has (the
    # 2021 split of （六）) decide only when section 二 says nothing.
    for form in FORMS.forms:
        if _printed(labels, _labels(form, "columns")) >= min(2, len(form.recognise.columns)) > 0:
            return form.id
    for form in FORMS.forms:
        wanted = _labels(form, "rows")
        if wanted and _printed(labels, wanted) >= len(wanted):
            return form.id
    statistics = any(classify(t) == "indicators" for t in document.tables)
    headings = [fold(s.heading) for s in sections] or run_in_headings(document)
    for form in FORMS.forms:
        own = _only_words(form)
        if (statistics and form.statistics is not None) or any(
            w in h for h in headings for w in own
        ):
            return form.id
    # Forms that share their headings: only here does the year decide.
    for form in FORMS.forms:
        words = form.own_words()
        if (
            form.recognise.by_year
            and year is not None
            and form.first_year <= year < _next_first_year(form)
            and any(w in h for h in headings for w in words)
        ):
            return form.id
    return None


def template_from_figures(figures: Mapping[str, object]) -> Template:
    """The form whose own rows (`recognise.rows`) the figures mapped so far include."""
    for form in FORMS.forms:
        rows = [ref.partition(".") for ref in form.recognise.rows]
        printed = [
            any(spec.figure(row, c.key) in figures for c in spec.columns)
            for table, _, row in rows
            if (spec := form.table(table)) is not None
        ]
        if printed and all(printed):
            return form.id
    return None


def _labels(form: Form, kind: str) -> tuple[tuple[str, ...], ...]:
    """The labels of the columns or rows a form's `recognise` names, each with its variants."""
    refs = form.recognise.columns if kind == "columns" else form.recognise.rows
    out: list[tuple[str, ...]] = []
    for ref in refs:
        table_key, _, key = ref.partition(".")
        table = form.table(table_key)
        assert table is not None  # checked when the forms are loaded
        found = table.column(key) if kind == "columns" else table.row(key)
        out.append(found.labels)
    return tuple(out)


def _printed(texts: list[str], wanted: tuple[tuple[str, ...], ...]) -> int:
    """How many of the `wanted` labels some text prints."""
    return sum(1 for labels in wanted if any(best_label(t, labels) >= 0.85 for t in texts))


def _only_words(form: Form) -> tuple[str, ...]:
    """Heading words no other form uses: the form's own chapter words."""
    others = {w for f in FORMS.forms if f is not form for w in f.own_words()}
    return (*form.recognise.heading_words, *(w for w in form.own_words() if w not in others))


def _next_first_year(form: Form) -> int:
    later = [f.first_year for f in FORMS.forms if f.first_year > form.first_year]
    return min(later, default=10_000)
