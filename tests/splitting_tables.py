"""Tables for the run splitter's tests and benchmark: the 平潭 dumps' runs, the forms' equations,
random tables that satisfy them.

The real runs are copied by hand from the crawler's one-line dumps
(../shared/corpus/real/pingtan-2024.txt, pingtan-2019.txt), each with the true cells read from
the same pages as HTML (pingtan-2024.html, pingtan-2019.html). Where a row label numbers the next
row (``…属于国家秘密40000042.其他法律…``), the next row's numeral ``2`` is not part of the run.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from nianbao.convert.annual_report.splitting import Cell, CellEquation

# (row key, run as printed, true cells) for section 三, in table order.
Row = tuple[str, str, tuple[int, ...]]

PINGTAN_2024_APPLICATIONS: list[Row] = [
    ("new_received", "21710000218", (217, 1, 0, 0, 0, 0, 218)),
    ("carried_over", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("granted", "710000071", (71, 0, 0, 0, 0, 0, 71)),
    ("partially_granted", "290000029", (29, 0, 0, 0, 0, 0, 29)),
    ("refused_state_secret", "4000004", (4, 0, 0, 0, 0, 0, 4)),
    ("refused_prohibited_by_law", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("refused_security_stability", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("refused_third_party_rights", "3000003", (3, 0, 0, 0, 0, 0, 3)),
    ("refused_internal_affairs", "320000032", (32, 0, 0, 0, 0, 0, 32)),
    ("refused_process_info", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("refused_enforcement_files", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("refused_administrative_inquiry", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("unable_not_held", "750000075", (75, 0, 0, 0, 0, 0, 75)),
    ("unable_needs_creation", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("unable_unclear", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("not_processed_complaint", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("not_processed_duplicate", "1000001", (1, 0, 0, 0, 0, 0, 1)),
    ("not_processed_publication", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("not_processed_excessive", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("not_processed_confirmation", "0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("other_overdue_correction", " 1000001", (1, 0, 0, 0, 0, 0, 1)),
    ("other_overdue_fee", " 0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("other_other", "1100002", (1, 1, 0, 0, 0, 0, 2)),
    ("total_handled", "21710000218", (217, 1, 0, 0, 0, 0, 218)),
    ("carried_forward", "0000000", (0, 0, 0, 0, 0, 0, 0)),
]

_ZEROS = (0, 0, 0, 0, 0, 0, 0)
PINGTAN_2019_APPLICATIONS: list[Row] = [
    ("new_received", "230 000023", (23, 0, 0, 0, 0, 0, 23)),
    ("carried_over", "0000000", _ZEROS),
    ("granted", "7000007", (7, 0, 0, 0, 0, 0, 7)),
    ("partially_granted", "1000001", (1, 0, 0, 0, 0, 0, 1)),
    *[
        (key, "0000000", _ZEROS)
        for key in (
            "refused_state_secret",
            "refused_prohibited_by_law",
            "refused_security_stability",
            "refused_third_party_rights",
            "refused_internal_affairs",
            "refused_process_info",
            "refused_enforcement_files",
            "refused_administrative_inquiry",
        )
    ],
    ("unable_not_held", "7000007", (7, 0, 0, 0, 0, 0, 7)),
    ("unable_needs_creation", "0000000", _ZEROS),
    ("unable_unclear", "5000005", (5, 0, 0, 0, 0, 0, 5)),
    ("not_processed_complaint", "0000000", _ZEROS),
    ("not_processed_duplicate", "3000003", (3, 0, 0, 0, 0, 0, 3)),
    ("not_processed_publication", "0000000", _ZEROS),
    ("not_processed_excessive", "0000000", _ZEROS),
    ("not_processed_confirmation", "0000000", _ZEROS),
    ("other_handling", "0 0 0 0 0 00", _ZEROS),
    ("total_handled", "23 0 00 0 023", (23, 0, 0, 0, 0, 0, 23)),
    ("carried_forward", " 0 0 00 00 0 ", _ZEROS),
]

# Section 四: one run of 15 cells, three groups of (upheld, corrected, other, pending, total).
PINGTAN_2024_REVIEW = ("21317000001324019", (2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19))
PINGTAN_2019_REVIEW = ("000000000000000", (0,) * 15)

# Section 二: (run, cells, true cells as printed). No equation ties these cells.
PINGTAN_2024_PROACTIVE: list[tuple[str, int, tuple[str, ...]]] = [
    ("000", 3, ("0", "0", "0")),  # 规章
    ("6233440", 3, ("62", "33", "440")),  # 行政规范性文件
    ("4529", 1, ("4529",)),  # 行政许可
    ("1100", 1, ("1100",)),  # 行政处罚
    ("65", 1, ("65",)),  # 行政强制
    ("18651.06", 1, ("18651.06",)),  # 行政事业性收费 (万元)
]
PINGTAN_2019_PROACTIVE: list[tuple[str, int, tuple[str, ...]]] = [
    ("000", 3, ("0", "0", "0")),  # 规章
    ("898989", 3, ("89", "89", "89")),  # 规范性文件
    ("3960181", 3, ("396", "0", "181")),  # 行政许可
    ("100153", 3, ("10", "0", "153")),  # 其他对外管理服务事项
    ("26480430", 3, ("2648", "0", "430")),  # 行政处罚
    ("126025", 3, ("126", "0", "25")),  # 行政强制
    ("350", 2, ("35", "0")),  # 行政事业性收费
    ("13575394432.52", 2, ("135", "75394432.52")),  # 政府集中采购 (元 cut off)
]

APPLICANT_COLUMNS = 6  # 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他; then 总计


def row_total(run: int, parts: int = APPLICANT_COLUMNS) -> CellEquation:
    """The run's last cell is the sum of the cells before it."""
    return CellEquation(tuple((run, c) for c in range(parts)), ((run, parts),), f"row {run} total")


