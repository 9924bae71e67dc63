"""Tell the format of an input from its bytes; the file name is only ever a hint.

One place decides, so that a `.pdf` that is really an HTML page reaches the HTML adapter.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<table[\s>]", re.I)
_SNIFF_WINDOW = 8192

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "ole2": "application/x-ole-storage",
    "rtf": "application/rtf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "html": "text/html",
    "text": "text/plain",
    "binary": "application/octet-stream",
}


@dataclass(frozen=True)
class InputInfo:
    """What the pipeline knows of an input before an adapter reads it: the sniffed facts.
    (How to read it is the options' to say: `Adapter.with_options`.)"""

    #: The input's name as errors show it (a path, or the name given with bytes).
    name: str
    size: int
    #: What `sniff` found: pdf, docx, xlsx, zip, ole2, rtf, png, jpeg, tiff, html, text, binary.
    format: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.format, "application/octet-stream")


def sniff(data: bytes) -> str:
    """The format of `data`: pdf, docx, xlsx, zip, ole2, rtf, png, jpeg, tiff, html, text or
    binary."""
    head = data[:_SNIFF_WINDOW]
    # PDF readers accept the header anywhere in the first KiB; so do we.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(data)
    if head.startswith(_OLE2_MAGIC):
        return "ole2"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"  # Word's RTF, often saved as .doc: markup, not text to read as it is
    image = _image_format(head)
    if image is not None:
        return image
    if _looks_like_text(head):
        return "html" if _HTML_MARKERS.search(head.lstrip()[:_SNIFF_WINDOW]) else "text"
    return "binary"


def _image_format(head: bytes) -> str | None:
    """A page image: PNG, JPEG or TIFF (either byte order), by its magic bytes."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    return None


def _zip_format(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        return "binary"  # NotImplementedError: a zip version or feature zipfile lacks
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return "zip"


def _looks_like_text(head: bytes) -> bool:
    """Text in any encoding we read: no control bytes but in UTF-16's NUL pattern."""
    if not head:
        return False
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    if _is_utf16_without_bom(head):
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\n\r\f\x1b")
    return controls <= len(head) * 0.01


def _is_utf16_without_bom(head: bytes) -> bool:
    """Chinese UTF-16 is full of control-range bytes; it decodes strictly to printable text."""
    sample = head[: len(head) - len(head) % 2][:4096]
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[:-2].decode(codec)  # the last unit may be half a surrogate pair
        except UnicodeDecodeError:
            continue
        printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r")
        if text and printable >= 0.98 * len(text):
            return True
    return False
