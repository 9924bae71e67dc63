"""The forms as the code uses them: tables, rows, columns, checks, and what derives from them.

`Forms` holds every form newest first; `Forms.tables` merges each table across the forms that
print it (the union of their rows, columns and labels), which is what reading a document of an
unknown form needs. The files are read into these by `nianbao.forms.files`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

from nianbao.forms.equations import Equation

SectionKey = Literal[
    "overview", "proactive", "applications", "review_litigation", "problems", "other"
]
# `indicators`: a 2008-era 统计表 (统计指标 | 单位 | 统计数), read as indicators first and keyed by
# its rows' labels under their top rows (`Form.indicator_tables`).
Layout = Literal["header-rows", "row-labels", "column-groups", "indicators"]


@dataclass(frozen=True)
class Label:
    """A row or a column of a table: its key part, the label printed for it, its variants."""

    key: str
    label: str
    variants: tuple[str, ...] = ()
    group: str | None = None  # the label of the group printed above it (see `TableSpec.groups`)
    numbering: str | None = None  # as printed: 一、 （三） 2.
    columns: tuple[str, ...] = ()  # a section 二 row: the columns it has, in printed order
    optional: bool = False  # a row some reports of this form print, not the form itself

    @cached_property  # asked for every row of a table for every label cell the profile reads
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class TableSpec:
    key: str
    section: SectionKey
    figure_key: str  # with {row} and {col}
    layout: Layout
    anchors: tuple[str, ...]
    columns: tuple[Label, ...]
    rows: tuple[Label, ...]
    groups: tuple[Label, ...] = ()  # labels printed above several rows or columns
    heading: str | None = None  # for people: the table's title where its section's is not

    def figure(self, row: str, col: str) -> str:
        return self.figure_key.format(row=row, col=col)

    def row(self, key: str) -> Label:
        return next(r for r in self.rows if r.key == key)

    def column(self, key: str) -> Label:
        return next(c for c in self.columns if c.key == key)

    def cells(self, *, optional: bool = True) -> Iterator[tuple[Label, Label]]:
        """(row, column) of every figure the table holds, in printed order."""
        for row in self.rows:
            if row.optional and not optional:
                continue
            for col in row.columns or tuple(c.key for c in self.columns):
                yield row, self.column(col)

    def figure_keys(self, *, optional: bool = True) -> tuple[str, ...]:
        return self._all_keys if optional else self._printed_keys

    # Computed once: the forms do not change once loaded, and the profile asks for these often.
    @cached_property
    def _all_keys(self) -> tuple[str, ...]:
        return tuple(self.figure(r.key, c.key) for r, c in self.cells())

    @cached_property
    def _printed_keys(self) -> tuple[str, ...]:
        return tuple(self.figure(r.key, c.key) for r, c in self.cells(optional=False))


@dataclass(frozen=True)
class Recognise:
    columns: tuple[str, ...]  # "table.column": printed only in this form
    rows: tuple[str, ...]  # "table.row"
    by_year: bool
    heading_words: tuple[str, ...]
    # The official empty template's own words: in its title (格式模板) and where a report
    # writes its prose ((文字描述)). With every figure cell empty they say: a form, not a report.
    blank_title_words: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()


# Compared and hashed by identity (eq=False): checks and forms are loaded once and used as cache
# keys, and hashing them by value would walk every label and equation each time.
@dataclass(frozen=True, eq=False)
class CheckSpec:
    rule: str
    equation: Equation
    what: str  # the message's subject, with the same placeholders
    for_each: tuple[str, Literal["rows", "columns"]] | None  # (table key, what to repeat over)


@dataclass(frozen=True)
class Instance:
    """A check's equation for one row or column of its table (`Forms.instances`)."""

    check: CheckSpec
    equation: Equation
    over: str | None  # the key of the row or column; None for a check not repeated
    what: str  # the check's `what`, its placeholders filled in

    @property
    def name(self) -> str:
        """The rule, and the row or column: `applications.balance total`."""
        return self.check.rule if self.over is None else f"{self.check.rule} {self.over}"