def application_equations(keys: Sequence[str], first_run: int = 0) -> list[CellEquation]:
    """Section 三's equations for rows `keys` (table order) held by runs first_run.. : the row
    totals, then per column the balance and the results sum."""
    run = {key: first_run + i for i, key in enumerate(keys)}
    results = [key for key in keys[2:] if key not in ("total_handled", "carried_forward")]
    equations = [row_total(r) for r in run.values()]
    for column in range(APPLICANT_COLUMNS + 1):

        def cell(key: str, column: int = column) -> Cell:
            return run[key], column

        equations.append(
            CellEquation(
                (cell("new_received"), cell("carried_over")),
                (cell("total_handled"), cell("carried_forward")),
                f"applications.balance column {column}",
            )
        )
        equations.append(
            CellEquation(
                tuple(cell(key) for key in results),
                (cell("total_handled"),),
                f"applications.results_sum column {column}",
            )
        )
    return equations


def review_equations(run: int) -> list[CellEquation]:
    """Section 四: in each group of five, the fifth cell is the sum of the four before it."""
    return [
        CellEquation(
            tuple((run, 5 * g + c) for c in range(4)), ((run, 5 * g + 4),), f"section 四 group {g}"
        )
        for g in range(3)
    ]


KEYS_2021 = [key for key, _, _ in PINGTAN_2024_APPLICATIONS]
KEYS_2019 = [key for key, _, _ in PINGTAN_2019_APPLICATIONS]


def random_application_table(
    rng: random.Random, keys: Sequence[str], largest: int = 9999
) -> list[tuple[int, ...]]:
    """Figures for section 三 that satisfy every equation: random results and carry-over, the
    rest derived. With `largest` 9999 the results are 0..9999 per cell (totals larger)."""
    results = [key for key in keys[2:] if key not in ("total_handled", "carried_forward")]
    figures: dict[str, list[int]] = {
        key: [rng.randint(0, largest) for _ in range(APPLICANT_COLUMNS)] for key in results
    }
    handled = [sum(figures[key][c] for key in results) for c in range(APPLICANT_COLUMNS)]
    carried_over = [rng.randint(0, largest) for _ in range(APPLICANT_COLUMNS)]
    carried_forward = [rng.randint(0, min(largest, handled[c])) for c in range(APPLICANT_COLUMNS)]
    new_received = [
        handled[c] + carried_forward[c] - carried_over[c] for c in range(APPLICANT_COLUMNS)
    ]
    if any(n < 0 for n in new_received):  # keep every figure a count
        carried_over = [min(carried_over[c], handled[c]) for c in range(APPLICANT_COLUMNS)]
        new_received = [
            handled[c] + carried_forward[c] - carried_over[c] for c in range(APPLICANT_COLUMNS)
        ]
    figures |= {
        "new_received": new_received,
        "carried_over": carried_over,
        "total_handled": handled,
        "carried_forward": carried_forward,
    }
    return [(*figures[key], sum(figures[key])) for key in keys]


def glue(rows: Sequence[Sequence[int]]) -> list[tuple[str, int]]:
    """The runs a crawler would print: each row's cells with nothing between them."""
    return [("".join(str(v) for v in row), len(row)) for row in rows]
