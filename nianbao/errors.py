"""The package's own exceptions.

Problems *in* a document (a damaged table, a repaired date) are diagnostics in the report, not
exceptions. These are raised only when no report can be made at all::

    NianbaoError                  root; catch this to catch everything nianbao raises
    ├── DocumentLoadError         the input is bad (missing, empty, corrupt, not a document)
    ├── UnsupportedFormatError    the input is a format no installed adapter reads
    ├── MissingDependencyError    an optional package needed for this input is not installed
    └── ReportValidationError     a report failed its own schema: a bug in nianbao, not the input

Each class carries the exit code the command line uses for it, so the CLI needs no if/elif chain.
"""

from __future__ import annotations


class NianbaoError(Exception):
    """Root of every exception nianbao raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, source: str | None = None) -> None:
        # One line, always: messages from libraries we wrap may span several.
        message = " ".join(message.split())
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class DocumentLoadError(NianbaoError):
    """The input cannot be read as a document: missing, empty, a directory, corrupt bytes."""

    exit_code = 3


class UnsupportedFormatError(NianbaoError):
    """The input was read, but no installed adapter handles its format."""

    exit_code = 4


class MissingDependencyError(NianbaoError):
    """An optional dependency is needed; the message names the package or extra to install."""

    exit_code = 5


# What C and C++ libraries say when an allocation fails (a memory limit met), inside their own
# exception types: C++'s `std::bad_alloc` (onnxruntime), OpenCV's `Insufficient memory`, and
# the loader's words for a shared library it had no memory to map (an ImportError in Python).
_OUT_OF_MEMORY = (
    "bad_alloc",
    "Insufficient memory",
    "Cannot allocate memory",
    "failed to map segment",
)


def out_of_memory(exc: BaseException) -> bool:
    """Whether `exc` is a library's way of saying it ran out of memory."""
    return isinstance(exc, MemoryError) or any(words in str(exc) for words in _OUT_OF_MEMORY)


class ReportValidationError(NianbaoError):
    """A report did not validate against the schema. This is a bug in nianbao, never the input."""

    exit_code = 70  # EX_SOFTWARE from sysexits.h: an internal error


class UsageError(NianbaoError):
    """The command line was given something it cannot use (an option's value, a missing -o)."""

    exit_code = 2
