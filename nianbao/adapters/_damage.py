"""Damaged input, said in plain words: the errors the format libraries raise on bad bytes.

Each adapter calls its library inside one `try` whose `except` names the library's own error
types for damaged input (the tuples below, and the adapter's own additions), never a bare
`except Exception`: an error raised by nianbao's own code is a bug and must reach the user as
one (exit 70), not pass for damage. `refuse` turns the library's error into a
`DocumentLoadError` (exit 3) that names the damage and keeps the library's error as its cause.
"""

from __future__ import annotations

import logging
import struct
import sys
import threading
import zipfile
import zlib
from collections import Counter

from nianbao.errors import DocumentLoadError

#: What `zipfile` raises on a damaged member: a bad CRC or header (BadZipFile), a corrupt
#: deflate stream (zlib.error), a stream that ends early (EOFError), a compression method or
#: zip version it does not implement (NotImplementedError).
ZIP_DAMAGE: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
)

#: The plain Python errors a format library's readers let out on damaged input: a part or an
#: entry that is not there (KeyError, IndexError, an unknown code page's LookupError), an
#: element missing from a broken part (AttributeError, TypeError), a field that is no number
#: (ValueError). Caught only around the library's own calls, where they cannot hide our bugs.
READER_ERRORS: tuple[type[Exception], ...] = (LookupError, ValueError, TypeError, AttributeError)


def stdlib_xml_damage() -> tuple[type[Exception], ...]:
    """What Python's own XML parser, which openpyxl uses for worksheets, raises on broken
    XML: imported here only by the XLSX reader, whose openpyxl imports it anyway (~2 ms that a
    PDF, HTML or text input need not pay)."""
    from xml.etree.ElementTree import ParseError  # noqa: PLC0415

    return (ParseError,)


def _is_xml_damage(exc: BaseException) -> bool:
    """Whether `exc` is broken XML, lxml's or the standard library's (neither imported to ask:
    an error of a parser not imported was not raised)."""
    if type(exc).__name__ == "XMLSyntaxError":
        return True
    tree = sys.modules.get("xml.etree.ElementTree")
    return tree is not None and isinstance(exc, tree.ParseError)


def describe(exc: BaseException) -> str:
    """The damage `exc` stands for, in words a person reading an error line understands."""
    detail = " ".join(str(exc).split())
    if isinstance(exc, zipfile.BadZipFile):
        words = "the zip is corrupt"
    elif isinstance(exc, zlib.error):
        words = "a compressed part is corrupt"
    elif isinstance(exc, EOFError):
        words = "a compressed part ends early (truncated)"
    elif isinstance(exc, NotImplementedError):
        words = "it uses a zip feature that cannot be read"
    elif _is_xml_damage(exc):
        words = "a part's XML is broken"
    elif isinstance(exc, struct.error):
        words = "a record is cut short"
    elif isinstance(exc, KeyError | IndexError):
        words = "a part refers to an entry that is not there"
    elif isinstance(exc, RecursionError):
        words = "its structure nests too deeply"
    else:
        words = "its internal structure is broken"
    if len(detail) > 200:
        detail = detail[:200] + "…"
    return f"{words} ({detail or type(exc).__name__})"


def refuse(kind: str, exc: BaseException, source: str) -> DocumentLoadError:
    """The error for a `kind` file (DOCX, XLSX, .xls workbook, PDF) damaged as `exc` says;
    raise it `from exc` so that the library's error stays the cause."""
    return DocumentLoadError(f"not a readable {kind}, damaged: {describe(exc)}", source=source)


class WarningCounter(logging.Handler):
    """Counts, by message, the warnings a format library logs while this thread reads one input
    (other threads may be reading other inputs at once): what the library noticed becomes a
    diagnostic of that input's report, not a line on the user's terminal."""

    def __init__(self, into: Counter[str]) -> None:
        super().__init__(logging.WARNING)
        self._into = into
        self._thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread:
            self._into[" ".join(record.getMessage().split())[:160]] += 1
