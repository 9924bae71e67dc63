"""The scanned pages of a PDF: rendered (pypdfium2) and read by OCR when the extra is there.

Imports nothing heavy at module load: the OCR stack (OpenCV, onnxruntime, RapidOCR's models)
loads on the first page that needs it, so born-digital PDFs never pay for it and a missing extra
costs a diagnostic, not an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nianbao.adapters import effort
from nianbao.adapters._pdfium_api import LOCK
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import MissingDependencyError, out_of_memory
from nianbao.schemas.model import Diagnostic, PagesOrigin

if TYPE_CHECKING:
    from nianbao.adapters._ocr import OcrPage

INSTALL_HINT = "pip install nianbao[ocr]"


class Scans:
    """Reads pages without a text layer from their images, one at a time, on demand."""

    def __init__(self, data: bytes, info: InputInfo, dpi: int, *, enabled: bool = True) -> None:
        self._data = data
        self._info = info
        self._dpi = dpi
        self._document: Any = None
        self._missing: str | None = None if enabled else "OCR turned off"
        self._read: list[tuple[int, float]] = []  # page, skew

    def page(self, number: int) -> OcrPage | None:
        """Page `number` (1-based) read by OCR; None when OCR is not installed."""
        if self._missing is not None:
            return None
        try:
            from nianbao.adapters._ocr import (  # noqa: PLC0415
                engine,
                read_page,
            )

            engine(self._info.name)
        except (ImportError, MissingDependencyError) as exc:
            if out_of_memory(exc):  # installed, but no memory left to load it: not "missing"
                raise MemoryError(f"loading OCR ran out of memory ({exc})") from exc
            self._missing = str(exc)
            return None
        import numpy as np  # noqa: PLC0415
        import pypdfium2  # noqa: PLC0415

        effort.ocr_page_ahead()
        scale = self._dpi / 72.0
        with LOCK:  # pdfium: one thread at a time
            if self._document is None:
                self._document = pypdfium2.PdfDocument(self._data)
            page = self._document[number - 1]
            try:
                bitmap = page.render(scale=scale, grayscale=True)
                gray = np.asarray(bitmap.to_pil().convert("L"), dtype=np.uint8)
            finally:
                page.close()
        result = read_page(gray, scale, self._info.name)
        self._read.append((number, result.skew))
        return result

    def close(self) -> None:
        if self._document is not None:
            with LOCK:
                self._document.close()
            self._document = None

    def diagnostics(self) -> list[Diagnostic]:
        if not self._read:
            return []
        pages = [number for number, _ in self._read]
        turned = [f"{number} ({skew:+.1f}°)" for number, skew in self._read if skew]
        return [
            Diagnostic(
                code="pdf.ocr",
                severity="info",
                message=f"no text layer on page{'s' if len(pages) > 1 else ''} "
                f"{', '.join(map(str, pages))}: read by OCR from the page image at {self._dpi} "
                "dpi; each OCR'd cell and paragraph carries the recogniser's confidence"
                + (f"; straightened: {', '.join(turned)}" if turned else ""),
                origin=PagesOrigin(pages=pages),
            )
        ]
