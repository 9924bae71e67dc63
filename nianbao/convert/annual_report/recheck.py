"""The report's own checks run again on the figures it holds (`nianbao validate`).

A report's JSON can be edited, or written by hand, after nianbao made it: a total changed, a
figure dropped. Its schema still holds, but its `checks` no longer say what its figures give.
`recheck` runs the forms' checks (`run_checks`) on the figures as they stand and names every check
whose outcome differs from the one recorded: a report edited to a wrong total fails here, while a
report whose document misprinted a total (recorded `fail`, and still failing) is what it says.

The 2008-era 统计表's parent-equals-children checks are not run again: they need the rows'
numbering and depth, which the JSON does not keep.
"""

from __future__ import annotations

from nianbao.convert.annual_report.checks import run_checks
from nianbao.schemas.model import Check, Report

_INDICATOR = "indicators["


def recheck(report: Report) -> list[str]:
    """Each check whose outcome on the report's figures differs from the one it records."""
    annual = report.annual_report
    if annual is None:
        return []
    again, _ = run_checks(annual.figures, [], annual.template)
    recorded = {_name(c): c for c in annual.checks if not _of_indicators(c)}
    found = {_name(c): c for c in again}
    problems: list[str] = []
    for name, check in found.items():
        said = recorded.get(name)
        if said is None:
            problems.append(f"check {name} is not recorded; its figures give: {_outcome(check)}")
        elif (said.status, said.expected, said.actual) != (
            check.status,
            check.expected,
            check.actual,
        ):
            problems.append(
                f"check {name} records {_outcome(said)}, but its figures give {_outcome(check)}"
            )
    problems += [
        f"check {name} is recorded ({_outcome(said)}), but the forms have no such check over "
        "the report's figures"
        for name, said in recorded.items()
        if name not in found
    ]
    return problems


def _name(check: Check) -> str:
    return f"{check.rule} [{', '.join(check.keys)}]" if check.keys else check.rule


def _of_indicators(check: Check) -> bool:
    return any(key.startswith(_INDICATOR) for key in check.keys)


def _outcome(check: Check) -> str:
    if check.status == "skipped":
        return f"skipped ({check.message})"
    return f"{check.status} (expected {check.expected}, actual {check.actual})"
