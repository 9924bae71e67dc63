"""The form files (`form-*.toml`, `prose.toml`) read, checked and resolved into `Forms`.

Loading validates the files (unknown fields, keys that name nothing, equations that do not
parse all fail with the file's name) and resolves `extends` (the 2019 form is the 2021 form
amended: a table written in the child amends the parent's table of the same key).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from nianbao.errors import EquationError, FormSpecError
from nianbao.forms.equations import parse
from nianbao.forms.spec import (
    WRITTEN_YEAR,
    CheckSpec,
    Form,
    Forms,
    Instance,
    Label,
    Layout,
    PanelSource,
    ProseFigure,
    ProseQualifier,
    Recognise,
    SectionKey,
    SectionSpec,
    Statistics,
    TableSpec,
    Titles,
)

FORMS_DIR = Path(__file__).parent

_M = TypeVar("_M", bound=BaseModel)


# --- the files as written --------------------------------------------------------------------


class _Raw(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _RawLabel(_Raw):
    key: str
    label: str | None = None
    variants: list[str] = []
    group: str | None = None
    numbering: str | None = None
    columns: list[str] | None = None
    optional: bool | None = None
    after: str | None = None


class _RawTable(_Raw):
    key: str
    section: SectionKey | None = None
    figure_key: str | None = None
    layout: Layout | None = None
    anchors: list[str] = []
    groups: list[_RawLabel] = []
    columns: list[_RawLabel] = []
    rows: list[_RawLabel] = []
    heading: str | None = None


class _RawSection(_Raw):
    key: SectionKey
    heading: str | None = None
    words: list[str]


class _RawRecognise(_Raw):
    columns: list[str] = []
    rows: list[str] = []
    by_year: bool = False
    heading_words: list[str] = []
    blank_title_words: list[str] = []
    placeholders: list[str] = []


class _RawCheck(_Raw):
    rule: str
    for_each: str | None = None
    equation: str
    what: str


class _RawStatistics(_Raw):
    indicator_headers: list[str]
    unit_headers: list[str]
    value_headers: list[str]
    units: list[str]
    children_sum_rule: str
    flat_indicator_headers: list[str] = []
    year_headers: list[str] = []
    cumulative_headers: list[str] = []
    year_end_headers: list[str] = []
    this_year_words: list[str] = []
    partitions: list[str] = []


class _RawPanel(_Raw):
    key: str
    figures: list[str] = []
    indicators: list[str] = []
    text: str | None = None


class _RawForm(_Raw):
    id: str
    name: str
    first_year: int
    extends: str | None = None
    recognise: _RawRecognise
    sections: list[_RawSection] = []
    tables: list[_RawTable] = []
    checks: list[_RawCheck] = []
    series: list[_RawCheck] = []
    statistics: _RawStatistics | None = None
    panel: list[_RawPanel] = []
    indicator_tables: list[_RawTable] = []


class _RawProseFigure(_Raw):
    key: str
    label: str
    section: SectionKey
    pattern: str | list[str]
    none: list[str] = []
    table_labels: list[str] = []


class _RawProseQualifier(_Raw):
    meaning: Literal["cumulative", "last_year", "change"]
    scope: Literal["clause", "sentence"]
    words: list[str]


class _RawProse(_Raw):
    channel_words: list[str]
    qualifiers: list[_RawProseQualifier] = []
    none_forms: list[str] = []
    title_subjects: list[str]
    title_words: str
    title_line: str
    title_in_chrome: str
    title_naming: str
    title_body: str
    report_titles: list[str] = []
    figures: list[_RawProseFigure]


# --- loading ---------------------------------------------------------------------------------


def load(directory: Path = FORMS_DIR) -> Forms:
    """The forms in `directory`: every `form-*.toml`, and `prose.toml`."""
    raws: dict[str, tuple[Path, _RawForm]] = {}
    for path in sorted(directory.glob("form-*.toml")):
        raw = _read(path, _RawForm)
        if raw.id in raws:
            raise FormSpecError(f"{path}: form {raw.id!r} is also defined in {raws[raw.id][0]}")
        raws[raw.id] = (path, raw)
    if not raws:
        raise FormSpecError(f"{directory}: no form-*.toml files")
    resolved: dict[str, Form] = {}
    for form_id in raws:
        _resolve(form_id, raws, resolved, ())
    forms = tuple(sorted(resolved.values(), key=lambda f: -f.first_year))
    prose_path = directory / "prose.toml"
    prose = _read(prose_path, _RawProse)
    loaded = Forms(
        forms=forms,
        prose=tuple(_prose_figure(prose_path, p) for p in prose.figures),
        channel_words=tuple(prose.channel_words),
        prose_qualifiers=tuple(
            ProseQualifier(q.meaning, q.scope, tuple(q.words)) for q in prose.qualifiers
        ),
        prose_none_forms=tuple(prose.none_forms),
        titles=_titles(prose_path, prose),
        directory=directory,
        report_titles=tuple(_report_title(prose_path, p) for p in prose.report_titles),
    )
    unknown = set(prose.none_forms) - set(raws)
    if unknown:
        raise FormSpecError(f"{prose_path}: none_forms names no form: {', '.join(sorted(unknown))}")
    for form in forms:
        _validate(raws[form.id][0], form, loaded)
    return loaded


def _read(path: Path, model: type[_M]) -> _M:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FormSpecError(f"{path}: cannot be read: {exc}") from exc
    except UnicodeDecodeError as exc:  # saved as GBK, say: the user's file, not our bug
        raise FormSpecError(f"{path}: not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise FormSpecError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise FormSpecError(f"{path}: {problems}") from exc


def _resolve(
    form_id: str,
    raws: dict[str, tuple[Path, _RawForm]],
    resolved: dict[str, Form],
    chain: tuple[str, ...],
) -> Form:
    if form_id in resolved:
        return resolved[form_id]
    path, raw = raws[form_id]
    if form_id in chain:
        raise FormSpecError(f"{path}: extends itself through {' -> '.join(chain)}")
    parent: Form | None = None
    if raw.extends is not None:
        if raw.extends not in raws:
            raise FormSpecError(f"{path}: extends {raw.extends!r}, which no form file defines")
        parent = _resolve(raw.extends, raws, resolved, (*chain, form_id))
    try:
        form = _build(raw, parent)
    except (FormSpecError, EquationError, KeyError, ValueError) as exc:
        raise FormSpecError(f"{path}: {exc}") from exc
    resolved[form_id] = form
    return form


def _build(raw: _RawForm, parent: Form | None) -> Form:
    tables = {t.key: t for t in parent.tables} if parent else {}
    for table in raw.tables:
        if table.layout == "indicators":
            raise FormSpecError(f"table {table.key!r}: a 统计表 is an [[indicator_tables]] table")
        tables[table.key] = _amend(tables.get(table.key), table)
    indicator_tables = {t.key: t for t in parent.indicator_tables} if parent else {}
    for table in raw.indicator_tables:
        if table.layout not in (None, "indicators"):
            raise FormSpecError(f"indicator table {table.key!r}: its layout is `indicators`")
        as_indicators = table.model_copy(update={"layout": "indicators"})
        indicator_tables[table.key] = _amend(indicator_tables.get(table.key), as_indicators)
    sections = {s.key: s for s in parent.sections} if parent else {}
    for section in raw.sections:
        old = sections.get(section.key)
        words = (*(old.words if old else ()), *section.words)
        heading = section.heading or (old.heading if old else None)
        sections[section.key] = SectionSpec(section.key, heading, tuple(dict.fromkeys(words)))
    checks = {c.rule: c for c in parent.checks} if parent else {}
    for check in raw.checks:
        checks[check.rule] = _check(check)
    series = {c.rule: c for c in parent.series} if parent else {}
    for check in raw.series:
        series[check.rule] = _check(check)
    panel = {p.key: p for p in parent.panel} if parent else {}
    for source in raw.panel:
        if not (source.figures or source.indicators or source.text):
            raise FormSpecError(f"panel {source.key!r} names no source")
        panel[source.key] = PanelSource(
            source.key, tuple(source.figures), tuple(source.indicators), source.text
        )
    statistics = raw.statistics
    return Form(
        id=raw.id,
        name=raw.name,
        first_year=raw.first_year,
        recognise=Recognise(
            columns=tuple(raw.recognise.columns),
            rows=tuple(raw.recognise.rows),
            by_year=raw.recognise.by_year,
            heading_words=tuple(raw.recognise.heading_words),
            blank_title_words=tuple(raw.recognise.blank_title_words),
            placeholders=tuple(raw.recognise.placeholders),
        ),
        sections=tuple(sections.values()),
        tables=tuple(tables.values()),
        checks=tuple(checks.values()),
        series=tuple(series.values()),
        panel=tuple(panel.values()),
        indicator_tables=tuple(indicator_tables.values()),
        statistics=None
        if statistics is None
        else Statistics(
            indicator_headers=tuple(statistics.indicator_headers),
            unit_headers=tuple(statistics.unit_headers),
            value_headers=tuple(statistics.value_headers),
            units=tuple(statistics.units),
            children_sum_rule=statistics.children_sum_rule,
            flat_indicator_headers=tuple(statistics.flat_indicator_headers),
            year_headers=tuple(statistics.year_headers),
            cumulative_headers=tuple(statistics.cumulative_headers),
            year_end_headers=tuple(statistics.year_end_headers),
            this_year_words=tuple(statistics.this_year_words),
            partitions=tuple(statistics.partitions),
        ),
    )


def _amend(old: TableSpec | None, raw: _RawTable) -> TableSpec:
    if old is None:
        missing = [f for f in ("section", "figure_key", "layout") if getattr(raw, f) is None]
        if missing:
            raise FormSpecError(f"table {raw.key!r} needs {', '.join(missing)}")
        assert raw.section is not None and raw.figure_key is not None and raw.layout is not None
        old = TableSpec(raw.key, raw.section, raw.figure_key, raw.layout, (), (), ())
    groups = _amend_labels(raw.key, old.groups, raw.groups, {})
    by_key = {g.key: g.label for g in groups}
    return replace(
        old,
        heading=raw.heading or old.heading,
        section=raw.section or old.section,
        figure_key=raw.figure_key or old.figure_key,
        layout=raw.layout or old.layout,
        anchors=tuple(dict.fromkeys((*old.anchors, *raw.anchors))),
        groups=groups,
        columns=_amend_labels(raw.key, old.columns, raw.columns, by_key),
        rows=_amend_labels(raw.key, old.rows, raw.rows, by_key),
    )


def _amend_labels(
    table: str, old: tuple[Label, ...], raws: list[_RawLabel], groups: dict[str, str]
) -> tuple[Label, ...]:
    """`old` amended by `raws`; `group` keys become the group's label (`groups`)."""
    written = [raw.key for raw in raws]
    twice = sorted({k for k in written if written.count(k) > 1})
    if twice:
        raise FormSpecError(f"table {table!r}: keys written twice: {', '.join(twice)}")
    labels = list(old)
    for raw in raws:
        if raw.group is not None and raw.group not in groups:
            raise FormSpecError(f"{table}.{raw.key}: group {raw.group!r} is not a group")
        group = groups[raw.group] if raw.group is not None else None
        index = next((i for i, label in enumerate(labels) if label.key == raw.key), None)
        if index is None:
            # A row with no label of its own is its group printed as one row.
            printed = raw.label or group
            if printed is None:
                raise FormSpecError(f"{table}.{raw.key} is new here and needs a label")
            new = Label(raw.key, printed)
            if raw.after is None:
                labels.append(new)
                index = len(labels) - 1
            else:
                after = next((i for i, lab in enumerate(labels) if lab.key == raw.after), None)
                if after is None:
                    raise FormSpecError(f"{table}.{raw.key}: after {raw.after!r}, no such key")
                labels.insert(after + 1, new)
                index = after + 1
        current = labels[index]
        labels[index] = Label(
            key=current.key,
            label=raw.label or current.label,
            variants=tuple(raw.variants) or current.variants,
            group=group or current.group,
            numbering=raw.numbering or current.numbering,
            columns=tuple(raw.columns) if raw.columns is not None else current.columns,
            optional=raw.optional if raw.optional is not None else current.optional,
        )
    keys = [label.key for label in labels]
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        raise FormSpecError(f"table {table!r}: keys written twice: {', '.join(sorted(duplicated))}")
    return tuple(labels)


