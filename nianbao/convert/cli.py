"""The `nianbao` command line.

`convert` on one file runs in this process, as it always has; on several files or a folder it
hands them to `batch` (worker processes, a progress bar), or with `--cluster` to `cluster` (the
same worker processes on a Dask cluster). `watch` is the hot folder, `export` the table of
figures or the Parquet dataset, `check` the checks across a dataset's reports. Every error ends
as one line and the exit code of its exception class.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.__about__ import __version__
from nianbao.convert.inputs import is_url, printable, valid_address
from nianbao.convert.options import (
    GIB,
    OCR_PAGE_WEIGHT,
    PAGES_PER_LIMIT,
    PDF_ENGINES,
    TABLE_ENGINES,
    ConvertOptions,
    Limits,
    default_jobs,
)
from nianbao.errors import NianbaoError

# Each verb imports what it needs when it runs (ruff's PLC0415 is off for this module): `nianbao
# --version` and a one-file `convert` must not pay for the dataset (pyarrow), the table export
# (openpyxl), the hot folder (watchdog) or the progress bars (rich).
if TYPE_CHECKING:
    from nianbao.convert import dataset
    from nianbao.convert.worker import Converted, Failure

_DESCRIPTION = """\
Turn government information-disclosure annual reports (政府信息公开工作年度报告) -- PDF, Word
(DOCX, DOC), Excel (XLSX, XLS), web pages, or text scraped from them -- into canonical JSON
reports that validate against the published schema: the document, its tables with their merged
cells, the canonical figures with the cell or sentence each came from, and the report's own
arithmetic checked.
"""

_EPILOG = """\
examples:
  nianbao convert samples/text/004_7635fab03e0d303d.txt            report on stdout
  nianbao convert report.txt -o report.json                       report into a file
  curl -s URL | nianbao convert - --encoding gbk > report.json    standard input and output
  nianbao convert reports/ a.pdf b.docx -o out/ -j 4              many, in parallel
  nianbao convert reports/ -o out/ --skip-existing                resume a stopped batch
  nianbao watch inbox/ --out out/                                 hot folder: drop files in
  nianbao convert s3://bucket/reports/ -o out/ --cluster tcp://scheduler:8786
                                                                  on a Dask cluster
  nianbao export out/ --csv figures.csv --xlsx figures.xlsx       one row per report
  nianbao export out/ --parquet dataset/                          a Parquet dataset
  nianbao check dataset/                                          checks across reports
  nianbao validate report.json                                    check a report
  nianbao schema > report.schema.json                             the JSON Schema

