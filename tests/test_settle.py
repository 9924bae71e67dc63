"""A collection settles what one report cannot (issue 22): `nianbao check DATASET` decides
undetermined figures with the equations across reports (`nianbao.collection.settle`) and records
the value in `figures.parquet` with `resolved_by`; the reports' JSON is not rewritten."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from nianbao.cli import main
from nianbao.collection.series import FigureValue, SeriesReport
from nianbao.collection.settle import settle
from nianbao.convert.pipeline import convert_path
from nianbao.schemas.emit import to_json
from tests.conftest import GOLDEN

PAGE_2019 = Path(__file__).resolve().parent / "fixtures" / "linear" / "pingtan-2019.html"
LICENSING = "proactive.licensing"


def _open(*candidates: float) -> FigureValue:
    return FigureValue(None, "", undetermined=True, candidates=candidates)


def _report(name: str, year: int, figures: dict[str, FigureValue]) -> SeriesReport:
    return SeriesReport(name, name, "某局", year, "2019", figures)


def test_the_same_report_read_twice_settles_an_open_figure_to_a_candidate_only() -> None:
    key = f"{LICENSING}.previous_year"
    dump = _report("dump", 2019, {key: _open(39, 3, 396)})
    page = _report("page", 2019, {key: FigureValue(396, "396")})
    (settled,) = settle([dump, page])
    assert (settled.report, settled.key, settled.value) == ("dump", key, 396)
    assert settled.resolved_by == "series.duplicate with page"
    # A page value none of the candidates allows settles nothing: it stays open.
    other = _report("other", 2019, {key: FigureValue(400, "400")})
    assert settle([dump, other]) == []


def test_last_years_figures_settle_this_years_previous_year_count() -> None:
    # 2019 form: 上一年项目数量 (2020) = 上一年项目数量 + 本年增/减 (2019). The 2019 dump's
    # 3960181 leaves 39 | 60, 396 | 0, ...; a sure 2020 report printing 396 decides both.
    previous, change = f"{LICENSING}.previous_year", f"{LICENSING}.change"
    dump = _report(
        "dump-2019",
        2019,
        {previous: _open(39, 3, 396, 3960, 39601), change: _open(60, 601, 960, 0, 9601, 1, 18)},
    )
    later = _report("page-2020", 2020, {previous: FigureValue(396, "396")})
    found = {s.key: (s.value, s.rule, s.other_source) for s in settle([dump, later])}
    assert found == {
        previous: (396, "series.previous_year", "page-2020"),
        change: (0, "series.previous_year", "page-2020"),
    }
    # Two readings both fit (396 + 0 and 39 + 357): nothing is settled.
    loose = _report("dump-2019", 2019, {previous: _open(39, 396), change: _open(0, 357)})
    assert settle([loose, later]) == []


def _write(folder: Path, name: str, data: dict[str, Any]) -> None:
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    """The 平潭 2019 crawler dump's report with its web page's."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copyfile(GOLDEN / "pingtan-2019.txt.json", folder / "pingtan-2019.txt.json")
    (folder / "pingtan-2019.html.json").write_text(
        to_json(convert_path(PAGE_2019)), encoding="utf-8"
    )
    return folder


def _figures(dataset: Path, source: str) -> dict[str, dict[str, Any]]:
    reports = pq.read_table(dataset / "reports.parquet").to_pylist()
    (sha,) = [r["sha256"] for r in reports if r["source"] == source]
    rows = pq.read_table(dataset / "figures.parquet").to_pylist()
    return {r["key"]: r for r in rows if r["report"] == sha}


