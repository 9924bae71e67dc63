"""The run splitter: real glued runs from the 平潭 dumps, the token rules, and random tables checked
against brute force."""

from __future__ import annotations

import itertools
import math
import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest

from nianbao.convert.annual_report import splitting, splitting_joint, splitting_own
from nianbao.convert.annual_report.splitting import CellEquation, RunSplit, split_runs
from tests.splitting_tables import (
    KEYS_2019,
    KEYS_2021,
    PINGTAN_2019_APPLICATIONS,
    PINGTAN_2019_PROACTIVE,
    PINGTAN_2019_REVIEW,
    PINGTAN_2024_APPLICATIONS,
    PINGTAN_2024_PROACTIVE,
    PINGTAN_2024_REVIEW,
    Row,
    application_equations,
    glue,
    random_application_table,
    review_equations,
    row_total,
)


def how_settled(results: Sequence[RunSplit]) -> Counter[str]:
    """Certain from the run's own equations, certain only with the others, or still ambiguous."""
    return Counter(
        "ambiguous" if not r.certain else "own" if r.own_candidates == 1 else "across"
        for r in results
    )


def as_ints(cells: Sequence[str]) -> tuple[int, ...]:
    return tuple(int(c) for c in cells)


# --- the real dumps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "keys"),
    [(PINGTAN_2024_APPLICATIONS, KEYS_2021), (PINGTAN_2019_APPLICATIONS, KEYS_2019)],
    ids=["pingtan-2024", "pingtan-2019"],
)
def test_real_section_three_comes_out_as_the_html_has_it(rows: list[Row], keys: list[str]) -> None:
    results = split_runs([(run, 7) for _, run, _ in rows], application_equations(keys))
    assert [as_ints(r.candidates[0]) for r in results] == [truth for _, _, truth in rows]
    assert all(r.certain and r.confidence == 1.0 and not r.unapplied for r in results)
    # Every row of both dumps is settled by its own total: the column sums only confirm it.
    assert how_settled(results) == Counter(own=len(rows))


def test_real_section_three_without_row_totals_needs_the_columns() -> None:
    """Drop the row totals: the column sums alone still settle the 2024 table."""
    rows = PINGTAN_2024_APPLICATIONS
    equations = [e for e in application_equations(KEYS_2021) if "row" not in e.name]
    results = split_runs([(run, 7) for _, run, _ in rows], equations)
    for result, (_, _, truth) in zip(results, rows, strict=True):
        assert [as_ints(c) for c in result.candidates] == [truth]
    # The seven-character runs can only be seven single digits; the six longer ones (217|1|0|0|
    # 0|0|218 could be 2|17|10|0|0|0|218, ...) are settled by the columns alone.
    assert how_settled(results) == Counter(own=19, across=6)


@pytest.mark.parametrize("review", [PINGTAN_2024_REVIEW, PINGTAN_2019_REVIEW])
def test_real_section_four(review: tuple[str, tuple[int, ...]]) -> None:
    run, truth = review
    (result,) = split_runs([(run, 15)], review_equations(0))
    assert result.certain
    assert as_ints(result.candidates[0]) == truth


@pytest.mark.parametrize(
    "rows", [PINGTAN_2024_PROACTIVE, PINGTAN_2019_PROACTIVE], ids=["pingtan-2024", "pingtan-2019"]
)
def test_real_section_two_has_no_equations_so_the_truth_is_a_candidate(
    rows: list[tuple[str, int, tuple[str, ...]]],
) -> None:
    results = split_runs([(run, n) for run, n, _ in rows], [])
    for result, (_, n_cells, truth) in zip(results, rows, strict=True):
        assert truth in result.candidates
        assert result.certain == (len(result.candidates) == 1)
        if n_cells == 1 or set(truth) == {"0"}:
            assert result.certain
        else:
            assert result.by_preference
            assert result.confidence == pytest.approx(1 / len(result.candidates))


def test_preference_reads_the_2024_documents_row_right() -> None:
    """本年制发 62, 本年废止 33, 现行有效 440: fifteen splits, and the preference (short, even
    cells, the longest last) puts the true one first. It is still flagged."""
    (result,) = split_runs([("6233440", 3)], [])
    assert len(result.candidates) == 15
    assert result.candidates[0] == ("62", "33", "440")
    assert not result.certain
    assert result.by_preference


def test_preference_misreads_a_2019_licensing_row_and_says_so() -> None:
    """行政许可 396 | 0 | 181: even lengths prefer 39 | 60 | 181. The truth is listed; the
    reading is flagged with a low confidence."""
    (result,) = split_runs([("3960181", 3)], [])
    assert result.candidates[0] == ("39", "60", "181")
    assert ("396", "0", "181") in result.candidates
    assert result.confidence < 0.2


