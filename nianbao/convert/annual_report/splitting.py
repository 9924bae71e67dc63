"""Split digit runs that a crawler glued together back into the form's cells.

A web page's table flattened to one line loses the cell boundaries: the 2024 平潭 dump prints the
the first row of section 三 as ``21710000218``, which is 217, 1, 0, 0, 0, 0, 218. The form
says how many cells each run holds and which sums must hold between them (total = the six
applicant columns, per row; the balance and the result rows, per column; section 四's totals);
this module finds every way to cut the runs that makes all of those sums come out, and nothing
else. It knows nothing of the forms: the caller passes the runs and the equations over their
cells (`CellEquation`).

Tokens. A run is the text as printed: digits, ``-`` and ``.``, and whitespace.

- A cell is ``0`` or a number without a leading zero (``007`` is not a cell, ``000`` in three
  cells is 0, 0, 0), optionally with a fraction: a ``.`` with digits on both sides within the cell
  (``18651.06``; ``0.5`` is fine, ``5.`` and ``.5`` are not).
- A ``-`` can only start a cell, and makes it negative (本年增/减 may be negative); ``-0`` is not
  a cell.
- Every character belongs to exactly one cell.
- Whitespace is a cell boundary the printer kept (``230 000023`` is 23, 0 | 0, 0, 0, 0, 23): no
  cell spans it. It is not part of any cell.
- Any other character is the caller's mistake (a unit such as 元 should be cut off before) and
  raises ValueError.

A run that cannot be cut into its cells at all under these rules (``0`` into two cells, ``07``
into one) gets no candidates, and a note saying so, for the caller to report.

Equations. ``sum(left) == sum(right)``, compared exactly (cells are scaled integers, so 0.1 + 0.2
is 0.3). An equation whose cells all lie in one run is that run's *own* equation (row totals,
section 四's group totals); the others tie runs together (column sums).

How. (1) Each run is cut under its own equations alone. A total printed right after its parts
(the form's layout: 总计 last) is found by trying each place the total can sit, then cutting the
parts to add up to it: every part is at most the total, so no part is longer than the total and
the parts together are at most as many digits as the parts times the total's digits; and the
digit sums agree modulo 9 (a number is congruent to its digit sum), which rules out most places
for the total before any part is tried. Four or more parts of a total of four or more digits meet
in the middle: the first half of the parts read forward, the second half backward, joined on
(offset, sum). Everything else is a depth-first search with the equations checked at the leaves.
(2) The runs tied by equations are solved together: each equation first prunes the
candidates that no choice of the other runs' candidates can balance (per equation, over the set of
partial sums), then one pass over the runs in order counts, for each candidate, the assignments of
all runs that satisfy every equation (the state is the vector of open equations' running sums, so
equal partial sums merge). A candidate kept is part of at least one such assignment; a candidate
dropped is part of none.

Contradictions. Published reports break their own sums. Equations are applied in the order given:
one that cannot hold together with those applied before it is left out, named in the run's
``unapplied``, and explained in ``note``; the runs are then cut under the rest. A misprinted total
thus costs that one equation, not the whole table.

Preference and confidence. When several candidates remain (section 二's 本年制发/本年废止/现行有效
have no equation at all: ``6233440`` is 62|33|440 but also 6|233|440 and 13 more), they are listed
best first by the shape of the cells: the shortest longest cell, then the most even lengths, then
the longest cells latest in the run (the forms put totals and stocks such as 现行有效 last). Runs
tied by equations are chosen together: each run in turn takes its most preferred candidate that
still completes, so the first candidates of all runs satisfy every applied equation at once. That
order is a stated preference, not evidence; ``confidence`` is the share of all the assignments
satisfying every equation in which the run takes its first candidate (1/len for a run no equation
touches), 1.0 when the run is certain. It counts readings, it does not weigh evidence: the form
readers (`linear`) therefore give a cell the candidates leave open no value at all
(`figures.undetermined`), never the first candidate.

Limits. A run with more than MAX_OWN_SPLITS splits under its own equations is listed only in part
(``exhaustive`` False) and the equations across runs that touch it are not applied. A joint count
that would hold more than MAX_JOINT_STATES partial sums at once stops; the candidates are then those
each equation allows on its own (a superset: nothing valid is dropped), with ``exhaustive`` False.
``exhaustive`` is relative to the equations applied; those left out are named in ``unapplied``.

Where. This module is the entry (`split_runs`) and the specification; `splitting_cells` reads a
run and its cells' values once (the token rules), `splitting_own` cuts one run under its own
equations (step 1), `splitting_joint` solves the runs tied together (step 2). Each limit lives,
and is tuned, in the module that applies it; all are importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.convert.annual_report.splitting_cells import (
    FRACTION,
    Cell,
    CellEquation,
    DigitRun,
    equation_terms,
)
from nianbao.convert.annual_report.splitting_joint import (
    MAX_JOINT_STATES,
    MAX_PARTIAL_SUMS,
    RunSplit,
    solve_across,
)
from nianbao.convert.annual_report.splitting_own import (
    MAX_OWN_SPLITS,
    MAX_STEPS,
    MEET_FROM_DIGITS,
    cut_own,
)

__all__ = [
    "MAX_JOINT_STATES",
    "MAX_OWN_SPLITS",
    "MAX_PARTIAL_SUMS",
    "MAX_STEPS",
    "MEET_FROM_DIGITS",
    "Cell",
    "CellEquation",
    "RunSplit",
    "split_runs",
]


def split_runs(
    runs: Sequence[tuple[str, int]], equations: Sequence[CellEquation]
) -> list[RunSplit]:
    """Every split of each run that is part of some assignment satisfying every equation."""
    scale_digits = max((len(m) for text, _ in runs for m in FRACTION.findall(text)), default=0)
    parsed = [DigitRun(i, text, n_cells, scale_digits) for i, (text, n_cells) in enumerate(runs)]
    terms = [equation_terms(eq, parsed) for eq in equations]
    names = [eq.name or f"equation {i}" for i, eq in enumerate(equations)]

    own: dict[int, list[int]] = {run.index: [] for run in parsed}
    across: list[int] = []
    for i, eq_terms in enumerate(terms):
        touched = {r for r, _ in eq_terms}
        if len(touched) == 1:
            own[touched.pop()].append(i)
        elif touched:
            across.append(i)

    cut = [cut_own(run, [(i, terms[i]) for i in own[run.index]], names) for run in parsed]
    return solve_across(parsed, cut, across, terms, names)
