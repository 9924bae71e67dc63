"""The screenshots of `nianbao review` in docs/, made with Debian's chromium (as the tests are).

    python -m docs.screenshots CORPUS_DIR ARCHIVE_DIR    (from the repository's root)

CORPUS_DIR holds hongze-2024.pdf, pingtan-2024.html and pingtan-2024.txt (a real PDF, a real
web page and a crawler's dump of one); each report's page is shown with one figure clicked.
ARCHIVE_DIR is a folder of reports of several bodies and years (issue 20's 莆田 archive): the
index is shown with them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from nianbao.cli import main
from nianbao.review.site import plan
from tests.browser import launch

HERE = Path(__file__).resolve().parent
#: (input, the figure clicked, the screenshot's name)
SHOTS = [
    ("hongze-2024.pdf", "applications.unable_not_held.natural_person", "review-pdf.png"),
    ("pingtan-2024.html", "applications.granted.total", "review-html.png"),
    ("pingtan-2024.txt", "proactive.normative_documents.repealed", "review-dump.png"),
]


def shoot(corpus: Path, archive: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        inputs = [corpus / name for name, _, _ in SHOTS] + [archive]
        assert main(["review", *map(str, inputs), "-o", str(site), "-q"]) == 0
        folders = {job.source.name: job.name for job in plan(inputs)}
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1500, "height": 950})
            for name, key, shot in SHOTS:
                page.goto((site / "reports" / folders[name] / "index.html").as_uri())
                cell = page.locator(f'[data-key="{key}"]')
                cell.scroll_into_view_if_needed()
                cell.click()
                page.wait_for_timeout(300)
                page.screenshot(path=HERE / shot)
            page.goto((site / "index.html").as_uri())
            page.screenshot(path=HERE / "review-index.png", full_page=True)
            browser.close()


if __name__ == "__main__":
    shoot(Path(sys.argv[1]), Path(sys.argv[2]))
