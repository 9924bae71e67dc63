"""The runs tied by equations across runs, solved together: `splitting`, step (2)."""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.convert.annual_report.splitting_cells import DigitRun, Terms, contribution
from nianbao.convert.annual_report.splitting_own import Own

MAX_JOINT_STATES = 100_000
MAX_PARTIAL_SUMS = 20_000


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


def solve_across(
    runs: list[DigitRun], cut: list[Own], across: list[int], terms: list[Terms], names: list[str]
) -> list[RunSplit]:
    """Each run's result: its own splits (`cut`) narrowed by the equations `across` runs, each
    group of runs they tie solved together, an equation that contradicts the others left out."""
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
    own: Own,
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

    def __init__(self, cut: list[Own], terms: list[Terms]) -> None:
        self.sizes = [len(own.splits) for own in cut]
        self.terms = terms
        values = [[own.run.values(s) for s in own.splits] for own in cut]
        # adds[i][r][c]: what run r's candidate c adds to sum(left) - sum(right) of equation i
        self.adds: list[dict[int, list[int]]] = [
            {r: [contribution(k, v) for v in values[r]] for r, k in eq_terms} for eq_terms in terms
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
