"""Memory the C libraries freed, given back to the system.

glibc keeps what a C library frees (pdfium's document, libxml2's tree) in its heap for the next
C allocations, but Python takes its own small objects' memory elsewhere (its arenas), so there
it would sit unused while the rest of the conversion grows beside it. `malloc_trim` hands the
free pages back. Only glibc has it; elsewhere nothing is done.
"""

from __future__ import annotations

import ctypes
from typing import Any


def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS, Windows)
        return None


_MALLOC_TRIM = _malloc_trim()


def give_back_freed() -> None:
    """Return to the system the free pages of the C heap."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
