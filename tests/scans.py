"""Scanned copies of the samples, made in the tests: pages rendered to images and wrapped as an
image-only PDF (what a scanner or a "print to image" produces), tilted and JPEG-compressed at
will. Nothing is written outside the caller's temporary folder."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
from PIL import Image


def page_images(pdf: Path, dpi: int, *, pages: list[int] | None = None) -> list[Image.Image]:
    """The pages (1-based numbers; all when None) of `pdf` rendered to greyscale images."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        numbers = pages or list(range(1, len(document) + 1))
        return [
            document[n - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for n in numbers
        ]
    finally:
        document.close()


def scanned(image: Image.Image, *, tilt: float = 0.0, jpeg: int | None = None) -> Image.Image:
    """`image` as a scan: turned `tilt` degrees counter-clockwise, JPEG-compressed at quality
    `jpeg`."""
    if tilt:
        image = image.rotate(tilt, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if jpeg is not None:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=jpeg)
        image = Image.open(io.BytesIO(buffer.getvalue()))
        image.load()
    return image


def image_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF, one page per image, each page the image's size at `dpi`."""
    buffer = io.BytesIO()
    first, *rest = [im.convert("L") for im in images]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=dpi)
    return buffer.getvalue()
