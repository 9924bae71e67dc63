"""The contract every input adapter fulfils, built-in or plug-in.

It is public: `nianbao.Adapter`, `nianbao.AdapterResult`, `nianbao.InputInfo` and the options
(`nianbao.AdapterOptions`...) are the names a plug-in imports. A plug-in subclasses `Adapter`
and declares it in the entry-point group `nianbao.adapters` (see `registry`)::

    class MarkdownAdapter(nianbao.Adapter):
        name = "markdown"        # the report's source.adapter
        priority = 5.0           # before the text fallback (10.0); see `registry` for ties

        def accepts(self, head: bytes, info: nianbao.InputInfo) -> bool:
            return info.format == "text" and info.name.endswith(".md")

        def convert(self, data: bytes, info: nianbao.InputInfo) -> nianbao.AdapterResult:
            ...

The class is built with no arguments; an adapter that reads options overrides `with_options`,
or, to read one group of them, subclasses `GroupAdapter`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar

from nianbao.adapters.options import AdapterOptions, TextOptions
from nianbao.adapters.pdf_options import PdfOptions
from nianbao.adapters.sniff import InputInfo
from nianbao.schemas.model import Diagnostic, Document, EncodingInfo

__all__ = ["Adapter", "AdapterOptions", "AdapterResult", "GroupAdapter", "InputInfo"]


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

    #: Names the adapter in the report (`source.adapter`), so a report says who read it.
    name: ClassVar[str]
    #: Lower runs first: specific formats 0.0, generic fallbacks such as plain text 10.0.
    priority: ClassVar[float] = 0.0

    @abstractmethod
    def accepts(self, head: bytes, info: InputInfo) -> bool: ...

    @abstractmethod
    def convert(self, data: bytes, info: InputInfo) -> AdapterResult: ...

    def with_options(self, options: AdapterOptions) -> Adapter:
        """This adapter set up to read as `options` say: the one route by which options reach
        an adapter (the registry calls it for every conversion). An adapter without options
        returns itself; one with options returns an adapter holding its group."""
        return self


Group = TypeVar("Group", PdfOptions, TextOptions)


class GroupAdapter(Adapter, Generic[Group]):
    """An adapter that reads as one group of the options says (the PDF adapter `pdf`, the text
    and HTML adapters `text`): it holds its group, and `with_options` swaps it."""

    #: The field of `AdapterOptions` this adapter reads.
    group: ClassVar[str]

    def __init__(self, options: Group | None = None) -> None:
        # The group's defaults are the options' own: written once, on the option classes.
        self.options: Group = options if options is not None else self._group_of(AdapterOptions())

    def with_options(self, options: AdapterOptions) -> Self:
        mine = self._group_of(options)
        return self if mine == self.options else type(self)(mine)

    def _group_of(self, options: AdapterOptions) -> Any:
        return getattr(options, self.group)
