"""How much work a conversion has ahead of it, told to whoever holds its time limit.

A time limit that fits a 10-page report kills a 1,000-page one, and a page read by OCR takes a
hundred times a text page. So the PDF adapter says how many pages it is about to read, and the
PDF and image adapters say each page they are about to OCR; the worker process passes that on
to its parent, which grows the input's time limit to fit (`Limits.seconds_for`). With no one
listening (a conversion in the caller's own process, without a limit) these calls do nothing.

The same listener hears where a conversion is inside a C library (`in_library`): a library such
as pdfium aborts the whole process when an allocation fails under the memory limit, and the
parent, which sees only a death by SIGABRT, can then say what was being read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

#: Told (pages, pages to OCR) as the adapter learns of them; called in the converting thread.
Listener = Callable[[int, int], None]

#: Told what C library call the conversion is in (`pdfium reading page 3`), None when it left.
LibraryListener = Callable[[str | None], None]

_listener: Listener | None = None
_library_listener: LibraryListener | None = None


def pages_ahead(pages: int) -> None:
    """The document has `pages` pages to read (once, when it is opened)."""
    if _listener is not None and pages > 0:
        _listener(pages, 0)


def ocr_page_ahead() -> None:
    """One more page is about to be read by OCR."""
    if _listener is not None:
        _listener(0, 1)


@contextlib.contextmanager
def in_library(what: str) -> Iterator[None]:
    """The block runs C library code, `what` in words (`pdfium reading page 3`)."""
    if _library_listener is None:
        yield
        return
    _library_listener(what)
    try:
        yield
    finally:
        _library_listener(None)


@contextlib.contextmanager
def listening(listener: Listener, library: LibraryListener | None = None) -> Iterator[None]:
    """Tell `listener` of the work announced inside the block (one worker, one conversion), and
    `library` of the C library calls it makes."""
    global _listener, _library_listener  # one conversion per worker process
    previous = _listener, _library_listener
    _listener, _library_listener = listener, library
    try:
        yield
    finally:
        _listener, _library_listener = previous
