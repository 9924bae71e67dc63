"""The ways `bench_pdfium.py` reads a file, and its cold child: one conversion in a fresh
interpreter that has imported nothing but what Python starts with when its clock starts.

    python benchmarks/ways.py WAY FILE      # prints {"imports": s, "first": s, "pages": n}

Why a module of its own: the benchmark's own imports (argparse, dataclasses, statistics,
subprocess, pathlib, json: some 20-30 ms, much of it what nianbao needs too) would otherwise be
in place before the clock starts, and left out of what a one-file process is said to pay.
Only `sys` and `time` are imported here at the top; each way imports what it needs inside.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def _nianbao(engine: str | None) -> Callable[[str], int]:
    """nianbao through its public face, as a library user calls it: `import nianbao`, then
    `nianbao.convert_document` (whose first call imports the pipeline, as it does for every
    user: with the cyclic collector paused) and `nianbao.to_json`. Another checkout's
    (`--today`) the same way."""
    import nianbao  # noqa: PLC0415

    pdf = nianbao.PdfOptions(pdf_engine=engine) if engine else None  # type: ignore[arg-type]
    options = nianbao.ConvertOptions(pdf=pdf) if pdf else None

    def run(path: str) -> int:
        report = nianbao.convert_document(path, options=options)
        nianbao.to_json(report)
        return report.source.pages or 0

    return run


def _pdf_floor(path: str) -> int:
    import pypdfium2  # noqa: PLC0415

    document = pypdfium2.PdfDocument(path)
    pages = len(document)
    for index in range(pages):
        page = document[index]
        text = page.get_textpage()
        text.get_text_range()
        text.close()
        page.close()
    document.close()
    return pages


def _docx_floor(path: str) -> int:
    import docx  # noqa: PLC0415

    body = docx.Document(path).element.body
    "".join(body.itertext())
    return 0


def _xlsx_floor(path: str) -> int:
    import openpyxl  # noqa: PLC0415

    workbook = openpyxl.load_workbook(path, data_only=True)
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    return 0


def _xls_floor(path: str) -> int:
    import xlrd  # noqa: PLC0415

    book = xlrd.open_workbook(path)
    for sheet in book.sheets():
        for row in range(sheet.nrows):
            sheet.row_values(row)
    return 0


def _html_floor(path: str) -> int:
    import lxml.html  # noqa: PLC0415

    with open(path, "rb") as handle:  # noqa: PTH123  # pathlib is not imported here
        "".join(lxml.html.document_fromstring(handle.read()).itertext())
    return 0


def _text_floor(path: str) -> int:
    with open(path, "rb") as handle:  # noqa: PTH123
        data = handle.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data.decode("gb18030", errors="replace")
    return 0


#: Per suffix: what the floor does, the library it imports first, and the reading itself.
FLOORS: dict[str, tuple[str, str | None, Callable[[str], int]]] = {
    ".pdf": ("pypdfium2 open + each page's text", "pypdfium2", _pdf_floor),
    ".docx": ("python-docx open + body text", "docx", _docx_floor),
    ".xlsx": ("openpyxl load + every value", "openpyxl", _xlsx_floor),
    ".xls": ("xlrd open + every value", "xlrd", _xls_floor),
    ".html": ("lxml parse + text", "lxml.html", _html_floor),
    ".htm": ("lxml parse + text", "lxml.html", _html_floor),
    ".txt": ("bytes decoded", None, _text_floor),
    ".md": ("bytes decoded", None, _text_floor),
}


def suffix(path: str) -> str:
    name = path.rpartition("/")[2]
    return "." + name.rpartition(".")[2].lower() if "." in name else ""


def way(name: str, path: str) -> Callable[[str], int]:
    """The way `name` ("nianbao", "floor", "pdfplumber", "today") reads `path`, its libraries
    imported ("today" is nianbao from another checkout, which the caller puts on the path)."""
    if name == "floor":
        _, library, run = FLOORS[suffix(path)]
        if library:
            __import__(library)
        return run
    return _nianbao("pdfplumber" if name == "pdfplumber" else None)


def cold_child(name: str, path: str) -> None:
    """One conversion in this fresh process: the imports it starts with, then the conversion
    (which pays whatever the code leaves to its first use: lazy imports, compiled patterns)."""
    start = time.perf_counter()
    run = way(name, path)
    imported = time.perf_counter()
    pages = run(path)
    end = time.perf_counter()
    print(f'{{"imports": {imported - start}, "first": {end - imported}, "pages": {pages}}}')


if __name__ == "__main__":
    cold_child(sys.argv[1], sys.argv[2])