@dataclass(frozen=True)
class Statistics:
    indicator_headers: tuple[str, ...]
    unit_headers: tuple[str, ...]
    value_headers: tuple[str, ...]
    units: tuple[str, ...]
    children_sum_rule: str
    flat_indicator_headers: tuple[str, ...] = ()
    year_headers: tuple[str, ...] = ()
    cumulative_headers: tuple[str, ...] = ()
    year_end_headers: tuple[str, ...] = ()  # one column, the year's or a running total
    this_year_words: tuple[str, ...] = ()  # a row label that says its figure is the year's
    # The rows whose numbered parts add up to them (`children_sum_rule` runs on these only).
    partitions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PanelSource:
    """Where one panel figure (comparable across every era) comes from in a form, tried in this
    order: the sum of the form's own `figures`, an indicator printed under one of `indicators`
    (its label, whole: never a row that merely contains it), the prose key `text`."""

    key: str
    figures: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    text: str | None = None


@dataclass(frozen=True)
class SectionSpec:
    key: SectionKey
    heading: str | None
    words: tuple[str, ...]


@dataclass(frozen=True)
class Form:
    id: str
    name: str
    first_year: int
    recognise: Recognise
    sections: tuple[SectionSpec, ...]
    tables: tuple[TableSpec, ...]
    checks: tuple[CheckSpec, ...]
    statistics: Statistics | None
    # Checks across a body's reports of consecutive years: the left side of each equation is read
    # from the year's report, the right side from the report of the year before.
    series: tuple[CheckSpec, ...] = ()
    panel: tuple[PanelSource, ...] = ()
    # 统计表s with canonical keys (layout `indicators`): printed by some reports of the form, not
    # all (the national 统计表 of the later 2008-era years), so never counted missing.
    indicator_tables: tuple[TableSpec, ...] = ()

    def table(self, key: str) -> TableSpec | None:
        return next((t for t in self.tables if t.key == key), None)

    def figure_keys(self) -> tuple[str, ...]:
        """Every figure a report of this form prints."""
        return tuple(k for t in self.tables for k in t.figure_keys(optional=False))

    def own_words(self) -> tuple[str, ...]:
        return tuple(w for s in self.sections for w in s.words)


@dataclass(frozen=True)
class ProseFigure:
    key: str
    label: str
    section: SectionKey
    patterns: tuple[re.Pattern[str], ...]
    none_patterns: tuple[re.Pattern[str], ...]  # the year had none: its 0
    table_labels: tuple[str, ...] = ()  # the 统计表 rows that state the same figure


@dataclass(frozen=True)
class ProseQualifier:
    """Words that make a sentence's figure something other than the year's own: a cumulative,
    last year's, a change. `scope` is how far before the figure they reach: its clause, or its
    sentence up to it (历年累计受理申请26条，其中同意公开答复18条: both are cumulatives)."""

    meaning: Literal["cumulative", "last_year", "change"]
    scope: Literal["clause", "sentence"]
    words: tuple[str, ...]


#: A year as a report writes it, in figures or in Chinese numerals (二〇二一): {YEAR} in the
#: prose's title patterns. Not a group, for the caller to make it one.
WRITTEN_YEAR = r"(?:19|20)\d{2}|[二〇一三四五六七八九零○]{4}"


@dataclass(frozen=True)
class Titles:
    """What names a report, from prose.toml's `title_*` (see there what each matches)."""

    words: re.Pattern[str]  # anywhere in a text, it names the text a report
    line: re.Pattern[str]  # a line at the text's top that is its title
    in_chrome: re.Pattern[str]  # a line among a page's chrome that is the report's title
    naming: re.Pattern[str]  # names the report: groups `year` and `body`
    body: re.Pattern[str]  # the body a title names before its year: groups `body` and `year`


