"""Opening a PDF and reading its pages through pdfium or pdfplumber, inside the net that turns
the PDF libraries' damage into a `DocumentLoadError` (`Library`), one page at a time (`Reader`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from nianbao.adapters import effort
from nianbao.adapters._damage import READER_ERRORS, WarningCounter
from nianbao.adapters._pdf_page import PageRead, plumber_page
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError, MissingDependencyError
from nianbao.schemas.model import Diagnostic

if TYPE_CHECKING:
    from nianbao.adapters._pdfium import PdfiumDocument


class Library:
    """The net around the PDF libraries' calls, and only theirs (as httpx's
    `map_httpcore_exceptions` wraps only httpcore's): pdfplumber and pdfminer parse lazily, as
    a document's pages and a page's objects are first asked for, and the damage they meet there
    (`library_errors`) becomes a `DocumentLoadError` that keeps it as its cause. pdfium's own
    calls answer with codes, which `_pdfium` turns into DocumentLoadErrors itself."""

    def __init__(self, info: InputInfo) -> None:
        self._info = info
        #: What pdfminer logged while it parsed (a font descriptor without a FontBBox...), by
        #: message: said once in the report (`warnings_diagnostic`), never printed on the
        #: user's terminal, where `-q` promises only what went wrong.
        self.warnings: Counter[str] = Counter()

    @contextlib.contextmanager
    def calls(self) -> Iterator[None]:
        logger = logging.getLogger("pdfminer")
        handler = WarningCounter(self.warnings)
        logger.addHandler(handler)
        try:
            yield
        except library_errors() as exc:  # evaluated only when something was raised
            raise load_error(exc, self._info) from exc
        except ImportError as exc:  # pdfminer, first imported for a page that needs it
            if (exc.name or "").partition(".")[0] not in ("pdfminer", "pdfplumber"):
                raise
            raise _missing(exc, self._info) from exc
        finally:
            logger.removeHandler(handler)

    def warnings_diagnostic(self) -> Diagnostic | None:
        if not self.warnings:
            return None
        said = "; ".join(f"{message} ({n})" for message, n in self.warnings.most_common(3))
        more = f"; and {len(self.warnings) - 3} other kinds" if len(self.warnings) > 3 else ""
        return Diagnostic(
            code="pdf.library_warnings",
            severity="info",
            message=f"pdfminer warned {self.warnings.total()} times while parsing: {said}{more}",
        )


class Reader:
    """The pages of a PDF, one at a time, read by pdfium or by pdfplumber. With pdfium, a page
    it cannot read whole (see `_pdfium`) is read by pdfplumber, opened for that."""

    def __init__(self, data: bytes, info: InputInfo, library: Library, *, pdfium: bool) -> None:
        self._data = data
        self._info = info
        self._library = library
        self._use_pdfium = pdfium
        self._pdfium: PdfiumDocument | None = None
        self._plumber: Any = None
        self._lock: Any = None

    def __enter__(self) -> Reader:
        if self._use_pdfium:
            from nianbao.adapters._pdfium import PdfiumDocument  # noqa: PLC0415
            from nianbao.adapters._pdfium_api import LOCK  # noqa: PLC0415

            LOCK.acquire()  # pdfium is one library state per process: one thread at a time
            try:
                with effort.in_library("pdfium opening the PDF"):
                    self._pdfium = PdfiumDocument(self._data, self._info.name)
            except BaseException:
                LOCK.release()
                raise
            self._lock = LOCK
        else:
            self._plumber = self._open_plumber()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            with self._library.calls():
                if self._plumber is not None:
                    self._plumber.close()
                if self._pdfium is not None:
                    self._pdfium.close()
        finally:
            if self._lock is not None:
                self._lock.release()

    def _open_plumber(self) -> Any:
        pdfplumber = import_pdfplumber(self._info)
        with self._library.calls():
            return pdfplumber.open(io.BytesIO(self._data), password="")

    def __len__(self) -> int:
        if self._pdfium is not None:
            return len(self._pdfium)
        with self._library.calls():
            return len(self._plumber.pages)

    def page(self, index: int) -> PageRead:
        if self._pdfium is not None:
            # pdfminer reads the content stream of a page whose text pdfium left out in part
            with effort.in_library(f"pdfium reading page {index + 1}"), self._library.calls():
                read = self._pdfium.page(index)
            if read is not None:
                return read
            if self._plumber is None:
                self._plumber = self._open_plumber()
            with self._library.calls():
                pdfminer_pages = len(self._plumber.pages)
            if index >= pdfminer_pages:  # a page tree the two read differently
                raise DocumentLoadError(
                    f"not a readable PDF, damaged or truncated (page {index + 1}: its text "
                    "cannot all be placed, and pdfminer finds no such page)",
                    source=self._info.name,
                )
        with self._library.calls():
            page = self._plumber.pages[index]
            page.objects  # noqa: B018  # pdfminer parses the page here: the library's work
        try:
            return plumber_page(page)  # ours, from what was parsed
        finally:
            page.close()  # drop the page's parsed objects before reading the next


def import_pdfplumber(info: InputInfo) -> Any:
    """pdfplumber, imported only when a page or the engine needs it (~30-40 ms and several MB
    with pdfminer, charset_normalizer and cryptography): a PDF pdfium reads whole never does."""
    try:
        import pdfplumber  # noqa: PLC0415
    except ImportError as exc:
        raise _missing(exc, info) from exc
    return pdfplumber


def _missing(exc: ImportError, info: InputInfo) -> MissingDependencyError:
    return MissingDependencyError(
        f"reading PDF needs pdfplumber ({exc}): pip install pdfplumber", source=info.name
    )


#: The plain Python errors pdfminer lets out of its parsers on damaged objects (a missing key,
#: a wrong type, a stream cut short).
_PLAIN_ERRORS: tuple[type[BaseException], ...] = (
    RecursionError,
    *READER_ERRORS,
    AssertionError,
    EOFError,
    OSError,
)


def library_errors() -> tuple[type[BaseException], ...]:
    """The errors that stand for damage the PDF libraries met: `_PLAIN_ERRORS`, pdfminer's
    (all of them `PSException`s: `PDFSyntaxError`, `PDFEncryptionError`...) and pdfplumber's
    (`PdfminerException`, `MalformedPDFException`), theirs only from the modules imported: a
    library not imported raised nothing, and is not imported to be asked."""
    errors = list(_PLAIN_ERRORS)
    if (pdfminer := sys.modules.get("pdfminer.psexceptions")) is not None:
        errors.append(pdfminer.PSException)
    if (pdfplumber := sys.modules.get("pdfplumber.utils.exceptions")) is not None:
        errors += [pdfplumber.PdfminerException, pdfplumber.MalformedPDFException]
    return tuple(errors)


def load_error(exc: BaseException, info: InputInfo) -> DocumentLoadError:
    """pdfplumber wraps pdfminer's errors; the cause says whether a password is the problem."""
    cause: BaseException | None = exc
    for _ in range(8):  # a chain of causes is short; a cycle must not hang us
        if cause is None:
            break
        name = type(cause).__name__
        if name in ("PDFPasswordIncorrect", "PDFEncryptionError"):
            return DocumentLoadError(
                "encrypted: needs a password (opening with an empty one failed)", source=info.name
            )
        # pdfplumber's PdfminerException carries pdfminer's error as its argument
        wrapped = cause.args[0] if cause.args else None
        cause = cause.__cause__ or (wrapped if isinstance(wrapped, BaseException) else None)
    detail = str(exc) or type(exc).__name__
    return DocumentLoadError(
        f"not a readable PDF, damaged or truncated ({detail})", source=info.name
    )
