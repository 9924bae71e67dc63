"""Start-up: what `import nianbao` and the command line load, and where a single conversion's
worker comes from. Timings are benchmarks/bench_startup.py's; these are the facts behind them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest

import nianbao
from nianbao.convert.options import Limits
from nianbao.convert.pipeline import convert_path
from nianbao.runtime.worker import Converted, WorkerPool
from nianbao.schemas.emit import to_json
from tests.conftest import ROOT, TEXT_SAMPLES

# What costs start-up time and no verb needs before it runs.
HEAVY = ("pydantic", "pdfplumber", "pypdfium2", "openpyxl", "rich", "watchdog", "pyarrow", "lxml")


def _loaded_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running `code`."""
    shown = f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    probe = f"{code}\nimport sys, json\n{shown}"
    out = _probe(probe)
    loaded: list[str] = json.loads(out.strip().splitlines()[-1])
    return loaded


def _probe(code: str) -> str:
    """What a fresh interpreter running `code` prints."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return out.stdout


def test_import_nianbao_loads_no_heavy_library() -> None:
    assert _loaded_after("import nianbao") == []


def test_the_command_line_loads_no_heavy_library_before_a_verb_runs() -> None:
    code = "from nianbao.cli import parser\nparser.build_parser().parse_args(['convert', 'x.txt'])"
    assert _loaded_after(code) == []


def test_the_first_conversion_loads_what_it_needs() -> None:
    # The laziness is real: the same probe sees pydantic once a report was made.
    code = f"import nianbao\nnianbao.convert_document({str(TEXT_SAMPLES[0])!r})"
    assert "pydantic" in _loaded_after(code)


def test_a_text_conversion_imports_no_other_formats_reader() -> None:
    # Issue 24, a cold first conversion: the registry imports an adapter only when it accepts
    # the input, so a text file's conversion pays for neither the PDF, DOCX and XLSX adapters
    # nor their libraries.
    readers = (
        "pdfplumber",
        "pdfminer",
        "pypdfium2",
        "openpyxl",
        "docx",
        "nianbao.adapters.pdf",
        "nianbao.adapters.docx",
        "nianbao.adapters.xlsx",
        "nianbao.adapters.image",
    )
    probe = (
        f"import sys, nianbao\nnianbao.convert_document({str(TEXT_SAMPLES[0])!r})\n"
        f"print(sorted(m for m in {readers!r} if m in sys.modules))"
    )
    assert _probe(probe).strip() == "[]"


def test_a_conversion_without_limits_leaves_the_worker_pool_unimported() -> None:
    # convert_document runs in this process unless limits ask for a worker: the pool
    # (multiprocessing, the runtime floor) is a cold start's cost for nothing then.
    probe = (
        f"import sys, nianbao\nnianbao.convert_document({str(TEXT_SAMPLES[0])!r})\n"
        "print(sorted(m for m in ('nianbao.runtime.pool', 'nianbao.runtime.worker', "
        "'multiprocessing') if m in sys.modules))"
    )
    out = _probe(probe)
    assert out.strip() == "[]"


def test_the_library_leaves_its_callers_collector_on_and_unfrozen() -> None:
    # convert_document imports the pipeline with the collector paused, but it is the
    # caller's process: the collector is on again after, and nothing of theirs frozen.
    probe = (
        f"import gc, nianbao\nnianbao.convert_document({str(TEXT_SAMPLES[0])!r})\n"
        "print(gc.isenabled(), gc.get_freeze_count())"
    )
    out = _probe(probe)
    assert out.split() == ["True", "0"]


#: What only pdfplumber's reading of a PDF needs: pdfplumber, pdfminer under it, and what
#: pdfminer imports (~30-40 ms and several MB of a cold first conversion).
PDFMINERS = ("pdfplumber", "pdfminer", "charset_normalizer", "cryptography")
HONGZE = ROOT / "samples" / "real" / "hongze-2024.pdf"


def _pdf_loads(
    pdf: Path = HONGZE, engine: str = "pdfium", modules: tuple[str, ...] = PDFMINERS
) -> list[str]:
    """Which of `modules` a fresh interpreter holds after converting `pdf` with `engine`."""
    probe = (
        "import sys, nianbao\n"
        f"options = nianbao.ConvertOptions(pdf=nianbao.PdfOptions(pdf_engine={engine!r}))\n"
        f"nianbao.convert_document({str(pdf)!r}, options=options)\n"
        f"print(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    )
    loaded: list[str] = json.loads(_probe(f"import json\n{probe}").strip().splitlines()[-1])
    return loaded


def test_a_pdf_conversion_leaves_chardet_unimported() -> None:
    # chardet is the text decoder's last resort; a PDF never reaches it.
    assert _pdf_loads(modules=("chardet",)) == []


@pytest.mark.parametrize(
    "pdf",
    [HONGZE, ROOT / "tests/fixtures/pdf/split-table.pdf"],
    ids=lambda p: p.name,
)
def test_a_pdf_pdfium_reads_whole_imports_neither_pdfplumber_nor_pdfminer(pdf: Path) -> None:
    # Issue 24, a cold first conversion: the tables' edges are merged by nianbao's own code
    # (`_pdf_edges`) and the error net asks only the libraries imported (`library_errors`).
    assert _pdf_loads(pdf) == []


def test_a_browser_print_decodes_its_lost_glyphs_with_pdfminer_alone() -> None:
    # pdfium's text page leaves out a Chromium print's lone spaces: pdfminer's fonts decode
    # them (`_pdfium_lost`), and pdfplumber is still not needed.
    loaded = _pdf_loads(ROOT / "tests/fixtures/pdf/chromium-print-no-tounicode.pdf")
    assert "pdfminer" in loaded
    assert "pdfplumber" not in loaded


def test_without_pdfplumber_a_pdf_pdfium_reads_whole_converts_and_a_lost_glyph_is_refused() -> None:
    # pdfplumber (with pdfminer) is a dependency, but only some pages need it: without it a
    # page that does is refused as a missing dependency (exit 5), never an ImportError (70).
    probe = textwrap.dedent(
        """
        import sys
        sys.modules["pdfminer"] = sys.modules["pdfplumber"] = None  # as if not installed
        import nianbao
        for name in ("split-table.pdf", "chromium-print-no-tounicode.pdf"):
            try:
                print(nianbao.convert_document("tests/fixtures/pdf/" + name).source.pages)
            except nianbao.NianbaoError as exc:
                print(type(exc).__name__, exc.exit_code, "pip install pdfplumber" in str(exc))
        """
    )
    assert _probe(probe).splitlines() == ["2", "MissingDependencyError 5 True"]


def test_the_pdfplumber_engine_imports_pdfplumber() -> None:
    assert "pdfplumber" in _pdf_loads(ROOT / "tests/fixtures/pdf/split-table.pdf", "pdfplumber")


def test_a_pdf_conversion_leaves_the_standard_xml_parser_unimported() -> None:
    # Its ParseError is damage only the XLSX reader (openpyxl) meets: asked for there.
    assert _pdf_loads(modules=("xml.etree.ElementTree",)) == []


def test_import_nianbao_leaves_tempfile_unimported() -> None:
    # tempfile (with shutil, ~8 ms) is imported where a temporary is made; importlib.abc,
    # which imports importlib.resources and tempfile, is not needed for _moved's finder.
    probe = (
        "import sys, nianbao\nprint([m for m in ('tempfile', 'importlib.abc') if m in sys.modules])"
    )
    assert _probe(probe).strip() == "[]"


def test_a_pdf_conversion_leaves_the_text_cleaner_unimported() -> None:
    # nianbao.text.clean compiles a dozen patterns for web text at import (~3 ms): only the
    # text, HTML and DOCX readers use it.
    assert _pdf_loads(modules=("nianbao.text.clean",)) == []


def test_the_command_lines_imports_are_frozen_and_the_collector_left_on() -> None:
    # `nianbao convert` imports the pipeline without the cyclic collector and freezes what it
    # imported; collection must be on again after, or a long batch or hot folder would keep
    # every cycle it ever made.
    probe = textwrap.dedent(
        """
        import gc
        from nianbao.runtime.startup import lasting_imports
        with lasting_imports(freeze=True):
            assert not gc.isenabled()
            import nianbao.convert.pipeline
        print(gc.isenabled(), gc.get_freeze_count() > 0)
        """
    )
    out = _probe(probe)
    assert out.split() == ["True", "True"]


def test_lazy_names_are_the_real_ones_and_convert_is_the_package() -> None:
    from nianbao.schemas.model import Report  # noqa: PLC0415

    assert nianbao.Report is Report
    assert isinstance(nianbao.convert, types.ModuleType)
    assert nianbao.convert.__name__ == "nianbao.convert"
    assert nianbao.convert_document.__module__ == "nianbao"
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = nianbao.no_such_name


def parent_pid(path: Path) -> Converted:
    """A worker's work for these tests: whose child the worker is."""
    return Converted(text=str(os.getppid()))