@dataclass(frozen=True, eq=False)  # by identity, like CheckSpec
class Forms:
    """All the forms, newest first, and what is derived from them."""

    forms: tuple[Form, ...]
    prose: tuple[ProseFigure, ...]
    channel_words: tuple[str, ...]
    prose_qualifiers: tuple[ProseQualifier, ...]
    prose_none_forms: tuple[str, ...]  # the forms whose reports' statements of none are read
    titles: Titles
    directory: Path
    # A line that is all of one of these is the report's title, its group `year` the year.
    report_titles: tuple[re.Pattern[str], ...] = ()

    def form(self, form_id: str) -> Form:
        return next(f for f in self.forms if f.id == form_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.forms)

    @cached_property
    def tables(self) -> tuple[TableSpec, ...]:
        """Each table once, with the rows, columns and labels of every form that prints it."""
        merged: dict[str, TableSpec] = {}
        for form in self.forms:
            for table in form.tables:
                merged[table.key] = (
                    _union(merged[table.key], table) if table.key in merged else table
                )
        return tuple(merged.values())

    def table(self, key: str) -> TableSpec:
        return next(t for t in self.tables if t.key == key)

    @cached_property
    def sections(self) -> tuple[tuple[SectionKey, tuple[str, ...]], ...]:
        """Each section's words, every form's, in the order sections are tried."""
        words: dict[SectionKey, list[str]] = {}
        for form in self.forms:
            for section in form.sections:
                found = words.setdefault(section.key, [])
                found += [w for w in section.words if w not in found]
        return tuple((key, tuple(found)) for key, found in words.items())

    @cached_property
    def figure_keys(self) -> tuple[str, ...]:
        """Every figure key, table by table, form by form, in printed order; then the keyed
        统计表s'; then prose's."""
        keys = [
            key
            for table in self.tables
            for form in self.forms
            if (own := form.table(table.key)) is not None
            for key in own.figure_keys()
        ]
        keys += [key for table in self.indicator_tables for key in table.figure_keys()]
        return (*dict.fromkeys(keys), *(p.key for p in self.prose))

    @cached_property
    def indicator_tables(self) -> tuple[TableSpec, ...]:
        """Every form's keyed 统计表s (`Form.indicator_tables`)."""
        return tuple(t for form in self.forms for t in form.indicator_tables)

    @cached_property
    def checks(self) -> tuple[CheckSpec, ...]:
        """Every check once (a form that extends another shares its checks)."""
        found: dict[str, CheckSpec] = {}
        for form in self.forms:
            for check in form.checks:
                found.setdefault(check.rule, check)
        return tuple(found.values())

    @cached_property
    def series(self) -> tuple[CheckSpec, ...]:
        """Every series check once, oldest form's first to newest's."""
        found: dict[str, CheckSpec] = {}
        for form in reversed(self.forms):
            for check in form.series:
                found.setdefault(check.rule, check)
        return tuple(found.values())

    def instances(self, check: CheckSpec) -> tuple[Instance, ...]:
        """`check` for each row or column it is repeated over (`expand`), keeping the instances
        whose keys are all figure keys of the forms: a series check over section 二's rows holds
        for the rows that print its columns. Computed once per check: the forms do not change."""
        found = self._instances.get(check)
        if found is None:
            known = set(self.figure_keys)
            found = tuple(i for i in self.expand(check) if all(k in known for k in i.equation.keys))
            self._instances[check] = found
        return found

    def expand(self, check: CheckSpec) -> tuple[Instance, ...]:
        """`check` for each row or column of the table it is repeated over (`for_each`), its
        placeholders filled in: `{row}`/`{col}` the key, `{row_label}`/`{col_label}` the label
        printed in the row's or column's own cell, `{row_full_label}`/`{col_full_label}` that
        label after its group's (a column under a header spanning several).
        A check not repeated is its one instance, its `what` as written."""
        found = self._expansions.get(check)
        if found is None:
            found = tuple(self._expand(check))
            self._expansions[check] = found
        return found

    def _expand(self, check: CheckSpec) -> Iterator[Instance]:
        if check.for_each is None:
            yield Instance(check, check.equation, None, check.what)
            return
        table_key, over = check.for_each
        table = self.table(table_key)
        name = "row" if over == "rows" else "col"
        for label in table.rows if over == "rows" else table.columns:
            values = {
                name: label.key,
                f"{name}_label": label.label,
                f"{name}_full_label": _display(label),
            }
            equation = check.equation.expand(**{name: label.key})
            yield Instance(check, equation, label.key, check.what.format(**values))

    # The caches of `instances` and `expand`, keyed by the check (hashed by identity).
    @cached_property
    def _instances(self) -> dict[CheckSpec, tuple[Instance, ...]]:
        return {}

    @cached_property
    def _expansions(self) -> dict[CheckSpec, tuple[Instance, ...]]:
        return {}

    @cached_property
    def panel_keys(self) -> tuple[str, ...]:
        """Every form's panel keys, the newest form's order first."""
        return tuple(dict.fromkeys(p.key for form in self.forms for p in form.panel))

    @cached_property
    def statistics(self) -> Statistics | None:
        return next((f.statistics for f in self.forms if f.statistics is not None), None)

    @cached_property
    def shared_labels(self) -> frozenset[str]:
        """Labels that name more than one row or column (其他, 总计): no evidence of a table."""
        seen: dict[str, set[tuple[str, str, str]]] = {}
        for table in self.tables:
            for kind, labels in (("row", table.rows), ("col", table.columns)):
                for label in labels:
                    if label.label == label.group:
                        continue  # a group printed as one row: the same thing as its group
                    for text in label.labels:
                        seen.setdefault(text, set()).add((table.key, kind, label.key))
        return frozenset(text for text, owners in seen.items() if len(owners) > 1)

    def describe(self, key: str, form: str | None = None) -> tuple[str, str, str] | None:
        """(section heading, row label, column label) of a figure key, for people to read: as
        the form `form` prints it if it does, else as the newest form that prints it does (a
        column key such as `amount` is 本年收费金额 in the 2021 form, 采购总金额 in the 2019
        form's 政府集中采购 row)."""
        forms = sorted(self.forms, key=lambda f: f.id != form)  # `form` first, else in order
        for candidate in forms:
            for table in (*candidate.tables, *candidate.indicator_tables):
                for row, col in table.cells():
                    if table.figure(row.key, col.key) == key:
                        heading = table.heading or self._heading(table.section)
                        return heading, _display(row), _display(col)
        for prose in self.prose:
            if prose.key == key:
                return self._heading(prose.section), prose.label, ""
        return None

    def _heading(self, section: SectionKey) -> str:
        for form in self.forms:
            for spec in form.sections:
                if spec.key == section and spec.heading:
                    return spec.heading
        return section


def _display(label: Label) -> str:
    if label.group and label.group != label.label:  # not a group printed as one row
        return f"{label.group} {label.label}"
    return label.label


def _union(a: TableSpec, b: TableSpec) -> TableSpec:
    """`a` with the rows, columns and labels only `b` has."""
    return replace(
        a,
        anchors=tuple(dict.fromkeys((*a.anchors, *b.anchors))),
        columns=_union_labels(a.columns, b.columns),
        rows=_union_labels(a.rows, b.rows),
        groups=_union_labels(a.groups, b.groups),
    )


def _union_labels(a: tuple[Label, ...], b: tuple[Label, ...]) -> tuple[Label, ...]:
    by_key = {label.key: label for label in a}
    out = list(a)
    for label in b:
        if label.key not in by_key:
            out.append(label)
            continue
        old = by_key[label.key]
        variants = tuple(v for v in (*old.variants, *label.labels) if v != old.label)
        new = replace(
            old,
            variants=tuple(dict.fromkeys(variants)),
            columns=tuple(dict.fromkeys((*old.columns, *label.columns))),
            optional=old.optional and label.optional,
        )
        out[out.index(old)] = new
    return tuple(out)
