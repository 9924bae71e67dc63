"""The package's own exceptions: every class nianbao raises on purpose, and their exit codes.

Problems *in* a document (a damaged table, a repaired date) are diagnostics in the report, not
exceptions. These are raised only when no report can be made at all, or a command cannot run::

    NianbaoError                  root; catch this to catch everything nianbao raises          1
    ├── UsageError                the command line was given something it cannot use           2
    ├── DocumentLoadError         the input is bad (missing, empty, corrupt, not a document)   3
    │   └── NotARegularFileError  an input is a FIFO or a device, a hot folder's a link too     3
    ├── UnsupportedFormatError    the input is a format no installed adapter reads             4
    ├── MissingDependencyError    an optional package needed for this input is not installed   5
    ├── OutputError               a report cannot be written (permissions, a full disk)        3
    ├── FormSpecError             a form file cannot be used (`NIANBAO_FORMS`): names it      78
    │   └── EquationError         a form's equation does not parse                            78
    ├── InboxInUseError           another watcher already watches the hot folder               1
    ├── ClusterUnreachableError   no Dask scheduler answers at the address given              69
    ├── WorkerError               the worker process, not the pipeline, could not finish
    │   ├── TimeLimitError        took longer than the time limit; killed                      3
    │   ├── MemoryLimitError      needed more memory than the limit                            3
    │   └── WorkerDiedError       the worker died without a word (a crash in C code)          70
    ├── InternalError             a bug: an exception nianbao did not mean to raise           70
    │   └── ReportValidationError a report failed its own schema: a bug, never the input      70
    ├── InputsFailedError         a run over many inputs ended, some of them failed            1
    └── StoppedError              Ctrl-C stopped the command                                 130

Each class carries the exit code the command line uses for it, so the CLI needs no if/elif
chain; a time or memory limit counts as an unreadable input (exit 3), whatever the cause. The
codes 69, 70 and 78 are sysexits.h's EX_UNAVAILABLE (a service, the cluster, does not answer),
EX_SOFTWARE (our bug) and EX_CONFIG (a configuration the user wrote is wrong: a form file);
130 is what a shell reports for a process Ctrl-C ended (128 + 2).

A failure crosses a process boundary (a worker's pipe, a Dask task) as `Failure` data, never as
a pickled exception or a class name matched elsewhere: `Failure.of(exc)` on one side,
`failure.error()` on the other gives back the same class, message and exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

#: Every class of the tree by its `code`, for `Failure` to rebuild one in another process.
_KINDS: dict[str, type[NianbaoError]] = {}


class NianbaoError(Exception):
    """Root of every exception nianbao raises on purpose."""

    exit_code = 1
    #: What names the class in a `Failure` and in the hot folder's `.error.json`: its name.
    code: ClassVar[str] = "NianbaoError"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        # One line, always: messages from libraries we wrap may span several.
        message = " ".join(message.split())
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__
        if cls.__module__ == __name__:  # the tree's own: a plug-in's class cannot shadow one
            _KINDS[cls.code] = cls


_KINDS[NianbaoError.code] = NianbaoError


class UsageError(NianbaoError):
    """The command line was given something it cannot use (an option's value, a missing -o)."""

    exit_code = 2


class DocumentLoadError(NianbaoError):
    """The input cannot be read as a document: missing, empty, a directory, corrupt bytes."""

    exit_code = 3


class NotARegularFileError(DocumentLoadError):
    """An input is not a regular file (a FIFO, a device: its read could wait or never end), or
    a hot folder's input is a symbolic link: refused, never read."""


class UnsupportedFormatError(NianbaoError):
    """The input was read, but no installed adapter handles its format."""

    exit_code = 4


class MissingDependencyError(NianbaoError):
    """An optional dependency is needed; the message names the package or extra to install."""

    exit_code = 5


class OutputError(NianbaoError):
    """An output could not be written: permissions, a full disk, a parent that is a file. The
    machine, not the input or nianbao, is at fault; the message names the path."""

    exit_code = 3


class FormSpecError(NianbaoError):
    """A form file that cannot be used (not TOML, an unknown field, a key that names nothing):
    the message names the file and the problem. Raised when the forms are loaded, that is when
    `nianbao.forms` is first imported: a user's `NIANBAO_FORMS` folder is configuration they
    wrote, neither the input's fault nor a bug of ours, hence sysexits' EX_CONFIG."""

    exit_code = 78


class EquationError(FormSpecError):
    """An equation of a form (`a.x + a.y = a.z`) the parser cannot read: the message says where;
    the form file that holds it is named when the forms are loaded."""


class InboxInUseError(NianbaoError):
    """Another watcher already watches this folder (it holds the folder's lock)."""


class ClusterUnreachableError(NianbaoError):
    """`--cluster ADDRESS`: nothing answers there, or it accepts and never speaks Dask, within the
    connect timeout. The message names the address; neither an input nor nianbao is at fault."""

    exit_code = 69  # EX_UNAVAILABLE from sysexits.h


class WorkerError(NianbaoError):
    """The worker process converting an input could not finish; the pipeline raised nothing."""


class TimeLimitError(WorkerError):
    """Converting took longer than the time limit, so the worker was killed.

    Counted as an unreadable input (exit 3): within the limits it is one, whatever the cause.
    """

    exit_code = 3


class MemoryLimitError(WorkerError):
    """Converting needed more memory than the limit allows."""

    exit_code = 3


class WorkerDiedError(WorkerError):
    """The worker died without a word (a signal or a crash in C code): a bug to report."""

    exit_code = 70


class InternalError(NianbaoError):
    """An exception nianbao did not mean to raise (a `KeyError` in our code): a bug. Made by
    `InternalError.of` where such an exception reaches an edge (a worker's pipe, the command
    line), so that it is reported as a bug, never as the input's fault."""

    exit_code = 70  # EX_SOFTWARE from sysexits.h

    @classmethod
    def of(cls, exc: BaseException) -> InternalError:
        return cls(f"internal error: {type(exc).__name__}: {exc} (please report it)")


class ReportValidationError(InternalError):
    """A report did not validate against the schema. This is a bug in nianbao, never the input."""


class InputsFailedError(NianbaoError):
    """A run over many inputs (a batch, the cluster, `review`, `export`, `validate`) went to its
    end, but some inputs failed. Each failure has had its own line already, so the command
    returns an exit code rather than raising this (`exit_code_of`)."""

    @classmethod
    def exit_code_of(cls, failure_codes: Sequence[int], *, inputs: int) -> int:
        """The exit code of a run over `inputs` inputs, `failure_codes` the code of each that
        failed: 0 when none failed; when every input failed, all alike, their own code (one
        unreadable input exits 3, as `convert` of it alone does); else this class's, 1: the
        inputs failed in different ways, or some of them were done."""
        if not failure_codes:
            return 0
        if len(failure_codes) >= inputs and len(set(failure_codes)) == 1:
            return failure_codes[0]
        return cls.exit_code


class StoppedError(NianbaoError):
    """Ctrl-C (SIGINT) stopped the command before it finished."""

    exit_code = 130  # 128 + SIGINT, as a shell reports a process the signal ended


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


@dataclass(frozen=True)
class Failure:
    """Why no report was made, as data that crosses a process boundary: the class's `code`
    (`TimeLimitError`), the message (without the file's name: whoever reports the failure names
    the file) and the exit code."""

    code: str
    message: str
    exit_code: int

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        """`exc` as data; an exception that is not a `NianbaoError` is a bug (`InternalError`)."""
        error = exc if isinstance(exc, NianbaoError) else InternalError.of(exc)
        return cls(error.code, error.message, error.exit_code)

    @property
    def kind(self) -> type[NianbaoError]:
        """The class this failure was made from (the root for a code this version lacks)."""
        return _KINDS.get(self.code, NianbaoError)

    def error(self, *, source: str | None = None) -> NianbaoError:
        """The exception this failure was made from, again: the same class, message and exit
        code. A code this version does not know (a newer nianbao on a cluster's worker) comes
        back as a `NianbaoError` that keeps the exit code it was sent with."""
        error = self.kind(self.message, source=source)
        if error.exit_code != self.exit_code:
            error.exit_code = self.exit_code
        return error
