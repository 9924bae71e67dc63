"""The runs of a section laid over the form's rows in order, as `linear` reads them.

A run starts at the row its label names; a run without a label covers one or more rows between;
an optional row (a row some reports print) is read only under its own label. The best layout is
found by dynamic programming over (runs placed, rows passed); where two best layouts differ, the
rows they differ on are left undecided rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.convert.annual_report.linear_runs import Run
from nianbao.forms import Label

_COVERED = 10  # what a row read is worth in the alignment
_LABELLED = 2  # a run that starts at the row its label names
_LEFT_OUT = 1  # a run placed nowhere
_LEFT_OUT_LABELLED = 3
_KEEP_PLANS = 3  # distinct best alignments kept to tell whether the best is unique


@dataclass(frozen=True)
class Cover:
    """Run `run` holds the cells of rows[first:stop]."""

    run: int
    first: int
    stop: int


@dataclass
class _State:
    score: int
    plans: list[tuple[Cover, ...]]


def align(runs: list[Run], rows: list[Label], cells: list[int]) -> tuple[list[Cover], set[int]]:
    """The best way to lay the runs over the rows in order, and the rows it cannot decide.

    A run starts at the row its label names; a run without a label covers one or more rows
    between; an optional row (a row some reports print) is read only under its own label. Each
    covered row is worth `_COVERED`; each run left out costs a little. Where two best ways
    differ, the rows they differ on are undecided.
    """
    n, m = len(runs), len(rows)
    table: list[list[_State | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    table[0][0] = _State(0, [()])

    def relax(i: int, j: int, score: int, plans: list[tuple[Cover, ...]]) -> None:
        old = table[i][j]
        if old is None or score > old.score:
            table[i][j] = _State(score, list(plans)[:_KEEP_PLANS])
        elif score == old.score:
            merged = list(dict.fromkeys([*old.plans, *plans]))
            old.plans = merged[:_KEEP_PLANS]

    capacities = [run.capacity() for run in runs]  # asked once per run, not once per row
    # A run printed after its row's label never has a row boundary inside one of its pieces:
    # glued digits there (`行政强制51`) are that row's cells. Cut across rows, by how many cells
    # the rows after it lack, `51` would become 5 for its own row and 1 for the next, whose
    # label the text printed elsewhere or not at all, and no sum would catch it. (A run with no
    # label, section 四's 15 figures glued after its header, is cut by the sums as before.)
    most_rows = [len(run.pieces) if run.label is not None else m for run in runs]
    for i in range(n + 1):
        for j in range(m + 1):
            state = table[i][j]
            if state is None:
                continue
            if j < m:
                relax(i, j + 1, state.score, state.plans)
            if i == n:
                continue
            run = runs[i]
            relax(
                i + 1,
                j,
                state.score - (_LEFT_OUT_LABELLED if run.label else _LEFT_OUT),
                state.plans,
            )
            least, most = capacities[i]
            total = 0
            for k in range(j, m):
                row = rows[k]
                named = run.label == row.key
                if k == j and run.label is not None and not named:
                    break
                if row.optional and not (k == j and named):
                    break
                if k - j >= most_rows[i]:
                    break
                total += cells[k]
                if total > most:
                    break
                if total >= least:
                    gain = _COVERED * (k + 1 - j) + (_LABELLED if named else 0)
                    cover = Cover(i, j, k + 1)
                    relax(i + 1, k + 1, state.score + gain, [(*p, cover) for p in state.plans])
    final = table[n][m]
    assert final is not None  # leaving every run out and skipping every row always works
    plans = [set(p) for p in final.plans]
    agreed = set.intersection(*plans)
    undecided = {k for p in plans for c in p - agreed for k in range(c.first, c.stop)}
    return sorted(agreed, key=lambda c: c.run), undecided
