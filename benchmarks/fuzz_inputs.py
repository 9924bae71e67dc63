"""Fuzz nianbao with damaged copies of the repository's own samples, through the command line.

    python benchmarks/fuzz_inputs.py                       # 2,000 mutants per format (doc: 200)
    python benchmarks/fuzz_inputs.py --per-format 20 --formats docx,html --keep fuzz-failures/

Every sample of every format (PDF, DOCX, DOC, XLSX, XLS, HTML, text) is damaged the ways files
are damaged on their way to us: bits flipped, the file cut short, bytes inserted, and, inside
the zip of an Office file, a member's compressed bytes corrupted or its XML damaged and zipped
again (a number made huge or odd, a tag cut, bytes flipped). The mutants of one format are then
converted by `nianbao convert DIR -o OUT -j JOBS --time-limit SECONDS`: each file in a worker
process with the CLI's time and memory limits, as a user's batch would be.

A mutant must end as a report (exit 0) or a refusal (exit 3, or 4 for a format no adapter
reads); never an internal error (exit 70) and never at the time limit. The batch prints one line
per file; a line that is neither a report nor a refusal (exit 70, a time-out, anything else) is
converted again alone, by `nianbao convert FILE`, whose exit status and time are the ones
counted. The table printed at the end gives the count per format and exit status; the script
exits 1 if any mutant ended in exit 70 or took longer than `--max-seconds`.

Mutants come from `random.Random(seed + format index)`: the same seed makes the same files. The
run is bounded: at most (mutants x time limit) / jobs seconds per format, in practice a few
minutes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES: dict[str, list[str]] = {
    "pdf": [
        "tests/fixtures/pdf/report-2021-libreoffice.pdf",
        "tests/fixtures/pdf/split-table.pdf",
        "tests/fixtures/pdf/row-at-page-foot.pdf",
        "tests/fixtures/pdf/framed-prose.pdf",
    ],
    "docx": ["samples/docx/report-2021-filled.docx", "samples/real/template-2021-blank.docx"],
    "doc": ["tests/fixtures/report-2021.doc"],
    "xlsx": ["samples/xlsx/report-2021-tables.xlsx"],
    "xls": ["tests/fixtures/report-2021.xls"],
    "html": ["samples/html/report-2021.html", "tests/fixtures/html/report-2021-in-script.html"],
    "text": [
        "samples/text/004_7635fab03e0d303d.txt",
        "samples/text/001_32df0900e40a0d23.txt",
        "samples/text/report-2021-filled.md",
    ],
}
#: LibreOffice converts each .doc, seconds a file: fewer of them by default.
DEFAULT_COUNTS = {"doc": 200}
OK_CODES = (0, 3, 4)
_NUMBER = re.compile(rb"(?<=[\"'>=])\d{1,4}(?=[\"'<])")
_ODD_NUMBERS = [
    b"100000000000000000000",
    b"2000000000",
    b"300000000",
    b"-1",
    b"0",
    "²".encode(),
    "٣".encode(),
    b"1e20",
    b"9" * 5000,
    b"NaN",
    b"",
]


@dataclass
class Case:
    path: Path
    kind: str
    exit_code: int | None = None
    seconds: float | None = None
    message: str = ""


# --- mutations -----------------------------------------------------------------------------------


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 8, 32))):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def insert_bytes(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    choice = rng.randrange(3)
    if choice == 0:
        chunk = rng.randbytes(rng.choice((1, 4, 64, 512)))
    elif choice == 1:  # a piece of the file itself, repeated: plausible structure in a wrong place
        j = rng.randrange(len(data))
        chunk = data[j : j + rng.choice((8, 64, 1024))] * rng.choice((1, 2, 50))
    else:
        chunk = rng.choice((b"\x00", b"<", b">", b"\xff", b"|", b"\n", b"\t")) * rng.choice(
            (1, 300, 5000)
        )
    return data[:i] + chunk + data[i:]


def corrupt_zip_member(data: bytes, rng: random.Random) -> bytes:
    """A member's compressed bytes damaged in place: CRC and deflate errors, short streams."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = [i for i in archive.infolist() if i.compress_size > 0]
    info = rng.choice(infos)
    out = bytearray(data)
    # local header: 30 bytes + name + extra; the data follows
    name_len = int.from_bytes(out[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(out[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    for _ in range(rng.choice((1, 3, 16))):
        i = start + rng.randrange(info.compress_size)
        out[i] = rng.randrange(256)
    return bytes(out)


def damage_zip_xml(data: bytes, rng: random.Random) -> bytes:
    """A member's content damaged and the zip written again, valid as a zip: what the format
    library then meets is broken XML, odd numbers, a cut part."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    xml = [k for k, (info, _) in enumerate(members) if info.filename.endswith((".xml", ".rels"))]
    k = rng.choice(xml)
    info, content = members[k]
    choice = rng.randrange(4)
    spots = list(_NUMBER.finditer(content)) if choice == 0 else []
    if spots:
        start, end = rng.choice(spots).span()
        content = content[:start] + rng.choice(_ODD_NUMBERS) + content[end:]
    elif choice == 1:
        content = flip_bits(content, rng)
    elif choice == 2:
        content = truncate(content, rng) if content else content
    else:
        content = insert_bytes(content, rng)
    members[k] = (info, content)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member, body in members:
            target.writestr(member, body)
    return out.getvalue()


Mutation = Callable[[bytes, random.Random], bytes]
GENERIC: list[tuple[str, Mutation]] = [
    ("bitflip", flip_bits),
    ("truncate", truncate),
    ("insert", insert_bytes),
]
ZIPPED: list[tuple[str, Mutation]] = [
    *GENERIC,
    ("zipmember", corrupt_zip_member),
    ("zipxml", damage_zip_xml),
    ("zipxml", damage_zip_xml),
]


def make_mutants(fmt: str, count: int, seed: int, folder: Path) -> list[Case]:
    rng = random.Random(seed)
    seeds = [(ROOT / s).read_bytes() for s in SAMPLES[fmt]]
    mutations = ZIPPED if fmt in ("docx", "xlsx") else GENERIC
    suffix = {"text": ".txt"}.get(fmt, f".{fmt}")
    cases = []
    for n in range(count):
        kind, mutate = rng.choice(mutations)
        data = mutate(rng.choice(seeds), rng) or b"\x00"
        path = folder / f"{n:05d}-{kind}{suffix}"
        path.write_bytes(data)
        cases.append(Case(path, kind))
    return cases


# --- running -------------------------------------------------------------------------------------


def _cli(python: str) -> list[str]:
    return [python, "-m", "nianbao.cli"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _classify(message: str) -> int | None:
    """The exit status a batch's `failed` line stands for; None when only a rerun can tell."""
    if "internal error" in message or "please report" in message or "took longer" in message:
        return None
    if "does not match its schema" in message or "worker" in message:
        return None
    if "no adapter reads" in message:
        return 4
    return 3


def run_batch(cases: list[Case], folder: Path, out: Path, args: argparse.Namespace) -> None:
    command = [*_cli(args.python), "convert", str(folder), "-o", str(out)]
    command += ["-j", str(args.jobs), "--time-limit", str(args.time_limit)]
    budget = len(cases) * args.time_limit / max(args.jobs, 1) + 120
    done = subprocess.run(
        command, capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=budget, check=False
    )
    by_path = {str(case.path): case for case in cases}
    for line in done.stdout.splitlines():
        converted = re.match(r"converted (.+?) -> .* in ([\d.]+) s$", line)
        failed = re.match(r"failed (.+?): (.*)$", line)
        if converted and converted.group(1) in by_path:
            case = by_path[converted.group(1)]
            case.exit_code, case.seconds = 0, float(converted.group(2))
        elif failed and failed.group(1) in by_path:
            case = by_path[failed.group(1)]
            case.message = failed.group(2)
            case.exit_code = _classify(case.message)


def run_alone(case: Case, args: argparse.Namespace) -> None:
    """The exact exit status and time of one file, from `nianbao convert FILE`."""
    start = time.perf_counter()
    command = [*_cli(args.python), "convert", str(case.path), "-o", os.devnull]
    command += ["--time-limit", str(args.time_limit)]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=_env(),
            cwd=ROOT,
            timeout=args.time_limit + 60,
            check=False,
        )
        case.exit_code = done.returncode
        case.message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    except subprocess.TimeoutExpired:
        case.exit_code, case.message = -1, "the CLI itself did not return"
    case.seconds = time.perf_counter() - start
    if "took longer than the time limit" in case.message:
        case.seconds = max(case.seconds, args.time_limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-format", type=int, default=2000, help="mutants per format")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--formats", default=",".join(SAMPLES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--time-limit", type=float, default=20.0, help="CLI limit per file")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="slower is a failure")
    parser.add_argument("--keep", type=Path, help="copy the offending mutants here")
    parser.add_argument("--json", type=Path, help="write the counts here")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs nianbao")
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(SAMPLES)
    if unknown:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")

    counts: dict[str, Counter[str]] = {}
    bad: list[Case] = []
    slowest: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as tmp:
        for index, fmt in enumerate(formats):
            count = args.per_format
            if fmt in DEFAULT_COUNTS and args.per_format > DEFAULT_COUNTS[fmt]:
                count = DEFAULT_COUNTS[fmt]
            folder, out = Path(tmp) / fmt, Path(tmp) / f"{fmt}-out"
            folder.mkdir()
            cases = make_mutants(fmt, count, args.seed + index, folder)
            start = time.perf_counter()
            run_batch(cases, folder, out, args)
            for case in cases:
                if case.exit_code is None:
                    run_alone(case, args)
            tally: Counter[str] = Counter()
            for case in cases:
                seconds = case.seconds or 0.0
                slow = seconds > args.max_seconds
                tally[f"exit {case.exit_code}" + (" (over time)" if slow else "")] += 1
                if case.exit_code not in OK_CODES or slow:
                    bad.append(case)
                    if args.keep:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        shutil.copy(case.path, args.keep / f"{fmt}-{case.path.name}")
            counts[fmt] = tally
            slowest[fmt] = max((c.seconds or 0.0 for c in cases), default=0.0)
            shown = ", ".join(f"{k}: {v}" for k, v in sorted(tally.items()))
            print(
                f"{fmt:5} {len(cases):5} mutants in {time.perf_counter() - start:6.1f} s: {shown}"
                f" (slowest timed {slowest[fmt]:.1f} s)",
                flush=True,
            )
    for case in bad:
        print(f"BAD {case.path.name}: exit {case.exit_code}, {case.seconds} s: {case.message}")
    if args.json:
        data = {fmt: dict(tally) for fmt, tally in counts.items()}
        args.json.write_text(json.dumps({"seed": args.seed, "counts": data}, indent=1) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
