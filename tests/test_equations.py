"""What the forms' equations mean (`nianbao.forms.equations`), decided once and asked by every
caller: which alternative of a term counts, what a missing or blank figure does to a sum, and
how a check is repeated over a table's rows or columns. Each rule is pinned here on its own and
in the situation of each caller: a report's checks, the checks across reports, and the reading
of tables from text (placed cells, a row's own sums)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from nianbao.collection import series
from nianbao.collection.series import FigureValue, SeriesReport, check_series
from nianbao.convert.annual_report.checks import run_checks
from nianbao.convert.annual_report.linear import _equations
from nianbao.convert.annual_report.linear_order import own_equations
from nianbao.errors import FormSpecError
from nianbao.forms import FORMS, Forms, load
from nianbao.forms.equations import Term, parse
from nianbao.schemas.model import Figure, TableCellOrigin
from tests.conftest import copy_forms, edit

SIX_SPLIT = ("other_overdue_correction", "other_overdue_fee", "other_other")  # 2021's （六）
SIX_ONE_ROW = "other_handling"  # the 2019 form's （六）
#: The result rows of section 三 but （六）, in either form's shape.
OTHER_RESULTS = [
    row.key
    for row in FORMS.table("applications").rows
    if row.key
    not in {"new_received", "carried_over", "total_handled", "carried_forward", SIX_ONE_ROW}
    and row.key not in SIX_SPLIT
]

# --- the rules on their own ------------------------------------------------------------------

TERM = Term((("a", "b"), ("c",)))


@pytest.mark.parametrize(
    ("present", "chosen"),
    [
        ({"a", "b", "c"}, ("a", "b")),  # both printed: the first
        ({"a", "c"}, ("a", "b")),  # the first only in part: still the first, b is missing
        ({"c"}, ("c",)),  # only the second printed
        (set(), ("a", "b")),  # none printed: the first, named as missing
    ],
    ids=["both", "first-in-part", "second-only", "none"],
)
def test_the_first_alternative_with_any_key_printed_counts(
    present: set[str], chosen: tuple[str, ...]
) -> None:
    assert TERM.choose(present) == chosen


def test_a_missing_or_blank_figure_leaves_a_side_without_a_sum() -> None:
    equation = parse("t = a + (b + c | d)")
    missing = equation.evaluate({"t": 3, "a": 1, "b": 2, "d": 2})  # c not printed; d not summed
    assert missing.missing == ("c",) and missing.blank == ()
    assert missing.holds is None and missing.right.total is None
    assert missing.left.total == 3  # the side that can be summed still is
    blank = equation.evaluate({"t": 3, "a": None, "d": 2})
    assert blank.blank == ("a",) and blank.missing == ()
    assert blank.holds is None
    assert blank.right.unread == ("a",) and blank.right.read == ("d",)


def test_sums_are_exact_for_whole_numbers_and_to_six_decimals_otherwise() -> None:
    equation = parse("t = a + b")
    whole = equation.evaluate({"t": 3, "a": 1, "b": 2})
    assert whole.holds is True and isinstance(whole.right.total, int)
    assert equation.evaluate({"t": 0.3, "a": 0.1, "b": 0.2}).holds is True
    assert equation.evaluate({"t": 0.3, "a": 0.1, "b": 0.2000011}).holds is False
    assert equation.evaluate({"t": 4, "a": 1, "b": 2}).holds is False


def test_each_side_chooses_by_its_own_reports_figures() -> None:
    equation = parse("x = (a + b | c)")
    evaluation = equation.evaluate({"x": 5, "a": 9}, {"c": 5, "a": 1})
    # In the right side's report `a` is printed, so the first alternative counts there, b lost.
    assert evaluation.right.keys == ("a", "b") and evaluation.right.missing == ("b",)
    assert equation.evaluate({"x": 5}, {"c": 5}).holds is True


# --- expansion over a table's rows or columns ------------------------------------------------


def test_a_check_is_expanded_once_per_column_with_its_what_filled_in() -> None:
    balance = next(c for c in FORMS.checks if c.rule == "applications.balance")
    instances = FORMS.instances(balance)
    columns = FORMS.table("applications").columns
    assert [i.over for i in instances] == [c.key for c in columns]
    commercial = next(i for i in instances if i.over == "commercial")
    assert commercial.what.startswith(f"{FORMS.table('applications').column('commercial').label} ")
    assert "applications.new_received.commercial" in commercial.equation.keys
    assert commercial.name == "applications.balance commercial"
    assert FORMS.instances(balance) is instances  # expanded once: the forms do not change


def test_the_full_label_names_the_group_too() -> None:
    carried = next(c for c in FORMS.series if c.rule == "series.carried_over")
    column = FORMS.table("applications").column("commercial")
    assert column.group
    what = next(i.what for i in FORMS.instances(carried) if i.over == "commercial")
    assert what.startswith(f"{column.group} {column.label} column")


def test_a_series_check_keeps_the_rows_that_print_its_columns() -> None:
    previous = next(c for c in FORMS.series if c.rule == "series.previous_year")
    assert len(FORMS.instances(previous)) < len(FORMS.expand(previous))
    known = set(FORMS.figure_keys)
    assert all(set(i.equation.keys) <= known for i in FORMS.instances(previous))


def _forms_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = copy_forms(tmp_path)
    edit(folder / "form-2021.toml", old, new)
    return folder


def test_a_what_naming_no_placeholder_is_refused_on_loading(tmp_path: Path) -> None:
    folder = _forms_with(tmp_path, "{col_label} column: 一、新收", "{colour} column: 一、新收")
    problem = r"form-2021\.toml: check applications\.balance: \{colour\} is not a placeholder"
    with pytest.raises(FormSpecError, match=problem):
        load(folder)


# --- each caller's situation: a report's checks ----------------------------------------------


def _figure(value: int | None) -> Figure:
    origin = TableCellOrigin(table=0, row=0, col=0)
    return Figure(
        value=value, raw="" if value is None else str(value), source="table", origin=origin
    )


def _section_three(six: dict[str, int], total_handled: int) -> dict[str, Figure]:
    """Section 三's result rows in the total column only, all 0 but （六） as `six` says."""
    keys = {f"applications.{row}.total": 0 for row in OTHER_RESULTS}
    keys |= {f"applications.{row}.total": value for row, value in six.items()}
    keys["applications.total_handled.total"] = total_handled
    return {key: _figure(value) for key, value in keys.items()}


