"""How the PDF adapter reads a PDF: a module of its own, light to import, so that the command
line can offer the choices without loading the PDF libraries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

TableEngine = Literal["pdfplumber", "camelot-lattice", "camelot-stream"]


@dataclass(frozen=True)
class PdfOptions:
    """How the PDF adapter reads a PDF.

    `pdfplumber` (the default) finds tables from the ruling lines pdfminer reports. The camelot
    engines (`pip install nianbao[camelot]`) are a second opinion: `camelot-lattice` finds the
    lines in a rendered image of the page, `camelot-stream` guesses columns from text gaps for
    tables without lines. On the corpus pdfplumber gets every figure right at a quarter of
    lattice's time (see benchmarks/bench_pdf.py), hence the default.
    """

    table_engine: TableEngine = "pdfplumber"
    #: Read at most this many pages (`pdf.truncated` says so); None reads them all.
    max_pages: int | None = None
    #: Resolution at which a page without a text layer is rendered for OCR.
    ocr_dpi: int = 200
    #: Read pages without a text layer by OCR (with the extra); False leaves them unread, said.
    ocr: bool = True

    def __post_init__(self) -> None:
        if self.table_engine not in get_args(TableEngine):
            raise ValueError(
                f"table_engine must be one of {get_args(TableEngine)}, not {self.table_engine!r}"
            )
        if self.max_pages is not None and self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {self.max_pages}")
