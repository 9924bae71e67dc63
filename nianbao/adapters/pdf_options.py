"""How the PDF adapter reads a PDF: a module of its own, light to import, so that the command
line can offer the choices (and show the defaults) without loading the PDF libraries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

PdfEngine = Literal["pdfium", "pdfplumber"]
TableEngine = Literal["pdfplumber", "camelot-lattice", "camelot-stream"]
PDF_ENGINES: tuple[str, ...] = get_args(PdfEngine)
TABLE_ENGINES: tuple[str, ...] = get_args(TableEngine)
#: The resolutions a page may be rendered at for OCR: below, characters are too small to read;
#: above, an A4 page is a larger image than OCR gains from (and memory pays for).
OCR_DPI_RANGE = (72, 600)


@dataclass(frozen=True)
class PdfOptions:
    """How the PDF adapter reads a PDF (the `pdf` group of `ConvertOptions`); validated on
    construction (`ValueError`).

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
    #: Read pages without a text layer by OCR (`nianbao[ocr]`); False is faster and leaves them
    #: unread, which the report says (`pdf.no_text_layer`) and counts as partial.
    ocr: bool = True

    def __post_init__(self) -> None:
        if self.table_engine not in TABLE_ENGINES:
            raise ValueError(
                f"table_engine must be one of {TABLE_ENGINES}, not {self.table_engine!r}"
            )
        if self.pdf_engine not in PDF_ENGINES:
            raise ValueError(f"pdf_engine must be one of {PDF_ENGINES}, not {self.pdf_engine!r}")
        if self.max_pages is not None and (not _is_int(self.max_pages) or self.max_pages < 1):
            raise ValueError(f"max_pages must be a whole number from 1, not {self.max_pages!r}")
        low, high = OCR_DPI_RANGE
        if not _is_int(self.ocr_dpi) or not low <= self.ocr_dpi <= high:
            raise ValueError(f"ocr_dpi must be a whole number, {low}-{high}, not {self.ocr_dpi!r}")
        if not isinstance(self.ocr, bool):
            raise ValueError(f"ocr must be True or False, not {self.ocr!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
