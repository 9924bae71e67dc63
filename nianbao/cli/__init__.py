"""The `nianbao` command line.

`convert` on one file runs in this process, as it always has; on several files or a folder it
hands them to `batch` (worker processes, a progress bar), or with `--cluster` to `cluster` (the
same worker processes on a Dask cluster). `watch` is the hot folder, `export` the table of
figures or the Parquet dataset, `check` the checks across a dataset's reports. Every error ends
as one line and the exit code of its exception class.

`parser` builds the flags, `commands` holds the verbs; this module maps what they raise to a
line and an exit code: a `NianbaoError`'s own (`nianbao.errors` draws the tree with the codes),
an `OSError` left over as an output that cannot be written, anything else as a bug (exit 70).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from nianbao.cli.commands import error
from nianbao.cli.parser import build_parser
from nianbao.errors import InternalError, NianbaoError, StoppedError
from nianbao.runtime.inputs import printable


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for flag, default in (("debug", False), ("verbose", 0), ("quiet", False)):
        if not hasattr(args, flag):  # given neither before nor after the command
            setattr(args, flag, default)
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except NianbaoError as exc:
        if args.debug:
            raise
        error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        error("interrupted")
        return StoppedError.exit_code
    except OSError as exc:
        # Inputs' problems are DocumentLoadErrors by now: what is left is an output's.
        if args.debug:
            raise
        from nianbao.errors import OutputError
        from nianbao.runtime.outputs import cannot_write

        failure = cannot_write(exc.filename or "output", exc)
        error(printable(str(failure)))
        return OutputError.exit_code
    except Exception as exc:
        if args.debug:
            raise
        error(
            f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the "
            "traceback, and please report it)"
        )
        return InternalError.exit_code
