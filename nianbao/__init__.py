"""nianbao: government information-disclosure annual reports in, canonical checked JSON out.

    >>> import nianbao
    >>> report = nianbao.convert_document("samples/text/004_7635fab03e0d303d.txt")
    >>> report.source.encoding.name
    'utf-8'

Everything not named in `__all__` may change between versions.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from nianbao import _moved
from nianbao.__about__ import __version__
from nianbao.errors import (
    DocumentLoadError,
    FormSpecError,
    MemoryLimitError,
    MissingDependencyError,
    NianbaoError,
    ReportValidationError,
    TimeLimitError,
    UnsupportedFormatError,
)

if TYPE_CHECKING:
    from nianbao.adapters.base import Adapter, AdapterResult
    from nianbao.adapters.options import AdapterOptions, TextOptions
    from nianbao.adapters.pdf_options import PdfOptions
    from nianbao.adapters.sniff import InputInfo
    from nianbao.convert.options import ConvertOptions, Limits
    from nianbao.convert.pipeline import convert_bytes
    from nianbao.schemas.emit import to_json
    from nianbao.schemas.model import Document, Report, Table

# The rest is imported when first used: `import nianbao` stays cheap for a tool that only wants
# the version or the errors, and pydantic and the adapters load with the first conversion.
_LAZY = {
    "to_json": "nianbao.schemas.emit",
    "Document": "nianbao.schemas.model",
    "Report": "nianbao.schemas.model",
    "Table": "nianbao.schemas.model",
    "ConvertOptions": "nianbao.convert.options",
    "Limits": "nianbao.convert.options",
    "AdapterOptions": "nianbao.adapters.options",
    "PdfOptions": "nianbao.adapters.pdf_options",
    "TextOptions": "nianbao.adapters.options",
    # The plug-in contract (see nianbao.adapters.registry for how plug-ins are found).
    "Adapter": "nianbao.adapters.base",
    "AdapterResult": "nianbao.adapters.base",
    "InputInfo": "nianbao.adapters.sniff",
    "convert_bytes": "nianbao.convert.pipeline",
}

_FLOORS = ("forms", "schemas", "text", "adapters", "convert", "collection", "runtime", "cli")


def __getattr__(name: str) -> Any:
    if name in _FLOORS:  # `nianbao.convert` before anything imported it
        return importlib.import_module(f"nianbao.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nianbao' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Adapter",
    "AdapterOptions",
    "AdapterResult",
    "ConvertOptions",
    "Document",
    "DocumentLoadError",
    "FormSpecError",
    "InputInfo",
    "Limits",
    "MemoryLimitError",
    "MissingDependencyError",
    "NianbaoError",
    "PdfOptions",
    "Report",
    "ReportValidationError",
    "Table",
    "TextOptions",
    "TimeLimitError",
    "UnsupportedFormatError",
    "__version__",
    "convert_bytes",
    "convert_document",
    "to_json",
]


_moved.install()


def convert_document(
    source: str | Path | bytes | BinaryIO,
    *,
    filename: str | None = None,
    options: ConvertOptions | None = None,
) -> Report:
    """Convert a file (a path), its contents (bytes) or an open binary file into a validated
    `Report`, as `options` say (how PDFs and texts are read, limits, plug-ins). A path must
    name a regular file (a FIFO or a device is refused, unread); an open pipe or device is read
    up to the memory limit (2 GiB without one), and refused past it.

    Runs in this process, unless `options` set a time or memory limit: then in a worker process
    that is killed when it passes them (`TimeLimitError`, `MemoryLimitError`). Raises a
    `NianbaoError` subclass when no report can be made; problems inside the document are listed
    in `report.diagnostics` instead.
    """
    from nianbao.runtime.startup import lasting_imports  # noqa: PLC0415

    with lasting_imports():  # the caller's collector as it was after: no freezing here
        from nianbao.convert.options import ConvertOptions  # noqa: PLC0415
        from nianbao.convert.pipeline import (  # noqa: PLC0415
            convert_bytes,
            convert_path,
            read_stream,
        )

    options = options or ConvertOptions()
    if not isinstance(source, str | Path | bytes | bytearray):
        filename = filename or _file_name(source)
        source = read_stream(source, _stream_bound(options), name=filename)
    if isinstance(source, bytes | bytearray):
        if options.limited:
            import tempfile  # noqa: PLC0415  # ~8 ms with shutil: only bytes sent to a worker pay it

            with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
                path = Path(tmp) / Path(filename or "input").name
                path.write_bytes(source)
                return _convert_limited(path, options)
        return convert_bytes(bytes(source), filename=filename, options=options)
    if options.limited:
        return _convert_limited(Path(source), options)
    return convert_path(source, options=options)


def _convert_limited(path: Path, options: ConvertOptions) -> Report:
    # The worker pool (multiprocessing, the runtime floor) is imported only when limits ask
    # for a worker: a conversion in this process does without it (~12 ms of a cold start).
    from nianbao.runtime.pool import convert_limited  # noqa: PLC0415
    from nianbao.schemas.model import Report  # noqa: PLC0415  # see _LAZY

    return Report.model_validate_json(convert_limited(path, options))


def _stream_bound(options: ConvertOptions) -> int:
    # As standard input's on the command line: the memory limit, else the default one.
    from nianbao.convert.options import Limits  # noqa: PLC0415  # see _LAZY

    return Limits.of(options).memory or Limits().memory


def _file_name(handle: BinaryIO) -> str | None:
    name = getattr(handle, "name", None)
    return Path(name).name if isinstance(name, str) else None