# --- several splits, decided or not ----------------------------------------------------------


def test_two_splits_that_both_satisfy_every_equation_are_both_returned() -> None:
    # 1 | 23 with 12 | 3, or 12 | 3 with 1 | 23: the columns add up either way.
    runs = [("123", 2), ("123", 2), ("13", 1), ("26", 1)]
    equations = [
        CellEquation(((0, 0), (1, 0)), ((2, 0),), "column 0"),
        CellEquation(((0, 1), (1, 1)), ((3, 0),), "column 1"),
    ]
    first, second, *_ = split_runs(runs, equations)
    for result in (first, second):
        assert set(result.candidates) == {("1", "23"), ("12", "3")}
        assert result.confidence == 0.5
        assert not result.certain
    # The first candidates together are one of the two solutions, not 1 | 23 twice.
    assert {first.candidates[0], second.candidates[0]} == {("1", "23"), ("12", "3")}


def test_column_equations_settle_a_row_its_own_total_cannot() -> None:
    # Row 0 "11011" with total last: 1+10=11 or 11+0=11. The column below decides.
    runs = [("11011", 3), ("2", 1), ("13", 1)]
    equations = [
        row_total(0, parts=2),
        CellEquation(((0, 0), (1, 0)), ((2, 0),), "column 0"),  # first cell + 2 == 13
    ]
    result = split_runs(runs, equations)[0]
    assert result.own_candidates == 2
    assert result.candidates == (("11", "0", "11"),)
    assert result.certain


# --- token rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "n_cells", "expected"),
    [
        ("000", 3, {("0", "0", "0")}),
        ("007", 1, set()),
        ("007", 2, set()),
        ("007", 3, {("0", "0", "7")}),
        ("0", 2, set()),
        ("1-2", 2, {("1", "-2")}),
        ("12-", 2, set()),
        ("-0", 1, set()),
        ("--1", 2, set()),
        ("5.", 1, set()),
        (".5", 1, set()),
        ("0.5", 1, {("0.5",)}),
        ("00.5", 2, {("0", "0.5")}),
        ("1.5.5", 2, set()),  # a dot needs digits on both sides, within one cell
        ("12 3", 2, {("12", "3")}),
        ("1 23", 3, {("1", "2", "3")}),
        ("  7  ", 1, {("7",)}),
    ],
)
def test_token_rules(run: str, n_cells: int, expected: set[tuple[str, ...]]) -> None:
    (result,) = split_runs([(run, n_cells)], [])
    assert set(result.candidates) == expected
    if not expected:
        assert result.confidence == 0.0
        assert "cannot be cut" in result.note


def test_a_character_that_is_no_part_of_a_number_is_the_callers_mistake() -> None:
    with pytest.raises(ValueError, match="元"):
        split_runs([("251000元", 1)], [])
    with pytest.raises(ValueError, match="no cell"):
        split_runs([("12", 2)], [CellEquation(((0, 0),), ((0, 2),))])


def test_decimals_are_added_exactly() -> None:
    # 0.1 + 0.2 == 0.3 (in floating point it is not)
    (result,) = split_runs([("0.10.20.3", 3)], [row_total(0, parts=2)])
    assert result.candidates == (("0.1", "0.2", "0.3"),)
    # 采购总金额 with 元 cut off: 135 | 75394432.52, a total across two cells
    runs = [("13575394432.52", 2), ("75394567.52", 1)]
    equations = [CellEquation(((0, 0), (0, 1)), ((1, 0),), "sum")]
    assert split_runs(runs, equations)[0].candidates == (("135", "75394432.52"),)


def test_negative_changes() -> None:
    # 上一年项目数量 | 本年增/减 | 处理决定数量, with previous + change == this year's 2630
    runs = [("2648-18538", 3), ("2630", 1)]
    equations = [CellEquation(((0, 0), (0, 1)), ((1, 0),), "previous + change")]
    (result, _) = split_runs(runs, equations)
    assert result.candidates == (("2648", "-18", "538"),)
    # A total over negative parts: -5 + 12 == 7
    (result,) = split_runs([("-5127", 3)], [row_total(0, parts=2)])
    assert result.candidates == (("-5", "12", "7"),)


# --- contradictions and limits ---------------------------------------------------------------


