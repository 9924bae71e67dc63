"""The panel (issue 21): a few figures comparable across every era, defined in the forms.

The values below were read by hand: the 2021 sample's section 三 and 四 tables, the 莆田市统计局
统计表 of tests/fixtures/era2008/ (the year's column, not 历年累计).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import nianbao
from nianbao.cli import main
from nianbao.collection import dataset
from nianbao.collection.export import PANEL_COLUMNS
from nianbao.collection.panel import PanelJump, PanelSeries
from nianbao.convert.annual_report.panel import panel
from nianbao.convert.pipeline import convert_path
from nianbao.errors import FormSpecError, NianbaoError
from nianbao.forms.files import load
from nianbao.schemas.emit import to_json
from nianbao.schemas.model import Figure, Indicator, LineOrigin, Report, TableCellOrigin
from tests.conftest import copy_forms, edit

ERA2008 = Path(__file__).resolve().parent / "fixtures" / "era2008"
SAMPLE_2021 = Path("samples") / "docx" / "report-2021-filled.docx"


def _panel(report: Report) -> dict[str, tuple[float | int, str]]:
    assert report.annual_report is not None
    return {k: (p.value, p.source) for k, p in report.annual_report.panel.items()}


def test_the_2021_sample_gives_the_panel_its_figures_imply(samples: Path) -> None:
    report = nianbao.convert_document(samples / "docx" / "report-2021-filled.docx")
    assert report.annual_report is not None
    figures = report.annual_report.figures
    refused = sum(
        f.value or 0
        for k, f in figures.items()
        if k.startswith("applications.refused_") and k.endswith(".total")
    )
    assert _panel(report) == {
        "proactive.published": (1523, "text"),
        "applications.received": (263, "figures"),
        "applications.granted": (78, "figures"),
        "applications.partly_granted": (7, "figures"),
        "applications.refused": (refused, "figures"),
        "reviews.total": (7, "figures"),
        "lawsuits.total": (16, "figures"),
    }
    assert refused == 66
    lawsuits = report.annual_report.panel["lawsuits.total"]
    assert lawsuits.keys == ["litigation_direct.total", "litigation_after_review.total"]
    assert lawsuits.origin == figures["litigation_direct.total"].origin


def test_a_blank_term_makes_the_sum_absent_never_zero(samples: Path) -> None:
    report = nianbao.convert_document(samples / "docx" / "report-2021-filled.docx")
    assert report.annual_report is not None
    figures = dict(report.annual_report.figures)
    figures["litigation_after_review.total"] = figures["litigation_after_review.total"].model_copy(
        update={"value": None}
    )
    del figures["review.total"]
    found = panel("2021", figures, [])
    assert "lawsuits.total" not in found
    assert "reviews.total" not in found
    assert found["applications.received"].value == 263


def test_the_2008_statistics_table_gives_the_panel_from_its_indicators() -> None:
    """2015: 369 published, 3 applications (cumulative 26), 2 granted (18), 1 refused."""
    report = nianbao.convert_document(ERA2008 / "putian-stjj-2015.txt")
    assert _panel(report) == {
        "proactive.published": (369, "indicator"),
        "applications.received": (3, "indicator"),
        "applications.granted": (2, "indicator"),
        "applications.partly_granted": (0, "indicator"),
        "applications.refused": (1, "indicator"),
        "reviews.total": (0, "indicator"),
        "lawsuits.total": (0, "indicator"),
    }
    assert report.annual_report is not None
    received = report.annual_report.panel["applications.received"]
    index = int(received.keys[0].removeprefix("indicators[").removesuffix("]"))
    assert report.annual_report.indicators[index].label == "受理政府信息公开申请总数"


@pytest.mark.parametrize(
    ("name", "year_received", "cumulative_received"),
    [
        ("putian-stjj-2013.txt", 3, 19),
        ("putian-stjj-2014.txt", 4, 23),
        ("putian-stjj-2016.txt", 6, 32),
    ],
)
def test_a_cumulative_is_never_a_panel_value(
    name: str, year_received: int, cumulative_received: int
) -> None:
    report = nianbao.convert_document(ERA2008 / name)
    panel = _panel(report)
    assert panel["applications.received"][0] == year_received
    assert cumulative_received not in {value for value, _ in panel.values()}


def test_a_combined_lawsuits_and_complaints_row_is_not_the_lawsuits() -> None:
    def row(label: str, value: int) -> Indicator:
        return Indicator(
            path=[],
            label=label,
            value=value,
            raw=str(value),
            origin=LineOrigin(line_start=1, line_end=1),
        )

    combined = [row("行政诉讼、举报数", 5), row("3.行政复议数", 2)]
    found = panel("2008", {}, combined)
    assert "lawsuits.total" not in found
    assert found["reviews.total"].value == 2


def test_a_report_that_states_nothing_has_an_empty_panel() -> None:
    assert panel("2008", {}, []) == {}
    assert panel(None, {}, []) == {}


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('figures = ["review.total"]', 'figures = ["review.sum"]', "'review.sum'"),
        ('text = "text.fees.yuan"', 'text = "text.fees.dollars"', "'text.fees.dollars'"),
        ('key = "reviews.total"\nfigures = ["review.total"]', 'key = "reviews.total"', "no source"),
    ],
)
def test_a_panel_source_naming_an_unknown_key_is_refused_naming_the_file(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    folder = copy_forms(tmp_path)
    edit(folder / "form-2021.toml", old, new)
    with pytest.raises(FormSpecError, match=r"form-2021\.toml") as raised:
        load(folder)
    assert problem in str(raised.value)


# --- the exports -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def era_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """莆田市统计局's reports of 2013 to 2016 and the 2021 sample, as report files."""
    folder = tmp_path_factory.mktemp("panel-reports")
    for year in (2013, 2014, 2015, 2016):
        report = convert_path(ERA2008 / f"putian-stjj-{year}.txt")
        (folder / f"stjj-{year}.json").write_text(to_json(report), encoding="utf-8")
    sample = convert_path(Path(__file__).resolve().parent.parent / SAMPLE_2021)
    (folder / "sample-2021.json").write_text(to_json(sample), encoding="utf-8")
    return folder


