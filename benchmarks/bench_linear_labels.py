"""How long one long line that repeats a form table's row labels takes: the label search of the
linear reader, once quadratic in the labels found, and the whole conversion.

    python benchmarks/bench_linear_labels.py [--sizes 1 5] [--old-up-to 1]

The line is the 平潭 2024 crawler dump (`samples/text/pingtan-2024.txt`, its body on one line)
with the figures of section 三, labels and digits, repeated until the file is SIZE MiB. Per size:
the labels found in the line, the seconds `_labels_in` takes to keep the longest of overlapping
labels as it does now and as it did (each candidate compared with every label kept: kept only up
to `--old-up-to` MiB, past that it runs for minutes), and the seconds of the whole conversion
(in this process, no limits).

Measured on the project's 2-core machine, shared (issue 19), the command line's time with its
limits (`nianbao convert FILE -o x.json`):

| size | before (b6dcf78) | after |
|---|---|---|
| 1 MiB | 23 s (9 s on a quiet machine, the issue says) | 4.9 s (3.2 s user) |
| 5 MiB | stopped by the 120 s time limit, exit 3 | 22 s (14.6 s user) |

and this script, in one process (the search's "before" is the old loop run here, checked to
keep the same labels):

| size | labels kept | search now | search before | convert |
|---|---|---|---|---|
| 1 MiB | 21,294 | 0.28 s | 10.0 s | 4.3 s |
| 5 MiB | 107,094 | 1.35 s | (skipped: ~25 x 10 s) | 23.7 s |

What is left is linear in the line's length: the alignment of the runs over the form's rows
(`linear._align`, a dynamic programme over runs x rows).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao import convert_bytes  # noqa: E402
from nianbao.convert.annual_report.linear_runs import (  # noqa: E402
    _labels_in,
    _numbering_before,
    _squeeze,
)
from nianbao.forms import FORMS, TableSpec  # noqa: E402
from nianbao.text.script import fold  # noqa: E402

PINGTAN_2024 = ROOT / "samples" / "text" / "pingtan-2024.txt"
_BODY_LINE = 9  # the dump's body, on one line
_FROM, _TO = "一、本年新收", "四、政府信息公开行政复议"  # section 三's rows and figures


def long_line(mebibytes: float) -> str:
    """The dump with section 三's rows and figures repeated until it is `mebibytes` MiB."""
    text = PINGTAN_2024.read_text("utf-8")
    lines = text.split("\n")
    body = lines[_BODY_LINE]
    start, end = body.index(_FROM), body.index(_TO)
    table = body[start:end]
    copies = max(1, (int(mebibytes * 2**20) - len(text.encode())) // len(table.encode()))
    lines[_BODY_LINE] = body[:end] + table * copies + body[end:]
    return "\n".join(lines)


def labels_in_before(folded: str, spec: TableSpec) -> list[tuple[int, int, str]]:
    """`_labels_in` as it was at b6dcf78: each candidate compared with every label kept."""
    squeezed, where = _squeeze(folded)
    found: list[tuple[int, int, str]] = []
    for row in spec.rows:
        for label in row.labels:
            target, _ = _squeeze(fold(label))
            if not target:
                continue
            for match in re.finditer(re.escape(target), squeezed):
                start = where[match.start()]
                end = where[match.end() - 1] + 1
                numbered = _numbering_before(folded, start, row.numbering)
                if numbered is None and label in FORMS.shared_labels:
                    continue
                found.append((numbered if numbered is not None else start, end, row.key))
    kept: list[tuple[int, int, str]] = []
    for candidate in sorted(found, key=lambda f: f[0] - f[1]):
        if all(candidate[1] <= k[0] or candidate[0] >= k[1] for k in kept):
            kept.append(candidate)
    return sorted(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 5.0], help="MiB")
    parser.add_argument("--old-up-to", type=float, default=1.0, help="MiB")
    args = parser.parse_args()
    spec = FORMS.table("applications")
    print(f"{'size':>8} {'labels':>8} {'search now':>11} {'search before':>14} {'convert':>8}")
    for size in args.sizes:
        text = long_line(size)
        folded = fold(text.split("\n")[_BODY_LINE])
        start = time.perf_counter()
        found = _labels_in(folded, spec)
        now = time.perf_counter() - start
        before = "skipped"
        if size <= args.old_up_to:
            start = time.perf_counter()
            assert labels_in_before(folded, spec) == found
            before = f"{time.perf_counter() - start:.2f} s"
        start = time.perf_counter()
        convert_bytes(text.encode("utf-8"), filename="long-line.txt")
        converted = time.perf_counter() - start
        print(f"{size:>6g} M {len(found):>8,} {now:>9.2f} s {before:>14} {converted:>6.1f} s")


if __name__ == "__main__":
    main()
