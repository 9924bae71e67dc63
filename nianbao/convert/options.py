"""How to convert: one typed set of options for every entry.

`nianbao.convert()`, `nianbao convert` (one file or a batch) and `nianbao watch` all take a
`ConvertOptions`, so a setting means the same thing wherever it is given and nobody has to build
an adapter registry by hand to change one::

    options = ConvertOptions(table_engine="camelot-lattice", max_pages=20, encoding="gbk")
    nianbao.convert("report.pdf", options=options)

The limits are per input. `None` leaves each entry its own default: the command line, the batch
and the hot folder convert in a worker process with 120 s and 2 GiB; `nianbao.convert()` runs in
the caller's process with no limit unless one is given, and then in a worker process too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from nianbao.adapters.pdf import PdfEngine, PdfOptions, TableEngine
from nianbao.convert.encoding import canonical_codec

TABLE_ENGINES: tuple[str, ...] = get_args(TableEngine)
PDF_ENGINES: tuple[str, ...] = get_args(PdfEngine)


@dataclass(frozen=True)
class ConvertOptions:
    """Options for converting one input; validated on construction (`ValueError`)."""

    #: The PDF table engine: `pdfplumber` (default), `camelot-lattice` or `camelot-stream`.
    table_engine: TableEngine = "pdfplumber"
    #: What reads a PDF's characters and lines: `pdfium` (default, fast) or `pdfplumber`.
    pdf_engine: PdfEngine = "pdfium"
    #: Read at most this many pages of a PDF (`pdf.truncated` says so); None reads them all.
    max_pages: int | None = None
    #: Give up on an input after this many seconds; 0 for no limit, None for the default.
    time_limit: float | None = None
    #: Memory one conversion may use, in bytes; 0 for no limit, None for the default.
    memory_limit: int | None = None
    #: Decode text and HTML inputs with this codec instead of detecting it (`gbk`, `utf-8`...);
    #: the report's `source.encoding.method` is then `override`.
    encoding: str | None = None
    #: Read PDF pages without a text layer by OCR (`nianbao[ocr]`); False is faster and leaves
    #: them unread, which the report says (`pdf.no_text_layer`) and counts as partial.
    ocr: bool = True

    def __post_init__(self) -> None:
        self.pdf_options()  # validates the engines and max_pages
        if self.time_limit is not None and self.time_limit < 0:
            raise ValueError(f"time_limit cannot be negative, not {self.time_limit}")
        if self.memory_limit is not None and self.memory_limit < 0:
            raise ValueError(f"memory_limit cannot be negative, not {self.memory_limit}")
        if self.encoding is not None and canonical_codec(self.encoding) is None:
            raise ValueError(f"unknown encoding: {self.encoding!r}")

    def pdf_options(self) -> PdfOptions:
        return PdfOptions(
            table_engine=self.table_engine,
            pdf_engine=self.pdf_engine,
            max_pages=self.max_pages,
            ocr=self.ocr,
        )

    @property
    def limited(self) -> bool:
        """True when a time or memory limit was asked for."""
        return bool(self.time_limit) or bool(self.memory_limit)
