"""How fast glued digit runs are split back into cells, against the brute force it avoids.

    python benchmarks/bench_splitting.py [--tables N]

Cases: the section 三 and 四 runs of the 平潭 dumps (2024 and 2019 forms), with all the form's
equations; and random tables that satisfy them, every result cell drawn from 0..99 or 0..9999
(the totals are then larger). Per case: milliseconds per table (median and worst over N tables,
best of 3 timings each), and the brute force the search avoids. "splits per run" is the sum over
the runs of the ways each can be cut at all (the token rules only): a brute force that tries every
split of every row against its own total pays that. "joint splits" is their product: a brute force
over whole tables pays that. "per-run brute force" is the first priced at the measured cost of
building and checking one split; "x faster" is that estimate over the measured time.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.convert.annual_report.splitting import CellEquation, split_runs  # noqa: E402
from tests.splitting_tables import (  # noqa: E402
    KEYS_2019,
    KEYS_2021,
    PINGTAN_2019_APPLICATIONS,
    PINGTAN_2019_REVIEW,
    PINGTAN_2024_APPLICATIONS,
    PINGTAN_2024_REVIEW,
    application_equations,
    glue,
    random_application_table,
    review_equations,
)

Runs = list[tuple[str, int]]
Case = tuple[str, Callable[[random.Random], Runs], list[CellEquation]]


def splits_of(text: str, n_cells: int) -> int:
    """How many ways `text` (whitespace dropped) cuts into n_cells cells under the token rules,
    counted by a plain dynamic programme over (offset, cells so far)."""
    text = "".join(text.split())
    ways = [[0] * (n_cells + 1) for _ in range(len(text) + 1)]
    ways[0][0] = 1
    for start in range(len(text)):
        longest = len(text) - start if text[start] != "0" else 1
        for end in range(start + 1, start + longest + 1):
            for cells in range(n_cells):
                ways[end][cells + 1] += ways[start][cells]
    return ways[len(text)][n_cells]


def cost_of_one_split() -> float:
    """Seconds to build one split of a row and check its total: a brute force pays it per split."""
    text, n_cells = "1234567891234567891234567", 7
    cuts = list(itertools.islice(itertools.combinations(range(1, len(text)), n_cells - 1), 50_000))
    started = time.perf_counter()
    for cut in cuts:
        bounds = (0, *cut, len(text))
        cells = [int(text[a:b]) for a, b in itertools.pairwise(bounds)]
        _ = sum(cells[:-1]) == cells[-1]
    return (time.perf_counter() - started) / len(cuts)


def timed(runs: Runs, equations: Sequence[CellEquation]) -> float:
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        split_runs(runs, equations)
        best = min(best, time.perf_counter() - started)
    return best


def fixed(rows: Sequence[tuple[str, str, tuple[int, ...]]]) -> Callable[[random.Random], Runs]:
    runs = [(run, 7) for _, run, _ in rows]
    return lambda _rng: runs


def random_applications(keys: list[str], largest: int) -> Callable[[random.Random], Runs]:
    return lambda rng: glue(random_application_table(rng, keys, largest))


def random_review(largest: int) -> Callable[[random.Random], Runs]:
    def make(rng: random.Random) -> Runs:
        cells: list[int] = []
        for _ in range(3):
            parts = [rng.randint(0, largest) for _ in range(4)]
            cells += [*parts, sum(parts)]
        return glue([cells])

    return make


CASES: list[Case] = [
    ("平潭 2024 三 (real)", fixed(PINGTAN_2024_APPLICATIONS), application_equations(KEYS_2021)),
    ("平潭 2019 三 (real)", fixed(PINGTAN_2019_APPLICATIONS), application_equations(KEYS_2019)),
    ("平潭 2024 四 (real)", lambda _: [(PINGTAN_2024_REVIEW[0], 15)], review_equations(0)),
    ("平潭 2019 四 (real)", lambda _: [(PINGTAN_2019_REVIEW[0], 15)], review_equations(0)),
    ("三 2021, 0..99", random_applications(KEYS_2021, 99), application_equations(KEYS_2021)),
    ("三 2021, 0..9999", random_applications(KEYS_2021, 9999), application_equations(KEYS_2021)),
    ("三 2019, 0..9999", random_applications(KEYS_2019, 9999), application_equations(KEYS_2019)),
    ("四, 0..9999", random_review(9999), review_equations(0)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", type=int, default=20, help="random tables per case")
    args = parser.parse_args()
    per_split = cost_of_one_split()
    print(f"brute force: {per_split * 1e6:.2f} µs to build and check one split\n")
    header = (
        f"{'case':<20} {'runs':>4} {'chars':>5} {'ms median':>9} {'ms worst':>8} "
        f"{'splits per run':>14} {'joint splits':>12} {'per-run brute':>13} {'x faster':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, make, equations in CASES:
        rng = random.Random(2024)
        random_case = "real" not in name
        tables = [make(rng) for _ in range(args.tables if random_case else 1)]
        seconds = [timed(runs, equations) for runs in tables]
        per_run = statistics.median(sum(splits_of(t, n) for t, n in runs) for runs in tables)
        joint = statistics.median(math.prod(splits_of(t, n) for t, n in runs) for runs in tables)
        median = statistics.median(seconds)
        brute = per_run * per_split
        print(
            f"{name:<20} {len(tables[0]):>4} {sum(len(t) for t, _ in tables[0]):>5} "
            f"{median * 1e3:>9.2f} {max(seconds) * 1e3:>8.2f} {per_run:>14.3g} {joint:>12.3g} "
            f"{brute * 1e3:>11.3g}ms {brute / median:>8.3g}"
        )


if __name__ == "__main__":
    main()