def test_the_csv_carries_the_panel_columns(era_reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert main(["export", str(era_reports), "--csv", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["source"]: row for row in csv.DictReader(handle)}
    assert "panel:applications.received" in PANEL_COLUMNS
    received = {name: row["panel:applications.received"] for name, row in rows.items()}
    assert received == {
        "putian-stjj-2013.txt": "3",
        "putian-stjj-2014.txt": "4",
        "putian-stjj-2015.txt": "3",
        "putian-stjj-2016.txt": "6",
        "report-2021-filled.docx": "263",
    }
    # Not stated (the 2021 sample prints no fee in prose): empty, not 0.
    assert rows["report-2021-filled.docx"]["panel:fees.amount"] == ""


def test_the_dataset_has_the_panel_in_long_form(era_reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    assert main(["export", str(era_reports), "--parquet", str(out)]) == 0
    table = pq.read_table(out / "panel.parquet").to_pylist()
    assert {"report", "body", "year", "key", "value", "source"} <= set(table[0])
    series = {
        row["year"]: row["value"]
        for row in table
        if row["key"] == "applications.received" and row["body"] and "统计局" in row["body"]
    }
    assert series == {2013: 3, 2014: 4, 2015: 3, 2016: 6}
    sources = {row["source"] for row in table}
    assert sources == {"figures", "indicator", "text"}


def test_a_dataset_without_the_panel_table_is_refused_by_name(
    era_reports: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ds"
    assert main(["export", str(era_reports), "--parquet", str(out)]) == 0
    (out / "panel.parquet").unlink()  # as a nianbao before the panel wrote it
    with pytest.raises(NianbaoError, match=r"panel\.parquet"):
        dataset.check(out)
    with pytest.raises(NianbaoError, match=r"panel\.parquet"):
        dataset.update(out, [era_reports / "stjj-2013.json"])


# --- nianbao check ---------------------------------------------------------------------------


def test_check_prints_a_bodys_panel_series_across_years(
    era_reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ds"
    assert main(["export", str(era_reports), "--parquet", str(out)]) == 0
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "applications.received: 2013 3 · 2014 4 · 2015 3 · 2016 6" in printed
    assert "panel jump" not in printed


def test_a_jump_of_two_orders_of_magnitude_is_a_warning() -> None:
    series = PanelSeries("某局", "proactive.published", ((2014, (359.0,)), (2015, (36900.0,))))
    assert series.jumps() == [PanelJump(2015, 359.0, 36900.0)]
    # Ten times is a year's change; 0 to 3 is no jump; years apart are not one to the next.
    assert PanelSeries("某局", "k", ((2014, (359.0,)), (2015, (3590.0,)))).jumps() == []
    assert PanelSeries("某局", "k", ((2014, (0.0,)), (2015, (3.0,)))).jumps() == []
    assert PanelSeries("某局", "k", ((2014, (0.0,)), (2015, (500.0,)))).jumps() != []
    assert PanelSeries("某局", "k", ((2010, (3.0,)), (2015, (900.0,)))).jumps() == []


def test_check_warns_of_a_panel_jump(
    era_reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ds"
    assert main(["export", str(era_reports), "--parquet", str(out)]) == 0
    table = pq.read_table(out / "panel.parquet")
    values = [
        v * 1000 if (year == 2016 and key == "proactive.published") else v
        for v, year, key in zip(
            table.column("value").to_pylist(),
            table.column("year").to_pylist(),
            table.column("key").to_pylist(),
            strict=True,
        )
    ]
    index = table.schema.get_field_index("value")
    table = table.set_column(index, table.schema.field(index), pa.array(values, pa.float64()))
    pq.write_table(table, out / "panel.parquet")
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (
        "warning: panel jump: 莆田市统计局: proactive.published: 2015 369 -> 2016 392000" in printed
    )


def test_the_national_statistics_table_gives_the_panel_with_its_notes_aside(
    samples: Path,
) -> None:
    """Seed 001's 统计表: (一)主动公开政府信息数(不同渠道和方式公开相同信息计1条) 142,
    四、行政复议数量 0, 五、行政诉讼数量 0, 十二、依申请公开信息收取的费用 0; its 同意公开答复数
    rows are blank, so those panel figures are absent. The table is the national form's: the
    panel comes from its keys."""
    report = nianbao.convert_document(samples / "text" / "001_32df0900e40a0d23.txt")
    assert _panel(report) == {
        "proactive.published": (142, "figures"),
        "applications.received": (0, "figures"),
        "reviews.total": (0, "figures"),
        "lawsuits.total": (0, "figures"),
        "fees.amount": (0, "figures"),
    }
    assert report.annual_report is not None
    assert report.annual_report.panel["proactive.published"].keys == [
        "statistics.proactive.published"
    ]


def test_fees_of_the_national_statistics_table_in_wan_yuan_are_given_in_yuan() -> None:
    fees = Figure(
        value=1.5,
        raw="1.5",
        unit="万元",
        source="table",
        origin=TableCellOrigin(table=0, row=70, col=2),
    )
    found = panel("2008", {"statistics.fees.amount": fees}, [])["fees.amount"]
    assert (found.value, found.source) == (15000, "figures")


def test_fees_in_wan_yuan_are_given_in_yuan() -> None:
    fees = Indicator(
        path=[],
        label="十二、依申请公开信息收取的费用",
        unit="万元",
        value=1.5,
        raw="1.5",
        origin=LineOrigin(line_start=1, line_end=1),
    )
    assert panel("2008", {}, [fees])["fees.amount"].value == 15000
