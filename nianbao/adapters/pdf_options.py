"""How the PDF adapter reads a PDF: a module of its own, light to import, so that the command
line can offer the choices without loading the PDF libraries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

PdfEngine = Literal["pdfium", "pdfplumber"]
TableEngine = Literal["pdfplumber", "camelot-lattice", "camelot-stream"]


@dataclass(frozen=True)
class PdfOptions:
    """How the PDF adapter reads a PDF.

    `pdf_engine` reads each page's characters, lines and rectangles: `pdfium` (the default,
    through pypdfium2) or `pdfplumber` (pdfminer's pure-Python parse, several times slower).
    Both give the same tables and figures on every PDF the tests hold (see `_pdfium` for where
    their character boxes differ); a page pdfium cannot read whole is read by pdfplumber.

    `table_engine` finds the tables: `pdfplumber`'s table finder over the ruling lines the
    reader gave (the default), or camelot (`pip install nianbao[camelot]`) as a second opinion:
    `camelot-lattice` finds the lines in a rendered image of the page, `camelot-stream` guesses
    columns from text gaps for tables without lines; their cells are filled from the reader's
    characters. On the corpus pdfplumber's finder gets every figure right at a quarter of
    lattice's time (see benchmarks/bench_pdf.py), hence the default.
    """

    table_engine: TableEngine = "pdfplumber"
    pdf_engine: PdfEngine = "pdfium"
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
        if self.pdf_engine not in get_args(PdfEngine):
            raise ValueError(
                f"pdf_engine must be one of {get_args(PdfEngine)}, not {self.pdf_engine!r}"
            )
        if self.max_pages is not None and self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {self.max_pages}")
