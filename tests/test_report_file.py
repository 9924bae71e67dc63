"""Reading a report file back (`nianbao.collection.report_file`): the one way the exports, the
dataset and `nianbao validate` do it, each failure a clear error naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.collection import dataset, export, report_file
from nianbao.collection.report_file import read_report, report_problems
from nianbao.errors import DocumentLoadError, NianbaoError
from tests.conftest import GOLDEN

ZHONGSHAN = GOLDEN / "004_7635fab03e0d303d.txt.json"


def test_a_report_reads_back_as_its_json() -> None:
    data = read_report(ZHONGSHAN)
    assert data == json.loads(ZHONGSHAN.read_text(encoding="utf-8"))
    assert report_problems(ZHONGSHAN) == []


@pytest.mark.parametrize(
    ("content", "error", "says"),
    [
        (None, DocumentLoadError, "no such file"),
        (b"{", DocumentLoadError, "is not JSON"),
        (b"\xff\xfe{}", DocumentLoadError, "is not JSON"),
        (b'{"schema": "nianbao.report/2"}', NianbaoError, "newer than nianbao.report/1"),
        (b'{"schema": "other/1"}', NianbaoError, "not a nianbao report"),
        (b'{"schema": "nianbao.report/1"}', NianbaoError, "is not a valid report"),
    ],
    ids=["missing", "not-json", "not-utf8", "newer", "other-schema", "invalid"],
)
def test_what_is_not_a_report_is_an_error_naming_the_file(
    tmp_path: Path, content: bytes | None, error: type[NianbaoError], says: str
) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error) as raised:
        read_report(path)
    assert raised.value.source == str(path)
    assert says in str(raised.value) and str(raised.value).startswith(f"{path}: ")
    # `nianbao validate` is told the same, without the file name it prints itself.
    problems = report_problems(path)
    if says == "is not a valid report":
        assert raised.value.message == f"is not a valid report: {problems[0]}"
    else:
        assert problems == [raised.value.message]


def test_validate_is_told_every_problem(tmp_path: Path) -> None:
    data = json.loads(ZHONGSHAN.read_text(encoding="utf-8"))
    del data["source"]["sha256"]
    data["diagnostics"] = "none"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    problems = report_problems(path)
    assert len(problems) == 2 and any("sha256" in p for p in problems)
    with pytest.raises(NianbaoError, match="is not a valid report"):
        read_report(path)


def test_the_exports_read_reports_one_way() -> None:
    readers = {vars(module)["read_report"] for module in (export, dataset, report_file)}
    assert readers == {report_file.read_report}
    assert not hasattr(export, "read_data")
