"""Conversions on a Dask cluster: `nianbao convert INPUTS -o OUT --cluster tcp://host:8786`.

The same code as `-j`, spread over machines. Inputs travel as `dask.distributed` tasks of
about a second of work each (`batch_size`: many small reports to a task, a long PDF alone); a
task runs each of its inputs through the worker isolation of `nianbao.runtime.worker` (a
`WorkerPool` per Dask worker thread: the conversion happens in a child process with the same
time and memory limits as `-j`, so no input can hang, exhaust or crash a Dask worker). Tasks
hand back the report's JSON text; only this process writes reports, atomically, into OUT,
keeping a folder's layout as `-j` does, and a progress bar (or a line per file in a pipe) shows
how the run goes.

Inputs are local paths (which every worker must see at the same path: a shared file system)
or fsspec URLs: `file:///data/reports/`, `s3://bucket/reports/` with `s3fs` installed, or any
protocol fsspec knows. A folder or prefix is searched recursively for the document suffixes
`-j` looks for. A worker copies a remote input into a temporary folder under its own name
before converting it, so the report's `source.name` is the input's name whichever way it came.

A run is resumable: the sha256 of every report already in OUT (and, with `--parquet DIR`, in
the dataset) is sent to the workers once; a worker hashes each input's bytes and skips one that
has a report already, without converting it. Run the same command again after an interruption
and only what is missing is converted.

`--cluster local:N` starts a `LocalCluster` of N single-threaded Dask workers inside this
process: a Dask worker only hands inputs to its conversion process and waits, as `-j`'s parent
does, so worker processes of their own would add N interpreters importing Dask and the
pipeline, N forkservers instead of one, and a second pickling of every report, for nothing
(they made `local:2` up to twice as slow as `-j 2` on small reports). Elsewhere, Dask runs
workers as daemonic processes by default, and Python forbids a daemonic process to start
children; each task therefore clears the daemon flag of its worker process before it starts the
conversion's child (the children are daemonic themselves, and exit when the worker that started
them goes away, see `nianbao.runtime.worker`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import ipaddress
import json
import logging
import multiprocessing
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from rich.console import Console

from nianbao.convert.options import ConvertOptions, Limits, default_jobs
from nianbao.errors import (
    ClusterUnreachableError,
    DocumentLoadError,
    Failure,
    MissingDependencyError,
    NianbaoError,
    OutputError,
    UsageError,
)
from nianbao.runtime.batch import Lines, Summary, remove_stale_temporaries_of
from nianbao.runtime.inputs import (
    DOCUMENT_SUFFIXES,
    LOCAL_CLUSTER,
    SCHEDULER,
    alternative_names,
    documents_in,
    is_ignored,
    is_url,
    refuse_special,
)
from nianbao.runtime.pool import WorkerPool
from nianbao.runtime.worker import Converted, Work, convert_file, size_text, work_with
from nianbao.schemas.emit import write_atomic

_SHA = re.compile(rb'"sha256":\s*"([0-9a-f]{64})"')
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Job:
    """An input (a local path or an fsspec URL) and where its report goes."""

    source: str
    output: Path


@dataclass(frozen=True)
class Done:
    """What a task hands back: the input's sha256 and its result (None: skipped, known)."""

    source: str
    sha256: str | None
    result: Converted | Failure | None
    seconds: float


class ClusterSummary(Summary):
    """The counts of a batch, for a run on a cluster."""


# --- planning, on the client ------------------------------------------------------------------


def plan(inputs: Sequence[str], outdir: Path, *, links: list[Path] | None = None) -> list[Job]:
    """Each input and where its report goes; folders and prefixes expanded, duplicates dropped,
    the layout of a folder kept under `outdir` (as `nianbao.runtime.batch.plan` does). The
    symbolic links and special files of a local folder are left out, and added to `links`."""
    jobs: list[Job] = []
    taken: set[Path] = set()
    sources: set[str] = set()
    for given in inputs:
        for source, relative in _expand(given, links):
            if source in sources:
                continue
            sources.add(source)
            folder = outdir.joinpath(*relative.parent.parts)
            output = next(
                folder / name
                for name in alternative_names(Path(relative.name))
                if folder / name not in taken
            )
            taken.add(output)
            jobs.append(Job(source, output))
    return jobs


