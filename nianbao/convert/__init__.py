"""One document to one report: the options, the pipeline and the annual-report profile.

`options` (how to convert, one `ConvertOptions` for every entry), `pipeline` (bytes -> sniff ->
adapter -> profile -> validated `Report`) and `annual_report` (the profile: recognition, the
forms' tables and prose as canonical figures, the checks). May import `adapters` and the floors
below them; stands beside `collection`, and imports neither it nor `runtime` or `cli`.

The library call is `nianbao.convert_document(path)`. Until 0.3, calling this package as
`nianbao.convert(path)` still works, with a `DeprecationWarning`: it was a function before the
package took the name.
"""

from __future__ import annotations

import sys
import types
import warnings
from typing import Any


class _DeprecatedCall(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        warnings.warn(
            "nianbao.convert_document(...) is now nianbao.convert_document(...); "
            "the old call goes in nianbao 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        # The root package is loaded before any of its subpackages; looked up, not imported, so
        # that this floor does not import the ones above it through the root.
        return sys.modules["nianbao"].convert_document(*args, **kwargs)


sys.modules[__name__].__class__ = _DeprecatedCall