def _results_sum(figures: dict[str, Figure]) -> str:
    checks, _ = run_checks(figures, [], "2021")
    (check,) = [c for c in checks if c.rule == "applications.results_sum" and c.keys]
    assert check.keys[0] == "applications.total_handled.total"
    return f"{check.status}: {check.message}"


def test_a_report_printing_part_of_the_first_alternative_is_not_checked_by_the_other() -> None:
    # Two of the three （六） rows and the single row too: the missing third is named, and the
    # single row, which would make the sum come out, is not summed in its place.
    six = {"other_overdue_correction": 1, "other_other": 1, SIX_ONE_ROW: 2}
    result = _results_sum(_section_three(six, total_handled=2))
    assert result.startswith("skipped:")
    assert "no cell for applications.other_overdue_fee.total" in result


def test_a_report_printing_only_the_second_alternative_is_checked_by_it() -> None:
    assert _results_sum(_section_three({SIX_ONE_ROW: 2}, total_handled=2)).startswith("pass:")
    assert _results_sum(_section_three({SIX_ONE_ROW: 2}, total_handled=3)).startswith("fail:")


def test_a_report_printing_no_alternative_names_the_first_as_missing() -> None:
    result = _results_sum(_section_three({}, total_handled=0))
    assert result.startswith("skipped:")
    missing = result.split("no cell for ", 1)[1].split(", ")
    assert missing == [f"applications.{row}.total" for row in SIX_SPLIT]


def test_a_blank_is_not_zero_in_a_reports_check() -> None:
    figures = _section_three({SIX_ONE_ROW: 0}, total_handled=0)
    figures["applications.granted.total"] = _figure(None)
    result = _results_sum(figures)
    assert result.startswith("skipped:") and "no number in applications.granted.total" in result


