"""nianbao: government information-disclosure annual reports in, canonical checked JSON out.

    >>> import nianbao
    >>> report = nianbao.convert("samples/text/004_7635fab03e0d303d.txt")
    >>> report.source.encoding.name
    'utf-8'

Everything not named in `__all__` may change between versions.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.__about__ import __version__
from nianbao.convert.emit import to_json
from nianbao.convert.model import Document, Report, Table
from nianbao.convert.pipeline import convert_bytes, convert_path
from nianbao.errors import (
    DocumentLoadError,
    MissingDependencyError,
    NianbaoError,
    ReportValidationError,
    UnsupportedFormatError,
)

__all__ = [
    "Document",
    "DocumentLoadError",
    "MissingDependencyError",
    "NianbaoError",
    "Report",
    "ReportValidationError",
    "Table",
    "UnsupportedFormatError",
    "__version__",
    "convert",
    "convert_bytes",
    "to_json",
]


def convert(source: str | Path | bytes, *, filename: str | None = None) -> Report:
    """Convert a file (a path) or its contents (bytes) into a validated `Report`.

    Raises a `NianbaoError` subclass when no report can be made; problems inside the document
    are listed in `report.diagnostics` instead.
    """
    if isinstance(source, bytes | bytearray):
        return convert_bytes(bytes(source), filename=filename)
    return convert_path(source)