exit codes: 0 ok, 1 invalid report or other error, 2 bad usage, 3 unreadable input or an
output that cannot be written, 4 unsupported format, 5 missing optional dependency, 70 internal
error (please report it)
"""

EXIT_INTERNAL = 70
_SHOWN = 20  # series failures printed by export


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
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
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except OSError as exc:
        # Inputs' problems are DocumentLoadErrors by now: what is left is an output's.
        if args.debug:
            raise
        from nianbao.convert.outputs import OutputError, cannot_write

        error = cannot_write(exc.filename or "output", exc)
        _error(printable(str(error)))
        return OutputError.exit_code
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
    parser.add_argument("-V", "--version", action="version", version=f"nianbao {__version__}")
    common = _common_flags()
    _add_common_flags(parser)
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    convert = commands.add_parser(
        "convert",
        parents=[common],
        help="convert reports into canonical JSON",
        description=(
            "Convert INPUT into a canonical JSON report. Given several inputs or a folder, "
            "convert them all into the folder OUTPUT, in parallel worker processes, each with a "
            "time and a memory limit, and exit 1 if any fails. Folders are searched "
            "recursively for .pdf, .doc(x), .xls(x), .htm(l) and .txt files (hidden and "
            "temporary ones skipped) and their layout is kept under OUTPUT; a file named "
            "directly goes to OUTPUT/<stem>.json. INPUT - is standard input."
        ),
    )
    convert.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="report files or folders of them; - for standard input (with --cluster also "
        "fsspec URLs: s3://, file://)",
    )
    convert.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT",
        help="write the report here instead of to standard output (- is standard output); a "
        "folder (ending in /, or one that exists) for several, or OUTPUT/<stem>.json for one",
    )
    convert.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=default_jobs(),
        metavar="N",
        help="convert N files at a time (default: the number of cores, %(default)s)",
    )
    convert.add_argument(
        "--cluster",
        type=_cluster_address,
        metavar="ADDRESS",
        help="convert on a Dask cluster: local:N (N worker processes here) or a scheduler's "
        "address (tcp://host:8786); inputs already converted (same sha256) are skipped",
    )
    convert.add_argument(
        "--parquet",
        type=Path,
        metavar="DIR",
        help="also add the reports converted to the Parquet dataset in DIR",
    )
    convert.add_argument(
        "--skip-existing",
        action="store_true",
        help="keep a report already in OUTPUT made from the same bytes (its source.sha256) "
        "instead of converting again: a stopped batch resumes",
    )
    _limit_arguments(convert, default=None)
    _option_arguments(convert)
    convert.set_defaults(command=_convert)

    watch = commands.add_parser(
        "watch",
        parents=[common],
        help="convert every file dropped into a folder (a hot folder)",
        description=(
            "Convert what is in INBOX, then every file dropped into it, one at a time, into "
            "OUTBOX/<stem>.json. Converted inputs move to INBOX/done/ once unchanged for "
            "--recheck seconds, under their report's name (report.pdf -> report.json and "
            "done/report.pdf; report (2).json and done/report (2).pdf when either name is "
            "taken); failed ones to INBOX/failed/ beside <name>.error.json (code, message, exit "
            "code, when). Subfolders, hidden and temporary files (~$x.docx, *.part, "
            "*.crdownload, *.tmp) are left alone; symbolic links are refused, unread. One "
            "watcher per INBOX (a lock file in it). Stop with Ctrl-C or SIGTERM: the file in "
            "progress stays in INBOX, and a restart picks up where this run left off."
        ),
    )
    watch.add_argument("inbox", type=Path, metavar="INBOX", help="the folder to watch")
    watch.add_argument(
        "-o", "--out", type=Path, required=True, metavar="OUTBOX", help="where reports go"
    )
    watch.add_argument(
        "--settle",
        type=_seconds,
        default=1.0,
        metavar="SECONDS",
        help="how long a file must stay unchanged before it is read (default %(default)s)",
    )
    watch.add_argument(
        "--recheck",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="a file stays in INBOX until unchanged for SECONDS after its last change, in case "
        "its writer adds more (a copy that paused, >> in pieces): it is converted again and its "
        "report replaced (default %(default)s)",
    )
    watch.add_argument(
        "--poll",
        action="store_true",
        help="poll the folder instead of relying on change notification (network shares)",
    )
    _limit_arguments(watch, default=None)
    _option_arguments(watch)
    watch.set_defaults(command=_watch)

    export_ = commands.add_parser(
        "export",
        parents=[common],
        help="tabulate reports' figures as CSV or XLSX",
        description=(
            "Write one row per REPORT (report JSON files, or folders searched recursively) with "
            "its source, organization, year, template, number of failed checks and every "
            "canonical figure as a column. The CSV is UTF-8 with a byte-order mark, so that "
            "Excel shows Chinese text correctly."
        ),
    )
    export_.add_argument(
        "reports", type=Path, nargs="+", metavar="REPORT", help="report JSON files or folders"
    )
    export_.add_argument("--csv", type=Path, metavar="FILE", help="write the table as CSV")
    export_.add_argument("--xlsx", type=Path, metavar="FILE", help="write the table as XLSX")
    export_.add_argument(
        "--parquet",
        type=Path,
        metavar="DIR",
        help="write or update the Parquet dataset in DIR (reports, figures, indicators, "
        "checks, diagnostics, series_checks), replacing reports of the same sha256",
    )
    export_.set_defaults(command=_export)

    check = commands.add_parser(
        "check",
        help="check a dataset's reports against each other",
        description=(
            "Run the checks across the reports of the Parquet dataset DIR (the same body's "
            "consecutive years: 上年结转 against the year before's 结转下年度, the 2019 form's "
            "上一年项目数量; two reports of one body and year that differ; years missing in a "
            "series) and write them to DIR/series_checks.parquet. Failures are printed; like "
            "a report's own failed checks they are information, and the exit status is 0."
        ),
    )
    check.add_argument("dataset", type=Path, metavar="DIR", help="a folder made by export")
    check.set_defaults(command=_check)

    schema = commands.add_parser(
        "schema",
        parents=[common],
        help="print the report's JSON Schema",
        description="Print the JSON Schema every report validates against.",
    )
    schema.set_defaults(command=_schema)

    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="check reports against the schema",
        description="Check that each REPORT is a valid nianbao report; exit 1 if any is not.",
    )
    validate.add_argument("reports", type=Path, nargs="+", metavar="REPORT")
    validate.set_defaults(command=_validate)
    return parser


def _common_flags() -> argparse.ArgumentParser:
    """--debug, -v and -q for every command, after its name as well as before it."""
    common = argparse.ArgumentParser(add_help=False)
    _add_common_flags(common)
    return common


def _add_common_flags(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a flag given before the command is not reset by the command's own defaults.
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback when something goes wrong",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="say more: each report's diagnostics, a line per file under a progress bar",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="say only what went wrong: no summary, progress or per-file lines",
    )


def _option_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encoding",
        metavar="CODEC",
        help="decode text and HTML inputs with CODEC (gbk, utf-8, big5, ...) instead of "
        "detecting it; the report says method 'override'",
    )
    parser.add_argument(
        "--table-engine",
        choices=TABLE_ENGINES,
        default="pdfplumber",
        help="how PDF tables are found (camelot needs nianbao[camelot]; default %(default)s)",
    )
    parser.add_argument(
        "--pdf-engine",
        choices=PDF_ENGINES,
        default="pdfium",
        help="what reads a PDF's characters and lines: pdfium (fast) or pdfplumber (pdfminer's "
        "pure-Python parse); the same tables and figures (default %(default)s)",
    )
    parser.add_argument(
        "--no-ocr",
        dest="ocr",
        action="store_false",
        help="leave PDF pages without a text layer unread instead of reading them by OCR "
        "(faster; the report says which pages, and is partial)",
    )
    parser.add_argument(
        "--max-pages",
        type=_positive_int,
        metavar="N",
        help="read at most N pages of a PDF (the report says so)",
    )


def _options(args: argparse.Namespace) -> ConvertOptions:
    try:
        return ConvertOptions(
            table_engine=args.table_engine,
            pdf_engine=args.pdf_engine,
            max_pages=args.max_pages,
            time_limit=args.time_limit,
            memory_limit=args.memory_limit,
            encoding=args.encoding,
            ocr=args.ocr,
        )
    except ValueError as exc:
        raise _UsageError(str(exc)) from exc


class _UsageError(NianbaoError):
    exit_code = 2


def _limit_arguments(parser: argparse.ArgumentParser, *, default: Limits | None) -> None:
    shown = default or Limits()
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=None if default is None else default.seconds,
        metavar="SECONDS",
        help=f"give up on a file after this long, for each {PAGES_PER_LIMIT} pages it has (a "
        f"page read by OCR counts {OCR_PAGE_WEIGHT} more); 0 for none (default {shown.seconds:g})",
    )
    parser.add_argument(
        "--memory-limit",
        type=_bytes,
        default=None if default is None else default.memory,
        metavar="SIZE",
        help=(
            "memory one conversion may use, e.g. 512M, 4G; 0 for none "
            f"(default {shown.memory // GIB}G)"
        ),
    )


def _convert(args: argparse.Namespace) -> int:
    if args.cluster is not None:
        return _convert_cluster(args)
    from nianbao.convert.outputs import STDIO, names_folder

    urls = [given for given in args.inputs if is_url(given)]
    if urls:
        _error(f"{urls[0]}: URL inputs need --cluster (e.g. --cluster local:4)")
        return 2
    inputs: list[Path] = [Path(given) for given in args.inputs]
    args.inputs = inputs
    output: str | None = args.output
    stdin = [p for p in inputs if str(p) == STDIO]
    if stdin and len(inputs) > 1:
        _error("- (standard input) is one input: it cannot be converted with others")
        return 2
    if (
        len(inputs) > 1
        or inputs[0].is_dir()
        or (output is not None and names_folder(output))
        or args.parquet is not None
    ):
        return _convert_many(args)
    return _convert_one(args)


def _convert_cluster(args: argparse.Namespace) -> int:
    from nianbao.convert import cluster
    from nianbao.convert.outputs import STDIO

    if args.output is None or args.output == STDIO:
        _error("--cluster needs -o OUTDIR, the folder for the reports")
        return 2
    outdir = Path(args.output)
    if outdir.exists() and not outdir.is_dir():
        _error(f"{outdir}: is a file; -o must name a folder for the reports")
        return 2
    jobs = cluster.plan(args.inputs, outdir)
    known = cluster.known_reports(outdir, *([args.parquet] if args.parquet is not None else []))
    with cluster.connect(args.cluster) as client:
        summary = cluster.run(
            jobs,
            client,
            options=_options(args),
            known=known,
            verbosity=-1 if args.quiet else args.verbose,
        )
    if not args.quiet or summary.failed:
        print(summary.line())
    _update_dataset(args.parquet, [job.output for job in jobs])
    return 1 if summary.failed else 0


def _update_dataset(directory: Path | None, outputs: Sequence[Path]) -> None:
    if directory is None:
        return
    from nianbao.convert import dataset

    summary = dataset.update(directory, [path for path in outputs if path.is_file()])
    print(_dataset_line(directory, summary))


def _dataset_line(directory: Path, summary: dataset.Summary) -> str:
    failed = len(summary.series_failed)
    return (
        f"{directory}: {summary.total} reports ({summary.added} added, {summary.replaced} "
        f"replaced), {len(summary.series)} series checks, {failed} failed"
    )


def _convert_one(args: argparse.Namespace) -> int:
    """One file, in a worker process with the time and memory limits, so that no input can
    hang or exhaust the machine; in this process with `--debug` (a worker cannot show the
    traceback) or when both limits are 0."""
    import json
    import tempfile

    from nianbao.convert.outputs import STDIO, write_output
    from nianbao.convert.worker import Failure

    source: Path = args.inputs[0]
    options = _options(args)
    if str(source) == STDIO:
        with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
            staged = Path(tmp) / "stdin"  # the report's source.name
            staged.write_bytes(sys.stdin.buffer.read())
            result = _convert_file(staged, options, args.debug, shown="<stdin>")
        shown = "<stdin>"
    else:
        result = _convert_file(source, options, args.debug, shown=str(source))
        shown = str(source)
    if isinstance(result, Failure):
        _error(f"{shown}: {result.message}")
        return result.exit_code
    write_output(args.output, result.text)
    if args.quiet:
        return 0
    if args.output not in (None, STDIO):
        print(f"{shown} -> {args.output}: {result.summary()}")
    elif result.partial or args.verbose:  # the report is on stdout: the word goes to stderr
        print(f"nianbao: {shown}: {result.summary()}", file=sys.stderr)
    if args.verbose:
        for diagnostic in json.loads(result.text)["diagnostics"]:
            print(f"  {diagnostic['code']}: {diagnostic['message']}", file=sys.stderr)
    return 0


def _convert_file(
    path: Path, options: ConvertOptions, debug: bool, *, shown: str
) -> Converted | Failure:
    from nianbao.convert.worker import Failure, WorkerPool, convert_file, work_with

    limits = Limits.of(options)
    if debug or not (limits.seconds or limits.memory):
        try:
            return convert_file(path, options)
        except NianbaoError as exc:
            if debug:
                raise
            return Failure.of(exc)
    with WorkerPool(1, limits, work_with(convert_file, options), fork_here=True) as pool:
        outcome = pool.run_one(path)
    assert outcome is not None  # nothing asks it to stop
    return outcome.result


def _convert_many(args: argparse.Namespace) -> int:
    from nianbao.convert import batch
    from nianbao.convert.outputs import STDIO, make_folder

    if args.output is None:
        _error("several inputs or a folder need -o OUTDIR, the folder for their reports")
        return 2
    if args.output == STDIO:
        _error("several reports cannot all go to standard output: -o OUTDIR names a folder")
        return 2
    outdir = Path(args.output)
    if outdir.exists() and not outdir.is_dir():
        _error(f"{outdir}: is a file; -o must name a folder for several reports")
        return 2
    not_documents: list[Path] = []
    jobs = batch.plan(args.inputs, outdir, not_documents=not_documents)
    make_folder(outdir)
    if not_documents and not args.quiet:
        shown = ", ".join(printable(str(p)) for p in not_documents[:5])
        more = f" and {len(not_documents) - 5} more" if len(not_documents) > 5 else ""
        print(f"skipped {len(not_documents)} files not documents by their names: {shown}{more}")
    summary = batch.run(
        jobs,
        workers=args.jobs,
        options=_options(args),
        skip_existing=args.skip_existing,
        verbosity=-1 if args.quiet else args.verbose,
    )
    if not args.quiet or summary.failed:
        print(summary.line())
    _update_dataset(args.parquet, [job.output for job in jobs])
    return 1 if summary.failed else 0


def _watch(args: argparse.Namespace) -> int:
    import signal

    from nianbao.convert.watch import HotFolder, WatchOptions

    inbox: Path = args.inbox
    if not inbox.is_dir():
        _error(f"{inbox}: is not a folder")
        return 2
    if args.out.resolve() == inbox.resolve():
        _error("OUTBOX must not be INBOX: the reports would be taken for new inputs")
        return 2
    options = WatchOptions(
        settle=args.settle, poll=args.poll, recheck=args.recheck, convert=_options(args)
    )
    folder = HotFolder(inbox, args.out, options)

    def stop(signum: int, frame: object) -> None:
        folder.stop()

    # Both end the watcher cleanly (exit 0): the file in progress is left for next time.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    folder.run()
    return 0


def _export(args: argparse.Namespace) -> int:
    from nianbao.convert.export import export

    if args.csv is None and args.xlsx is None and args.parquet is None:
        _error("say where the table goes: --csv FILE, --xlsx FILE, --parquet DIR, or several")
        return 2
    rows, problems, summary = export(
        args.reports, csv_path=args.csv, xlsx_path=args.xlsx, parquet_dir=args.parquet
    )
    for problem in problems:
        _error(str(problem))
    written = " and ".join(str(p) for p in (args.csv, args.xlsx, args.parquet) if p is not None)
    print(f"{rows} reports -> {written}" + (f"; {len(problems)} skipped" if problems else ""))
    if summary is not None:
        print(_dataset_line(args.parquet, summary))
        failed = summary.series_failed
        for failure in failed[:_SHOWN]:
            print(f"series check failed: {failure.rule}: {failure.message}")
        if len(failed) > _SHOWN:
            print(f"... and {len(failed) - _SHOWN} more: `nianbao check {args.parquet}` lists all")
    return 1 if problems else 0


def _check(args: argparse.Namespace) -> int:
    from nianbao.convert import dataset

    results = dataset.check(args.dataset)
    for result in results:
        if result.status == "fail":
            print(f"{result.rule}: {result.message}")
    counts = {s: sum(1 for r in results if r.status == s) for s in ("pass", "fail", "skipped")}
    print(
        f"{len(results)} series checks: {counts['pass']} passed, {counts['fail']} failed, "
        f"{counts['skipped']} skipped -> {args.dataset / (dataset.SERIES + '.parquet')}"
    )
    return 0


def _schema(args: argparse.Namespace) -> int:
    from nianbao.convert.schema import load_schema, schema_text

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
    import json

    from nianbao.convert.schema import check_schema_version, schema_errors

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


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _cluster_address(text: str) -> str:
    if not valid_address(text):
        raise argparse.ArgumentTypeError(
            f"not a cluster: {text!r} (try local:4 or tcp://scheduler:8786)"
        )
    return text


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return value


_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def _bytes(text: str) -> int:
    """`512M`, `2G`, `2GiB`, `1.5g`, `0` (no limit), or plain bytes."""
    number = text.strip().upper().removesuffix("IB").removesuffix("B")
    unit = number[-1:] if number[-1:] in _UNITS else ""
    try:
        value = float(number.removesuffix(unit)) * _UNITS[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 512M or 2G)") from None
    if value < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return int(value)


def _error(message: str) -> None:
    print(f"nianbao: error: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
