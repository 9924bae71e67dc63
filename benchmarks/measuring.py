"""How the benchmarks here measure, so that a number cannot flatter: configurations interleaved
in rounds (the order rotated each round, so none always runs first, on a cold page cache, or
last, on a hot one), a median with its spread (min-max), ratios taken within a round (the two
runs next to each other in time, under the same load), and a fresh process's own wall time, CPU
time and peak resident set measured from a launcher that stays small.

Why a launcher: Linux carries a process's high-water mark through fork and exec
(`ru_maxrss` is the larger of the new program's and the forking process's), so a child started
by a benchmark that has itself converted files reports the benchmark's peak, not its own. The
launcher is a fresh interpreter with nothing imported (`-I -S`, about 10 MiB) that spawns the
command, waits for it and reports `os.wait4`'s usage: that of the command and the children it
waited for.

Why a bytecode cache: an installed nianbao has its modules compiled (pip writes the .pyc on
install), but a checkout run with `PYTHONDONTWRITEBYTECODE=1` (as this machine's environment
sets) compiles every module of its own from source in every fresh interpreter, some 45 ms a
start that no user pays. `BytecodeCache` gives the children what an installed tool has: a cache
in a temporary folder (`PYTHONPYCACHEPREFIX`, `PYTHONDONTWRITEBYTECODE` removed), filled by an
unmeasured warm-up child before any measured one, for the tool and its floor alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

T = TypeVar("T")

_LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
sys.stdout.flush()
print(json.dumps({
    "seconds": seconds,
    "cpu": usage.ru_utime + usage.ru_stime,
    "peak_kib": usage.ru_maxrss,
    "status": os.waitstatus_to_exitcode(status),
}))
"""


@dataclass(frozen=True)
class Usage:
    """A command run in a clean child: wall seconds, CPU seconds (user and system, its waited-for
    children's included), peak resident set in MiB, exit status, standard output and error."""

    seconds: float
    cpu: float
    peak_mib: float
    status: int
    stdout: str
    stderr: str = ""


def clean_child(
    argv: Sequence[str], env: Mapping[str, str] | None = None, *, check: bool = True
) -> Usage:
    """Run `argv` from a small launcher and return what it used (see the module's docstring)."""
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _LAUNCHER, *argv],
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        check=True,
    )
    *lines, last = done.stdout.rstrip("\n").split("\n")
    usage = json.loads(last)
    if check and usage["status"] != 0:
        raise SystemExit(f"{' '.join(argv)} exited {usage['status']}:\n{done.stderr[-2000:]}")
    peak = usage["peak_kib"] / 1024
    output = "\n".join(lines)
    return Usage(usage["seconds"], usage["cpu"], peak, usage["status"], output, done.stderr)


class BytecodeCache:
    """A bytecode cache for fresh interpreters, as an installed tool has one (see the module's
    docstring), removed on exit:

        with BytecodeCache() as cache:
            cache.warm_up(command, env)                 # unmeasured: fills the cache
            clean_child(command, cache.env(env))        # measured: what a user pays
    """

    #: For a benchmark's printed header.
    HEADER = (
        "children run with a bytecode cache (PYTHONPYCACHEPREFIX in a temporary folder, "
        "filled by an unmeasured warm-up child), as an installed tool has its .pyc"
    )

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="bench-pyc-")

    def __enter__(self) -> BytecodeCache:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._folder.cleanup()

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """`base` (else this process's environment) with the cache in place of no bytecode."""
        env = dict(os.environ if base is None else base)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = self._folder.name
        return env

    def warm_up(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> Usage:
        """Run `argv` once, unmeasured, so that every module it imports is in the cache."""
        return clean_child(argv, self.env(env), check=False)


@dataclass(frozen=True)
class Spread:
    """Repeated measurements of one thing: the median and the range."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(tuple(values))

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def text(self, scale: float = 1.0, digits: int = 1) -> str:
        """`412.0 (398.1-455.3)`: the median, then min-max, each times `scale`."""
        low, high = min(self.values) * scale, max(self.values) * scale
        return f"{self.median * scale:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def rotated(items: Sequence[T], round_: int) -> list[T]:
    """`items` starting at the `round_`-th, so that each takes each place in turn."""
    if not items:
        return []
    k = round_ % len(items)
    return [*items[k:], *items[:k]]


def interleaved(runs: Mapping[str, Callable[[], T]], rounds: int) -> dict[str, list[T]]:
    """Each run once a round, in an order rotated each round; the results by run, in rounds."""
    results: dict[str, list[T]] = {name: [] for name in runs}
    for round_ in range(rounds):
        for name in rotated(list(runs), round_):
            results[name].append(runs[name]())
    return results


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> Spread:
    """Round by round ratios: each pair measured in the same round, next to each other."""
    return Spread.of([a / b for a, b in zip(numerators, denominators, strict=True)])


def load() -> str:
    """`load 3.1 2.4 1.9 on 2 cores`: how busy the machine is (the 1, 5 and 15 minute load
    averages), to print before and after a run."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"
