"""Which adapter reads an input: built-in adapters plus plug-ins from an entry-point group.

A plug-in package declares, in its pyproject.toml::

    [project.entry-points."nianbao.adapters"]
    myformat = "my_package.adapter:MyAdapter"

where `MyAdapter` subclasses `nianbao.Adapter` (the contract: `nianbao.adapters.base`).

**The priority rule.** Adapters are asked in ascending `priority`, and the first that accepts an
input reads it. On a tie, the later registration is asked first: plug-ins are registered after
the built-ins, so a plug-in at a built-in's priority wins (text 10.0, every other built-in 0.0),
and one with a higher number loses to it. The adapters handed to `AdapterRegistry(...)` count as
one registration, in the order given (the built-ins' own order decides a legacy `.doc`/`.xls`
between the DOCX and XLSX adapters).

**Without plug-ins.** `default_registry(plugins=False)` (`ConvertOptions(plugins=False)`,
`nianbao convert --no-plugins`) holds the built-ins only, for runs that must not depend on what
else is installed; every report names the adapter that read it (`source.adapter`).
"""

from __future__ import annotations

import bisect
import importlib
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points

from nianbao.adapters import _accepts
from nianbao.adapters.base import Adapter
from nianbao.adapters.options import AdapterOptions
from nianbao.adapters.sniff import InputInfo

ENTRY_POINT_GROUP = "nianbao.adapters"


@dataclass(frozen=True)
class _BuiltIn:
    """A built-in adapter not imported yet: its module pulls in its format's library and
    parser, which an input of another format never needs (a fresh process reading a text file
    would otherwise import the PDF, DOCX and XLSX readers). It is asked, in its place, by the
    adapter's own `accepts` (`_accepts`), and imported when it accepts or is listed."""

    name: str
    priority: float
    accepts: Callable[[bytes, InputInfo], bool]
    module: str
    class_name: str

    def load(self) -> Adapter:
        adapter: Adapter = getattr(importlib.import_module(self.module), self.class_name)()
        return adapter


# The built-ins in the order they are registered (it decides a legacy `.doc`/`.xls`).
_BUILT_INS = (
    _BuiltIn("docx", 0.0, _accepts.docx_accepts, "nianbao.adapters.docx", "DocxAdapter"),
    _BuiltIn("xlsx", 0.0, _accepts.xlsx_accepts, "nianbao.adapters.xlsx", "XlsxAdapter"),
    _BuiltIn("html", 0.0, _accepts.html_accepts, "nianbao.adapters.html", "HtmlAdapter"),
    _BuiltIn("pdf", 0.0, _accepts.pdf_accepts, "nianbao.adapters.pdf", "PdfAdapter"),
    _BuiltIn("image", 0.0, _accepts.image_accepts, "nianbao.adapters.image", "ImageAdapter"),
    _BuiltIn("text", 10.0, _accepts.text_accepts, "nianbao.adapters.text", "TextAdapter"),
)


class AdapterRegistry:
    """Adapters in the order they are asked (the priority rule above)."""

    def __init__(self, adapters: Iterable[Adapter | _BuiltIn] = ()) -> None:
        # One registration: a stable sort keeps the order given among equal priorities.
        self._adapters: list[Adapter | _BuiltIn] = sorted(adapters, key=lambda a: a.priority)

    def register(self, adapter: Adapter) -> None:
        """Add `adapter`, before every adapter already here of the same priority."""
        at = bisect.bisect_left([a.priority for a in self._adapters], adapter.priority)
        self._adapters.insert(at, adapter)

    @property
    def adapters(self) -> tuple[Adapter, ...]:
        return tuple(self._loaded(at) for at in range(len(self._adapters)))

    def _loaded(self, at: int) -> Adapter:
        """The adapter at `at`, imported if it was not yet (once: it stays in its place)."""
        entry = self._adapters[at]
        if isinstance(entry, _BuiltIn):
            entry = self._adapters[at] = entry.load()
        return entry

    def find(
        self, head: bytes, info: InputInfo, options: AdapterOptions | None = None
    ) -> Adapter | None:
        """The first adapter that accepts the input, set up as `options` say when given
        (`Adapter.with_options`); None when none accepts it."""
        at = next((at for at, a in enumerate(self._adapters) if a.accepts(head, info)), None)
        adapter = None if at is None else self._loaded(at)
        if adapter is None or options is None:
            return adapter
        return adapter.with_options(options)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Register every adapter class published under `group`; a broken plug-in is skipped."""
        for entry in entry_points(group=group):
            try:
                adapter_class = entry.load()
                adapter = adapter_class()
            except Exception as exc:  # a broken plug-in must not take the tool down with it
                warnings.warn(
                    f"nianbao adapter plug-in {entry.name!r} failed to load: {exc}", stacklevel=2
                )
                continue
            if isinstance(adapter, Adapter):
                self.register(adapter)
            else:
                warnings.warn(
                    f"nianbao adapter plug-in {entry.name!r} is not an Adapter", stacklevel=2
                )


def default_registry(*, plugins: bool = True) -> AdapterRegistry:
    """The built-in adapters and, unless `plugins` is False, every installed plug-in. The
    adapters hold no options here: each conversion hands them its own (`find`)."""
    registry = AdapterRegistry(_BUILT_INS)
    if plugins:
        registry.load_entry_points()
    return registry
