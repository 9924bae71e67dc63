"""Images of pages (PNG, JPEG, TIFF with any number of pages): read by OCR like a scanned PDF.

Each image (each frame of a TIFF) is one page. Its resolution comes from the file (`dpi`), or,
where the file does not say or says something implausible, from its width taken as an A4
page's; images finer than 300 dpi are scaled down to it, which OCR does not need more than. The
page then goes through `_ocr.read_page` and the PDF adapter's page, table and paragraph code,
so a photographed report gives the same `Document` as the scanned PDF of it would.
"""

from __future__ import annotations

import io
from typing import Any, ClassVar

from nianbao.adapters import effort
from nianbao.adapters._accepts import image_accepts
from nianbao.adapters._layout import assemble
from nianbao.adapters._pdf_scans import INSTALL_HINT
from nianbao.adapters.base import Adapter, AdapterResult
from nianbao.adapters.pdf import _drop_furniture, _items, _join_tables, _Page, scanned_page
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError, MissingDependencyError, out_of_memory
from nianbao.schemas.model import Diagnostic, PagesOrigin

MAX_PAGES = 200  # frames of a TIFF read at most; a report is never longer
_MAX_DPI = 300.0
_A4_WIDTH_IN = 8.27


class ImageAdapter(Adapter):
    name: ClassVar[str] = "image"
    priority: ClassVar[float] = 0.0

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return image_accepts(head, info)

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        try:
            import numpy as np  # noqa: PLC0415
            from PIL import Image, ImageSequence  # noqa: PLC0415

            from nianbao.adapters._ocr import engine, read_page  # noqa: PLC0415
        except ImportError as exc:
            if out_of_memory(exc):  # installed, but no memory left to load it: not "missing"
                raise MemoryError(f"loading OCR ran out of memory ({exc})") from exc
            raise MissingDependencyError(
                f"reading images needs OCR ({exc}): {INSTALL_HINT}", source=info.name
            ) from exc
        engine(info.name)  # the models load before any page is decoded: fail fast without them
        pages: list[_Page] = []
        skews: list[tuple[int, float]] = []
        more = False  # frames past MAX_PAGES, left unread
        try:
            with Image.open(io.BytesIO(data)) as image:
                for number, frame in enumerate(ImageSequence.Iterator(image), 1):
                    if number > MAX_PAGES:
                        more = True
                        break
                    effort.pages_ahead(1)  # a TIFF's frames are counted as they are read
                    effort.ocr_page_ahead()
                    gray, scale = _page_image(frame, Image)
                    read = read_page(np.asarray(gray, dtype=np.uint8), scale, info.name)
                    pages.append(scanned_page(number, read))
                    skews.append((number, read.skew))
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            raise DocumentLoadError(
                f"not a readable image, damaged or truncated ({exc})", source=info.name
            ) from exc
        if not pages:
            raise DocumentLoadError("image has no pages", source=info.name)
        _drop_furniture(pages)
        document = assemble(_items(_join_tables(pages)))
        numbers = [n for n, _ in skews]
        turned = [f"{n} ({skew:+.1f}°)" for n, skew in skews if skew]
        diagnostics = [
            Diagnostic(
                code="image.ocr",
                severity="info",
                message=f"{len(numbers)} page image{'s' if len(numbers) > 1 else ''} read by "
                "OCR; each OCR'd cell and paragraph carries the recogniser's confidence"
                + (f"; straightened: {', '.join(turned)}" if turned else ""),
                origin=PagesOrigin(pages=numbers),
            )
        ]
        if more:
            diagnostics.append(
                Diagnostic(
                    code="image.truncated",
                    severity="warning",
                    message=f"read the first {MAX_PAGES} frames of the image; it has more, "
                    "left unread (no report is that long)",
                    origin=PagesOrigin(pages=[MAX_PAGES + 1]),
                )
            )
        return AdapterResult(
            document=document, diagnostics=diagnostics, pages=len(pages), ocr_pages=numbers
        )


def page_image(frame: Any) -> tuple[Any, float]:
    """A frame of an image file as this adapter reads it: in grey, and its scale in pixels per
    point, which the origins of what it read are given in (the review site draws them on it).
    Needs Pillow (the `ocr` extra)."""
    from PIL import Image  # noqa: PLC0415 (the ocr extra)

    return _page_image(frame, Image)


def _page_image(frame: Any, image_module: Any) -> tuple[Any, float]:
    """The frame in grey and its scale in pixels per point (see the module's note)."""
    gray = frame.convert("L")
    width, height = gray.size
    dpi = _stated_dpi(frame.info.get("dpi"))
    if dpi is None:
        dpi = min(width, height) / _A4_WIDTH_IN
    if dpi > _MAX_DPI:
        factor = _MAX_DPI / dpi
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        gray = gray.resize(size, image_module.Resampling.LANCZOS)
        dpi = _MAX_DPI
    return gray, dpi / 72.0


def _stated_dpi(value: object) -> float | None:
    """The file's resolution when it states a plausible one (72 is a default, not a scan's)."""
    if not isinstance(value, tuple) or not value:
        return None
    try:
        dpi = float(value[0])
    except (TypeError, ValueError):
        return None
    return dpi if 100 <= dpi <= 1200 else None