def test_a_misprinted_total_costs_its_own_equation_only() -> None:
    # Section 四 printing a total of 0 over parts 2, 1, 3, 1 (as a real 2023 report does).
    run = "21310" + "00000" + "1324019"
    (result,) = split_runs([(run, 15)], review_equations(0))
    assert result.unapplied == ("section 四 group 0",)
    assert "section 四 group 0" in result.note
    truth = ("2", "1", "3", "1", "0", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19")
    assert result.candidates[0] == truth
    assert result.certain  # the other two groups fix every cut


def test_a_column_that_does_not_add_up_is_left_out_and_named() -> None:
    runs = [("112", 3), ("123", 3), ("999", 1)]
    equations = [
        row_total(0, parts=2),
        row_total(1, parts=2),
        CellEquation(((0, 2), (1, 2)), ((2, 0),), "column total"),  # 2 + 3 is not 999
    ]
    first, second, third = split_runs(runs, equations)
    assert first.candidates == (("1", "1", "2"),)
    assert second.candidates == (("1", "2", "3"),)
    assert all("column total" in r.unapplied for r in (first, second, third))
    assert "cannot hold" in first.note


def test_a_run_with_too_many_splits_is_listed_in_part_and_flagged() -> None:
    runs = [("1" * 40, 8), ("8", 1)]
    equations = [CellEquation(((0, 0),), ((1, 0),), "first is 8")]
    vague, fixed = split_runs(runs, equations)
    assert not vague.exhaustive
    assert not vague.certain
    assert len(vague.candidates) == splitting.MAX_OWN_SPLITS
    assert "first is 8" in vague.unapplied
    assert "first is 8" in fixed.unapplied
    assert fixed.certain


def test_the_joint_count_stops_at_its_limit_and_keeps_every_valid_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = [("123", 2), ("123", 2), ("13", 1), ("26", 1)]
    equations = [
        CellEquation(((0, 0), (1, 0)), ((2, 0),), "column 0"),
        CellEquation(((0, 1), (1, 1)), ((3, 0),), "column 1"),
    ]
    monkeypatch.setattr(splitting_joint, "MAX_JOINT_STATES", 0)
    first, second, *_ = split_runs(runs, equations)
    for result in (first, second):
        assert set(result.candidates) == {("1", "23"), ("12", "3")}
        assert not result.exhaustive
        assert "too many combinations" in result.note


# --- random tables ---------------------------------------------------------------------------


def holds(equation: CellEquation, cells: Mapping[int, Sequence[str]]) -> bool:
    """The equation, over the cells of the runs given (run -> cells)."""

    def total(side: tuple[tuple[int, int], ...]) -> Decimal:
        return sum((Decimal(cells[r][c]) for r, c in side), Decimal(0))

    return total(equation.left) == total(equation.right)


@pytest.mark.parametrize("largest", [3, 30, 9999])
@pytest.mark.parametrize("keys", [KEYS_2021, KEYS_2019], ids=["2021", "2019"])
def test_random_section_three_tables_split_back(largest: int, keys: list[str]) -> None:
    rng = random.Random(largest)
    equations = application_equations(keys)
    for _ in range(8):
        table = random_application_table(rng, keys, largest)
        results = split_runs(glue(table), equations)
        firsts = [r.candidates[0] for r in results]
        assert all(
            holds(e, dict(enumerate(firsts))) for e in equations
        )  # the first candidates go together
        for result, truth in zip(results, table, strict=True):
            assert tuple(str(v) for v in truth) in result.candidates
            assert result.exhaustive
            assert all(holds(row_total(result.run), {result.run: c}) for c in result.candidates)


CELL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def brute_force(
    runs: Sequence[tuple[str, int]], equations: Sequence[CellEquation]
) -> list[set[tuple[str, ...]]]:
    """Every split of every run, every combination, every equation: the splits that take part in
    at least one combination satisfying all of them. Written without the module's tricks."""
    splits = []
    for run_index, (text, n_cells) in enumerate(runs):
        own = [e for e in equations if {r for r, _ in e.left + e.right} == {run_index}]
        options = []
        for cuts in itertools.combinations(range(1, len(text)), n_cells - 1):
            bounds = (0, *cuts, len(text))
            cells = tuple(text[a:b] for a, b in itertools.pairwise(bounds))
            if all(CELL.fullmatch(c) for c in cells) and all(
                holds(e, {run_index: cells}) for e in own
            ):
                options.append(cells)
        splits.append(options)
    valid: list[set[tuple[str, ...]]] = [set() for _ in runs]
    for combination in itertools.product(*splits):
        if all(holds(e, dict(enumerate(combination))) for e in equations):
            for found, cells in zip(valid, combination, strict=True):
                found.add(cells)
    return valid


def small_table(
    rng: random.Random, with_row_totals: bool
) -> tuple[list[list[int]], list[CellEquation]]:
    """A few rows of a few parts (mostly small, many zeros) and a total row below them."""
    n_rows, n_parts = rng.randint(2, 3), rng.randint(1, 3)
    rows = [
        [rng.choice([0, 0, 1, 2, 10, 11, 12, 21, 101]) for _ in range(n_parts)]
        for _ in range(n_rows)
    ]
    rows = [[*row, sum(row)] for row in rows] if with_row_totals else rows
    width = len(rows[0])
    rows.append([sum(row[c] for row in rows) for c in range(width)])
    equations = [
        CellEquation(tuple((r, c) for r in range(n_rows)), ((n_rows, c),), f"column {c}")
        for c in range(width)
    ]
    if with_row_totals:
        equations = [row_total(r, parts=n_parts) for r in range(n_rows + 1)] + equations
    return rows, equations


@pytest.mark.parametrize("with_row_totals", [True, False], ids=["rows-and-columns", "columns"])
def test_small_random_tables_match_brute_force(with_row_totals: bool) -> None:
    rng = random.Random(7)
    seen: Counter[str] = Counter()
    for _ in range(150):
        rows, equations = small_table(rng, with_row_totals)
        runs = glue(rows)
        results = split_runs(runs, equations)
        expected = brute_force(runs, equations)
        for result, valid, truth in zip(results, expected, rows, strict=True):
            assert set(result.candidates) == valid
            assert tuple(str(v) for v in truth) in result.candidates
            assert result.certain == (len(valid) == 1)
        firsts = dict(enumerate(r.candidates[0] for r in results))
        assert all(holds(e, firsts) for e in equations)
        seen += how_settled(results)
    # The cases the tables are meant to reach all occur.
    assert seen["own"] and seen["across"] and seen["ambiguous"]


def test_confidence_is_the_share_of_the_solutions() -> None:
    """Checked against brute force: the share of all consistent combinations using the first."""
    rng = random.Random(11)
    for _ in range(60):
        rows, equations = small_table(rng, with_row_totals=False)
        runs = glue(rows)
        results = split_runs(runs, equations)
        options = brute_force(runs, [])  # every split of every run
        combos = [
            combo
            for combo in itertools.product(*options)
            if all(holds(e, dict(enumerate(combo))) for e in equations)
        ]
        for result in results:
            using = sum(combo[result.run] == result.candidates[0] for combo in combos)
            assert result.confidence == pytest.approx(using / len(combos))


@pytest.mark.parametrize("meet_from_digits", [splitting.MEET_FROM_DIGITS, 1], ids=["", "meeting"])
@pytest.mark.parametrize("signed", [False, True], ids=["counts", "signed-and-decimal"])
def test_random_grouped_runs_match_brute_force(
    signed: bool, meet_from_digits: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One run of groups, each group's last cell the sum of the others (section 四's shape);
    also with the parts of every group of four or more found by meeting in the middle."""
    monkeypatch.setattr(splitting_own, "MEET_FROM_DIGITS", meet_from_digits)
    rng = random.Random(3)
    figures = ["0", "1", "10", "12", "101"] + (["-1", "-10", "0.5", "1.5"] if signed else [])
    for _ in range(150):
        n_groups, n_parts = rng.randint(1, 3), rng.randint(1, 5)
        cells: list[str] = []
        for _ in range(n_groups):
            parts = [rng.choice(figures) for _ in range(n_parts)]
            cells += [*parts, str(sum((Decimal(p) for p in parts), Decimal(0)))]
        equations = [
            CellEquation(
                tuple((0, g * (n_parts + 1) + c) for c in range(n_parts)),
                ((0, g * (n_parts + 1) + n_parts),),
                f"group {g}",
            )
            for g in range(n_groups)
        ]
        runs = [("".join(cells), len(cells))]
        if math.comb(len(runs[0][0]) - 1, len(cells) - 1) > 20_000:
            continue  # too long for brute force
        (result,) = split_runs(runs, equations)
        (valid,) = brute_force(runs, equations)
        assert tuple(cells) in result.candidates
        assert set(result.candidates) == valid


def test_a_run_no_sum_can_prune_stops_searching_and_says_so() -> None:
    # 40 ones into 12 cells: every cut is a valid token, and the one equation holds for none,
    # so only the step limit ends the search (C(39, 11) = 1.7e9 cuts). Found in fuzzing: a
    # truncated dump and a page with a flipped byte ran past the time limit this way.
    impossible = CellEquation(((0, 0), (0, 2)), ((0, 11), (0, 11), (0, 5)), "impossible")
    [result] = split_runs([("1" * 40, 12)], [impossible])
    assert not result.exhaustive and not result.certain
    assert "cuts tried" in result.note
    assert result.confidence < 1.0
