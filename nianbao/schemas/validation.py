"""The published JSON Schema: generated from the models, committed, and used to validate reports.

After changing `nianbao.schemas.model`, regenerate the committed file with the test suite's
explicit flag (see tests/README.md)::

    NIANBAO_REGENERATE=1 pytest tests/test_schema.py

A test fails when the committed file and the models differ, and another when the flag is set in CI.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from nianbao.errors import NianbaoError, ReportValidationError
from nianbao.forms import FORMS, FORMS_DIR
from nianbao.schemas.model import SCHEMA_MAJOR, SCHEMA_NAME, SCHEMA_TAG, Report

SCHEMA_ID = f"urn:nianbao:schema:report:{SCHEMA_MAJOR}"
SCHEMA_FILE = "report.schema.json"


def build_schema() -> dict[str, Any]:
    """The schema of `Report` as it is written out (serialization mode, field aliases)."""
    body = Report.model_json_schema(mode="serialization", by_alias=True)
    # The forms say which templates and figure keys there are (nianbao/forms).
    annual = body["$defs"]["AnnualReport"]["properties"]
    annual["template"]["anyOf"][0]["enum"] = list(FORMS.ids)
    annual["figures"]["propertyNames"] = {"enum": list(FORMS.figure_keys)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "version": SCHEMA_TAG,
        **body,
    }


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@cache
def load_schema() -> dict[str, Any]:
    """The committed schema shipped inside the package, or, for forms of one's own
    (`NIANBAO_FORMS`), the schema of those forms."""
    if FORMS.directory != FORMS_DIR:
        return build_schema()
    text = resources.files("nianbao.schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> jsonschema_rs.Draft202012Validator:
    # jsonschema-rs rather than the pure-Python jsonschema: the origin unions make the latter
    # spend ~200 ms on one report, a thousand times longer than the conversion itself.
    return jsonschema_rs.Draft202012Validator(load_schema())


def schema_errors(data: Any) -> list[str]:
    """Every way `data` breaks the schema, as `path: reason` lines; empty when it is valid.

    The path is the JSON pointer of the field at fault: where a value may be one of several
    shapes (`annual_report` or null, a number or null), the reason is the one from inside the
    shape it came closest to, not "does not match any" at the top of a 57 KB object. A value
    quoted in the reason is cut short.
    """
    if _validator().is_valid(data):
        return []
    problems = {problem for error in _validator().iter_errors(data) for problem in _reasons(error)}
    return [f"/{'/'.join(path)}: {reason}" for path, reason in sorted(problems)]


_QUOTED = 60  # characters of a value quoted in a reason


def _reasons(error: Any) -> list[tuple[tuple[str, ...], str]]:
    """(path, reason) of `error`; for anyOf/oneOf, those of the branch that got furthest into
    the value, recursively, or, when none got inside it, each branch's reason in one line."""
    path = tuple(map(str, error.instance_path))
    branches: list[list[Any]] = list(getattr(error.kind, "context", None) or [])
    if not branches or not all(branches):
        return [(path, _short(error))]
    best = max(branches, key=lambda branch: max(len(e.instance_path) for e in branch))
    if max(len(e.instance_path) for e in best) > len(path):
        return [found for branch_error in best for found in _reasons(branch_error)]
    # A branch that is more than a wrong type (an object missing a field) is the one meant.
    shaped = [b for b in branches if any(type(e.kind).__name__ != "Type" for e in b)]
    if len(shaped) == 1:
        return [found for branch_error in shaped[0] for found in _reasons(branch_error)]
    quoted = _cut(json.dumps(error.instance, ensure_ascii=False, separators=(",", ":")))
    types = sorted({json.dumps(t) for b in branches for e in b for t in _types(e)})
    if types and not shaped:
        return [(path, f"{quoted} is not of type {' or '.join(types)}")]
    return [(path, _short(error))]


def _types(error: Any) -> list[str]:
    expected = error.kind.types if type(error.kind).__name__ == "Type" else []
    return [str(t) for t in expected]


def _short(error: Any) -> str:
    message: str = error.message
    quoted = json.dumps(error.instance, ensure_ascii=False, separators=(",", ":"))
    if len(quoted) > _QUOTED and message.startswith(quoted):
        return _cut(quoted) + message[len(quoted) :]
    return _cut(message, 4 * _QUOTED)


def _cut(text: str, size: int = _QUOTED) -> str:
    return text if len(text) <= size else f"{text[: size - 12]}… ({len(text)} characters)"


def check_schema_version(data: Any, *, source: str | None = None) -> None:
    """Reject reports of another schema family or a newer major version than this reader knows."""
    tag = data.get("schema") if isinstance(data, dict) else None
    if not isinstance(tag, str) or not tag.startswith(SCHEMA_NAME + "/"):
        raise NianbaoError(f"not a nianbao report (schema is {tag!r})", source=source)
    major = tag.removeprefix(SCHEMA_NAME + "/")
    if not major.isdigit() or int(major) > SCHEMA_MAJOR:
        raise NianbaoError(
            f"report uses schema {tag}, newer than {SCHEMA_TAG}: upgrade nianbao", source=source
        )


def validate_report_data(data: Any, *, source: str | None = None) -> None:
    """Raise `ReportValidationError` unless `data` is a valid report."""
    errors = schema_errors(data)
    if errors:
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        shown = "; ".join(errors[:5]) + more
        raise ReportValidationError(f"report does not match its schema: {shown}", source=source)
