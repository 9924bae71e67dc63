"""pdfium's characters computed two ways (`_pdfium._chars`): the box of a glyph of upright
text on a page not turned, computed directly, is the box `_char` computes from its four corners,
to the last bit, whatever the glyph's text (the common case's, a font's own map's, an unmapped
glyph's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nianbao.adapters import _pdfium
from nianbao.adapters._pdfium import PdfiumDocument
from nianbao.adapters._pdfium_api import LOCK
from nianbao.errors import DocumentLoadError

ROOT = Path(__file__).resolve().parent.parent
PDFS = sorted(
    [
        *(ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf"),
        *(ROOT / "tests" / "fixtures" / "prints").glob("*.pdf"),
    ],
    key=lambda p: p.name,
)


def _read(path: Path) -> list[Any]:
    with LOCK:
        try:
            document = PdfiumDocument(path.read_bytes(), path.name)
        except DocumentLoadError:  # an encrypted fixture: nothing to compare
            return []
        try:
            return [document.page(index) for index in range(len(document))]
        finally:
            document.close()


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_a_glyph_s_box_is_the_same_computed_directly_or_from_its_corners(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    direct = _read(path)
    made = _pdfium._Run.__init__

    def cornered(run: Any, *args: Any) -> None:
        made(run, *args)
        run.plain = False  # every box from its corners (`_char`)

    monkeypatch.setattr(_pdfium._Run, "__init__", cornered)
    corners = _read(path)
    assert len(direct) == len(corners)
    for ours, theirs in zip(direct, corners, strict=True):
        assert (ours is None) == (theirs is None)
        if ours is not None:
            assert ours.chars == theirs.chars


def test_unmapped_glyphs_and_a_font_s_own_map_are_among_the_glyphs_compared() -> None:
    fixtures = ROOT / "tests" / "fixtures" / "pdf"
    unmapped = [p for p in _read(fixtures / "unmapped-glyphs.pdf") if p is not None]
    assert any(str(c["text"]).startswith("(cid:") for page in unmapped for c in page.chars)
    own_map = [p for p in _read(fixtures / "chromium-print-no-tounicode.pdf") if p is not None]
    assert sum(page.font_unicode for page in own_map) > 0
