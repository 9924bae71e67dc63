"""The verbs: `convert` (one file here, several in a batch or on a cluster), `watch`, `export`,
`check`, `review`, `schema`, `validate`.

Each verb imports what it needs when it runs (ruff's PLC0415 is off for this package): `nianbao
--version` and a one-file `convert` must not pay for the dataset (pyarrow), the table export
(openpyxl), the hot folder (watchdog) or the progress bars (rich).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.convert.options import ConvertOptions, Limits, PdfOptions, TextOptions
from nianbao.errors import DocumentLoadError, InputsFailedError, NianbaoError, UsageError
from nianbao.runtime.inputs import (
    STDIN_NAME,
    is_standard_input,
    is_url,
    listed,
    passed_over,
    printable,
    spool_standard_input,
)
from nianbao.runtime.startup import lasting_imports

if TYPE_CHECKING:
    from nianbao.collection import dataset
    from nianbao.errors import Failure
    from nianbao.runtime.worker import Converted

_SHOWN = 20  # series failures printed by export


def convert(args: argparse.Namespace) -> int:
    if args.cluster is not None:
        return _convert_cluster(args)
    from nianbao.runtime.outputs import STDIO, names_folder

    urls = [given for given in args.inputs if is_url(given)]
    if urls:
        raise UsageError("URL inputs need --cluster (e.g. --cluster local:4)", source=urls[0])
    inputs: list[Path] = [Path(given) for given in args.inputs]
    args.inputs = inputs
    output: str | None = args.output
    stdin = [p for p in inputs if str(p) == STDIO]
    if stdin and len(inputs) > 1:
        raise UsageError("- (standard input) is one input: it cannot be converted with others")
    if stdin and (args.parquet is not None or (output is not None and names_folder(output))):
        raise UsageError("- (standard input) gives one report: -o names its file, or - for stdout")
    if (
        len(inputs) > 1
        or inputs[0].is_dir()
        or (output is not None and names_folder(output))
        or args.parquet is not None
    ):
        return _convert_many(args)
    return _convert_one(args)


def _convert_cluster(args: argparse.Namespace) -> int:
    from nianbao.runtime import cluster
    from nianbao.runtime.outputs import STDIO

    if args.output is None or args.output == STDIO:
        raise UsageError("--cluster needs -o OUTDIR, the folder for the reports")
    outdir = Path(args.output)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError("is a file; -o must name a folder for the reports", source=str(outdir))
    options = _options(args)
    cluster.check_local(args.cluster, Limits.of(options))
    if cluster.plain_and_remote(args.cluster):
        warn(
            f"{args.cluster} is a plain TCP scheduler on another machine: the results it sends "
            "are unpickled here, so whoever answers at that address can run code as you; on a "
            "network you do not trust, use tls:// (Dask's TLS settings)"
        )
    links: list[Path] = []
    jobs = cluster.plan(args.inputs, outdir, links=links)
    if not args.quiet:
        _say_skipped([], links)
    known = cluster.known_reports(outdir, *([args.parquet] if args.parquet is not None else []))
    with cluster.connect(args.cluster) as client:
        summary = cluster.run(
            jobs,
            client,
            options=options,
            known=known,
            verbosity=-1 if args.quiet else args.verbose,
        )
    if not args.quiet or summary.failed:
        print(summary.line())
    _update_dataset(args.parquet, [job.output for job in jobs])
    return summary.exit_code()


def _update_dataset(directory: Path | None, outputs: Sequence[Path]) -> None:
    if directory is None:
        return
    from nianbao.collection import dataset

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

    from nianbao.errors import Failure
    from nianbao.runtime.outputs import STDIO, write_output

    source: Path = args.inputs[0]
    options = _options(args)
    if str(source) == STDIO or is_standard_input(source):
        with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
            staged = Path(tmp) / "stdin"  # the report's source.name
            _spool_stdin(staged, Limits.of(options))
            result = _convert_file(staged, options, args.debug, shown=STDIN_NAME)
        shown = STDIN_NAME
    else:
        result = _convert_file(source, options, args.debug, shown=str(source), quiet=args.quiet)
        shown = str(source)
    if isinstance(result, Failure):
        error(f"{shown}: {result.message}")
        return result.exit_code
    to_stdout = write_output(args.output, result.text)
    if args.quiet:
        return 0
    if not to_stdout:
        print(f"{shown} -> {args.output}: {result.summary()}")
    elif result.partial or result.undetermined or args.verbose:
        # The report is on stdout: the word on what it lacks or left open goes to stderr.
        print(f"nianbao: {shown}: {result.summary()}", file=sys.stderr)
    if args.verbose:
        for diagnostic in json.loads(result.text)["diagnostics"]:
            print(f"  {diagnostic['code']}: {diagnostic['message']}", file=sys.stderr)
    return 0


def _spool_stdin(target: Path, limits: Limits) -> None:
    """Standard input into `target`, bounded by the memory limit (a conversion reads its input
    whole, under that limit), or by the default one when there is none."""
    if limits.memory:
        bound, why = limits.memory, "the memory limit; --memory-limit raises it"
    else:
        bound, why = Limits().memory, "standard input's bound without a memory limit"
    spool_standard_input(sys.stdin.buffer, target, bound, why)


def _convert_file(
    path: Path, options: ConvertOptions, debug: bool, *, shown: str, quiet: bool = True
) -> Converted | Failure:
    with lasting_imports(freeze=True):
        from nianbao.cli.progress import pages_status
        from nianbao.errors import Failure
        from nianbao.runtime.pool import WorkerPool
        from nianbao.runtime.worker import convert_file, work_with

    limits = Limits.of(options)
    if debug or not (limits.seconds or limits.memory):
        try:
            return convert_file(path, options)
        except NianbaoError as exc:
            if debug:
                raise
            return Failure.of(exc)
    with (
        pages_status(shown, quiet=quiet) as on_pages,
        WorkerPool(
            1, limits, work_with(convert_file, options), fork_here=True, on_pages=on_pages
        ) as pool,
    ):
        outcome = pool.run_one(path)
    assert outcome is not None  # nothing asks it to stop
    return outcome.result


def _convert_many(args: argparse.Namespace) -> int:
    from nianbao.runtime import batch
    from nianbao.runtime.outputs import STDIO, make_folder

    if args.output is None:
        raise UsageError("several inputs or a folder need -o OUTDIR, the folder for their reports")
    if args.output == STDIO:
        raise UsageError(
            "several reports cannot all go to standard output: -o OUTDIR names a folder"
        )
    outdir = Path(args.output)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError("is a file; -o must name a folder for several reports", source=str(outdir))
    not_documents: list[Path] = []
    links: list[Path] = []
    jobs = batch.plan(args.inputs, outdir, not_documents=not_documents, links=links)
    make_folder(outdir)
    if not args.quiet:
        _say_skipped(not_documents, links)
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
    return summary.exit_code()


def _say_skipped(not_documents: Sequence[Path], links: Sequence[Path]) -> None:
    """One line for each kind of file a folder held that is not converted."""
    for paths, why in (
        (not_documents, "files not documents by their names"),
        (
            links,
            "links and special files in folders (not followed; name one to convert it)",
        ),
    ):
        if paths:
            print(f"skipped {len(paths)} {why}: {listed(paths)}")


def watch(args: argparse.Namespace) -> int:
    import signal

    from nianbao.runtime.watch import HotFolder, WatchOptions

    inbox: Path = args.inbox
    if not inbox.is_dir():
        raise UsageError("is not a folder", source=str(inbox))
    if args.out.resolve() == inbox.resolve():
        raise UsageError("OUTBOX must not be INBOX: the reports would be taken for new inputs")
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


def export(args: argparse.Namespace) -> int:
    from nianbao.cli.progress import report_bar
    from nianbao.collection.export import export

    if args.csv is None and args.xlsx is None and args.parquet is None:
        raise UsageError(
            "say where the table goes: --csv FILE, --xlsx FILE, --parquet DIR, or several"
        )
    not_reports: list[Path] = []
    with report_bar(quiet=args.quiet) as steps:
        rows, problems, summary = export(
            args.reports,
            csv_path=args.csv,
            xlsx_path=args.xlsx,
            parquet_dir=args.parquet,
            steps=steps,
            labels=args.labels,
            sources=args.sources,
            not_reports=not_reports,
        )
    for problem in problems:
        error(str(problem))
    from nianbao.schemas.emit import is_standard_output

    tables = [p for p in (args.csv, args.xlsx) if p is not None]
    # A table written to standard output (`--csv /dev/stdout`) is not followed by our words.
    said = sys.stderr if any(is_standard_output(p) for p in tables) else sys.stdout
    written = " and ".join(str(p) for p in (args.csv, args.xlsx, args.parquet) if p is not None)
    if not_reports and not args.quiet:
        print(passed_over(not_reports), file=said)
    if not args.quiet or problems:  # -q: only what went wrong
        print(
            f"{rows} reports -> {written}" + (f"; {len(problems)} skipped" if problems else ""),
            file=said,
        )
    if summary is not None:
        if not args.quiet:
            print(_dataset_line(args.parquet, summary))
        failed = summary.series_failed
        for failure in failed[:_SHOWN]:
            print(f"series check failed: {failure.rule}: {failure.message}")
        if len(failed) > _SHOWN:
            print(f"... and {len(failed) - _SHOWN} more: `nianbao check {args.parquet}` lists all")
    return InputsFailedError.exit_code_of(
        [problem.exit_code for problem in problems], inputs=rows + len(problems)
    )


def check(args: argparse.Namespace) -> int:
    from nianbao.cli.progress import report_bar
    from nianbao.collection import dataset

    with report_bar(quiet=args.quiet) as steps:
        results = dataset.check(args.dataset, steps)
    _print_panel(args.dataset, quiet=args.quiet)
    for result in results:
        if result.status == "fail":
            print(f"{result.rule}: {result.message}")
    if args.quiet:  # only what went wrong: the failures and the jumps above
        return 0
    counts = {s: sum(1 for r in results if r.status == s) for s in ("pass", "fail", "skipped")}
    print(
        f"{len(results)} series checks: {counts['pass']} passed, {counts['fail']} failed, "
        f"{counts['skipped']} skipped -> {args.dataset / (dataset.SERIES + '.parquet')}"
    )
    settled, still_open = dataset.unsure_counts(args.dataset)
    print(
        f"{settled} undetermined figure{'' if settled == 1 else 's'} settled across reports, "
        f"{still_open} still open; to review -> {args.dataset / dataset.REVIEW}"
    )
    return 0


def _print_panel(directory: Path, *, quiet: bool) -> None:
    """Each body's panel series across years (not under -q), then its jumps of two orders of
    magnitude."""
    from nianbao.collection.panel import JUMP_FACTOR, panel_series

    for series in panel_series(directory):
        if not quiet:
            print(f"panel: {series.body}: {series.key}: {series.text()}")
        for jump in series.jumps():
            print(
                f"warning: panel jump: {series.body}: {series.key}: {jump.year - 1} "
                f"{jump.before:g} -> {jump.year} {jump.after:g} (a factor of {JUMP_FACTOR} or "
                "more): a cumulative, a unit or a column misread?"
            )


def review(args: argparse.Namespace) -> int:
    from nianbao.review.site import ReviewOptions, build

    if args.sources is not None and not args.sources.is_dir():
        raise UsageError("is not a folder", source=str(args.sources))
    summary = build(
        args.inputs,
        args.output,
        options=ReviewOptions(convert=_options(args), sources=args.sources),
        workers=args.jobs,
        verbosity=-1 if args.quiet else args.verbose,
    )
    if not args.quiet or summary.failures:
        print(summary.line(args.output))
    return summary.exit_code()


def schema(args: argparse.Namespace) -> int:
    from nianbao.schemas.validation import load_schema, schema_text

    sys.stdout.write(schema_text(load_schema()))
    return 0


#: The most of standard input `validate -` reads: far more than any report (a 1,000-page PDF's
#: is tens of MB), so that `validate - < /dev/zero` ends.
REPORT_BOUND = 256 * 2**20


def validate(args: argparse.Namespace) -> int:
    import tempfile

    from nianbao.runtime.outputs import STDIO

    codes: list[int] = []  # each report's: 0 valid, else why not (`_validate_one`)
    not_reports: list[Path] = []
    for given in args.reports:
        if str(given) == STDIO:
            with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
                staged = Path(tmp) / "stdin.json"
                spool_standard_input(sys.stdin.buffer, staged, REPORT_BOUND, "more than any report")
                codes.append(_validate_one(STDIN_NAME, staged))
            continue
        if given.is_dir():
            from nianbao.collection.report_file import reports_in

            reports = reports_in(given, not_reports)
            if not reports:
                # As `convert` and `review` of a folder with nothing for them: an input unread.
                error(f"{given}: no reports (*.json) in this folder")
                codes.append(DocumentLoadError.exit_code)
            codes += [_validate_one(str(path), path) for path in reports]
            continue
        codes.append(_validate_one(str(given), given))
    if not_reports and not args.quiet:
        print(passed_over(not_reports))
    return InputsFailedError.exit_code_of([c for c in codes if c], inputs=len(codes))


def _validate_one(shown: str, path: Path) -> int:
    """Print what is wrong with one report, or that it is valid (and how many of its figures are
    undetermined). Valid is: the schema holds, and the report's own checks, run again on its
    figures, give what it records (`recheck`). The exit code of this report alone: 0 valid, 1
    not a valid report, or the code of what kept it from being read (missing, not JSON: 3)."""
    from pydantic import ValidationError

    from nianbao.collection.partial import of_report
    from nianbao.collection.report_file import data_problems, read_json
    from nianbao.convert.annual_report.recheck import recheck
    from nianbao.schemas.model import Report

    unsure = ""
    try:
        data = read_json(path)
    except NianbaoError as exc:
        print(f"{printable(shown)}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    problems = data_problems(data)
    if not problems:
        try:
            report = Report.model_validate(data)
        except ValidationError as exc:  # the schema held: the model's own rules did not
            problems = [f"not a report: {e['msg']} at {e['loc']}" for e in exc.errors()]
        else:
            problems = recheck(report)
            unsure = of_report(report).unsure_text()
    for problem in problems:
        print(f"{printable(shown)}: {problem}", file=sys.stderr)
    if not problems:
        print(f"{printable(shown)}: valid" + (f"; {unsure}" if unsure else ""))
    return InputsFailedError.exit_code if problems else 0


def _options(args: argparse.Namespace) -> ConvertOptions:
    try:
        return ConvertOptions(
            pdf=PdfOptions(
                table_engine=args.table_engine,
                pdf_engine=args.pdf_engine,
                max_pages=args.max_pages,
                ocr=args.ocr,
                ocr_dpi=args.ocr_dpi,
            ),
            text=TextOptions(encoding=args.encoding),
            limits=Limits.asked(args.time_limit, args.memory_limit),
            plugins=args.plugins,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def error(message: str) -> None:
    print(f"nianbao: error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"nianbao: warning: {message}", file=sys.stderr)
