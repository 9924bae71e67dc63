"""Word documents: DOCX through python-docx's element tree; legacy .doc and .wps via LibreOffice.

python-docx's `Table.cell()` API repeats a merged cell in every grid position it covers, which
hides the spans, so tables are read from the XML: `w:gridSpan` is a column span, a `w:vMerge`
restart followed by continues is a row span, `w:gridBefore` shifts a row right.

Only the main document part is read, so page headers, footers, footnotes and comment texts never
reach the body. Inside a paragraph the instruction half of a field (`w:instrText`, or any run
between `fldChar begin` and `separate`) and deleted revisions (`w:del`) are skipped; inserted
revisions (`w:ins`) are kept, as Word shows them.

Origins: `ParagraphOrigin(paragraph=i)` where i counts the body's paragraphs and tables
together, in order; a table and each of its cells (and any table nested in them) carry the
index of the top-level table they belong to.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from nianbao.adapters._accepts import LEGACY_WORD_SUFFIXES, docx_accepts
from nianbao.adapters._damage import READER_ERRORS, ZIP_DAMAGE, refuse
from nianbao.adapters._layout import Para, Placed, assemble, check_zip, clean_text, make_table
from nianbao.adapters.base import Adapter, AdapterResult
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError, MissingDependencyError
from nianbao.schemas.model import Diagnostic, ParagraphOrigin, Table

if TYPE_CHECKING:
    from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Never descended into: deleted or moved-away text, field instructions, and the VML copy of a
# drawing that `mc:Choice` already holds.
_SKIP = frozenset(
    f"{_W}{tag}" for tag in ("del", "moveFrom", "instrText", "delInstrText", "pPr", "rPr")
) | {f"{_MC}Fallback"}
_TEXT = frozenset(f"{_W}{tag}" for tag in ("t", "tab", "br", "cr", "noBreakHyphen"))
# Wrappers that hold body-level content without being content themselves.
_WRAPPERS = frozenset(f"{_W}{tag}" for tag in ("sdt", "sdtContent", "customXml", "smartTag"))
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
#: Columns a table's spans may reach when its `w:tblGrid` declares fewer (Word's limit is 63).
_MIN_GRID = 64
_HUGE = 10**9
_SOFFICE_TIMEOUT = 180  # seconds; LibreOffice converts a report in a few


class DocxAdapter(Adapter):
    name: ClassVar[str] = "docx"
    priority: ClassVar[float] = 0.0

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return docx_accepts(head, info)

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        diagnostics: list[Diagnostic] = []
        if info.format in ("ole2", "rtf"):
            data = _convert_legacy(data, info)
            diagnostics.append(
                Diagnostic(
                    code="docx.converted",
                    severity="info",
                    message="legacy Word file converted to DOCX by LibreOffice; paragraph "
                    "numbers refer to the converted document",
                )
            )
        check_zip(data, info.name, required_prefix="word/", kind="DOCX")
        root, styles_root = _load(data, info)
        body = root.find(f"{_W}body")
        if body is None:
            raise DocumentLoadError("DOCX without a body (no w:body element)", source=info.name)
        styles = _heading_styles(styles_root)
        items: list[Para | Table] = []
        for index, element in enumerate(_body_elements(body)):
            origin = ParagraphOrigin(paragraph=index)
            if element.tag == f"{_W}p":
                text = clean_text(_paragraph_text(element))
                if text:
                    items.append(Para(text, origin, _heading_level(element, styles)))
            else:
                items.extend(_tables(element, origin, diagnostics))
        if not items:
            raise DocumentLoadError("DOCX contains no text and no tables", source=info.name)
        return AdapterResult(document=assemble(items), diagnostics=diagnostics)


def _load(data: bytes, info: InputInfo) -> tuple[Any, Any]:
    """The document's root element and its styles' root, through python-docx."""
    # Imported on first use: python-docx, openpyxl and lxml.html add ~250 ms to every start,
    # text inputs included; and a broken install then fails only this format, with advice.
    try:
        import docx  # noqa: PLC0415
        from docx.exceptions import PythonDocxError  # noqa: PLC0415
        from docx.opc.exceptions import PackageNotFoundError  # noqa: PLC0415
        from lxml import etree  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading DOCX needs python-docx and lxml ({exc}): pip install python-docx",
            source=info.name,
        ) from exc
    # python-docx's own errors for a damaged package, and the plain Python errors it lets out
    # of its readers (a content-types part with the wrong root element is an AttributeError).
    # Only library code runs in this `try`, so these cannot hide a bug of ours.
    damage = (
        PackageNotFoundError,
        PythonDocxError,
        etree.XMLSyntaxError,
        *ZIP_DAMAGE,
        *READER_ERRORS,
    )
    try:
        document = docx.Document(io.BytesIO(data))
        return document.element, document.styles.element
    except damage as exc:
        raise refuse("DOCX", exc, info.name) from exc


def _children(element: etree._Element) -> Iterator[etree._Element]:
    """The content children of `element`, looking through content controls and custom XML."""
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def _body_elements(body: etree._Element) -> Iterator[etree._Element]:
    return (el for el in _children(body) if el.tag in (f"{_W}p", f"{_W}tbl"))


def _paragraph_text(paragraph: etree._Element) -> str:
    out: list[str] = []
    _collect(paragraph, out, [])
    return "".join(out)


def _collect(element: etree._Element, out: list[str], fields: list[bool]) -> None:
    """Append the visible text under `element`. `fields` holds, per open complex field, whether
    we are still in its instruction half (between `begin` and `separate`); the field's
    characters sit in runs of their own, so runs are always entered and only text is held back."""
    for child in element:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == f"{_W}fldChar":
            kind = child.get(f"{_W}fldCharType")
            if kind == "begin":
                fields.append(True)
            elif kind == "separate" and fields:
                fields[-1] = False
            elif kind == "end" and fields:
                fields.pop()
        elif tag == f"{_W}p":  # a paragraph of a text box inside this one
            _collect(child, out, [])
            out.append("\n")
        elif tag not in _TEXT:
            _collect(child, out, fields)
        elif not any(fields):
            out.append(_leaf_text(child))


def _leaf_text(leaf: etree._Element) -> str:
    tag = leaf.tag
    if tag == f"{_W}t":
        return str(leaf.text or "")
    if tag == f"{_W}tab":
        return " "
    if tag == f"{_W}noBreakHyphen":
        return "-"
    if tag == f"{_W}br" and leaf.get(f"{_W}type") not in (None, "textWrapping"):
        return ""  # a page or column break is layout, not a line of text
    return "\n"


def _heading_styles(styles: etree._Element) -> dict[str, int]:
    """Heading level by style id: from the style's name (Heading 2, 标题 2) or its outline level,
    following `basedOn` so that a custom style derived from Heading 1 is a heading too."""
    own: dict[str, int | None] = {}
    based_on: dict[str, str] = {}
    for style in styles.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId") or ""
        name = style.find(f"{_W}name")
        match = _HEADING_STYLE.match(name.get(f"{_W}val", "") if name is not None else "")
        outline = style.find(f"{_W}pPr/{_W}outlineLvl")
        if match:
            own[style_id] = int(match.group(1))
        elif outline is not None:
            own[style_id] = _outline_level(outline)
        parent = style.find(f"{_W}basedOn")
        if parent is not None:
            based_on[style_id] = parent.get(f"{_W}val", "")
    levels: dict[str, int] = {}
    for style_id in set(own) | set(based_on):
        seen: set[str] = set()
        current: str | None = style_id
        while current is not None and current not in own and current not in seen:
            seen.add(current)
            current = based_on.get(current)
        level = own.get(current) if current is not None else None
        if level is not None:
            levels[style_id] = level
    return levels


def _outline_level(element: etree._Element) -> int | None:
    value = element.get(f"{_W}val", "9")
    # Level 9 is "body text"; 0..8 are heading levels 1..9.
    level = _number(value, 9)
    return level + 1 if level < 9 else None


def _heading_level(paragraph: etree._Element, styles: dict[str, int]) -> int | None:
    outline = paragraph.find(f"{_W}pPr/{_W}outlineLvl")
    if outline is not None:
        return _outline_level(outline)
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    return styles.get(style.get(f"{_W}val", "")) if style is not None else None


def _tables(
    tbl: etree._Element, origin: ParagraphOrigin, notes: list[Diagnostic] | None = None
) -> list[Table]:
    """The table, then every table nested in its cells, depth first. A `gridBefore` or
    `gridSpan` reaching past the table's grid (damage: `gridSpan="100000000000000000000"`) is cut
    back to the grid, said in `notes`; the grid is the table's `w:tblGrid`, or `_MIN_GRID`
    columns if it declares fewer."""
    notes = [] if notes is None else notes
    cells: list[Placed] = []
    nested: list[Table] = []
    open_at: dict[int, Placed] = {}  # by column: the cell a vMerge continue extends
    grid = max(sum(1 for _ in tbl.iterfind(f"{_W}tblGrid/{_W}gridCol")), _MIN_GRID)
    clamped = False
    rows = [tr for tr in _children(tbl) if tr.tag == f"{_W}tr" and not _deleted_row(tr)]
    for r, tr in enumerate(rows):
        col = _int_property(tr, "trPr/{w}gridBefore", 0)
        if col > grid:
            col, clamped = grid, True
        previous: Placed | None = None
        for tc in (el for el in _children(tr) if el.tag == f"{_W}tc"):
            span = max(_int_property(tc, "tcPr/{w}gridSpan", 1), 1)
            if col + span > grid and span > 1:
                span, clamped = max(grid - col, 1), True
            text = clean_text("\n".join(_cell_paragraphs(tc, origin, nested, notes)))
            v_merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            h_merge = tc.find(f"{_W}tcPr/{_W}hMerge")
            above = open_at.get(col)
            if v_merge is not None and v_merge.get(f"{_W}val") != "restart" and above is not None:
                above.row_span = r - above.row + 1
                if text:
                    above.text = f"{above.text}\n{text}" if above.text else text
            elif (
                h_merge is not None and h_merge.get(f"{_W}val") != "restart" and previous
            ):  # the legacy horizontal merge that Word 97 files converted to DOCX still carry
                previous.col_span += span
            else:
                previous = Placed(r, col, text, origin, col_span=span, header=_header_row(tr))
                cells.append(previous)
                for c in range(col, col + span):
                    open_at.pop(c, None)
                if v_merge is not None:
                    open_at[col] = previous
            col += span
    if clamped:
        notes.append(
            Diagnostic(
                code="table.span_clamped",
                severity="warning",
                message=f"a table's gridBefore or gridSpan reaches past its {grid} columns "
                "(a damaged file); cut back to the table's grid",
                origin=origin,
            )
        )
    return [make_table(cells, method="native", origin=origin), *nested]


def _cell_paragraphs(
    tc: etree._Element, origin: ParagraphOrigin, nested: list[Table], notes: list[Diagnostic]
) -> list[str]:
    """The cell's own paragraphs; a table inside the cell goes to `nested` as a table of its own,
    so its figures are read once, from it, and not again from the outer cell's text."""
    texts: list[str] = []
    for child in _children(tc):
        if child.tag == f"{_W}p":
            texts.append(_paragraph_text(child))
        elif child.tag == f"{_W}tbl":
            nested.extend(_tables(child, origin, notes))
    return texts