def test_a_dump_with_its_page_settles_every_undetermined_figure_to_the_pages_value(
    pair: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = tmp_path / "ds"
    assert main(["export", str(pair), "--parquet", str(dataset)]) == 0
    dump, page = _figures(dataset, "pingtan-2019.txt"), _figures(dataset, "pingtan-2019.html")
    resolved = {k: r for k, r in dump.items() if r["state"] == "resolved"}
    assert len(resolved) == 19
    assert not [k for k, r in dump.items() if r["state"] == "undetermined"]
    for key, row in resolved.items():
        assert row["value"] == page[key]["value"], key
        assert row["resolved_by"] == "series.duplicate with pingtan-2019.html"
    assert dump[f"{LICENSING}.previous_year"]["value"] == 396  # the dump's first reading: 39
    # The report's JSON is not rewritten; `check` again settles the same, once.
    before = (pair / "pingtan-2019.txt.json").read_bytes()
    assert main(["check", str(dataset)]) == 0
    assert "19 undetermined figures settled across reports, 0 still open" in (
        capsys.readouterr().out
    )
    assert (pair / "pingtan-2019.txt.json").read_bytes() == before
    again = _figures(dataset, "pingtan-2019.txt")
    assert {k: (r["value"], r["state"]) for k, r in again.items()} == {
        k: (r["value"], r["state"]) for k, r in dump.items()
    }


def test_a_settled_figure_opens_again_when_its_evidence_leaves(pair: Path, tmp_path: Path) -> None:
    dataset = tmp_path / "ds"
    assert main(["export", str(pair), "--parquet", str(dataset)]) == 0
    # The page re-converted as another body's: no duplicate, nothing settles.
    page = json.loads((pair / "pingtan-2019.html.json").read_text(encoding="utf-8"))
    page["annual_report"]["organization"] = "另一个机关"
    _write(pair, "pingtan-2019.html.json", page)
    assert main(["export", str(pair), "--parquet", str(dataset)]) == 0
    dump = _figures(dataset, "pingtan-2019.txt")
    assert sum(r["state"] == "undetermined" for r in dump.values()) == 19
    assert all(
        r["resolved_by"] is None and r["value"] is None
        for r in dump.values()
        if r["state"] == "undetermined"
    )


def _review(dataset: Path) -> list[dict[str, str]]:
    with (dataset / "review.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_review_lists_what_stays_open_and_nothing_else(pair: Path, tmp_path: Path) -> None:
    # The dump alone: its 19 undetermined figures are open, nothing settles them.
    (pair / "pingtan-2019.html.json").unlink()
    alone = tmp_path / "alone"
    assert main(["export", str(pair), "--parquet", str(alone)]) == 0
    rows = _review(alone)
    assert [r["kind"] for r in rows] == ["undetermined"] * 19
    licensing = next(r for r in rows if r["item"] == f"{LICENSING}.previous_year")
    assert licensing["source"] == "pingtan-2019.txt" and licensing["year"] == "2019"
    assert licensing["candidates"] == "39 | 3 | 396 | 3960 | 39601"
    assert licensing["where"].startswith("block ")
    assert "the same report from another source (2019)" in licensing["could_settle"]
    amount = next(r for r in rows if r["item"] == "proactive.procurement.amount")
    assert "75394432.52" in amount["candidates"].split(" | ")


def test_review_is_empty_once_the_page_settles_the_dump(pair: Path, tmp_path: Path) -> None:
    dataset = tmp_path / "ds"
    assert main(["export", str(pair), "--parquet", str(dataset)]) == 0
    assert _review(dataset) == []
    # A report edited to a failed check and a partial one are listed, with why.
    zhongshan = json.loads((GOLDEN / "004_7635fab03e0d303d.txt.json").read_text("utf-8"))
    for check in zhongshan["annual_report"]["checks"][:1]:
        check["status"] = "fail"
    del zhongshan["annual_report"]["figures"]["proactive.fees.amount"]
    _write(pair, "zhongshan.json", zhongshan)
    assert main(["export", str(pair), "--parquet", str(dataset)]) == 0
    kinds = sorted((r["kind"], r["source"]) for r in _review(dataset))
    assert kinds == [
        ("check failed", "004_7635fab03e0d303d.txt"),
        ("partial", "004_7635fab03e0d303d.txt"),
    ]


def test_check_refuses_a_dataset_an_earlier_nianbao_wrote_by_name(
    pair: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = tmp_path / "ds"
    assert main(["export", str(pair), "--parquet", str(dataset)]) == 0
    figures = dataset / "figures.parquet"
    pq.write_table(pq.read_table(figures).drop_columns(["state", "resolved_by"]), figures)
    before = figures.read_bytes()
    capsys.readouterr()
    assert main(["check", str(dataset)]) == 1
    said = capsys.readouterr().err
    assert str(figures) in said and "another version of nianbao" in said
    assert figures.read_bytes() == before
