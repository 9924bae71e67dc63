"""PDF: text in reading order, ruled tables with their spans, tables across pages joined.

Each page's characters, lines and rectangles are read by pdfium (`_pdfium`, the default) or by
pdfplumber (`_pdf_page.plumber_page`, `PdfOptions(pdf_engine="pdfplumber")`); everything after
is the same code for both. A page pdfium cannot read whole goes to pdfplumber (`_pdf_open`).

A page without a text layer (a scan) is rendered and read by OCR (`_ocr`, with the
`nianbao[ocr]` extra): its characters and the cells of its ruled tables, found from the lines in
the image (`_image_tables`), go through the same table and text code as a text layer's, so a
mixed PDF reads each page the way that fits it. Without the extra a scan is reported as
`pdf.no_text_layer`. Pages are read one at a time and their caches dropped, so memory stays flat
on long reports and a caller's time limit can stop between pages.

    page -> characters (duplicates from fake bold removed, unmapped glyphs counted and dropped)
         -> tables from ruling lines (`_pdf_lattice`, `_pdf_tables`), frames around prose rejected,
            a page's layout frame (a browser's print of a page laid out in a bordered table)
            taken apart into its text and the tables inside it (`_pdf_frames`),
            tables a page break cut (a browser's print) closed there, a table the page's side
            cut kept to its columns within the page and said so (`_pdf_cuts`)
         -> the other characters as lines (`_pdf_text`), headers/footers/page numbers dropped
            (a line the page's side cuts through ends its paragraph there, a number at the cut
            left out: `_pdf_text.Edges`)
    all pages -> a table ending one page and one starting the next joined when columns line up
              -> lines into paragraphs (also across page breaks) -> headings by numbering/font
              -> blocks through the same title and heading rules as every other adapter

Origins: `PageOrigin(page, bbox)` for blocks and cells, bbox as (x0, top, x1, bottom) in
points from the page's top left, rounded to 0.1; `PagesOrigin` for a table or paragraph that
runs over a page break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from nianbao.adapters import effort
from nianbao.adapters._accepts import pdf_accepts
from nianbao.adapters._layout import Para, assemble
from nianbao.adapters._pdf_camelot import camelot_boxes, flip
from nianbao.adapters._pdf_cuts import (
    Cut,
    Sides,
    cut_at_side,
    open_cells,
    page_cuts,
    side_rules,
)
from nianbao.adapters._pdf_fonts import font_unicode_diagnostic
from nianbao.adapters._pdf_frames import (
    Place,
    by_frame_cell,
    frame_lines,
    table_places,
    take_apart,
)
from nianbao.adapters._pdf_lattice import Lattice
from nianbao.adapters._pdf_open import Library, Reader
from nianbao.adapters._pdf_page import PageRead
from nianbao.adapters._pdf_ruling import (
    Rule,
    closing_rules,
    open_bands,
    stray_lines,
    vertical_rules,
)
from nianbao.adapters._pdf_scans import INSTALL_HINT
from nianbao.adapters._pdf_scans import Scans as _Scans
from nianbao.adapters._pdf_tables import (
    BBox,
    RawTable,
    accept,
    join,
    mark_headers,
    to_model,
)
from nianbao.adapters._pdf_text import (
    Body,
    Char,
    Paragraph,
    TextLine,
    dedupe,
    furniture,
    is_heading,
    is_unmapped,
    join_pieces,
    starts_paragraph,
)
from nianbao.adapters._pdf_unicode_maps import outside_map_diagnostic
from nianbao.adapters.base import AdapterResult, GroupAdapter
from nianbao.adapters.pdf_options import PdfOptions
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Diagnostic, PageOrigin, PagesOrigin, Table, TableMethod

if TYPE_CHECKING:
    from nianbao.adapters._ocr import OcrPage

_SCAN_MAX_CHARS = 20  # a page with no more text than this over a full-page picture is a scan
_STRAY_SHOWN = 200  # characters of a table's stray text quoted in its diagnostic
_CUT_SHOWN = 12  # characters of a cut line's end quoted
_CUT_LINES_SHOWN = 5  # cut lines quoted


@dataclass
class _Page:
    number: int
    height: float
    lines: list[TextLine]
    tables: list[RawTable]
    diagnostics: list[Diagnostic]
    ocr: bool = False
    # Lines and tables inside a layout frame's cell, by `id`: read with that cell (`_pdf_frames`)
    places: dict[int, Place] = field(default_factory=dict)
    past: int = 0  # characters of its lines lying past the page's side, in part or whole

    def order(self, item: TextLine | RawTable) -> tuple[float, float, float]:
        """Reading order: by the frame cell an item lies in (top, then left), then its top."""
        top = _top(item)
        return (*self.places.get(id(item), (top, 0.0)), top)


class PdfAdapter(GroupAdapter[PdfOptions]):
    name: ClassVar[str] = "pdf"
    group: ClassVar[str] = "pdf"
    priority: ClassVar[float] = 0.0

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return pdf_accepts(head, info)

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        pages, diagnostics = self._read_pages(data, info)
        scanned = [p.number for p in pages if p.ocr]
        n_pages = len(pages)
        _drop_furniture(pages)
        items = _join_tables(pages)
        del pages  # `items` holds the lines and tables now: `_items` lets each go as it is made
        document = assemble(_items(items))
        return AdapterResult(
            document=document,
            diagnostics=diagnostics,
            pages=n_pages,
            ocr_pages=scanned or None,
        )

    def _read_pages(self, data: bytes, info: InputInfo) -> tuple[list[_Page], list[Diagnostic]]:
        engine = self.options.table_engine
        camelot_tables = camelot_boxes(data, engine, info.name) if engine != "pdfplumber" else None
        method: TableMethod = "stream" if engine == "camelot-stream" else "ruled"
        # each page made into lines and tables as it is read, its characters let go: memory
        # bounded by the page, not the document; a scanned page: its number and its OCR
        read: list[_Page | tuple[int, OcrPage]] = []
        unmapped: dict[int, int] = {}
        glyphs = _Glyphs()
        scanned: list[int] = []
        total = 0
        ocr = _Scans(data, info, self.options.ocr_dpi, enabled=self.options.ocr)
        library = Library(info)
        reader = Reader(data, info, library, pdfium=self.options.pdf_engine == "pdfium")
        # Only the PDF libraries' calls are inside their net (`Library`, in `Reader`): what
        # is made of the pages they read is ours, and an error in it is a bug (exit 70), never
        # passed off as a damaged PDF.
        try:
            with reader:
                total = len(reader)
                effort.pages_ahead(min(total, self.options.max_pages or total))
                for index in range(min(total, self.options.max_pages or total)):
                    page = reader.page(index)
                    glyphs.take(page)
                    chars = _chars(page, unmapped)
                    if _is_scan(page, chars):
                        scan = ocr.page(page.number)
                        if scan is not None:
                            read.append((page.number, scan))
                            continue
                        scanned.append(page.number)
                    sides = Sides.of(page.edges, page.sides(), page.area)
                    edges, rules, cuts = _ruling(page, chars, sides, cuts=camelot_tables is None)
                    boxes = (
                        [flip(b, page.height) for b in camelot_tables.get(page.number, [])]
                        if camelot_tables is not None
                        else _ruled_boxes(edges, rules, chars, cuts)
                    )
                    read_page = _Read(
                        page.number,
                        page.height,
                        chars,
                        boxes,
                        rules,
                        cuts,
                        sides,
                    )
                    read.append(_page(read_page, method))
        finally:
            ocr.close()
        pages = [r if isinstance(r, _Page) else scanned_page(*r) for r in read]
        if not pages:
            raise DocumentLoadError("PDF has no pages", source=info.name)
        diagnostics = _diagnostics(unmapped, scanned, len(pages), ocr_off=not self.options.ocr)
        diagnostics.extend(glyphs.diagnostics())
        diagnostics.extend(ocr.diagnostics())
        diagnostics.extend(_of_pages(pages))
        if (warned := library.warnings_diagnostic()) is not None:
            diagnostics.append(warned)
        if total > len(pages):
            diagnostics.append(
                Diagnostic(
                    code="pdf.truncated",
                    severity="warning",
                    message=f"read the first {len(pages)} of {total} pages (max_pages)",
                    origin=PagesOrigin(pages=list(range(len(pages) + 1, total + 1))),
                )
            )
        return pages, diagnostics


@dataclass
class _Read:
    """What the PDF library read of one page."""

    number: int
    height: float
    chars: list[Char]
    boxes: list[list[BBox]]
    rules: list[Rule]
    cuts: list[Cut]  # where a page break cut a table (a browser's print)
    sides: Sides  # where the page's sides are, and the rules across that run past them


def _page(read: _Read, method: TableMethod) -> _Page:
    """One page's tables (frames around prose rejected) and the lines of everything else."""
    return page_of(
        read.number, read.height, read.chars, read.boxes, method, read.rules, read.cuts, read.sides
    )


