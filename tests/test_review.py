"""`nianbao review`: the site's files, its markup and what it says when inputs are wanting,
read as files (the browser's own tests are in test_review_browser.py)."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.forms import FORMS
from nianbao.review.form_tables import lay_out
from nianbao.review.pages import image_pages, render_pages
from nianbao.review.site import plan
from nianbao.schemas.model import LineOrigin, PageOrigin, Report
from nianbao.schemas.places import Places

from .conftest import ROOT, SAMPLES

HONGZE = SAMPLES / "real" / "hongze-2024.pdf"
PINGTAN_2019 = SAMPLES / "text" / "pingtan-2019.txt"
WRONG_TOTALS = ROOT / "tests" / "fixtures" / "pdf" / "wrong-totals.pdf"


def _states(page: Path) -> dict[str, str]:
    html = page.read_text(encoding="utf-8")
    return dict(re.findall(r'data-key="([^"]+)" data-state="(\w+)"', html))


def test_a_pdf_gives_a_page_with_every_form_cell_and_its_pages_rendered(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["review", str(HONGZE), "-o", str(site), "-q"]) == 0
    folder = site / "reports" / "hongze-2024"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    figures = report["annual_report"]["figures"]
    states = _states(folder / "index.html")
    assert set(figures) <= set(states)
    assert {states[k] for k in figures} == {"ok"}  # hongze's 40 checks pass
    # The pages holding figures are rendered, each once.
    model = Report.model_validate(report)
    assert model.annual_report is not None
    places = Places(model.document)
    holding = {
        place.page
        for f in model.annual_report.figures.values()
        if isinstance(place := places.place_of(f.origin), PageOrigin)
    }
    assert {p.name for p in folder.glob("page-*.png")} == {f"page-{n}.png" for n in holding}
    for png in folder.glob("page-*.png"):
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-report="reports/hongze-2024/index.html"' in index
    assert (site / "assets" / "review.js").is_file()


def test_a_failed_check_marks_its_cells_failed_and_shows_the_equation(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["review", str(WRONG_TOTALS), "-o", str(site), "-q"]) == 0
    page = site / "reports" / "wrong-totals" / "index.html"
    states = _states(page)
    assert states["review.total"] == "failed"
    html = page.read_text(encoding="utf-8")
    source = html[html.index('data-source-of="review.total"') :]
    assert 'class="check-failed">review.total:' in source[: source.index("</div>")]


def test_undetermined_figures_are_unsure_with_their_candidates(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["review", str(PINGTAN_2019), "-o", str(site), "-q"]) == 0
    folder = site / "reports" / "pingtan-2019"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    undetermined = [k for k, f in report["annual_report"]["figures"].items() if f["value"] is None]
    assert undetermined
    states = _states(folder / "index.html")
    assert {states[k] for k in undetermined} == {"unsure"}
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert html.count('class="candidates"') >= len(undetermined)


def test_a_report_json_finds_its_source_beside_it_or_under_sources(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    assert main(["convert", str(HONGZE), "-o", str(reports / "hongze-2024.json"), "-q"]) == 0
    # No source anywhere: the page shows what the report holds, and says why.
    assert main(["review", str(reports), "-o", str(tmp_path / "a"), "-q"]) == 0
    alone = tmp_path / "a" / "reports" / "hongze-2024"
    assert not list(alone.glob("page-*.png"))
    assert "hongze-2024.pdf not found beside the report" in (alone / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'class="table-view"' in (alone / "index.html").read_text(encoding="utf-8")
    # Under --sources, in a subfolder.
    (tmp_path / "docs" / "2024").mkdir(parents=True)
    shutil.copyfile(HONGZE, tmp_path / "docs" / "2024" / HONGZE.name)
    site = tmp_path / "b"
    args = ["review", str(reports), "--sources", str(tmp_path / "docs"), "-o", str(site), "-q"]
    assert main(args) == 0
    assert list((site / "reports" / "hongze-2024").glob("page-*.png"))
    # Beside it: the folder's document is reviewed once, from its report.
    shutil.copyfile(HONGZE, reports / HONGZE.name)
    assert [job.source.name for job in plan([reports])] == ["hongze-2024.json"]


def test_a_source_of_other_bytes_is_not_taken_for_the_reports(tmp_path: Path) -> None:
    assert main(["convert", str(HONGZE), "-o", str(tmp_path / "hongze-2024.json"), "-q"]) == 0
    (tmp_path / HONGZE.name).write_bytes(WRONG_TOTALS.read_bytes())  # the name, not the bytes
    assert main(["review", str(tmp_path / "hongze-2024.json"), "-o", str(tmp_path / "s")]) == 0
    page = (tmp_path / "s" / "reports" / "hongze-2024" / "index.html").read_text(encoding="utf-8")
    assert "is not the file this report was made from" in page
    assert not list((tmp_path / "s" / "reports" / "hongze-2024").glob("page-*.png"))


def test_an_input_that_fails_is_listed_and_the_rest_reviewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    site = tmp_path / "site"
    assert main(["review", str(broken), str(PINGTAN_2019), "-o", str(site)]) == 1
    assert "broken.json" in capsys.readouterr().out
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "is not JSON" in index
    assert index.count("data-report=") == 1


def test_a_folder_with_nothing_to_review_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["review", str(tmp_path / "empty"), "-o", str(tmp_path / "site"), "-q"]) == 3
    assert not (tmp_path / "site").exists()


def test_a_site_that_is_a_file_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.write_text("mine", encoding="utf-8")
    assert main(["review", str(PINGTAN_2019), "-o", str(target), "-q"]) == 3
    assert target.read_text(encoding="utf-8") == "mine"


def test_section_four_is_laid_out_across_as_the_form_prints_it() -> None:
    table = FORMS.form("2021").table("review")
    assert table is not None
    layout = lay_out(table, table.figure_keys(), ())
    top, middle, labels, figures = layout
    assert [(s.text, s.cols) for s in top] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [s.text for s in middle] == ["未经复议直接起诉", "复议后起诉"]
    assert len(labels) == len(figures) == 15
    assert figures[0].key == "review.upheld" and figures[-1].key == "litigation_after_review.total"


def test_a_group_printed_as_one_row_hides_the_rows_it_stands_for() -> None:
    table = FORMS.form("2021").table("applications")
    assert table is not None
    present = [k for k in table.figure_keys() if ".other_" not in k] + [
        table.figure("other_handling", c.key) for c in table.columns
    ]
    layout = lay_out(table, present, ())
    keys = [s.key for row in layout for s in row if s.key]
    assert "applications.other_handling.total" in keys
    # Printed as the 2019 form prints it: one label across both label columns, not twice.
    row = next(r for r in layout if any(s.key and "other_handling" in s.key for s in r))
    assert [(s.text, s.cols) for s in row if s.key is None] == [("（六）其他处理", 2)]
    assert "applications.other_overdue_fee.total" not in keys
    assert len(keys) == len(set(keys))


def test_a_pdf_without_figures_has_no_page_rendered(tmp_path: Path) -> None:
    prose = ROOT / "tests" / "fixtures" / "pdf" / "framed-prose.pdf"
    assert main(["review", str(prose), "-o", str(tmp_path / "site"), "-q"]) == 0
    folder = tmp_path / "site" / "reports" / "framed-prose"
    assert (folder / "index.html").is_file()
    assert not list(folder.glob("page-*.png"))


def test_pages_past_the_end_are_not_rendered() -> None:
    images = render_pages(HONGZE, [2, 99])
    assert [i.page for i in images] == [2]
    assert (round(images[0].width), round(images[0].height)) == (595, 842)


def test_a_text_inputs_lines_around_a_figure_are_shown_with_its_own_marked(
    tmp_path: Path,
) -> None:
    source = ROOT / "tests" / "fixtures" / "putian" / "putian-stjj-2022.txt"
    assert main(["review", str(source), "-o", str(tmp_path / "site"), "-q"]) == 0
    folder = tmp_path / "site" / "reports" / "putian-stjj-2022"
    report = Report.model_validate_json((folder / "report.json").read_text(encoding="utf-8"))
    assert report.annual_report is not None
    key = "applications.new_received.total"
    place = Places(report.document).place_of(report.annual_report.figures[key].origin)
    assert isinstance(place, LineOrigin)
    html = (folder / "index.html").read_text(encoding="utf-8")
    view = html[html.index(f'data-source-of="{key}"') :]
    view = view[: view.index("</div>")]
    lines = source.read_text(encoding="utf-8").splitlines()
    marked = re.findall(r'<tr class="mark"><th>(\d+)</th><td>([^<]*)</td>', view)
    assert marked == [(str(place.line_start), lines[place.line_start - 1])]
    assert f"<th>{place.line_start - 2}</th>" in view  # and two lines before it


def test_a_name_with_url_marks_is_linked_as_a_path(tmp_path: Path) -> None:
    odd = tmp_path / "年报#1 ?.txt"
    shutil.copyfile(PINGTAN_2019, odd)
    assert main(["review", str(odd), "-o", str(tmp_path / "site"), "-q"]) == 0
    assert (tmp_path / "site" / "reports" / "年报#1 ?" / "index.html").is_file()
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="reports/%E5%B9%B4%E6%8A%A5%231%20%3F/index.html"' in index


def test_a_scans_pages_are_its_frames_in_points_as_the_image_adapter_reads_them(
    tmp_path: Path,
) -> None:
    import pypdfium2 as pdfium  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    pdf = pdfium.PdfDocument(str(HONGZE))
    frames = [pdf[n].render(scale=150 / 72).to_pil().convert("L") for n in (2, 3)]
    tiff = tmp_path / "scan.tiff"
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(150, 150))
    images = image_pages(tiff, [2, 7])
    assert [i.page for i in images] == [2]
    assert (round(images[0].width), round(images[0].height)) == (595, 842)
    with Image.open(io.BytesIO(images[0].png)) as shown:
        assert shown.size == (794, 1123)  # 96 dpi


def test_a_report_on_no_known_form_shows_its_figures_in_the_form_that_prints_them(
    tmp_path: Path,
) -> None:
    report = tmp_path / "hongze-2024.json"
    assert main(["convert", str(HONGZE), "-o", str(report), "-q"]) == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    data["annual_report"]["template"] = None  # a scanned page of tables, without its title
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["review", str(report), "-o", str(tmp_path / "site"), "-q"]) == 0
    html = (tmp_path / "site" / "reports" / "hongze-2024" / "index.html").read_text("utf-8")
    tables = html[html.index('class="form-tables"') : html.index('class="below"')]
    states = dict(re.findall(r'data-key="([^"]+)" data-state="(\w+)"', tables))
    assert {k for k in data["annual_report"]["figures"] if not k.startswith("text.")} <= set(states)


def test_a_datasets_folder_gives_the_reports_it_was_made_from(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    assert main(["convert", str(PINGTAN_2019), str(HONGZE), "-o", f"{reports}/", "-q"]) == 0
    assert main(["export", str(reports), "--parquet", str(tmp_path / "dataset"), "-q"]) == 0
    assert main(["review", str(tmp_path / "dataset"), "-o", str(tmp_path / "site"), "-q"]) == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-report="([^"]+)"', index) == [
        "reports/hongze-2024/index.html",
        "reports/pingtan-2019/index.html",
    ]