def _check(raw: _RawCheck) -> CheckSpec:
    for_each: tuple[str, Literal["rows", "columns"]] | None = None
    if raw.for_each is not None:
        table, _, what = raw.for_each.partition(".")
        if what not in ("rows", "columns"):
            raise FormSpecError(f"check {raw.rule}: for_each is TABLE.rows or TABLE.columns")
        for_each = (table, "rows" if what == "rows" else "columns")
    return CheckSpec(raw.rule, parse(raw.equation), " ".join(raw.what.split()), for_each)


def _prose_figure(path: Path, raw: _RawProseFigure) -> ProseFigure:
    written = [raw.pattern] if isinstance(raw.pattern, str) else raw.pattern
    patterns = tuple(_prose_pattern(path, raw.key, p) for p in written)
    nones = tuple(_prose_pattern(path, raw.key, p) for p in raw.none)
    return ProseFigure(raw.key, raw.label, raw.section, patterns, nones, tuple(raw.table_labels))


def _titles(path: Path, prose: _RawProse) -> Titles:
    """The `title_*` patterns, {SUBJECT} and {YEAR} written out."""
    subject = "(?:" + "|".join(re.escape(s) for s in prose.title_subjects) + ")"
    year = f"(?P<year>{WRITTEN_YEAR})"

    def title(key: str, pattern: str, groups: tuple[str, ...] = ()) -> re.Pattern[str]:
        expanded = pattern.replace("{SUBJECT}", subject).replace("{YEAR}", year)
        return _title_pattern(path, key, expanded, groups, written=pattern)

    return Titles(
        words=title("title_words", prose.title_words),
        line=title("title_line", prose.title_line),
        in_chrome=title("title_in_chrome", prose.title_in_chrome),
        naming=title("title_naming", prose.title_naming, ("year", "body")),
        body=title("title_body", prose.title_body, ("year", "body")),
    )


