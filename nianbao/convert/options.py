"""How to convert: one typed set of options for every entry, grouped by input format.

`nianbao.convert_document()`, `nianbao convert` (one file or a batch), `nianbao watch` and the
cluster all take one `ConvertOptions`: the adapters' groups (`pdf`, `text`, as docling's
`FormatOption`), the limits of a conversion and whether plug-ins are loaded::

    options = ConvertOptions(
        pdf=PdfOptions(table_engine="camelot-lattice", max_pages=20),
        text=TextOptions(encoding="gbk"),
        limits=Limits(seconds=60, memory=2**30),
        plugins=False,
    )
    nianbao.convert_document("report.pdf", options=options)

Every default is written once, on the classes; the command line reads its defaults and its
help from them. The groups reach the adapters by one route (`Adapter.with_options`, called by
the registry for each conversion), whatever registry reads the input.

`limits=None` leaves each entry its own default: the command line, the batch, the hot folder
and the cluster convert in a worker process with `Limits()` (120 s for each 100 pages, 2 GiB);
`nianbao.convert_document()` runs in the caller's process with no limit unless one is given,
and then in a worker process too.

Until 0.3 the flat call of 0.1 still works, with a `DeprecationWarning` naming the groups:
`ConvertOptions(pdf_engine=..., table_engine=..., max_pages=..., ocr=..., encoding=...,
time_limit=..., memory_limit=...)`.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from typing import TypedDict, Unpack

# Light on purpose: the command line builds its flags from this module before it knows which
# verb runs, and `nianbao --version` must not pay for the model or the PDF libraries.
from nianbao.adapters.options import AdapterOptions, TextOptions
from nianbao.adapters.pdf_options import (
    OCR_DPI_RANGE,
    PDF_ENGINES,
    TABLE_ENGINES,
    PdfEngine,
    PdfOptions,
    TableEngine,
)

__all__ = [
    "GIB",
    "MIB",
    "OCR_DPI_RANGE",
    "PDF_ENGINES",
    "TABLE_ENGINES",
    "AdapterOptions",
    "ConvertOptions",
    "Limits",
    "PdfOptions",
    "TextOptions",
    "default_jobs",
]

GIB = 2**30
MIB = 2**20
#: `Limits.seconds` is the time for this many pages; a longer document gets it again for each
#: more (begun), so a 1,000-page PDF is not killed at the limit meant for a report of ten.
PAGES_PER_LIMIT = 100
#: A page read by OCR counts as this many pages more: it takes about a hundred times as long as
#: a page with a text layer (benchmarks/bench_ocr.py), and this still leaves room to spare.
OCR_PAGE_WEIGHT = 20


@dataclass(frozen=True)
class Limits:
    """Per input: wall-clock seconds (for each `PAGES_PER_LIMIT` pages) and address-space
    bytes; 0 means no limit. Past either, the worker converting the input is killed."""

    seconds: float = 120.0
    memory: int = 2 * GIB

    def __post_init__(self) -> None:
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, int | float):
            raise ValueError(f"Limits.seconds must be a number, not {self.seconds!r}")
        if isinstance(self.memory, bool) or not isinstance(self.memory, int):
            raise ValueError(f"Limits.memory must be a whole number of bytes, not {self.memory!r}")
        if self.seconds < 0 or self.memory < 0:
            raise ValueError("limits cannot be negative")

    def seconds_for(self, pages: int = 0, ocr_pages: int = 0) -> float:
        """The time limit of an input with `pages` pages, `ocr_pages` of them read by OCR."""
        weight = pages + OCR_PAGE_WEIGHT * ocr_pages
        return self.seconds * max(1, math.ceil(weight / PAGES_PER_LIMIT))

    @classmethod
    def asked(cls, seconds: float | None = None, memory: int | None = None) -> Limits | None:
        """The limits a caller asked for one by one (the command line's flags), the default
        where one is None; None when neither was asked for."""
        if seconds is None and memory is None:
            return None
        default = cls()
        return cls(
            seconds=default.seconds if seconds is None else seconds,
            memory=default.memory if memory is None else memory,
        )

    @classmethod
    def of(cls, options: ConvertOptions | None) -> Limits:
        """The limits `options` ask for; the defaults where they ask for none."""
        if options is None or options.limits is None:
            return cls()
        return options.limits


class FlatOptions(TypedDict, total=False):
    """The flat keywords of 0.1, each now a field of a group (`_FLAT`); until 0.3."""

    table_engine: TableEngine
    pdf_engine: PdfEngine
    max_pages: int | None
    ocr: bool
    encoding: str | None
    time_limit: float | None
    memory_limit: int | None


#: Where each flat keyword now lives: its group and the field in it.
_FLAT = {
    "table_engine": ("pdf", "table_engine"),
    "pdf_engine": ("pdf", "pdf_engine"),
    "max_pages": ("pdf", "max_pages"),
    "ocr": ("pdf", "ocr"),
    "encoding": ("text", "encoding"),
    "time_limit": ("limits", "seconds"),
    "memory_limit": ("limits", "memory"),
}
_GROUP_CLASSES: dict[str, type] = {"pdf": PdfOptions, "text": TextOptions, "limits": Limits}


@dataclass(frozen=True, init=False)
class ConvertOptions(AdapterOptions):
    """Options for converting one input: the adapters' groups (`pdf`, `text`), `limits` and
    `plugins`; frozen, and validated on construction (`ValueError`, `TypeError`)."""

    #: Time and memory per input; None for the entry's default (see the module's note).
    limits: Limits | None = None
    #: Load adapter plug-ins (the entry-point group `nianbao.adapters`); False reads with the
    #: built-in adapters only, so a run does not depend on what else is installed.
    plugins: bool = True

    def __init__(
        self,
        *,
        pdf: PdfOptions | None = None,
        text: TextOptions | None = None,
        limits: Limits | None = None,
        plugins: bool = True,
        **flat: Unpack[FlatOptions],
    ) -> None:
        if flat:
            pdf, text, limits = _from_flat(dict(flat), pdf, text, limits)
        # Frozen: fields are set the way the generated __init__ would set them.
        object.__setattr__(self, "pdf", PdfOptions() if pdf is None else pdf)
        object.__setattr__(self, "text", TextOptions() if text is None else text)
        object.__setattr__(self, "limits", limits)
        object.__setattr__(self, "plugins", plugins)
        self.__post_init__()

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.limits is not None and not isinstance(self.limits, Limits):
            raise TypeError(
                f"limits must be a Limits, not {type(self.limits).__name__} "
                "(e.g. limits=Limits(seconds=60, memory=2**30))"
            )
        if not isinstance(self.plugins, bool):
            raise TypeError(f"plugins must be True or False, not {self.plugins!r}")

    @property
    def limited(self) -> bool:
        """True when a time or memory limit was asked for."""
        return self.limits is not None and bool(self.limits.seconds or self.limits.memory)


def _from_flat(
    flat: dict[str, object],
    pdf: PdfOptions | None,
    text: TextOptions | None,
    limits: Limits | None,
) -> tuple[PdfOptions | None, TextOptions | None, Limits | None]:
    """The groups the flat keywords of 0.1 stand for, with a `DeprecationWarning` saying so."""
    unknown = sorted(set(flat) - set(_FLAT))
    if unknown:
        raise TypeError(f"ConvertOptions() got an unexpected keyword argument {unknown[0]!r}")
    groups: dict[str, dict[str, object]] = {"pdf": {}, "text": {}, "limits": {}}
    for name, value in flat.items():
        group, key = _FLAT[name]
        groups[group][key] = value
    given = {"pdf": pdf, "text": text, "limits": limits}
    for group, values in groups.items():
        if values and given[group] is not None:
            names = ", ".join(n for n in flat if _FLAT[n][0] == group)
            raise TypeError(f"{names} and {group}= both given: set {names} inside {group}=")
    spelled = ", ".join(
        f"{group}={_GROUP_CLASSES[group].__name__}({', '.join(f'{k}=...' for k in values)})"
        for group, values in groups.items()
        if values
    )
    warnings.warn(
        f"ConvertOptions({', '.join(flat)}) is now ConvertOptions({spelled}); "
        "the flat keywords go in nianbao 0.3",
        DeprecationWarning,
        stacklevel=3,
    )
    if groups["pdf"]:
        pdf = PdfOptions(**groups["pdf"])  # type: ignore[arg-type]  # checked on construction
    if groups["text"]:
        text = TextOptions(**groups["text"])  # type: ignore[arg-type]
    if groups["limits"]:
        limits = Limits.asked(**groups["limits"])  # type: ignore[arg-type]
    return pdf, text, limits


def default_jobs() -> int:
    """The cores this process may run on: how many inputs to convert at a time."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
