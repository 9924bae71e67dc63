"""Import paths that moved when the folders became the floors (0.2), importable until 0.3.

`import nianbao.convert.model` still works, with a `DeprecationWarning` naming the new home: a
finder at the end of `sys.meta_path` answers only for the old names, with a module that hands
every attribute on to the new one. The table below is the whole list.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import importlib.abc

MOVED = {
    "nianbao.convert.model": "nianbao.schemas.model",
    "nianbao.convert.schema": "nianbao.schemas.validation",
    "nianbao.convert.emit": "nianbao.schemas.emit",
    "nianbao.convert.encoding": "nianbao.text.encoding",
    "nianbao.convert.textclean": "nianbao.text.clean",
    "nianbao.convert.numbering": "nianbao.text.numbering",
    "nianbao.convert.script": "nianbao.text.script",
    "nianbao.convert.tables": "nianbao.text.tables",
    "nianbao.convert.table_spans": "nianbao.text.table_spans",
    "nianbao.convert.structure": "nianbao.text.structure",
    "nianbao.convert.sniff": "nianbao.adapters.sniff",
    "nianbao.convert.partial": "nianbao.collection.partial",
    "nianbao.convert.series": "nianbao.collection.series",
    "nianbao.convert.dataset": "nianbao.collection.dataset",
    "nianbao.convert.export": "nianbao.collection.export",
    "nianbao.convert.inputs": "nianbao.runtime.inputs",
    "nianbao.convert.outputs": "nianbao.runtime.outputs",
    "nianbao.convert.worker": "nianbao.runtime.worker",
    "nianbao.convert.batch": "nianbao.runtime.batch",
    "nianbao.convert.watch": "nianbao.runtime.watch",
    "nianbao.convert.cluster": "nianbao.runtime.cluster",
    "nianbao.convert.cli": "nianbao.cli",
}


class _Forwarding(types.ModuleType):
    """The old module: every attribute is the new module's."""

    def __init__(self, name: str, target: types.ModuleType) -> None:
        super().__init__(name, target.__doc__)
        self._target = target

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._target, attribute)

    def __dir__(self) -> list[str]:
        return dir(self._target)


class _MovedFinder:
    """A meta path finder and loader by their protocols: `importlib.abc`'s base classes would
    import `importlib.resources` and `tempfile` into every process (~5 ms of a cold start)."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("importlib.abc.Loader", self))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        new = MOVED[spec.name]
        warnings.warn(
            f"{spec.name} is now {new}; the old path goes in nianbao 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        return _Forwarding(spec.name, importlib.import_module(new))

    def exec_module(self, module: types.ModuleType) -> None:
        pass  # the module forwards; there is nothing to run


def install() -> None:
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
