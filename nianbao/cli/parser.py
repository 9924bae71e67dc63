"""The command line's flags: one parser, each verb's arguments, the types that check them.

Light on purpose: it is built before the verb runs, so it imports no model, no adapter and no
runtime; each verb imports what it needs (`commands`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nianbao.__about__ import __version__
from nianbao.cli import commands as verbs
from nianbao.convert.options import (
    GIB,
    OCR_DPI_RANGE,
    OCR_PAGE_WEIGHT,
    PAGES_PER_LIMIT,
    PDF_ENGINES,
    TABLE_ENGINES,
    ConvertOptions,
    Limits,
    PdfOptions,
    TextOptions,
    default_jobs,
)
from nianbao.runtime.inputs import DOCUMENT_SUFFIXES, address_problem

_DESCRIPTION = """\
Turn government information-disclosure annual reports (政府信息公开工作年度报告) -- PDF, scans
(PNG, JPEG, TIFF, read by OCR), Word (DOCX, DOC, WPS, RTF), Excel (XLSX, XLS, ET), web pages
(HTML, MHT), or text and Markdown scraped from them -- into canonical JSON reports that validate
against the published schema: the document, its tables with their merged cells, the canonical
figures with the cell or sentence each came from, and the report's own arithmetic checked.
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
  nianbao review out/ --sources reports/ -o site/                 check figures in a browser
  nianbao validate report.json out/                               check reports
  nianbao schema > report.schema.json                             the JSON Schema