def _int_property(element: etree._Element, path: str, default: int) -> int:
    found = element.find(f"{_W}" + path.format(w=_W))
    return _number(found.get(f"{_W}val", "") if found is not None else "", default)


def _number(value: str, default: int) -> int:
    """A decimal attribute value, or `default`. ASCII digits only: `"²".isdigit()` is true and
    `int("²")` fails. Past nine digits it is damage, read as `_HUGE` for the caller to clamp."""
    if not (value.isascii() and value.isdigit()):
        return default
    return int(value) if len(value) <= 9 else _HUGE


def _deleted_row(tr: etree._Element) -> bool:
    return tr.find(f"{_W}trPr/{_W}del") is not None


def _header_row(tr: etree._Element) -> bool:
    """Rows marked to repeat at the top of each page are, by Word's own definition, headers."""
    mark = tr.find(f"{_W}trPr/{_W}tblHeader")
    return mark is not None and mark.get(f"{_W}val", "true") not in ("0", "false", "off")


def _convert_legacy(data: bytes, info: InputInfo) -> bytes:
    """A .doc or .wps converted to DOCX by LibreOffice, which reads both faithfully."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise MissingDependencyError(
            "legacy Word (.doc/.wps) files need LibreOffice to convert them: install it "
            "(Debian/Ubuntu: apt-get install libreoffice-writer) so that `soffice` is on PATH",
            source=info.name,
        )
    suffix = Path(info.name).suffix.lower()
    if info.format == "rtf" or suffix not in LEGACY_WORD_SUFFIXES:
        suffix = ".rtf" if info.format == "rtf" else ".doc"
    with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
        source = Path(tmp) / f"input{suffix}"
        source.write_bytes(data)
        # A private profile: a user's running LibreOffice would otherwise take the job over.
        profile = (Path(tmp) / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
        command += ["--convert-to", "docx", "--outdir", tmp, str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=_SOFFICE_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DocumentLoadError(
                f"LibreOffice did not convert it within {_SOFFICE_TIMEOUT} s", source=info.name
            ) from exc
        converted = Path(tmp) / "input.docx"
        if not converted.exists():
            raise DocumentLoadError(
                "LibreOffice could not convert this legacy Word file", source=info.name
            )
        return converted.read_bytes()
