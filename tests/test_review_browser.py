"""`nianbao review`'s site in a real browser: Debian's headless Chromium, driven by Playwright
with the system's browser (nothing downloaded). A machine without Chromium fails these tests,
never skips them: the README's set-up installs it.

One site for the module: a PDF (hongze), an HTML page, a crawled dump with undetermined
figures (平潭 2019) and the 莆田 reports of several years (the index and its charts).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from nianbao.cli import main
from nianbao.collection.partial import missing_figures
from nianbao.forms import FORMS
from nianbao.schemas.model import PageOrigin, Report
from nianbao.schemas.places import Places

from .browser import CHROMIUM, launch
from .conftest import ROOT, SAMPLES

PUTIAN = ROOT / "tests" / "fixtures" / "putian"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review")
    inputs = [
        SAMPLES / "real" / "hongze-2024.pdf",
        SAMPLES / "html" / "report-2021.html",
        SAMPLES / "text" / "pingtan-2019.txt",
        PUTIAN,
    ]
    assert main(["review", *map(str, inputs), "-o", str(root / "site"), "-q", "-j", "2"]) == 0
    return root / "site"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: the README's set-up installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    # Nothing may be fetched: a request for anything but a file of the site fails the test.
    fetched: list[str] = []
    opened.on("request", lambda r: None if r.url.startswith("file://") else fetched.append(r.url))
    yield opened
    context.close()
    assert fetched == []


def _report(site: Path, name: str) -> Report:
    return Report.model_validate_json((site / "reports" / name / "report.json").read_text())


def test_every_figure_of_the_report_is_in_its_cell(site: Path, page: Page) -> None:
    report = _report(site, "hongze-2024")
    assert report.annual_report is not None
    page.goto((site / "reports" / "hongze-2024" / "index.html").as_uri())
    for key, figure in report.annual_report.figures.items():
        cell = page.locator(f'[data-key="{key}"]')
        assert cell.count() == 1, key
        assert cell.get_attribute("data-state") == "ok"
        assert cell.inner_text().strip() == str(figure.value if figure.value is not None else "")
    # The form's cells the report does not give are there too, marked missing.
    form = FORMS.form("2021")
    missing = missing_figures(form, report.annual_report.figures.keys())
    shown = page.locator('.form-tables td[data-state="missing"]')
    assert sorted(shown.evaluate_all("cells => cells.map(c => c.dataset.key)")) == sorted(missing)


def test_a_click_shows_the_cells_box_on_its_page(site: Path, page: Page) -> None:
    report = _report(site, "hongze-2024")
    assert report.annual_report is not None
    key = "applications.unable_not_held.natural_person"  # 31, on page 3
    place = Places(report.document).place_of(report.annual_report.figures[key].origin)
    assert isinstance(place, PageOrigin) and place.bbox is not None
    page.goto((site / "reports" / "hongze-2024" / "index.html").as_uri())
    source = page.locator(f'[data-source-of="{key}"]')
    assert not source.is_visible()
    page.click(f'[data-key="{key}"]')
    assert source.is_visible()
    sheet = source.locator(".sheet")
    assert sheet.get_attribute("data-page") == str(place.page)
    image = sheet.locator("img")
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 500
    frame, box = sheet.bounding_box(), source.locator(".box").bounding_box()
    assert frame is not None and box is not None
    x0, top, x1, bottom = place.bbox
    # The box stands where the cell is on the page, to a pixel or two (the border).
    scale = frame["width"] / 595.3
    assert abs(box["x"] - frame["x"] - x0 * scale) < 4
    assert abs(box["y"] - frame["y"] - top * scale) < 4
    assert abs(box["width"] - (x1 - x0) * scale) < 8
    assert abs(box["height"] - (bottom - top) * scale) < 8
    # Another figure: the first source hides, the other shows.
    page.click('[data-key="review.total"]')
    assert not source.is_visible()
    assert page.locator('[data-source-of="review.total"]').is_visible()


def test_a_click_on_an_html_pages_figure_marks_its_cell_in_the_source_table(
    site: Path, page: Page
) -> None:
    report = _report(site, "report-2021")
    assert report.annual_report is not None
    key = "applications.granted.total"
    figure = report.annual_report.figures[key]
    page.goto((site / "reports" / "report-2021" / "index.html").as_uri())
    page.click(f'[data-key="{key}"]')
    source = page.locator(f'[data-source-of="{key}"]')
    assert source.is_visible()
    marked = source.locator(".source-table td.mark")
    assert marked.count() == 1
    assert marked.inner_text().strip() == figure.raw
    assert "element body/table[1]" in source.locator(".place").inner_text()


def test_undetermined_figures_are_marked_unsure_with_their_candidates(
    site: Path, page: Page
) -> None:
    report = _report(site, "pingtan-2019")
    assert report.annual_report is not None
    undetermined = [k for k, f in report.annual_report.figures.items() if f.value is None]
    assert len(undetermined) == 19
    page.goto((site / "reports" / "pingtan-2019" / "index.html").as_uri())
    unsure = page.locator('td.fig[data-state="unsure"]')
    assert sorted(unsure.evaluate_all("cells => cells.map(c => c.dataset.key)")) == sorted(
        undetermined
    )
    # Marked at a glance: a dashed outline and another background than a read figure's.
    style = unsure.first.evaluate("c => getComputedStyle(c).outlineStyle")
    assert style == "dashed"
    key = undetermined[0]
    page.click(f'[data-key="{key}"]')
    source = page.locator(f'[data-source-of="{key}"]')
    candidates = report.annual_report.figures[key].candidates or []
    assert source.locator(".candidates").inner_text() == "candidates: " + ", ".join(
        str(c) for c in candidates
    )
    assert source.locator("pre.excerpt mark").count() == 1


def test_the_index_filters_and_sorts(site: Path, page: Page) -> None:
    page.goto((site / "index.html").as_uri())
    rows = page.locator("tr[data-report]")
    total = rows.count()
    assert total == 3 + len(list(PUTIAN.iterdir()))  # the three documents and the folder's

    def shown() -> list[str]:
        found: list[str] = rows.evaluate_all(
            "rows => rows.filter(r => !r.hidden).map(r => r.dataset.body + ' ' + r.dataset.year)"
        )
        return found

    every = rows.evaluate_all(
        "rows => rows.map(r => [r.dataset.body + ' ' + r.dataset.year, "
        "Number(r.dataset.undetermined)])"
    )
    page.fill('[data-filter="body"]', "统计局")
    assert shown() == [row for row, _ in every if "统计局" in row]
    page.fill('[data-filter="body"]', "")
    page.fill('[data-filter="year"]', ">2022")
    later = [row for row, _ in every if row[-4:].isdigit() and int(row[-4:]) > 2022]
    assert shown() == later and 0 < len(later) < total
    page.fill('[data-filter="year"]', "")
    page.fill('[data-filter="undetermined"]', ">0")
    assert "平潭综合实验区 2019" in shown()
    assert shown() == [row for row, unsure in every if unsure > 0]
    page.fill('[data-filter="undetermined"]', "")
    assert len(shown()) == total
    page.click('th[data-sort="year"]')
    years = [row.split()[-1] for row in shown()]
    assert years == sorted(years)
    # The charts follow the filter: one per body shown.
    page.fill('[data-filter="body"]', "统计局")
    charts = page.locator("figure.chart")
    visible = charts.evaluate_all("cs => cs.filter(c => !c.hidden).map(c => c.dataset.body)")
    assert visible == ["莆田市统计局"]
    assert charts.filter(has_text="莆田市统计局").locator("polyline").count() >= 1