# --- each caller's situation: the checks across reports --------------------------------------


@pytest.fixture
def series_with_a_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Forms:
    """The forms with series.carried_over's right side a choice of two alternatives."""
    old = "applications.carried_over.{col} = applications.carried_forward.{col}"
    new = (
        "applications.carried_over.{col} = "
        "(applications.carried_forward.{col} + applications.new_received.{col}"
        " | applications.total_handled.{col})"
    )
    forms = load(_forms_with(tmp_path, old, new))
    monkeypatch.setattr(series, "FORMS", forms)
    return forms


def _pair(earlier: Mapping[str, float | None]) -> dict[str, str]:
    """The statuses and messages of series.carried_over's 总计 column, 2022 against 2021."""
    reports = [
        SeriesReport(
            "b" * 64,
            "later.html",
            "某县",
            2022,
            "2021",
            {"applications.carried_over.total": FigureValue(5, "5")},
        ),
        SeriesReport(
            "a" * 64,
            "earlier.html",
            "某县",
            2021,
            "2021",
            {k: FigureValue(v, "" if v is None else str(v)) for k, v in earlier.items()},
        ),
    ]
    found = [
        c
        for c in check_series(reports)
        if c.rule == "series.carried_over" and "applications.carried_over.total" in c.keys
    ]
    (check,) = found
    return {"status": check.status, "message": check.message}


@pytest.mark.usefixtures("series_with_a_choice")
def test_series_first_alternative_in_part_is_not_replaced_by_the_second() -> None:
    earlier = {"applications.carried_forward.total": 2, "applications.total_handled.total": 5}
    result = _pair(earlier)
    assert result["status"] == "skipped"
    assert "applications.new_received.total in earlier.html" in result["message"]


@pytest.mark.usefixtures("series_with_a_choice")
def test_series_second_alternative_counts_when_the_first_is_not_printed() -> None:
    assert _pair({"applications.total_handled.total": 5})["status"] == "pass"
    assert _pair({"applications.total_handled.total": 4})["status"] == "fail"
    assert _pair({"applications.total_handled.total": None})["status"] == "skipped"


@pytest.mark.usefixtures("series_with_a_choice")
def test_series_no_alternative_printed_names_the_first() -> None:
    result = _pair({})
    assert result["status"] == "skipped"
    assert "applications.carried_forward.total in earlier.html" in result["message"]
    assert "applications.total_handled.total" not in result["message"]


# --- each caller's situation: reading tables from text ---------------------------------------


def _results_sum_cells(placed: list[str]) -> list[tuple[tuple[int, int], ...]]:
    """The splitter's equations for results_sum's 总计 column, every other figure of the column
    placed, and the (六) rows in `placed` (all in glued run 0)."""
    keys = ["total_handled", *OTHER_RESULTS]
    where = {f"applications.{row}.total": (0, n) for n, row in enumerate([*keys, *placed])}
    found = [
        eq
        for eq in _equations(FORMS.table("applications"), where, 1)
        if eq.name == "applications.results_sum total"
    ]
    return [eq.right for eq in found]


def test_placed_cells_choose_the_alternative_as_a_report_does() -> None:
    (split,) = _results_sum_cells([*SIX_SPLIT])
    (one_row,) = _results_sum_cells([SIX_ONE_ROW])
    assert len(split) == len(one_row) + 2
    # Two of the three split rows placed, the single row too: no equation, as for a report.
    assert _results_sum_cells([SIX_SPLIT[0], SIX_SPLIT[2], SIX_ONE_ROW]) == []
    assert _results_sum_cells([]) == []


def test_a_rows_own_equations_are_its_row_total_only() -> None:
    spec = FORMS.table("applications")
    own = list(own_equations(spec, "granted"))
    assert len(own) == 1
    (equation,) = own
    assert set(equation.keys) == {spec.figure("granted", c.key) for c in spec.columns}
    assert equation.evaluate({k: 1 for k in equation.keys}).holds is False  # 1 is not 6
