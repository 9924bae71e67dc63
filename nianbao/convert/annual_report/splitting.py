"""Split digit runs that a crawler glued together back into the form's cells.

A web page's table flattened to one line loses the cell boundaries: the 2024 平潭 dump prints the
the first row of section 三 as ``21710000218``, which is 217, 1, 0, 0, 0, 0, 218. The form
says how many cells each run holds and which sums must hold between them (total = the six
applicant columns, per row; the balance and the result rows, per column; section 四's totals);
this module finds every way to cut the runs that makes all of those sums come out, and nothing
else. It knows nothing of the forms: the caller passes the runs and the equations.

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
order is a stated preference, not evidence; ``confidence`` is the evidence: the share of all the
assignments satisfying every equation in which the run takes its first candidate (1/len for a run
no equation touches), 1.0 when the run is certain.

Limits. A run with more than MAX_OWN_SPLITS splits under its own equations is listed only in part
(``exhaustive`` False) and the equations across runs that touch it are not applied. A joint count
that would hold more than MAX_JOINT_STATES partial sums at once stops; the candidates are then those
each equation allows on its own (a superset: nothing valid is dropped), with ``exhaustive`` False.
``exhaustive`` is relative to the equations applied; those left out are named in ``unapplied``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]
"""(run index, cell index within the run)."""

MAX_OWN_SPLITS = 10_000
MAX_JOINT_STATES = 100_000
MAX_PARTIAL_SUMS = 20_000
MEET_FROM_DIGITS = 4
#: Partial cuts tried in one search for a run's splits. The sums prune real tables to a few
#: hundred (pingtan-2024.txt: 359 at most); a damaged run (a page cut off mid-table, a flipped
#: byte) that no sum prunes could take hours. Past this the search stops, said to be incomplete.
MAX_STEPS = 300_000


@dataclass(frozen=True)
class Equation:
    """sum(left) == sum(right), exactly."""

    left: tuple[Cell, ...]
    right: tuple[Cell, ...]
    name: str = ""


@dataclass(frozen=True)
class RunSplit:
    """How one run may be cut: ``candidates`` best first (see the module's preference)."""

    run: int
    candidates: tuple[tuple[str, ...], ...]
    confidence: float = 1.0
    """Share of the assignments satisfying every applied equation that use candidates[0]."""
    own_candidates: int = 0
    """How many splits fit this run's own equations, before the equations across runs."""
    exhaustive: bool = True
    """False when a limit was hit: candidates are then not exactly the consistent splits."""
    unapplied: tuple[str, ...] = ()
    """Equations touching this run that were left out (contradicted, or over a run too vague)."""
    note: str = ""

    @property
    def certain(self) -> bool:
        """Exactly one split fits, and the search was complete."""
        return self.exhaustive and len(self.candidates) == 1

    @property
    def by_preference(self) -> bool:
        """candidates[0] was chosen among several by the stated preference, not by arithmetic."""
        return len(self.candidates) > 1


def split_runs(runs: Sequence[tuple[str, int]], equations: Sequence[Equation]) -> list[RunSplit]:
    """Every split of each run that is part of some assignment satisfying every equation."""
    scale_digits = max((len(m) for text, _ in runs for m in _FRACTION.findall(text)), default=0)
    parsed = [_Run(i, text, n_cells, scale_digits) for i, (text, n_cells) in enumerate(runs)]
    terms = [_terms(eq, parsed) for eq in equations]
    names = [eq.name or f"equation {i}" for i, eq in enumerate(equations)]

    own: dict[int, list[int]] = {run.index: [] for run in parsed}
    across: list[int] = []
    for i, eq_terms in enumerate(terms):
        touched = {r for r, _ in eq_terms}
        if len(touched) == 1:
            own[touched.pop()].append(i)
        elif touched:
            across.append(i)

    cut = [_cut_own(run, [(i, terms[i]) for i in own[run.index]], names) for run in parsed]
    return _solve_across(parsed, cut, across, terms, names)


# --- runs and cells --------------------------------------------------------------------------

_FRACTION = re.compile(r"\.(\d+)")
_CELL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_PRINTABLE = frozenset("0123456789-.")


class _Run:
    """A run's text without whitespace, the boundaries whitespace forces, every valid cell's value.

    ``value[i][j]`` is the value of the cell text[i:j] scaled by 10**scale_digits, or None when
    text[i:j] is not a cell (see the token rules).
    """

    def __init__(self, index: int, printed: str, n_cells: int, scale_digits: int) -> None:
        if n_cells < 1:
            raise ValueError(f"run {index}: n_cells must be at least 1, not {n_cells}")
        pieces = printed.split()
        self.index = index
        self.printed = printed
        self.text = "".join(pieces)
        self.n_cells = n_cells
        stray = set(self.text) - _PRINTABLE
        if stray:
            raise ValueError(f"run {index} {printed!r}: {''.join(sorted(stray))!r} is not a cell")
        self.length = len(self.text)
        self.scale = 10**scale_digits
        # A cell may start or end where the printer kept whitespace, never span it: next_break[p]
        # is the first such boundary at or after offset p (or the end of the run).
        breaks = set(itertools.accumulate(len(piece) for piece in pieces[:-1]))
        self.next_break = [self.length] * (self.length + 1)
        for position in range(self.length - 1, -1, -1):
            self.next_break[position] = (
                position if position in breaks else self.next_break[position + 1]
            )
        self.digit_sums = list(
            itertools.accumulate((int(c) if c.isdigit() else 0 for c in self.text), initial=0)
        )
        self.dashes = _prefix_counts(self.text, "-")
        self.dots = _prefix_counts(self.text, ".")
        self.value = self._cell_values(scale_digits)

    def _cell_values(self, scale_digits: int) -> list[list[int | None]]:
        text, length = self.text, self.length
        longest = length - self.n_cells + 1  # every other cell takes one character at least
        value: list[list[int | None]] = [[None] * (length + 1) for _ in range(length + 1)]
        plain = text.isdigit()
        for start in range(length):
            # A cell never spans a kept whitespace: stop at the next one after start.
            stop = min(start + longest, self.next_break[start + 1])
            if plain:  # the common case, read digit by digit
                if text[start] == "0":
                    value[start][start + 1] = 0
                    continue
                number = 0
                for end in range(start + 1, stop + 1):
                    number = number * 10 + ord(text[end - 1]) - 48
                    value[start][end] = number * self.scale
                continue
            for end in range(start + 1, stop + 1):
                token = text[start:end]
                if _CELL.fullmatch(token):
                    value[start][end] = _scaled(token, scale_digits)
        return value

    def digit_sum_mod9(self, start: int, end: int) -> int:
        return (self.digit_sums[end] - self.digit_sums[start]) % 9

    def nonnegative(self, start: int, end: int) -> bool:
        return self.dashes[end] == self.dashes[start]

    def integral(self, start: int, end: int) -> bool:
        return self.dots[end] == self.dots[start]

    def cells(self, ends: tuple[int, ...]) -> tuple[str, ...]:
        starts = (0, *ends[:-1])
        return tuple(self.text[s:e] for s, e in zip(starts, ends, strict=True))

    def values(self, ends: tuple[int, ...]) -> tuple[int, ...]:
        starts = (0, *ends[:-1])
        return tuple(self.value[s][e] or 0 for s, e in zip(starts, ends, strict=True))


def _prefix_counts(text: str, char: str) -> list[int]:
    counts = [0]
    for c in text:
        counts.append(counts[-1] + (c == char))
    return counts


def _scaled(token: str, scale_digits: int) -> int | None:
    whole, _, fraction = token.partition(".")
    number: int = int(whole + fraction) * 10 ** (scale_digits - len(fraction))
    if number == 0 and token.startswith("-"):
        return None  # -0 is not a figure anyone prints on purpose
    return number


Terms = list[tuple[int, dict[int, int]]]
"""An equation as (run, {cell: coefficient}) per run it touches: left cells +1, right cells -1."""


def _terms(eq: Equation, runs: Sequence[_Run]) -> Terms:
    by_run: dict[int, dict[int, int]] = {}
    for sign, side in ((1, eq.left), (-1, eq.right)):
        for run, cell in side:
            if not (0 <= run < len(runs) and 0 <= cell < runs[run].n_cells):
                raise ValueError(f"{eq.name or eq}: no cell {(run, cell)}")
            coefficients = by_run.setdefault(run, {})
            coefficients[cell] = coefficients.get(cell, 0) + sign
    return [(r, {c: k for c, k in cells.items() if k}) for r, cells in sorted(by_run.items())]


def _contribution(coefficients: dict[int, int], values: tuple[int, ...]) -> int:
    return sum(k * values[c] for c, k in coefficients.items())


# --- one run under its own equations ---------------------------------------------------------


@dataclass
class _Own:
    """A run cut under its own equations: splits as cell end offsets, best first."""

    run: _Run
    splits: list[tuple[int, ...]]
    complete: bool
    unapplied: list[str]
    note: str


def _cut_own(run: _Run, own: list[tuple[int, Terms]], names: list[str]) -> _Own:
    equations = [eq_terms[0][1] for _, eq_terms in own]
    splits, complete = _splits(run, equations, MAX_OWN_SPLITS)
    unapplied: list[str] = []
    if not splits and not _splits(run, [], limit=1)[0]:
        note = f"{run.printed!r} cannot be cut into {run.n_cells} cells (see the token rules)"
        return _Own(run, [], True, [], note)
    if not splits:
        # Some of the run's own sums are misprinted: keep those that hold together, in order.
        kept: list[dict[int, int]] = []
        for (i, _), coefficients in zip(own, equations, strict=True):
            if _splits(run, [*kept, coefficients], limit=1)[0]:
                kept.append(coefficients)
            else:
                unapplied.append(names[i])
        splits, complete = _splits(run, kept, MAX_OWN_SPLITS)
    notes = []
    if unapplied:
        notes.append(f"no split satisfies {', '.join(unapplied)} with the rest: left out")
    if not complete:
        notes.append(
            f"more than {MAX_OWN_SPLITS} splits, or more than {MAX_STEPS} cuts tried: only the "
            "splits found are listed"
        )
    splits.sort(key=_preference)
    return _Own(run, splits, complete, unapplied, "; ".join(notes))


def _preference(ends: tuple[int, ...]) -> tuple[int, int, tuple[int, ...]]:
    """Shortest longest cell, then the most even lengths, then the longest cells latest."""
    lengths = [end - start for start, end in zip((0, *ends[:-1]), ends, strict=True)]
    return max(lengths), sum(n * n for n in lengths), tuple(-n for n in reversed(lengths))


def _splits(
    run: _Run, equations: list[dict[int, int]], limit: int
) -> tuple[list[tuple[int, ...]], bool]:
    """Up to `limit` splits satisfying `equations` (cell -> coefficient); whether that is all.

    An equation "cell t = cells a..t-1" (a total printed right after its parts) is solved by
    placing the total first; the others are checked once a split is complete.
    """
    length, n_cells, value = run.length, run.n_cells, run.value
    totals, checked = _placed_totals(equations)
    found: list[tuple[int, ...]] = []
    ends: list[int] = []
    steps = 0

    def finish() -> bool:
        split = tuple(ends)
        if not checked or all(_contribution(c, run.values(split)) == 0 for c in checked):
            found.append(split)
        return len(found) < limit + 1

    def from_cell(cell: int, position: int) -> bool:
        """Cut text[position:] into cells cell.. ; False once the limit is passed."""
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS:
            return False  # too many ways to try: what was found so far, said to be incomplete
        if cell == n_cells:
            return finish() if position == length else True
        after = n_cells - cell - 1  # cells still to place after this one
        if length - position < after + 1:
            return True
        total = totals.get(cell)
        if total is None:
            for end in range(position + 1, length - after + 1):
                if value[position][end] is None:
                    continue
                ends.append(end)
                going = from_cell(cell + 1, end)
                ends.pop()
                if not going:
                    return False
            return True
        parts = total - cell
        after_total = n_cells - total - 1
        last_end = length - after_total
        for start in range(position + parts, last_end):
            mod9_parts = run.digit_sum_mod9(position, start)
            # The total's end: anywhere leaving a character per later cell; the run's end if last.
            for end in range(start + 1, last_end + 1) if after_total else (length,):
                target = value[start][end]
                if target is None:
                    continue
                # n is congruent to its digit sum mod 9, so the parts' digits must match.
                if (
                    run.integral(position, end)
                    and run.nonnegative(position, end)
                    and run.digit_sum_mod9(start, end) != mod9_parts
                ):
                    continue
                for part_ends in _parts(run, position, start, parts, target):
                    mark = len(ends)
                    ends.extend(part_ends)
                    ends.append(end)
                    going = from_cell(total + 1, end)
                    del ends[mark:]
                    if not going:
                        return False
        return True

    from_cell(0, 0)
    complete = len(found) <= limit and steps <= MAX_STEPS
    return found[:limit], complete


def _placed_totals(
    equations: list[dict[int, int]],
) -> tuple[dict[int, int], list[dict[int, int]]]:
    """The block equations the search places directly (first part -> its total's cell, blocks
    that do not overlap), and the others, checked once a split is complete."""
    totals: dict[int, int] = {}
    taken: set[int] = set()
    checked: list[dict[int, int]] = []
    for coefficients in equations:
        block = _block(coefficients)
        if block and not taken & set(range(block[0], block[1] + 1)):
            totals[block[0]] = block[1]
            taken |= set(range(block[0], block[1] + 1))
        elif coefficients:
            checked.append(coefficients)
    return totals, checked


def _block(coefficients: dict[int, int]) -> tuple[int, int] | None:
    """(first part, total) when the equation says cell t = the cells right before it, else None."""
    if not coefficients:
        return None
    total = max(coefficients)
    sign = coefficients[total]
    first = total - len(coefficients) + 1
    if first == total or abs(sign) != 1 or min(coefficients) != first:
        return None
    if any(coefficients[c] != -sign for c in range(first, total)):
        return None
    return first, total


def _parts(run: _Run, start: int, end: int, count: int, target: int) -> list[list[int]]:
    """Every cut of text[start:end] into `count` cells adding up to `target`, as end offsets."""
    value = run.value
    nonnegative = run.nonnegative(start, end)
    bounded = nonnegative and run.integral(start, end)  # digit counts bound the parts
    scale = run.scale
    found: list[list[int]] = []
    ends: list[int] = []

    def cut(position: int, count: int, remaining: int) -> None:
        room = end - position
        shortest, longest = 1, room - count + 1
        if nonnegative and remaining < 0:
            return
        if bounded:
            if remaining % scale:
                return
            # Each part is at most `remaining`, so has at most as many digits; and parts that
            # short must still fill the room between them.
            whole = remaining // scale
            most = len(str(whole))
            if room > count * most or whole >= count * 10 ** (room - count + 1):
                return
            longest = min(longest, most)
            shortest = max(shortest, room - (count - 1) * most)
        row = value[position]
        for part_end in range(position + shortest, position + longest + 1):
            part = row[part_end]
            if part is None:
                if bounded:
                    break  # a leading zero or a kept space: no longer cell is valid either
                continue
            if nonnegative and part > remaining:
                break  # appending characters to a nonnegative cell never lowers it
            if count == 2:  # the last part is what is left: no need to search for it
                if value[part_end][end] == remaining - part:
                    found.append([*ends, part_end, end])
                continue
            ends.append(part_end)
            cut(part_end, count - 1, remaining - part)
            ends.pop()

    if count == 1:
        return [[end]] if value[start][end] == target else []
    # Searching cell by cell costs about (the total's digits) ** count; meeting in the middle
    # about twice its square root, but more to set up: worth it from 4 digits on.
    if (
        bounded
        and count >= 4
        and target >= 0
        and not target % scale
        and len(str(target // scale)) >= MEET_FROM_DIGITS
    ):
        return _parts_meeting(run, start, end, count, target)
    cut(start, count, target)
    return found


def _parts_meeting(run: _Run, start: int, end: int, count: int, target: int) -> list[list[int]]:
    """`_parts` for many nonnegative whole parts, meeting in the middle: the first half of the
    parts read forward from start, the second half backward from end, joined where they meet at
    the same offset with sums adding up to target. That costs the two halves' counts added, not
    multiplied."""
    value = run.value
    most = len(str(target // run.scale))  # no part has more digits than the total
    room = end - start
    if room > count * most or target // run.scale >= count * 10 ** (room - count + 1):
        return []
    first_half = count // 2
    # The second half's cells, at most `most` digits each, must reach from the meeting point to end.
    meet_from = end - (count - first_half) * most
    # (where the first half ends, its sum) -> the first half's cell ends
    forward: dict[tuple[int, int], list[tuple[int, ...]]] = {}

    def walk_forward(position: int, left: int, total: int, ends: tuple[int, ...]) -> None:
        if left == 0:
            forward.setdefault((position, total), []).append(ends)
            return
        if position + left * most < meet_from:
            return
        row = value[position]
        for part_end in range(position + 1, min(position + most, end - left) + 1):
            part = row[part_end]
            if part is None:
                break  # a leading zero or a kept space: no longer cell is valid either
            if total + part > target:
                break
            walk_forward(part_end, left - 1, total + part, (*ends, part_end))

    found: list[list[int]] = []

    def walk_backward(position: int, left: int, total: int, ends: tuple[int, ...]) -> None:
        if left == 0:
            for first in forward.get((position, target - total), ()):
                found.append([*first, *ends])
            return
        for part_start in range(position - 1, max(position - most, start + left) - 1, -1):
            part = value[part_start][position]
            if part is None:
                continue  # "05" is no cell, but "105" may be
            if total + part > target:
                break  # a longer cell ending here is larger still
            walk_backward(part_start, left - 1, total + part, (position, *ends))

    walk_forward(start, first_half, 0, ())
    walk_backward(end, count - first_half, 0, ())
    return found


# --- runs tied by equations ------------------------------------------------------------------


def _solve_across(
    runs: list[_Run], cut: list[_Own], across: list[int], terms: list[Terms], names: list[str]
) -> list[RunSplit]:
    unapplied = {own.run.index: list(own.unapplied) for own in cut}
    notes = {own.run.index: [own.note] if own.note else [] for own in cut}
    exhaustive = {own.run.index: own.complete for own in cut}
    usable: list[int] = []
    for i in across:
        # A run without candidates, or listed only in part, cannot take part: applying the
        # equation over a partial list could drop the other runs' true splits.
        if all(cut[r].splits and cut[r].complete for r, _ in terms[i]):
            usable.append(i)
        else:
            for r, _ in terms[i]:
                unapplied[r].append(names[i])

    system = _System(cut, terms)
    weights: dict[int, list[int]] = {}
    chosen: dict[int, int] = {}
    for component, equations in _components(len(runs), usable, terms):
        solved = system.solve(component, equations)
        if solved is None:
            # The figures contradict some of these equations: keep those that hold together.
            kept: list[int] = []
            for i in equations:
                if system.solve(component, [*kept, i]) is not None:
                    kept.append(i)
                    continue
                for r, _ in terms[i]:
                    unapplied[r].append(names[i])
                    notes[r].append(f"{names[i]} cannot hold with the figures: left out")
            solved = system.solve(component, kept)
            assert solved is not None  # kept holds together by construction
        weights.update(solved.weights)
        chosen.update(solved.chosen)
        if not solved.joint:
            for r in component:
                exhaustive[r] = False
                notes[r].append(
                    "too many combinations to check the equations together: "
                    "the candidates satisfy each equation on its own"
                )

    return [
        _result(
            own,
            weights=weights.get(own.run.index, [1] * len(own.splits)),
            chosen=chosen.get(own.run.index, 0),
            exhaustive=exhaustive[own.run.index],
            unapplied=unapplied[own.run.index],
            notes=notes[own.run.index],
        )
        for own in cut
    ]


def _result(
    own: _Own,
    *,
    weights: list[int],
    chosen: int,
    exhaustive: bool,
    unapplied: list[str],
    notes: list[str],
) -> RunSplit:
    # The chosen candidate first: the first candidates of all runs together satisfy every
    # equation. The others follow in order of preference.
    order = [chosen] + [c for c in range(len(own.splits)) if c != chosen]
    kept = [(own.splits[c], weights[c]) for c in order if c < len(own.splits) and weights[c]]
    candidates = tuple(own.run.cells(split) for split, _ in kept)
    if not candidates:
        confidence = 0.0
    elif not exhaustive:
        confidence = 1 / len(candidates)
    else:
        confidence = kept[0][1] / sum(w for _, w in kept)
    return RunSplit(
        run=own.run.index,
        candidates=candidates,
        confidence=confidence,
        own_candidates=len(own.splits),
        exhaustive=exhaustive,
        unapplied=tuple(dict.fromkeys(unapplied)),
        note="; ".join(dict.fromkeys(notes)),
    )


def _components(
    n_runs: int, equations: list[int], terms: list[Terms]
) -> list[tuple[list[int], list[int]]]:
    """Groups of runs tied by equations, each with its equations in the order given."""
    parent = list(range(n_runs))

    def root(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for i in equations:
        first = root(terms[i][0][0])
        for r, _ in terms[i][1:]:
            parent[root(r)] = first
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in equations:
        groups.setdefault(root(terms[i][0][0]), ([], []))[1].append(i)
    for r in range(n_runs):
        if root(r) in groups:
            groups[root(r)][0].append(r)
    return list(groups.values())


class _TooManyStates(Exception):
    """The joint count outgrew MAX_JOINT_STATES."""


class _System:
    """The runs' own candidates and what each candidate adds to each equation across runs."""

    def __init__(self, cut: list[_Own], terms: list[Terms]) -> None:
        self.sizes = [len(own.splits) for own in cut]
        self.terms = terms
        values = [[own.run.values(s) for s in own.splits] for own in cut]
        # adds[i][r][c]: what run r's candidate c adds to sum(left) - sum(right) of equation i
        self.adds: list[dict[int, list[int]]] = [
            {r: [_contribution(k, v) for v in values[r]] for r, k in eq_terms} for eq_terms in terms
        ]

    def solve(self, component: list[int], equations: list[int]) -> _Solved | None:
        """The assignments of the component's runs that satisfy every equation, counted per
        candidate; None when there is none."""
        if all(self.sizes[r] == 1 for r in component):  # the common case: nothing to choose
            holds = all(sum(self.adds[i][r][0] for r, _ in self.terms[i]) == 0 for i in equations)
            return (
                _Solved({r: [1] for r in component}, dict.fromkeys(component, 0)) if holds else None
            )
        alive = {r: list(range(self.sizes[r])) for r in component}
        if not self._propagate(alive, equations):
            return None
        try:
            solved = self._count(component, equations, alive)
        except _TooManyStates:
            weights = {r: [int(c in alive[r]) for c in range(self.sizes[r])] for r in component}
            return _Solved(weights, {r: alive[r][0] for r in component}, joint=False)
        return solved if any(solved.weights[component[0]]) else None

    def _propagate(self, alive: dict[int, list[int]], equations: list[int]) -> bool:
        """Drop each candidate no choice of the other runs' candidates balances, one equation at
        a time, until nothing changes. False when a run is left with none."""
        changed = True
        while changed:
            changed = False
            for i in equations:
                runs = [r for r, _ in self.terms[i]]
                adds = [sorted({self.adds[i][r][c] for c in alive[r]}) for r in runs]
                before = [{0}]  # before[k]: the sums the runs before the k-th can make
                for options in adds[:-1]:
                    before.append({s + a for s in before[-1] for a in options})
                    if len(before[-1]) > MAX_PARTIAL_SUMS:
                        break
                else:
                    after = [{0}]  # after[j]: the sums the last j runs can make
                    for options in reversed(adds[1:]):
                        after.append({s + a for s in after[-1] for a in options})
                        if len(after[-1]) > MAX_PARTIAL_SUMS:
                            break
                    else:
                        after.reverse()  # now after[k]: the sums the runs after the k-th make
                        for k, r in enumerate(runs):
                            fits = {a for a in adds[k] if _balances(before[k], a, after[k])}
                            keep = [c for c in alive[r] if self.adds[i][r][c] in fits]
                            if not keep:
                                return False
                            if len(keep) < len(alive[r]):
                                alive[r] = keep
                                changed = True
        return True

    def _count(
        self, component: list[int], equations: list[int], alive: dict[int, list[int]]
    ) -> _Solved:
        """One pass over the runs in order: the state is the running sum of each equation that has
        begun and not ended; an equation ends when its last run is added, and must be 0 then.
        Then one pass back counts each state's completions, and one forward again picks the
        preferred candidate of each run in turn among those that still complete."""
        steps = _Steps(component, [(i, [r for r, _ in self.terms[i]]) for i in equations])
        forward: list[dict[tuple[int, ...], int]] = [{(): 1}]
        moves: list[list[tuple[tuple[int, ...], int, tuple[int, ...]]]] = []
        adds: list[dict[int, tuple[int, ...]]] = []
        for step, r in enumerate(component):
            adds.append(
                {c: tuple(self.adds[i][r][c] for i in steps.touching[step]) for c in alive[r]}
            )
            reached: dict[tuple[int, ...], int] = {}
            step_moves = []
            for state, ways in forward[-1].items():
                for c, add in adds[step].items():
                    following = steps.advance(step, state, add)
                    if following is None:
                        continue
                    reached[following] = reached.get(following, 0) + ways
                    step_moves.append((state, c, following))
            if len(reached) > MAX_JOINT_STATES:
                raise _TooManyStates
            forward.append(reached)
            moves.append(step_moves)

        weights = {r: [0] * self.sizes[r] for r in component}
        # completions[step]: for each state before that step, how many ways there are to finish
        completions: list[dict[tuple[int, ...], int]] = [{} for _ in component] + [{(): 1}]
        for step in range(len(component) - 1, -1, -1):
            r = component[step]
            earlier = completions[step]
            for state, c, following in moves[step]:
                onward = completions[step + 1].get(following, 0)
                if onward:
                    earlier[state] = earlier.get(state, 0) + onward
                    weights[r][c] += forward[step][state] * onward

        chosen: dict[int, int] = {}
        so_far: tuple[int, ...] = ()
        for step, r in enumerate(component):
            for c in alive[r]:  # in order of preference
                following = steps.advance(step, so_far, adds[step][c])
                if following is not None and completions[step + 1].get(following):
                    chosen[r], so_far = c, following
                    break
        return _Solved(weights, chosen)


@dataclass
class _Solved:
    """Per run of a component, per candidate: how many assignments satisfying every equation use
    it; the preferred such assignment; and whether the count was joint (False: each equation
    alone allowed the candidates, the limit having been hit)."""

    weights: dict[int, list[int]]
    chosen: dict[int, int]
    joint: bool = True


def _balances(before: set[int], add: int, after: set[int]) -> bool:
    if len(before) <= len(after):
        return any(-(s + add) in after for s in before)
    return any(-(s + add) in before for s in after)


class _Steps:
    """For each run of a component in order: the equations it touches, those open before and
    after it, and how a state (the open equations' running sums) moves on."""

    def __init__(self, component: list[int], equations: list[tuple[int, list[int]]]) -> None:
        position = {r: p for p, r in enumerate(component)}
        first = {i: min(position[r] for r in runs) for i, runs in equations}
        last = {i: max(position[r] for r in runs) for i, runs in equations}
        self.touching: list[list[int]] = [[] for _ in component]
        for i, runs in equations:
            for r in runs:
                self.touching[position[r]].append(i)
        self.plans: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]] = []
        open_before: list[int] = []
        for step in range(len(component)):
            open_after = [i for i, _ in equations if first[i] <= step < last[i]]
            source = {i: k for k, i in enumerate(open_before)}
            touch = {i: k for k, i in enumerate(self.touching[step])}
            # each open equation after the step: (its index in the old state or -1, in add or -1)
            carry = [(source.get(i, -1), touch.get(i, -1)) for i in open_after]
            ending = [(source.get(i, -1), touch[i]) for i in self.touching[step] if last[i] == step]
            self.plans.append((carry, ending))
            open_before = open_after

    def advance(
        self, step: int, state: tuple[int, ...], add: tuple[int, ...]
    ) -> tuple[int, ...] | None:
        carry, ending = self.plans[step]
        for old, new in ending:
            if (state[old] if old >= 0 else 0) + add[new]:
                return None
        return tuple(
            (state[old] if old >= 0 else 0) + (add[new] if new >= 0 else 0) for old, new in carry
        )
