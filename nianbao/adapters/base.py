"""The contract every input adapter fulfils."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from nianbao.adapters.sniff import InputInfo
from nianbao.schemas.model import Diagnostic, Document, EncodingInfo


@dataclass
class AdapterResult:
    """What an adapter read: the document and what it noticed on the way."""

    document: Document
    diagnostics: list[Diagnostic] = field(default_factory=list)
    encoding: EncodingInfo | None = None
    pages: int | None = None
    ocr_pages: list[int] | None = None  # pages read by OCR from their images


class Adapter(ABC):
    """Turns the bytes of one input format into a `Document`.

    `accepts` must be cheap: it sees only the first bytes and the sniffed `InputInfo`.
    `convert` raises `nianbao.errors.DocumentLoadError` (keeping the cause) when the input is bad,
    and reports everything recoverable as diagnostics.
    """

    name: ClassVar[str]
    #: Lower runs first: specific formats 0.0, generic fallbacks such as plain text 10.0.
    priority: ClassVar[float] = 0.0

    @abstractmethod
    def accepts(self, head: bytes, info: InputInfo) -> bool: ...

    @abstractmethod
    def convert(self, data: bytes, info: InputInfo) -> AdapterResult: ...