def page_of(  # noqa: PLR0917
    number: int,
    height: float,
    chars: list[Char],
    boxes: list[list[BBox]],
    method: TableMethod,
    rules: list[Rule],
    cuts: list[Cut] | None = None,
    sides: Sides | None = None,
) -> _Page:
    """A page from its characters and its tables' cell boxes, whatever read them."""
    tables: list[RawTable] = []
    cut_off: list[Diagnostic] = []
    framed = take_apart(boxes, chars, number, method)
    for table in framed.tables:
        if not accept(table):
            continue
        if sides is not None and (diagnostic := cut_at_side(table, sides, chars)) is not None:
            cut_off.append(diagnostic)
            if not accept(table):
                continue
        tables.append(table)
    for table in tables:
        mark_headers(table)
        if cuts:
            open_cells(table, cuts, chars)
    taken = set().union(*(t.consumed for t in tables))
    for table in tables:
        table.consumed = set()  # the page's characters are let go: their ids mean nothing now
    left = [c for c in chars if id(c) not in taken]
    edges = sides.edges if sides is not None else None
    past = edges.past(left) if edges is not None else 0
    # what a frame's cells hold is its text, not a table's stray text
    left, in_frames = by_frame_cell(framed.frame_cells, left)
    # on a page in a frame, the rules that run on past a table's end are the frame's walls,
    # which run down the page: what lies between them is the frame's text, not an open row
    walls = [] if framed.frame_cells else rules
    diagnostics = [d for t in tables if (d := _stray_text(t, left, walls)) is not None]
    diagnostics.extend(cut_off)
    # a page with nothing past its sides (most) has no line to cut: no line looks
    lines, places = frame_lines(left, in_frames, number, edges if past else None)
    places.update(table_places(framed.frame_cells, tables))
    return _Page(number, height, lines, tables, diagnostics, places=places, past=past)


