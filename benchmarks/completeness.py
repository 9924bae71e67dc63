"""How complete each report of an archive is: the measure anyone can run on their own archive.

    python benchmarks/completeness.py FOLDER [--manifest manifest.tsv] [--pattern '*.txt']

FOLDER holds reports to convert (any format nianbao reads) or reports already converted
(`*.json`, nianbao's canonical JSON). For each report one line: its form, how many of the
form's figures it holds (`present/of`), how many of those have a number, the checks passed,
failed and skipped, the figures read but unsure (a confidence below 1, a diagnostic naming the
other readings) and those undetermined (no value: the text allows several and nothing decides,
`figures.undetermined`), and the report's state (complete, or why it is partial). Then a total
line per form and one for all.

A manifest (a TSV with a `file` column; `year` and `body` columns are compared when present)
names the files to measure, and says where the year or the body nianbao read is not the
manifest's. Without one, every file of FOLDER (matching --pattern) is measured.

The measure is the reading, not the truth: a figure present may still be misread. Hand-read
figures in tests are the truth (see tests/test_archive_putian.py).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import nianbao
from nianbao.collection.partial import missing_figures, of_report
from nianbao.forms import FORMS
from nianbao.schemas.model import Report


@dataclass
class Measure:
    name: str
    form: str
    of: int = 0  # the figures the form prints
    present: int = 0
    with_value: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    unsure: int = 0
    undetermined: int = 0
    state: str = ""
    note: str = ""

    def cells(self) -> list[str]:
        return [
            self.name,
            self.form,
            f"{self.present}/{self.of}",
            str(self.with_value),
            f"{self.passed}/{self.failed}/{self.skipped}",
            str(self.unsure),
            str(self.undetermined),
            self.state + (f" [{self.note}]" if self.note else ""),
        ]


HEADER = [
    "report",
    "form",
    "present/of",
    "valued",
    "checks ok/failed/skipped",
    "unsure",
    "undet.",
    "state",
]


def measure(name: str, report: Report, expected: dict[str, str]) -> Measure:
    annual = report.annual_report
    completeness = of_report(report)
    if annual is None:
        return Measure(name, "-", state=completeness.status)
    form = next((f for f in FORMS.forms if f.id == annual.template), None)
    out = Measure(name, annual.template or "?")
    if form is not None:
        out.of = len(form.figure_keys())
        out.present = out.of - len(missing_figures(form, annual.figures.keys()))
    table_figures = {k: f for k, f in annual.figures.items() if f.source == "table"}
    out.with_value = sum(1 for f in table_figures.values() if f.value is not None)
    out.unsure = sum(1 for f in table_figures.values() if f.confidence < 1 and f.value is not None)
    # No value and a confidence below 1: the text allows several values (a blank is certain).
    out.undetermined = sum(
        1 for f in table_figures.values() if f.value is None and f.confidence < 1
    )
    for check in annual.checks:
        if check.status == "pass":
            out.passed += 1
        elif check.status == "fail":
            out.failed += 1
        else:
            out.skipped += 1
    out.state = completeness.status + (f": {completeness.text()}" if completeness.reasons else "")
    notes = []
    if expected.get("year") and str(annual.year) != expected["year"]:
        notes.append(f"year {annual.year}, manifest {expected['year']}")
    if expected.get("body") and annual.organization != expected["body"]:
        notes.append(f"body {annual.organization}, manifest {expected['body']}")
    out.note = "; ".join(notes)
    return out


def _load(path: Path) -> Report:
    if path.suffix == ".json":
        return Report.model_validate_json(path.read_bytes())
    return nianbao.convert_document(path)


def _files(folder: Path, manifest: Path | None, pattern: str) -> list[tuple[Path, dict[str, str]]]:
    if manifest is None:
        return [(p, {}) for p in sorted(folder.glob(pattern)) if p.is_file()]
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(folder / row["file"], row) for row in rows]


def _total(name: str, measures: list[Measure]) -> list[str]:
    complete = sum(1 for m in measures if m.state == "complete")
    present = sum(m.present for m in measures)
    of = sum(m.of for m in measures)
    median = statistics.median(m.with_value for m in measures) if measures else 0
    return [
        f"{name}: {len(measures)} reports, {complete} complete",
        "",
        f"{present}/{of}",
        f"{sum(m.with_value for m in measures)} (median {median:g})",
        f"{sum(m.passed for m in measures)}/{sum(m.failed for m in measures)}/"
        f"{sum(m.skipped for m in measures)}",
        str(sum(m.unsure for m in measures)),
        str(sum(m.undetermined for m in measures)),
        "",
    ]


def _print(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--manifest", type=Path, help="a TSV with a `file` column")
    parser.add_argument("--pattern", default="*", help="files of FOLDER to measure (no manifest)")
    args = parser.parse_args()
    measures: list[Measure] = []
    rows = [HEADER]
    for path, expected in _files(args.folder, args.manifest, args.pattern):
        if path.name in {"README.md", "manifest.tsv"}:
            continue
        try:
            report = _load(path)
        except nianbao.NianbaoError as error:
            rows.append([path.name, "-", "", "", "", "", "", f"error: {error}"])
            continue
        found = measure(path.name, report, expected)
        measures.append(found)
        rows.append(found.cells())
    for form in sorted({m.form for m in measures}):
        rows.append(_total(f"form {form}", [m for m in measures if m.form == form]))
    rows.append(_total("all", measures))
    _print(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