def test_a_single_conversion_forks_its_worker_from_this_process() -> None:
    # In a fresh interpreter: whether a fork is safe depends on the threads a process runs, and
    # this one's may run some, left by other tests' clusters and observers.
    script = textwrap.dedent(
        """
        import os
        from pathlib import Path
        from nianbao.convert.options import Limits
        from nianbao.runtime.worker import WorkerPool
        from tests.test_startup import parent_pid

        with WorkerPool(1, Limits(seconds=30), parent_pid, fork_here=True) as pool:
            outcome = pool.run_one(Path("unused"))
        print(os.getpid(), outcome.result.text)
        """
    )
    here, workers_parent = _probe(script).split()
    assert workers_parent == here


def test_with_another_thread_running_the_worker_comes_from_the_forkserver() -> None:
    # A fork would copy any lock the other thread holds, held forever in the child.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with WorkerPool(1, Limits(seconds=30), parent_pid, fork_here=True) as pool:
            outcome = pool.run_one(Path("unused"))
    finally:
        stop.set()
        other.join()
    assert outcome is not None and isinstance(outcome.result, Converted)
    assert outcome.result.text != str(os.getpid())


def test_a_forked_worker_gives_the_report_an_in_process_conversion_gives() -> None:
    limited = nianbao.convert_document(
        TEXT_SAMPLES[4], options=nianbao.ConvertOptions(limits=Limits(seconds=60))
    )
    assert to_json(limited) == to_json(convert_path(TEXT_SAMPLES[4]))