def scanned_page(number: int, read: OcrPage) -> _Page:
    """A page read by OCR, built like any other; a cell showing ink that OCR read nothing from
    is kept empty with confidence 0, never passed off as blank."""
    out = page_of(number, read.height, read.chars, read.tables, "ruled", [])
    out.ocr = True
    for table in out.tables:
        for cell in table.cells:
            if not cell.text and read.unread(cell.bbox):
                cell.confidence = 0.0
    return out


def _stray_text(table: RawTable, chars: list[Char], rules: list[Rule]) -> Diagnostic | None:
    """Text inside the table's rules that no cell took goes on as prose; a row's figures must
    not vanish into it unsaid. The rules are the table's outer ones: a row whose column rules
    are missing could not be closed, and is what this is for."""
    bands = open_bands(table.bbox, rules)
    lines = stray_lines(table.bbox, bands, chars, table.pages[0])
    if not lines:
        return None
    shown = " / ".join(line.text for line in lines)
    shown = shown if len(shown) <= _STRAY_SHOWN else shown[:_STRAY_SHOWN] + "…"
    return Diagnostic(
        code="table.text_outside_cells",
        severity="warning",
        message=f"text within the rules of a table on page {table.pages[0]} is in no cell: "
        f"it was read as prose, and the table lacks it: {shown}",
        origin=PageOrigin(
            page=table.pages[0],
            bbox=(
                round(min(line.x0 for line in lines), 1),
                round(min(line.top for line in lines), 1),
                round(max(line.x1 for line in lines), 1),
                round(max(line.bottom for line in lines), 1),
            ),
        ),
    )


def _is_scan(page: PageRead, chars: list[Char]) -> bool:
    """No text layer: no characters at all, or a few (a stamp, a caption) on a page that is
    mostly one picture."""
    if len(chars) > _SCAN_MAX_CHARS:
        return False
    area = page.width * page.height
    pictures = [(x1 - x0) * (bottom - top) for x0, top, x1, bottom in page.pictures]
    return any(p >= 0.5 * area for p in pictures) or (not chars and bool(pictures))