def _expand(given: str, links: list[Path] | None) -> list[tuple[str, PurePosixPath]]:
    """(source, path relative to the folder given) of each document `given` names."""
    if not is_url(given):
        path = Path(given)
        if path.is_dir():
            found = documents_in(path, links=links)
            if not found:
                raise _no_documents(given)
            return [
                (str(doc.resolve()), PurePosixPath(doc.relative_to(path).as_posix()))
                for doc in found
            ]
        return [(str(path.resolve()), PurePosixPath(path.name))]
    fs, root = _filesystem(given)
    protocol = given.split("://", 1)[0]
    if not fs.isdir(root):
        return [(given, PurePosixPath(PurePosixPath(root).name))]
    base = PurePosixPath(root.rstrip("/"))
    found_urls: list[tuple[str, PurePosixPath]] = []
    for name in sorted(fs.find(root)):
        relative = PurePosixPath(name).relative_to(base)
        if any(is_ignored(part) for part in relative.parts):
            continue
        if relative.suffix.lower() in DOCUMENT_SUFFIXES:
            url = name if is_url(name) else f"{protocol}://{name}"
            found_urls.append((url, relative))
    if not found_urls:
        raise _no_documents(given)
    return found_urls


def _no_documents(given: str) -> DocumentLoadError:
    suffixes = ", ".join(sorted(DOCUMENT_SUFFIXES))
    return DocumentLoadError(
        f"is a directory with no documents to convert (looked for {suffixes})", source=given
    )


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs  # noqa: PLC0415 (an optional dependency)
    except ImportError as exc:
        raise MissingDependencyError(
            "URL inputs need fsspec: pip install 'nianbao[cluster]'", source=url
        ) from exc
    try:
        fs, root = url_to_fs(url)
    except (ImportError, ValueError) as exc:  # e.g. s3:// without s3fs
        raise MissingDependencyError(f"cannot open this kind of URL: {exc}", source=url) from exc
    return fs, str(root)


def known_reports(*folders: Path) -> set[str]:
    """The input sha256 of every report in `folders` (searched recursively), and of every
    report in a dataset folder (its `reports.parquet`)."""
    known: set[str] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        dataset = folder / "reports.parquet"
        if dataset.is_file():
            import pyarrow.parquet as pq  # noqa: PLC0415 (only for a dataset)

            column = pq.read_table(dataset, columns=["sha256"]).column("sha256")
            known.update(sha for sha in column.to_pylist() if sha)
        for path in folder.rglob("*.json"):
            if path.name.startswith(".") or path.name.endswith(".error.json"):
                continue
            sha = _report_sha256(path)
            if sha:
                known.add(sha)
    return known


