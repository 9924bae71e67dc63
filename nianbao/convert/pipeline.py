"""The pipeline: read -> sniff -> adapter -> (profile) -> validate. One entry, two shapes."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import BinaryIO

from nianbao.adapters import effort
from nianbao.adapters.registry import AdapterRegistry, default_registry
from nianbao.adapters.sniff import InputInfo, sniff
from nianbao.convert.annual_report import profile
from nianbao.convert.options import ConvertOptions
from nianbao.errors import DocumentLoadError, UnsupportedFormatError
from nianbao.schemas.emit import refuse_special_kind, report_data
from nianbao.schemas.model import Report, Source
from nianbao.schemas.validation import validate_report_data

_HEAD_BYTES = 8192


@cache
def _default_registry(plugins: bool) -> AdapterRegistry:
    # Built once per process (finding plug-ins reads every installed package's metadata); the
    # adapters in it hold no options: each conversion hands its own to the adapter it finds.
    return default_registry(plugins=plugins)


def read_input(path: Path) -> bytes:
    """The bytes of `path`, or a `DocumentLoadError` that says plainly what is wrong with it.

    Only a regular file is read (a link to one followed): a FIFO's read waits for a writer and a
    device's (`/dev/zero`) may never end, so either is refused by name before it is opened, and
    the file is opened without blocking and looked at again, in case one was put in its place.
    """
    try:
        _refuse_special(path.stat().st_mode, path)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            _refuse_special(os.fstat(handle.fileno()).st_mode, path)
            return handle.read()
    except FileNotFoundError as exc:
        raise DocumentLoadError("no such file", source=str(path)) from exc
    except IsADirectoryError as exc:
        raise DocumentLoadError("is a directory, not a file", source=str(path)) from exc
    except PermissionError as exc:
        raise DocumentLoadError("permission denied", source=str(path)) from exc
    except OSError as exc:
        raise DocumentLoadError(f"cannot be read: {exc.strerror or exc}", source=str(path)) from exc


def _refuse_special(mode: int, path: Path) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(path)
    refuse_special_kind(
        mode, str(path), "pass the bytes instead: convert_document(data, filename=...)"
    )


_CHUNK = 1 << 20


def read_stream(handle: BinaryIO, bound: int, *, name: str | None = None) -> bytes:
    """All of the open file `handle`; from a pipe, a device or a socket, which promise no end
    (`/dev/zero`), at most `bound` bytes, past which a `DocumentLoadError` (a conversion holds
    its input whole, so more could not be converted anyway). A regular file or a file object
    held in memory (`io.BytesIO`) is read whole, as it was given."""
    if not _is_stream(handle):
        return handle.read()
    chunks, size = [], 0
    while chunk := handle.read(_CHUNK):
        size += len(chunk)
        if size > bound:
            raise DocumentLoadError(
                f"more than {bound / 2**20:g} MiB from a pipe or a device, the bound of an "
                "input (the memory limit); not read further",
                source=name or "<stream>",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _is_stream(handle: BinaryIO) -> bool:
    try:
        return not stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return False


def convert_path(
    path: str | Path,
    *,
    registry: AdapterRegistry | None = None,
    options: ConvertOptions | None = None,
) -> Report:
    path = Path(path)
    if path.is_dir():
        raise DocumentLoadError("is a directory, not a file", source=str(path))
    return convert_bytes(
        read_input(path),
        filename=path.name,
        registry=registry,
        display_name=str(path),
        options=options,
    )


def convert_bytes(
    data: bytes,
    *,
    filename: str | None = None,
    registry: AdapterRegistry | None = None,
    display_name: str | None = None,
    options: ConvertOptions | None = None,
) -> Report:
    """Convert one input held in memory. `filename` names it in the report and in errors.

    `options` say how each format is read (their `pdf` and `text` groups) and whether plug-ins
    are loaded; their limits are the caller's to apply (see `nianbao.convert_document`). A
    `registry` given replaces the default one and decides which adapters read; `options`
    given still decide how they read (`AdapterRegistry.find`), and without them each adapter
    reads as it was built. `plugins` has no say over a registry given.
    """
    return convert_read(
        lambda: data,
        filename=filename,
        registry=registry,
        display_name=display_name,
        options=options,
    )


def convert_read(
    read: Callable[[], bytes],
    *,
    filename: str | None = None,
    registry: AdapterRegistry | None = None,
    display_name: str | None = None,
    options: ConvertOptions | None = None,
) -> Report:
    """`convert_bytes` of the bytes `read` returns. Where nothing else holds them (the worker
    reads its input this way), they are let go as soon as the adapter has read them: a long
    PDF's 100 MB is not kept through the profile, the checks and the JSON."""
    data = read()
    given = options
    options = options or ConvertOptions()
    name = filename or "<bytes>"
    shown = display_name or name
    if not data:
        raise DocumentLoadError("file is empty", source=shown)
    info = InputInfo(name=shown, size=len(data), format=sniff(data))
    registry = registry or _default_registry(options.plugins)
    adapter = registry.find(data[:_HEAD_BYTES], info, given)
    if adapter is None:
        what = "binary data, not a document" if info.format == "binary" else f"{info.format} files"
        raise UnsupportedFormatError(f"no adapter reads {what}", source=shown)
    result = adapter.convert(data, info)
    source = Source(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        media_type=info.media_type,
        format=info.format,
        adapter=adapter.name,
        encoding=result.encoding,
        pages=result.pages,
        ocr_pages=result.ocr_pages,
    )
    del data
    annual_report, profile_diagnostics = profile(result.document, source_name=name)
    report = Report(
        source=source,
        document=result.document,
        annual_report=annual_report,
        diagnostics=[*result.diagnostics, *profile_diagnostics],
    )
    checked = report_data(report)
    with effort.in_library("jsonschema-rs checking the report against the schema"):
        validate_report_data(checked, source=shown)
    return report