def _chars(page: PageRead, unmapped: dict[int, int]) -> list[Char]:
    """The page's characters, fake-bold duplicates merged and unmapped glyphs left out."""
    chars: list[Char] = []
    for char in dedupe(page.chars):
        if is_unmapped(char):
            unmapped[page.number] = unmapped.get(page.number, 0) + 1
        else:
            chars.append(char)
    return chars


def _ruling(
    page: PageRead, chars: list[Char], sides: Sides, *, cuts: bool
) -> tuple[list[dict[str, Any]], list[Rule], list[Cut]]:
    """The page's edges, with the outer rules its `sides` took away drawn again (`side_rules`);
    its vertical rules; where a page break cut a table, when `cuts`."""
    edges = [*page.edges, *side_rules(page.edges, sides)]
    return edges, vertical_rules(edges), page_cuts(edges, chars) if cuts else []


def _ruled_boxes(
    edges: list[dict[str, Any]], rules: list[Rule], chars: list[Char], cuts: list[Cut]
) -> list[list[BBox]]:
    """The tables pdfplumber's table finder sees in the page's edges. A table whose row at the
    page's foot (or head) was left open, or that a page break `cuts`, is found again with the
    rule that closes it."""
    lattice = Lattice(edges)
    tables = lattice.tables()
    closing = [line for cells in tables for line in closing_rules(cells, rules, chars)]
    closing += [cut.line() for cut in cuts]
    if closing:
        tables = lattice.tables(closing)
    return tables


