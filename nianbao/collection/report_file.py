"""Reading a report file back: the one way the exports, the dataset and `nianbao validate` do it.

A report file is the JSON that `nianbao convert` wrote. Reading it back checks what the readers
rely on: that it is JSON, of a schema version this nianbao reads (`nianbao.schemas.validation`),
and valid against the schema, so that every field is where the tables look for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from nianbao.errors import DocumentLoadError, NianbaoError
from nianbao.schemas.model import SCHEMA_NAME
from nianbao.schemas.validation import check_schema_version, schema_errors


def read_json(path: Path) -> Any:
    """The JSON data in the file at `path`; a `DocumentLoadError` naming the file if it cannot
    be read or is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DocumentLoadError("no such file", source=str(path)) from exc
    except OSError as exc:
        raise DocumentLoadError(f"cannot be read: {exc.strerror or exc}", source=str(path)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentLoadError(f"is not JSON: {exc}", source=str(path)) from exc


def read_report(path: Path) -> dict[str, Any]:
    """The report at `path` as data, checked against the schema; a `NianbaoError` naming the
    file if it is not a report this nianbao reads."""
    data = read_json(path)
    check_schema_version(data, source=str(path))
    problems = schema_errors(data)
    if problems:
        raise NianbaoError(f"is not a valid report: {problems[0]}", source=str(path))
    result: dict[str, Any] = data
    return result


def read_reports(
    paths: Iterable[Path], problems: list[NianbaoError]
) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each report at `paths` that can be read, with its path, in order. One that cannot is added
    to `problems` and left out, so that one bad file in thousands costs its row, not the table."""
    for path in paths:
        try:
            yield path, read_report(path)
        except NianbaoError as exc:
            problems.append(exc)


def report_problems(path: Path) -> list[str]:
    """Every reason the file at `path` is not a report this nianbao reads: the first that stops
    the reading (unreadable, not JSON, another schema version), else every way it breaks the
    schema; empty when it is a valid report."""
    try:
        data = read_json(path)
    except NianbaoError as exc:
        return [exc.message]
    return data_problems(data)


def data_problems(data: Any) -> list[str]:
    """`report_problems` of JSON data read already (`nianbao validate`, which tells a file it
    cannot read from one that is not a valid report)."""
    try:
        check_schema_version(data)
    except NianbaoError as exc:
        return [exc.message]
    return schema_errors(data)


#: nianbao writes a report's schema tag first (`{"schema": "nianbao.report/1", ...`): a file whose
#: head holds it is taken for a report without parsing the rest.
_HEAD_BYTES = 4096
_SCHEMA_TAG = re.compile(rb'"schema"\s*:\s*"' + re.escape(SCHEMA_NAME.encode()) + rb"/")


def names_report_schema(path: Path) -> bool:
    """Whether the JSON file at `path` says it is a nianbao report: its top-level `schema` is
    `nianbao.report/N`, of any version (a newer one is a report this nianbao cannot read, and
    its reader says so). One that cannot be read is taken for a report, so that its reader
    names the problem; one that is not JSON, or JSON of something else (a dataset's
    `manifest.json`), is not a report, and a folder's review passes it over."""
    try:
        with path.open("rb") as handle:
            if _SCHEMA_TAG.search(handle.read(_HEAD_BYTES)):
                return True
        data = json.loads(path.read_bytes())
    except OSError:
        return True
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    tag = data.get("schema") if isinstance(data, dict) else None
    return isinstance(tag, str) and tag.startswith(SCHEMA_NAME + "/")


def reports_in(folder: Path, not_reports: list[Path] | None = None) -> list[Path]:
    """The report files under `folder`, the one walk of `export`, `validate` and `review`: its
    `*.json` files, sorted, hidden ones and those in hidden folders left out (another program's,
    a `.git`), and a hot folder's `*.error.json`, which are not reports. A .json that does not
    say it is a nianbao report (`names_report_schema`: a dataset's manifest.json) is passed over,
    added to `not_reports`; one that says so and cannot be read stays, and fails by name. Empty
    when there are none: what a folder without reports is, each command says."""
    found = sorted(
        path
        for path in folder.rglob("*.json")
        if not any(part.startswith(".") for part in path.relative_to(folder).parts)
        and not path.name.endswith(".error.json")
        and path.is_file()
    )
    reports: list[Path] = []
    for path in found:
        if names_report_schema(path):
            reports.append(path)
        elif not_reports is not None:
            not_reports.append(path)
    return reports