exit codes: 0 ok, 1 invalid report or other error, 2 bad usage, 3 unreadable input or an
output that cannot be written, 4 unsupported format, 5 missing optional dependency, 69 no
cluster answers at --cluster's address, 70 internal error (please report it), 78 a form file
(NIANBAO_FORMS) that cannot be used
"""


def build_parser() -> argparse.ArgumentParser:
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
            f"recursively for {', '.join(sorted(DOCUMENT_SUFFIXES))} and files without a suffix "
            "(hidden and temporary ones skipped; links inside a folder are not followed, but "
            "listed) and their layout is kept under OUTPUT; a file named directly goes to "
            "OUTPUT/<stem>.json. INPUT - is standard input (read up to the memory limit). "
            "-o writes a regular file atomically, and through to a device or a FIFO "
            "(/dev/null, /dev/stdout); it never replaces a symbolic link."
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
        help="convert on a Dask cluster: local:N (N worker processes here, at most one per "
        "core) or a scheduler's address (tcp://host:8786, or tls://host:8786 with Dask's TLS "
        "settings); inputs already converted (same sha256) are skipped",
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
    _option_arguments(convert)
    convert.set_defaults(command=verbs.convert)

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
    _option_arguments(watch)
    watch.set_defaults(command=verbs.watch)

    export_ = commands.add_parser(
        "export",
        parents=[common],
        help="tabulate reports' figures as CSV, XLSX or a Parquet dataset",
        description=(
            "Write one row per REPORT (report JSON files, or folders searched recursively) with "
            "its source, organization, year, template, number of failed checks and every "
            "canonical figure as a column, as CSV, XLSX, or a Parquet dataset (reports, "
            "figures, indicators, checks, diagnostics, series checks). The CSV is UTF-8 with a "
            "byte-order mark, so that Excel shows Chinese text correctly."
        ),
    )
    export_.add_argument(
        "reports", type=Path, nargs="+", metavar="REPORT", help="report JSON files or folders"
    )
    export_.add_argument("--csv", type=Path, metavar="FILE", help="write the table as CSV")
    export_.add_argument("--xlsx", type=Path, metavar="FILE", help="write the table as XLSX")
    export_.add_argument(
        "--labels",
        action="store_true",
        help="give the CSV and XLSX a second header row naming each column in Chinese, as the "
        "form prints it (for a person in a spreadsheet; programs read the one-row default)",
    )
    export_.add_argument(
        "--sources",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of the reports' inputs (the folder converted, a hot folder's done/): "
        "the table's `path` column names each report's input found there, or beside the "
        "report, with the same sha256 (repeatable)",
    )
    export_.add_argument(
        "--parquet",
        type=Path,
        metavar="DIR",
        help="write or update the Parquet dataset in DIR (reports, figures, indicators, "
        "checks, diagnostics, series_checks), replacing reports of the same sha256",
    )
    export_.set_defaults(command=verbs.export)

    check = commands.add_parser(
        "check",
        parents=[common],
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
    check.set_defaults(command=verbs.check)

    review = commands.add_parser(
        "review",
        parents=[common],
        help="a static site: every figure beside its source, for a browser",
        description=(
            "Write a static site into SITE (open SITE/index.html from disk; nothing is fetched): "
            "a page per INPUT with its form's tables as the form prints them, each figure's "
            "state, and, a click away, where it was read (the PDF page with the cell's box, "
            "or the table or lines it came from); an index of the reports, sortable and "
            "filterable, with each body's panel across years. INPUTs are documents (converted "
            "first, with the limits of convert) or report JSONs, whose source is looked for "
            "beside them and under --sources; folders are searched for both."
        ),
    )
    review.add_argument(
        "inputs", type=Path, nargs="+", metavar="INPUT", help="documents, reports, or folders"
    )
    review.add_argument(
        "-o", "--output", type=Path, required=True, metavar="SITE", help="the site's folder"
    )
    review.add_argument(
        "--sources",
        type=Path,
        metavar="DIR",
        help="where the sources of report JSONs are, if not beside them (searched with its "
        "folders, each taken only if it holds the bytes the report was made from)",
    )
    review.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=default_jobs(),
        metavar="N",
        help="review N inputs at a time (default: the number of cores, %(default)s)",
    )
    _option_arguments(review)
    review.set_defaults(command=verbs.review)

    schema = commands.add_parser(
        "schema",
        parents=[common],
        help="print the report's JSON Schema",
        description="Print the JSON Schema every report validates against.",
    )
    schema.set_defaults(command=verbs.schema)

    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="check reports against the schema",
        description=(
            "Check that each REPORT is a valid nianbao report; exit 1 if any is not. A folder "
            "is searched recursively for reports (*.json, hidden files and .error.json left "
            "out); - reads one report from standard input."
        ),
    )
    validate.add_argument(
        "reports",
        type=Path,
        nargs="+",
        metavar="REPORT",
        help="report JSON files, folders of them, or - for standard input",
    )
    validate.set_defaults(command=verbs.validate)
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
    """The `ConvertOptions` of `convert` and `watch`: the limits, then each group's flags."""
    _limit_arguments(parser)
    # The defaults are the option classes' own, written there once.
    pdf, text, run = PdfOptions(), TextOptions(), ConvertOptions()
    parser.add_argument(
        "--encoding",
        metavar="CODEC",
        default=text.encoding,
        help="decode text and HTML inputs with CODEC (gbk, utf-8, big5, ...) instead of "
        "detecting it; the report says method 'override'",
    )
    parser.add_argument(
        "--table-engine",
        choices=TABLE_ENGINES,
        default=pdf.table_engine,
        help="how PDF tables are found (camelot needs nianbao[camelot]; default %(default)s)",
    )
    parser.add_argument(
        "--pdf-engine",
        choices=PDF_ENGINES,
        default=pdf.pdf_engine,
        help="what reads a PDF's characters and lines: pdfium (fast) or pdfplumber (pdfminer's "
        "pure-Python parse); the same tables and figures (default %(default)s)",
    )
    parser.add_argument(
        "--no-ocr",
        dest="ocr",
        action="store_false",
        default=pdf.ocr,
        help="leave PDF pages without a text layer unread instead of reading them by OCR "
        "(faster; the report says which pages, and is partial)",
    )
    parser.add_argument(
        "--ocr-dpi",
        type=_positive_int,
        default=pdf.ocr_dpi,
        metavar="DPI",
        help="render PDF pages without a text layer at DPI for OCR "
        f"({OCR_DPI_RANGE[0]}-{OCR_DPI_RANGE[1]}; default %(default)s)",
    )
    parser.add_argument(
        "--max-pages",
        type=_positive_int,
        default=pdf.max_pages,
        metavar="N",
        help="read at most N pages of a PDF (the report says so; default all)",
    )
    parser.add_argument(
        "--no-plugins",
        dest="plugins",
        action="store_false",
        default=run.plugins,
        help="read with the built-in adapters only, not with adapter plug-ins installed "
        "(entry points nianbao.adapters): a run that does not depend on what else is installed",
    )


def _limit_arguments(parser: argparse.ArgumentParser) -> None:
    # None, not the default: an entry that was given no limit applies its own (`Limits`).
    shown = Limits()
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help=f"give up on a file after this long, for each {PAGES_PER_LIMIT} pages it has (a "
        f"page read by OCR counts {OCR_PAGE_WEIGHT} more); 0 for none (default {shown.seconds:g})",
    )
    parser.add_argument(
        "--memory-limit",
        type=_bytes,
        default=None,
        metavar="SIZE",
        help=(
            "memory one conversion may use, e.g. 512M, 4G; 0 for none "
            f"(default {shown.memory // GIB}G)"
        ),
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _cluster_address(text: str) -> str:
    problem = address_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(
            f"{text!r}: {problem} (local:N, tcp://HOST:PORT or tls://HOST:PORT, e.g. local:2 "
            "or tcp://scheduler:8786)"
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