def _diagnostics(
    unmapped: dict[int, int], no_text: list[int], n_pages: int, *, ocr_off: bool = False
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if unmapped:
        pages = sorted(unmapped)
        out.append(
            Diagnostic(
                code="pdf.unmapped_glyphs",
                severity="warning",
                message=f"{sum(unmapped.values())} characters have no Unicode mapping in their "
                f"font and were left out (pages {', '.join(map(str, pages))}); labels "
                "may be missing characters",
                origin=PagesOrigin(pages=pages),
            )
        )
    if no_text:
        scope = "any page" if len(no_text) == n_pages else f"pages {', '.join(map(str, no_text))}"
        out.append(
            Diagnostic(
                code="pdf.no_text_layer",
                severity="warning",
                message=f"no text layer on {scope}: scanned images, "
                + (
                    "left unread as asked (OCR turned off)"
                    if ocr_off
                    else f"not read without OCR ({INSTALL_HINT})"
                )
                + ", so their text and tables are missing from the report",
                origin=PagesOrigin(pages=no_text),
            )
        )
    return out


def _of_pages(pages: list[_Page]) -> list[Diagnostic]:
    """What the pages say: each page's own, then the text past their sides, said once."""
    out = [d for p in pages for d in p.diagnostics]
    if (cut_text := text_past_sides(pages)) is not None:
        out.append(cut_text)
    return out


def text_past_sides(pages: list[_Page]) -> Diagnostic | None:
    """Said once: the characters of text lines lying past a page's side, and the lines the
    side cut through (their text ends there, a number at the cut left out)."""
    past = {p.number: p.past for p in pages if p.past}
    cut = [line for p in pages for line in p.lines if line.cut]
    if not past and not cut:
        return None
    pages_named = sorted({*past, *(line.page for line in cut)})
    shown = " / ".join(
        f"page {line.page}: …{line.text[-_CUT_SHOWN:]}" for line in cut[:_CUT_LINES_SHOWN]
    )
    more = f" and {len(cut) - _CUT_LINES_SHOWN} more" if len(cut) > _CUT_LINES_SHOWN else ""
    message = (
        f"text runs past the page's side (pages {', '.join(map(str, pages_named))}): "
        f"characters past it, in part or whole: {sum(past.values())} (what lies wholly past "
        "it is read as the PDF holds it)"
    )
    if cut:
        message += (
            f"; lines that reach past it: {len(cut)} (a browser's print of a page wider than "
            "the paper leaves out what lies beyond): each ends its paragraph there, and a "
            "number the side cuts through, which may go on past it, is left out: "
            f"{shown}{more}"
        )
    return Diagnostic(
        code="pdf.text_cut_at_page_edge",
        severity="warning",
        message=message,
        origin=PagesOrigin(pages=pages_named),
    )


@dataclass
class _Glyphs:
    """What pdfium read of the pages' glyphs that is said once, by page."""

    lone: dict[int, int] = field(default_factory=dict)  # lone surrogates made U+FFFD
    from_font: dict[int, int] = field(default_factory=dict)  # Unicode their font's own
    outside_map: dict[int, int] = field(default_factory=dict)  # Unicode their map lacks

    def take(self, page: PageRead) -> None:
        for counts, n in (
            (self.lone, page.lone_surrogates),
            (self.from_font, page.font_unicode),
            (self.outside_map, page.outside_map),
        ):
            if n:
                counts[page.number] = n

    def diagnostics(self) -> list[Diagnostic]:
        out = _lone_surrogates(self.lone)
        for said in (
            font_unicode_diagnostic(self.from_font),
            outside_map_diagnostic(self.outside_map),
        ):
            if said is not None:
                out.append(said)
        return out


def _lone_surrogates(lone: dict[int, int]) -> list[Diagnostic]:
    if not lone:
        return []
    pages = sorted(lone)
    return [
        Diagnostic(
            code="pdf.lone_surrogates",
            severity="warning",
            message="characters their font maps to half a surrogate pair, which is no "
            f"character, read as U+FFFD: {sum(lone.values())} (pages {', '.join(map(str, pages))})",
            origin=PagesOrigin(pages=pages),
        )
    ]


def _drop_furniture(pages: list[_Page]) -> None:
    drop = furniture([p.lines for p in pages], [p.height for p in pages])
    for page in pages:
        page.lines = [line for line in page.lines if id(line) not in drop]


def _join_tables(pages: list[_Page]) -> list[TextLine | RawTable]:
    """Lines and tables of all pages in reading order, a table that runs on from the bottom of
    one page to the top of the next joined into one."""
    items: list[TextLine | RawTable] = []
    for page in pages:
        ordered: list[TextLine | RawTable] = [*page.lines, *page.tables]
        ordered.sort(key=page.order)
        if (
            ordered
            and items
            and isinstance(items[-1], RawTable)
            and isinstance(ordered[0], RawTable)
        ):
            # Nothing but page furniture between them: the table runs on.
            joined = join(items[-1], ordered[0])
            if joined is not None:
                items[-1] = joined
                ordered = ordered[1:]
        items.extend(ordered)
    return items


def _top(item: TextLine | RawTable) -> float:
    return item.top if isinstance(item, TextLine) else item.bbox[1]


def _items(items: list[TextLine | RawTable]) -> list[Para | Table]:
    """Paragraphs from runs of lines; tables as they are.

    `items` is emptied as it is read, each line and table let go once its model is made: the
    models of a long document's cells take more memory than anything else in it, and the raw
    lines and tables would otherwise stay alive beside them all (a 2,000-page PDF: 70 MB)."""
    body = Body.of([item for item in items if isinstance(item, TextLine)])
    out: list[Para | Table] = []
    run: list[TextLine] = []
    items.reverse()  # taken from the end, in reading order
    while items or run:
        item = items.pop() if items else None  # None: the end of the last run
        if isinstance(item, TextLine) and (
            not run
            or not starts_paragraph(run[-1], item, body, same_page=run[-1].page == item.page)
        ):
            run.append(item)
            continue
        if run:
            out.append(_para(run, body))
        run = [item] if isinstance(item, TextLine) else []
        if isinstance(item, RawTable):
            out.append(to_model(item))
    return out


def _para(lines: list[TextLine], body: Body) -> Para:
    paragraph = Paragraph(
        lines, join_pieces(line.text for line in lines), all(line.heading_font for line in lines)
    )
    pages = sorted({line.page for line in lines})
    origin: PageOrigin | PagesOrigin = (
        PageOrigin(
            page=pages[0],
            bbox=(
                round(min(line.x0 for line in lines), 1),
                round(min(line.top for line in lines), 1),
                round(max(line.x1 for line in lines), 1),
                round(max(line.bottom for line in lines), 1),
            ),
        )
        if len(pages) == 1
        else PagesOrigin(pages=pages)
    )
    level = 1 if is_heading(paragraph, body) else None
    if isinstance(origin, PageOrigin):
        # What a figure read from the paragraph needs: how sure its digits are.
        numbered = [line for line in lines if any(ch.isdigit() for ch in line.text)] or lines
        scores = [line.confidence for line in numbered if line.confidence is not None]
        origin.confidence = min(scores) if scores else None
    return Para(paragraph.text, origin, level)
