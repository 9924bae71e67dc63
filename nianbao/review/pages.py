"""A PDF's pages, or a scan's, as images for the site: each once, at a modest resolution, in grey.

Only the pages that hold a figure are made (the caller names them). A PDF's page is rendered by
pdfium and its PNG written by hand (a grey 8-bit image is a header, zlib-compressed rows and a
trailer), so a PDF needs no imaging library: about 45 KB and 90 ms for an A4 page at 96 dpi. An
image file's page (a frame of a TIFF) is taken as the image adapter read it
(`adapters.image.page_image`: its size in points is what the boxes are given in) and scaled to
the same resolution with Pillow, which reading it needed anyway (the `ocr` extra).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.errors import DocumentLoadError

#: Enough to read a table's figures on a screen; a page is then about 800 x 1100 pixels.
DPI = 96


@dataclass(frozen=True)
class PageImage:
    page: int  # 1-based
    width: float  # the page's size in PDF points, which the boxes are given in
    height: float
    png: bytes


def render_pages(pdf: Path, pages: Iterable[int], dpi: int = DPI) -> list[PageImage]:
    """The pages of `pdf` numbered in `pages` (1-based; those past its end are left out)."""
    import pypdfium2 as pdfium  # noqa: PLC0415 (only a PDF's review pays for it)

    try:
        document = pdfium.PdfDocument(str(pdf))
    except (pdfium.PdfiumError, OSError) as exc:
        raise DocumentLoadError(f"cannot be rendered: {exc}", source=str(pdf)) from exc
    images: list[PageImage] = []
    try:
        for number in sorted(set(pages)):
            if not 1 <= number <= len(document):
                continue
            page = document[number - 1]
            width, height = page.get_size()
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            images.append(PageImage(number, width, height, _grey_png(bitmap)))
    finally:
        document.close()
    return images


def image_pages(path: Path, pages: Iterable[int], dpi: int = DPI) -> list[PageImage]:
    """The pages of the image file at `path` numbered in `pages` (a TIFF's frames; a PNG or
    JPEG has one); none without Pillow."""
    try:
        from PIL import Image, ImageSequence  # noqa: PLC0415 (the ocr extra)
    except ImportError:
        return []
    from nianbao.adapters.image import page_image  # noqa: PLC0415 (only a scan's review)

    wanted = set(pages)
    images: list[PageImage] = []
    try:
        with Image.open(path) as image:
            for number, frame in enumerate(ImageSequence.Iterator(image), 1):
                if number > max(wanted, default=0):
                    break
                if number not in wanted:
                    continue
                gray, scale = page_image(frame)
                width, height = gray.size[0] / scale, gray.size[1] / scale
                size = (max(1, round(width * dpi / 72)), max(1, round(height * dpi / 72)))
                buffer = io.BytesIO()
                gray.resize(size, Image.Resampling.LANCZOS).save(buffer, "PNG")
                images.append(PageImage(number, width, height, buffer.getvalue()))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise DocumentLoadError(f"cannot be shown: {exc}", source=str(path)) from exc
    return images


def _grey_png(bitmap: Any) -> bytes:  # a pypdfium2 bitmap, rendered in grey: a byte a pixel
    width: int = bitmap.width
    height: int = bitmap.height
    stride: int = bitmap.stride
    channels: int = bitmap.n_channels
    buffer = bytes(bitmap.buffer)
    row = width * channels
    # Filter type 0 (none) before each row: text pages compress well enough without one.
    raw = b"".join(b"\x00" + buffer[y * stride : y * stride + row] for y in range(height))
    colour = 0 if channels == 1 else 2
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