def test_a_forked_worker_dies_with_its_parent(tmp_path: Path) -> None:
    pid_file = tmp_path / "worker.pid"
    script = textwrap.dedent(
        f"""
        import os, time
        from pathlib import Path
        from nianbao.convert.options import Limits
        from nianbao.runtime.worker import Converted, WorkerPool

        def hang(path):
            Path({str(pid_file)!r}).write_text(str(os.getpid()))
            time.sleep(600)
            return Converted(text="")

        with WorkerPool(1, Limits(seconds=0, memory=0), hang, fork_here=True) as pool:
            pool.run_one(Path("x"))
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the worker never started"
            time.sleep(0.05)
        worker = int(pid_file.read_text())
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(worker):
        os.kill(worker, signal.SIGKILL)  # the test's own leftover, by its pid
        pytest.fail("the forked worker outlived its parent")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead: reaped by init eventually, it converts nothing.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def test_a_process_large_beside_the_memory_limit_gets_its_worker_from_the_forkserver() -> None:
    # A fork inherits the address space the limit counts: 300 MiB held here would leave a
    # 1 GiB conversion too little, as a notebook that loaded a model would leave it nothing.
    script = textwrap.dedent(
        """
        import os
        from pathlib import Path
        from nianbao.convert.options import Limits
        from nianbao.runtime.worker import WorkerPool
        from tests.test_startup import parent_pid

        held = bytearray(300 * 2**20)
        with WorkerPool(1, Limits(seconds=30, memory=2**30), parent_pid, fork_here=True) as pool:
            outcome = pool.run_one(Path("unused"))
        print(os.getpid(), outcome.result.text)
        """
    )
    here, workers_parent = _probe(script).split()
    assert workers_parent != here


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_asks_the_kernel_to_kill_it_with_its_parent() -> None:
    # libc's prctl is found in the running program's own symbols, not by `ldconfig -p` in a
    # subprocess at every worker's start; the death signal must still be set.
    probe = textwrap.dedent(
        """
        import ctypes, multiprocessing, signal
        from nianbao.runtime.worker import _die_with_parent
        lifeline, held = multiprocessing.Pipe(duplex=False)  # `held` open: no end of life
        _die_with_parent(lifeline)
        libc = ctypes.CDLL(None, use_errno=True)
        found = ctypes.c_int()
        libc.prctl(2, ctypes.byref(found), 0, 0, 0)  # PR_GET_PDEATHSIG
        print(found.value == signal.SIGKILL)
        """
    )
    out = _probe(probe)
    assert out.strip() == "True"
