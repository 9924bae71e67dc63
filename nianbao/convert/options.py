"""How to convert: one typed set of options for every entry.

`nianbao.convert_document()`, `nianbao convert` (one file or a batch) and `nianbao watch` all take a
`ConvertOptions`, so a setting means the same thing wherever it is given and nobody has to build
an adapter registry by hand to change one::

    options = ConvertOptions(table_engine="camelot-lattice", max_pages=20, encoding="gbk")
    nianbao.convert_document("report.pdf", options=options)

The limits are per input. `None` leaves each entry its own default: the command line, the batch
and the hot folder convert in a worker process with 120 s (for each 100 pages, `Limits`) and
2 GiB; `nianbao.convert_document()` runs in the caller's process with no limit unless one is
given, and then in a worker process too.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import get_args

# Light on purpose: the command line builds its flags from this module before it knows which
# verb runs, and `nianbao --version` must not pay for the model or the PDF libraries.
from nianbao.adapters.pdf_options import PdfEngine, PdfOptions, TableEngine

TABLE_ENGINES: tuple[str, ...] = get_args(TableEngine)
PDF_ENGINES: tuple[str, ...] = get_args(PdfEngine)
GIB = 2**30
MIB = 2**20


@dataclass(frozen=True)
class ConvertOptions:
    """Options for converting one input; validated on construction (`ValueError`)."""

    #: The PDF table engine: `pdfplumber` (default), `camelot-lattice` or `camelot-stream`.
    table_engine: TableEngine = "pdfplumber"
    #: What reads a PDF's characters and lines: `pdfium` (default, fast) or `pdfplumber`.
    pdf_engine: PdfEngine = "pdfium"
    #: Read at most this many pages of a PDF (`pdf.truncated` says so); None reads them all.
    max_pages: int | None = None
    #: Give up on an input after this many seconds (for each 100 pages, a page read by OCR
    #: counting 20 more: `Limits.seconds_for`); 0 for no limit, None for the default.
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
        if self.encoding is not None:
            from nianbao.text.encoding import canonical_codec  # noqa: PLC0415  # chardet, model

            if canonical_codec(self.encoding) is None:
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


#: `Limits.seconds` is the time for this many pages; a longer document gets it again for each
#: more (begun), so a 1,000-page PDF is not killed at the limit meant for a report of ten.
PAGES_PER_LIMIT = 100
#: A page read by OCR counts as this many pages more: it takes about a hundred times as long as
#: a page with a text layer (benchmarks/bench_ocr.py), and this still leaves room to spare.
OCR_PAGE_WEIGHT = 20


@dataclass(frozen=True)
class Limits:
    """Per input: wall-clock seconds (for each `PAGES_PER_LIMIT` pages) and address-space
    bytes; 0 means no limit."""

    seconds: float = 120.0
    memory: int = 2 * GIB

    def __post_init__(self) -> None:
        if self.seconds < 0 or self.memory < 0:
            raise ValueError("limits cannot be negative")

    def seconds_for(self, pages: int = 0, ocr_pages: int = 0) -> float:
        """The time limit of an input with `pages` pages, `ocr_pages` of them read by OCR."""
        weight = pages + OCR_PAGE_WEIGHT * ocr_pages
        return self.seconds * max(1, math.ceil(weight / PAGES_PER_LIMIT))

    @classmethod
    def of(cls, options: ConvertOptions | None) -> Limits:
        """The limits `options` ask for, the defaults where they leave them at None."""
        default = cls()
        if options is None:
            return default
        return cls(
            seconds=default.seconds if options.time_limit is None else options.time_limit,
            memory=default.memory if options.memory_limit is None else options.memory_limit,
        )


def default_jobs() -> int:
    """The cores this process may run on: how many inputs to convert at a time."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
