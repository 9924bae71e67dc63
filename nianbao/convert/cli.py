"""The `nianbao` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from nianbao.__about__ import __version__
from nianbao.convert.emit import to_json, write_atomic
from nianbao.convert.pipeline import convert_path
from nianbao.convert.schema import check_schema_version, load_schema, schema_errors, schema_text
from nianbao.errors import NianbaoError

_DESCRIPTION = """\
Turn a government information-disclosure annual report (政府信息公开工作年度报告) -- text scraped
from a web page, for now; PDF, Word, Excel and HTML are on the way -- into one canonical JSON
report that validates against the published schema.
"""

_EPILOG = """\
examples:
  nianbao convert samples/text/004_7635fab03e0d303d.txt            report on stdout
  nianbao convert report.txt -o report.json                       report into a file
  nianbao validate report.json                                    check a report
  nianbao schema > report.schema.json                             the JSON Schema

exit codes: 0 ok, 1 invalid report or other error, 2 bad usage, 3 unreadable input,
4 unsupported format, 5 missing optional dependency, 70 internal error (please report it)
"""

EXIT_INTERNAL = 70


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except NianbaoError as exc:
        if args.debug:
            raise
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as exc:
        if args.debug:
            raise
        _error(
            f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the "
            "traceback, and please report it)"
        )
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nianbao {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something goes wrong"
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    convert = commands.add_parser(
        "convert",
        help="convert a report into canonical JSON",
        description="Convert INPUT into a canonical JSON report.",
    )
    convert.add_argument("input", type=Path, metavar="INPUT", help="the report file to convert")
    convert.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUTPUT",
        help="write the report here instead of to standard output",
    )
    convert.set_defaults(command=_convert)

    schema = commands.add_parser(
        "schema",
        help="print the report's JSON Schema",
        description="Print the JSON Schema every report validates against.",
    )
    schema.set_defaults(command=_schema)

    validate = commands.add_parser(
        "validate",
        help="check reports against the schema",
        description="Check that each REPORT is a valid nianbao report; exit 1 if any is not.",
    )
    validate.add_argument("reports", type=Path, nargs="+", metavar="REPORT")
    validate.set_defaults(command=_validate)
    return parser


def _convert(args: argparse.Namespace) -> int:
    report = convert_path(args.input)
    text = to_json(report)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        document = report.document
        warnings = sum(1 for d in report.diagnostics if d.severity != "info")
        print(
            f"{args.input} -> {args.output}: {len(document.blocks)} blocks, "
            f"{len(document.tables)} tables, {len(report.diagnostics)} diagnostics "
            f"({warnings} warnings)"
        )
    return 0


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text(load_schema()))
    return 0


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.reports:
        problems = _report_problems(path)
        if problems:
            failed += 1
            for problem in problems:
                print(f"{path}: {problem}", file=sys.stderr)
        else:
            print(f"{path}: valid")
    return 1 if failed else 0


def _report_problems(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return [f"cannot be read: {exc.strerror or exc}"]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"is not JSON: {exc}"]
    try:
        check_schema_version(data)
    except NianbaoError as exc:
        return [exc.message]
    return schema_errors(data)


def _error(message: str) -> None:
    print(f"nianbao: error: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