def _report_title(path: Path, pattern: str) -> re.Pattern[str]:
    return _title_pattern(path, "report_titles", pattern, ("year",), written=pattern)


def _title_pattern(
    path: Path, key: str, pattern: str, groups: tuple[str, ...], *, written: str
) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise FormSpecError(f"{path}: {key}: {written!r} is no pattern: {exc}") from exc
    for group in groups:
        if group not in compiled.groupindex:
            raise FormSpecError(f"{path}: {key}: {written!r} has no group `{group}`")
    return compiled


def _prose_pattern(path: Path, key: str, pattern: str) -> re.Pattern[str]:
    expanded = pattern.replace("{N}", r"(\d[\d,]*(?:\.\d+)?)").replace("{GAP}", _GAP)
    try:
        return re.compile(expanded)
    except re.error as exc:
        raise FormSpecError(f"{path}: {key}: not a regular expression: {exc}") from exc


_GAP = "[^，,。；;：:]"  # any character within one clause


def _validate(path: Path, form: Form, forms: Forms) -> None:
    """Every key a form names must be a row, column or figure the forms define."""
    problems: list[str] = []
    for table in form.tables:
        columns = {c.key for c in table.columns}
        for row in table.rows:
            problems += [
                f"{table.key}.{row.key} has column {c!r}, not a column of the table"
                for c in row.columns
                if c not in columns
            ]
    for table in form.indicator_tables:
        # Its rows are found by their label under their top row's (the group): 其他情形数 is a
        # row of 四、行政复议 and of 五、行政诉讼.
        if len(table.columns) != 1:
            problems.append(f"indicator table {table.key} has one column, the year's figure")
        problems += [
            f"{table.key}.{row.key} has no group (the top row it is printed under)"
            for row in table.rows
            if row.group is None
        ]
    if problems:  # the checks below read the tables' cells
        raise FormSpecError(f"{path}: {'; '.join(dict.fromkeys(problems))}")
    for ref, kind in [(r, "columns") for r in form.recognise.columns] + [
        (r, "rows") for r in form.recognise.rows
    ]:
        table_key, _, key = ref.partition(".")
        found = form.table(table_key)
        if found is None or key not in {x.key for x in getattr(found, kind)}:
            problems.append(f"recognise.{kind}: {ref!r} is not in the form's tables")
    tables = {t.key for t in forms.tables}
    for check in (*form.checks, *form.series):
        if check.for_each is not None and check.for_each[0] not in tables:
            problems.append(f"check {check.rule}: for_each names no table {check.for_each[0]!r}")
    if problems:  # the checks below expand the checks over their tables
        raise FormSpecError(f"{path}: {'; '.join(dict.fromkeys(problems))}")
    known = set(forms.figure_keys)
    prose_keys = {p.key for p in forms.prose}
    for source in form.panel:
        problems += [
            f"panel {source.key}: {key!r} is not a figure key"
            for key in source.figures
            if key not in known
        ]
        if source.text is not None and source.text not in prose_keys:
            problems.append(f"panel {source.key}: {source.text!r} is not a prose key")
    for check in form.checks:
        for instance in _expanded(path, check, forms):
            problems += [
                f"check {check.rule}: {key!r} is not a figure key"
                for key in instance.equation.keys
                if key not in known
            ]
    for check in form.series:
        # Repeated over a table's rows, a series check holds for the rows that print its
        # columns (the 2019 form's 上一年项目数量 is in four rows of section 二, not all).
        _expanded(path, check, forms)
        if not forms.instances(check):
            problems.append(f"series {check.rule}: no instance names only figure keys")
    if problems:
        raise FormSpecError(f"{path}: {'; '.join(dict.fromkeys(problems))}")


def _expanded(path: Path, check: CheckSpec, forms: Forms) -> tuple[Instance, ...]:
    """`check` over its table's rows or columns, or the file's error when its equation or its
    `what` names a placeholder that repetition does not fill in."""
    try:
        return forms.expand(check)
    except KeyError as exc:
        over = check.for_each[1] if check.for_each else "nothing"
        raise FormSpecError(
            f"{path}: check {check.rule}: {{{exc.args[0]}}} is not a placeholder of a check "
            f"repeated over {over}"
        ) from exc
    except (IndexError, ValueError) as exc:  # str.format's: braces that are not a placeholder
        raise FormSpecError(f"{path}: check {check.rule}: {exc}") from exc
