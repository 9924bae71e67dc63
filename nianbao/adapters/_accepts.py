"""What each built-in adapter accepts, apart from the adapter: light enough to ask of every input.

The registry asks these before it imports an adapter's module (each pulls in its format's
library and parser), so a fresh process reading a text file never imports the PDF, DOCX or XLSX
readers. Each adapter's own `accepts` is the function here, so the two cannot disagree.
"""

from __future__ import annotations

from nianbao.adapters.sniff import InputInfo

IMAGE_FORMATS = ("png", "jpeg", "tiff")
_WORD_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm")
LEGACY_WORD_SUFFIXES = (".doc", ".dot", ".wps")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_XLS_SUFFIXES = (".xls", ".xlt", ".et")
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def docx_accepts(head: bytes, info: InputInfo) -> bool:
    lower = info.name.lower()
    if info.format in ("docx", "rtf"):  # RTF, like .doc, through LibreOffice
        return True
    if info.format == "ole2":
        return _WORD_STREAM in head or lower.endswith(LEGACY_WORD_SUFFIXES)
    # A damaged zip named .docx deserves a DOCX error message, not "binary data".
    return info.format == "binary" and head.startswith(b"PK") and lower.endswith(_WORD_SUFFIXES)


def xlsx_accepts(head: bytes, info: InputInfo) -> bool:
    lower = info.name.lower()
    if info.format == "xlsx":
        return True
    if info.format == "ole2":
        return any(s in head for s in _XLS_STREAMS) or lower.endswith(_XLS_SUFFIXES)
    return info.format == "binary" and head.startswith(b"PK") and lower.endswith(_XLSX_SUFFIXES)


def html_accepts(head: bytes, info: InputInfo) -> bool:
    return info.format == "html"


def pdf_accepts(head: bytes, info: InputInfo) -> bool:
    return info.format == "pdf"


def image_accepts(head: bytes, info: InputInfo) -> bool:
    return info.format in IMAGE_FORMATS


def text_accepts(head: bytes, info: InputInfo) -> bool:
    return info.format == "text"
