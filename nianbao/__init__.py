"""nianbao: government information-disclosure annual reports in, canonical checked JSON out.

    >>> import nianbao
    >>> report = nianbao.convert("samples/text/004_7635fab03e0d303d.txt")
    >>> report.source.encoding.name
    'utf-8'

Everything not named in `__all__` may change between versions.
"""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

# The subpackage first, so that the function `convert` below is what `nianbao.convert` names
# (importing `nianbao.convert.x` later does not rebind it).
from nianbao import convert as _convert_package  # noqa: F401
from nianbao.__about__ import __version__
from nianbao.errors import (
    DocumentLoadError,
    MissingDependencyError,
    NianbaoError,
    ReportValidationError,
    UnsupportedFormatError,
)

if TYPE_CHECKING:
    from nianbao.convert.emit import to_json
    from nianbao.convert.model import Document, Report, Table
    from nianbao.convert.options import ConvertOptions
    from nianbao.convert.pipeline import convert_bytes
    from nianbao.convert.worker import MemoryLimitError, TimeLimitError

# The rest is imported when first used: `import nianbao` stays cheap for a tool that only wants
# the version or the errors, and pydantic and the adapters load with the first conversion.
_LAZY = {
    "to_json": "nianbao.convert.emit",
    "Document": "nianbao.convert.model",
    "Report": "nianbao.convert.model",
    "Table": "nianbao.convert.model",
    "ConvertOptions": "nianbao.convert.options",
    "convert_bytes": "nianbao.convert.pipeline",
    "MemoryLimitError": "nianbao.convert.worker",
    "TimeLimitError": "nianbao.convert.worker",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nianbao' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ConvertOptions",
    "Document",
    "DocumentLoadError",
    "MemoryLimitError",
    "MissingDependencyError",
    "NianbaoError",
    "Report",
    "ReportValidationError",
    "Table",
    "TimeLimitError",
    "UnsupportedFormatError",
    "__version__",
    "convert",
    "convert_bytes",
    "to_json",
]


def convert(
    source: str | Path | bytes | BinaryIO,
    *,
    filename: str | None = None,
    options: ConvertOptions | None = None,
) -> Report:
    """Convert a file (a path), its contents (bytes) or an open binary file into a validated
    `Report`, as `options` say (PDF table engine, pages, encoding, limits).

    Runs in this process, unless `options` set a time or memory limit: then in a worker process
    that is killed when it passes them (`TimeLimitError`, `MemoryLimitError`). Raises a
    `NianbaoError` subclass when no report can be made; problems inside the document are listed
    in `report.diagnostics` instead.
    """
    from nianbao.convert.model import Report  # noqa: PLC0415  # see _LAZY
    from nianbao.convert.options import ConvertOptions  # noqa: PLC0415
    from nianbao.convert.pipeline import convert_bytes, convert_path  # noqa: PLC0415
    from nianbao.convert.worker import convert_limited  # noqa: PLC0415

    options = options or ConvertOptions()
    if not isinstance(source, str | Path | bytes | bytearray):
        filename = filename or _file_name(source)
        source = source.read()
    if isinstance(source, bytes | bytearray):
        if options.limited:
            with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
                path = Path(tmp) / Path(filename or "input").name
                path.write_bytes(source)
                return Report.model_validate_json(convert_limited(path, options))
        return convert_bytes(bytes(source), filename=filename, options=options)
    if options.limited:
        return Report.model_validate_json(convert_limited(Path(source), options))
    return convert_path(source, options=options)


def _file_name(handle: BinaryIO) -> str | None:
    name = getattr(handle, "name", None)
    return Path(name).name if isinstance(name, str) else None