def _report_sha256(path: Path) -> str | None:
    """The `source.sha256` of a report, from its first bytes (reports are emitted in a fixed
    key order, `source` near the top), else from the whole file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
        match = _SHA.search(head)
        if match:
            return match.group(1).decode("ascii")
        data = json.loads(path.read_text(encoding="utf-8"))
        sha = data["source"]["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return sha if isinstance(sha, str) else None


# --- the task, on a Dask worker ---------------------------------------------------------------

_pools = threading.local()


def _pool(limits: Limits, work: Work) -> WorkerPool:
    """This thread's worker pool (one conversion at a time per Dask worker thread), kept from
    task to task while the limits and the work stay the same: a new pool starts a new worker
    process, whose caches (compiled patterns, the schema's validator, lazy imports) are cold,
    and a task of small reports would spend more on that than on converting them."""
    pool: WorkerPool | None = getattr(_pools, "pool", None)
    key = (limits, _work_key(work))
    if pool is None or getattr(_pools, "key", None) != key:
        if pool is not None:
            pool.close()
        process = multiprocessing.current_process()
        if process.daemon:
            process.daemon = False  # see the module's docstring
        pool = WorkerPool(1, limits, work)
        _pools.pool, _pools.key = pool, key
    return pool


def _work_key(work: Work) -> object:
    """What makes two copies of `work` the same work. Each task unpickles its own copy: a
    `functools.partial` binding the options (`work_with`) is then equal to the last task's by
    value only, so it is compared by its function and arguments, not by identity."""
    if isinstance(work, functools.partial):
        return (work.func, work.args, sorted(work.keywords.items()))
    return work


def convert_tasks(
    sources: Sequence[str],
    limits: Limits,
    known: frozenset[str] | set[str],
    work: Work = convert_file,
) -> list[Done]:
    """A few inputs in one task, one after another: a task's round trip through the scheduler
    costs more than converting a small report, so small inputs travel in batches."""
    return [convert_task(source, limits, known, work) for source in sources]


def convert_task(
    source: str, limits: Limits, known: frozenset[str] | set[str], work: Work = convert_file
) -> Done:
    """Convert one input in a worker process of this Dask worker; skip it if its bytes have a
    report already. `work` is what the worker process runs, as for `WorkerPool`."""
    try:
        with _local_copy(source) as path:
            sha = _sha256(path)
            if sha in known:
                return Done(source, sha, None, 0.0)
            outcome = _pool(limits, work).run_one(path)
    except NianbaoError as exc:
        return Done(source, None, Failure.of(exc), 0.0)
    except OSError as exc:
        failure = Failure.of(DocumentLoadError(f"cannot be read: {exc.strerror or exc}"))
        return Done(source, None, failure, 0.0)
    assert outcome is not None  # nothing asks it to stop
    return Done(source, sha, outcome.result, outcome.seconds)


@contextlib.contextmanager
def _local_copy(source: str) -> Iterator[Path]:
    """A local path holding the input: the path itself, or a temporary copy of a URL's bytes
    under the input's own name."""
    if not is_url(source):
        path = Path(source)
        refuse_special(path)  # a FIFO's read would wait for a writer: refused by name
        if not path.is_file():
            raise DocumentLoadError("no such file", source=source)
        yield path
        return
    from fsspec.implementations.local import LocalFileSystem  # noqa: PLC0415

    fs, root = _filesystem(source)
    if isinstance(fs, LocalFileSystem):
        yield Path(root)
        return
    with tempfile.TemporaryDirectory(prefix="nianbao-") as folder:
        path = Path(folder) / (PurePosixPath(root).name or "input")
        with fs.open(root, "rb") as remote, path.open("wb") as local:
            shutil.copyfileobj(remote, local, _CHUNK)
        yield path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- the run, on the client -------------------------------------------------------------------


#: How long a scheduler has to accept the connection and answer Dask's handshake.
CONNECT_SECONDS = 10.0


def local_workers_bound(memory: int) -> tuple[int, str]:
    """The most workers `local:N` may start here, and why: one per core this process may run
    on, and no more than the machine's memory holds at `memory` (the per-input memory limit)
    each."""
    cores = default_jobs()
    bound, why = cores, f"{cores} core{'s' if cores != 1 else ''}"
    physical = _physical_memory()
    if memory and physical:
        fits = max(1, physical // memory)
        why += (
            f"; its {physical / 2**30:.1f} GiB of memory hold {fits} conversion"
            f"{'s' if fits != 1 else ''} of --memory-limit {size_text(memory)}"
        )
        bound = min(bound, fits)
    return bound, why


def check_local(address: str, limits: Limits) -> None:
    """A `UsageError` if `local:N` asks for more workers than this machine can run."""
    local = LOCAL_CLUSTER.match(address)
    if local is None:
        return
    asked = int(local.group(1) or 1)
    bound, why = local_workers_bound(limits.memory)
    if asked > bound:
        raise UsageError(f"--cluster {address}: at most local:{bound} on this machine ({why})")


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return 0


@contextlib.contextmanager
def connect(address: str) -> Iterator[Any]:
    """A `distributed.Client` for `local:N` (a LocalCluster here) or a scheduler's address
    (`tcp://`, `tls://` with the TLS settings of Dask's configuration, `distributed.comm.tls`).
    A scheduler that does not answer within `CONNECT_SECONDS` is a `ClusterUnreachableError`
    naming the address."""
    try:
        import dask  # noqa: PLC0415 (an optional dependency)
        from distributed import Client, LocalCluster  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            "--cluster needs dask.distributed: pip install 'nianbao[cluster]'"
        ) from exc
    local = LOCAL_CLUSTER.match(address)
    if local is None:
        with _client(address, Client) as client:
            yield client
        return
    workers = int(local.group(1) or 1)
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=False,  # see the module's docstring: the conversions have processes
            memory_limit=0,  # the conversions' own limit holds; Dask's would kill the worker
            dashboard_address=":0",  # any free port: never a clash with another cluster
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextlib.contextmanager
def _client(address: str, client_class: Any) -> Iterator[Any]:
    """A client of the scheduler at `address`, or a `ClusterUnreachableError` in seconds.

    Dask retries a refused connection until its timeout and, on a port that accepts and stays
    silent, waits for the handshake for ever: so the port is tried first (refused at once is
    said at once), and the client is made in a thread given `CONNECT_SECONDS`."""
    host, port = _host_and_port(address)
    try:
        socket.create_connection((host, port), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        detail = exc.strerror or str(exc) or type(exc).__name__
        raise ClusterUnreachableError(f"no scheduler answers: {detail}", source=address) from exc
    made: list[Any] = []

    def make() -> None:
        with contextlib.suppress(Exception):  # any failure is the same to the user: no answer
            made.append(client_class(address, timeout=f"{CONNECT_SECONDS}s"))

    thread = threading.Thread(target=make, name="nianbao-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_SECONDS)
    if not made:  # still waiting for a handshake (the thread is left to the end), or failed
        raise ClusterUnreachableError(
            f"no Dask scheduler answered within {CONNECT_SECONDS:g} s (the port accepts a "
            "connection, but nothing there speaks Dask)",
            source=address,
        )
    with made[0] as client:
        yield client


def _host_and_port(address: str) -> tuple[str, int]:
    match = SCHEDULER.fullmatch(address)
    if match is None:  # the command line checked it; a library caller may not have
        raise UsageError("not a scheduler's address", source=address)
    return match.group("host").strip("[]"), int(match.group("port") or DASK_PORT)


DASK_PORT = 8786


def plain_and_remote(address: str) -> bool:
    """Whether `address` is a plain `tcp://` scheduler on another machine: what it sends back is
    unpickled here, so whoever answers there can run code in this process."""
    match = SCHEDULER.fullmatch(address)
    if match is None or match.group("scheme") == "tls" or LOCAL_CLUSTER.match(address):
        return False
    host = match.group("host").strip("[]")
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except OSError:
        return True  # it cannot be said to be here
    try:
        here = {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        here = set()
    return not all(ipaddress.ip_address(a.split("%")[0]).is_loopback or a in here for a in found)


def run(
    jobs: Sequence[Job],
    client: Any,
    *,
    options: ConvertOptions | None = None,
    limits: Limits | None = None,
    known: set[str] | None = None,
    console: Console | None = None,
    out: TextIO | None = None,
    work: Work | None = None,
    verbosity: int = 0,
) -> ClusterSummary:
    """Convert `jobs` as tasks of `client`'s cluster, writing each report as it comes back;
    progress shown as `nianbao.runtime.batch.Lines` shows it, at `verbosity`. `options` reach
    every conversion, as `batch.run`'s do; `limits`, if given, replace theirs."""
    from distributed import as_completed  # noqa: PLC0415 (an optional dependency)

    limits = limits or Limits.of(options)
    work = work or work_with(convert_file, options)
    console = console or Console(stderr=True)
    out = out or sys.stdout
    outputs = {job.source: job.output for job in jobs}
    summary = ClusterSummary(total=len(jobs))
    start = time.perf_counter()
    remove_stale_temporaries_of(job.output for job in jobs)
    threads = max(1, sum(client.nthreads().values()))
    window = max(16, 4 * threads)  # tasks in flight: enough to keep every thread busy
    left = len(jobs)
    worked, converted = 0.0, 0  # seconds the workers spent, on how many inputs
    # Sent to every worker once (a list of one: a bare set would be scattered item by item).
    [shared] = client.scatter([frozenset(known or ())], broadcast=True, hash=False)
    pending = iter(jobs)

    def submit() -> Any | None:
        nonlocal left
        rate = worked / converted if converted else None
        batch = _take(pending, batch_size(left, threads, rate))
        if not batch:
            return None
        left -= len(batch)
        sources = [job.source for job in batch]
        return client.submit(convert_tasks, sources, limits, shared, work, pure=False)

    futures = as_completed([f for _ in range(window) if (f := submit()) is not None])
    with Lines(len(jobs), console, out, verbosity) as lines:
        for future in futures:
            finished: list[Done] = future.result()
            future.release()
            worked += sum(done.seconds for done in finished)
            converted += sum(1 for done in finished if done.seconds)
            if (more := submit()) is not None:
                futures.add(more)
            for done in finished:
                line = _finish(done, outputs[done.source], summary)
                lines.show(line, ok=not isinstance(done.result, Failure))
    summary.seconds = time.perf_counter() - start
    return summary


#: The work one task should carry: long enough that the scheduler's round trip (milliseconds) is
#: lost in it, short enough to share the last of a run among the workers and to keep the
#: progress bar moving.
TASK_SECONDS = 1.0
#: Inputs per task at most, and before any has been timed.
MAX_BATCH, FIRST_BATCH = 64, 4


def batch_size(left: int, threads: int, seconds_per_input: float | None) -> int:
    """Inputs the next task takes: about `TASK_SECONDS` of work at the rate inputs have taken so
    far (small reports travel many to a task, long PDFs one by one), at most `MAX_BATCH`, and
    no more than leaves every worker thread four tasks of the `left` inputs, so that a slow
    input at the end does not leave the others idle."""
    if seconds_per_input is None:
        by_time = FIRST_BATCH
    else:
        by_time = int(TASK_SECONDS / max(seconds_per_input, 1e-3))
    return max(1, min(MAX_BATCH, by_time, left // (4 * threads)))


def _take(jobs: Iterator[Job], n: int) -> list[Job]:
    return [job for _, job in zip(range(n), jobs, strict=False)]


def _finish(done: Done, output: Path, summary: ClusterSummary) -> str:
    result = done.result
    if result is None:
        summary.skipped += 1
        return f"skipped {done.source}: already converted (sha256 {done.sha256})"
    if isinstance(result, Converted):
        try:
            write_atomic(output, result.text)
        except OSError as exc:
            result = Failure.of(OutputError(f"cannot write {output}: {exc.strerror or exc}"))
    summary.count(result)
    if isinstance(result, Failure):
        return f"failed {done.source}: {result.message}"
    return f"converted {done.source} -> {output} ({result.summary()}) in {done.seconds:.2f} s"
