"""What a cold start pays for nothing: the cyclic garbage collector scanning, again and again,
the few hundred thousand objects the pipeline's imports make (pydantic's models, the forms,
the PDF libraries), all of which live as long as the process."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def lasting_imports(*, freeze: bool = False) -> Iterator[None]:
    """Run the imports inside without the collector (~12 ms of a cold start), then put it back
    as it was. `freeze` (a program's own start, never a library's: it is the whole process's)
    also moves every object there is out of the collector's sight (`gc.freeze`), so that the
    first conversion does not pay a full collection over them either (~11 ms) and a worker
    forked after does not copy them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
