"""One run cut under its own equations (those whose cells all lie in it): `splitting`, step (1)."""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.convert.annual_report.splitting_cells import DigitRun, Terms, contribution

MAX_OWN_SPLITS = 10_000
MEET_FROM_DIGITS = 4
#: Partial cuts tried in one search for a run's splits. The sums prune real tables to a few
#: hundred (pingtan-2024.txt: 359 at most); a damaged run (a page cut off mid-table, a flipped
#: byte) that no sum prunes could take hours. Past this the search stops, said to be incomplete.
MAX_STEPS = 300_000


@dataclass
class Own:
    """A run cut under its own equations: splits as cell end offsets, best first."""

    run: DigitRun
    splits: list[tuple[int, ...]]
    complete: bool
    unapplied: list[str]
    note: str


def cut_own(run: DigitRun, own: list[tuple[int, Terms]], names: list[str]) -> Own:
    """`run`'s splits under its own equations (`own`: index and terms), leaving out, in order,
    those that cannot hold with the ones before (`names` name them in the note)."""
    equations = [eq_terms[0][1] for _, eq_terms in own]
    splits, complete = _splits(run, equations, MAX_OWN_SPLITS)
    unapplied: list[str] = []
    if not splits and not _splits(run, [], limit=1)[0]:
        note = f"{run.printed!r} cannot be cut into {run.n_cells} cells (see the token rules)"
        return Own(run, [], True, [], note)
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
    return Own(run, splits, complete, unapplied, "; ".join(notes))


def _preference(ends: tuple[int, ...]) -> tuple[int, int, tuple[int, ...]]:
    """Shortest longest cell, then the most even lengths, then the longest cells latest."""
    lengths = [end - start for start, end in zip((0, *ends[:-1]), ends, strict=True)]
    return max(lengths), sum(n * n for n in lengths), tuple(-n for n in reversed(lengths))


def _splits(
    run: DigitRun, equations: list[dict[int, int]], limit: int
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
        if not checked or all(contribution(c, run.values(split)) == 0 for c in checked):
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


def _parts(run: DigitRun, start: int, end: int, count: int, target: int) -> list[list[int]]:
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


def _parts_meeting(run: DigitRun, start: int, end: int, count: int, target: int) -> list[list[int]]:
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
