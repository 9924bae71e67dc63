"""Which adapter reads an input: built-in adapters plus plug-ins from an entry-point group.

A plug-in package declares, in its pyproject.toml::

    [project.entry-points."nianbao.adapters"]
    myformat = "my_package.adapter:MyAdapter"

where `MyAdapter` subclasses `nianbao.adapters.base.Adapter`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from importlib.metadata import entry_points

from nianbao.adapters.base import Adapter
from nianbao.adapters.docx import DocxAdapter
from nianbao.adapters.html import HtmlAdapter
from nianbao.adapters.image import ImageAdapter
from nianbao.adapters.pdf import PdfAdapter
from nianbao.adapters.pdf_options import PdfOptions
from nianbao.adapters.sniff import InputInfo
from nianbao.adapters.text import TextAdapter
from nianbao.adapters.xlsx import XlsxAdapter

ENTRY_POINT_GROUP = "nianbao.adapters"


class AdapterRegistry:
    def __init__(self, adapters: Iterable[Adapter] = ()) -> None:
        self._adapters: list[Adapter] = []
        for adapter in adapters:
            self.register(adapter)

    def register(self, adapter: Adapter) -> None:
        self._adapters.append(adapter)
        # A stable sort keeps registration order among equal priorities.
        self._adapters.sort(key=lambda a: a.priority)

    @property
    def adapters(self) -> tuple[Adapter, ...]:
        return tuple(self._adapters)

    def find(self, head: bytes, info: InputInfo) -> Adapter | None:
        return next((a for a in self._adapters if a.accepts(head, info)), None)

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


def default_registry(pdf: PdfOptions | None = None) -> AdapterRegistry:
    """The built-in adapters (the PDF one with `pdf` options) and every installed plug-in."""
    registry = AdapterRegistry(
        [
            DocxAdapter(),
            XlsxAdapter(),
            HtmlAdapter(),
            PdfAdapter(pdf),
            ImageAdapter(),
            TextAdapter(),
        ]
    )
    registry.load_entry_points()
    return registry
