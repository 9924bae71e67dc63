"""The canonical report: pydantic models that are the single source of truth for the JSON Schema.

This module imports nothing else from nianbao, so every other layer can depend on it.
`nianbao/schemas/report.schema.json` is generated from `Report` (see `nianbao.schemas.validation`).

Every block, table cell and figure carries an `Origin` saying where in the input it came from.
Origins are a tagged union: one small shape per kind of input position.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_NAME = "nianbao.report"
SCHEMA_MAJOR = 1
SCHEMA_TAG = f"{SCHEMA_NAME}/{SCHEMA_MAJOR}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)

    @classmethod
    def lean(cls, **fields: Any) -> Self:
        """The model made from `fields` less those equal to their defaults: the same model and
        the same JSON, but pydantic keeps with each instance the set of names it was given, and
        four names fit its smallest set (216 bytes) where seven take 728: on a 2,000-page PDF's
        100,000 table cells, 50 MB. For the models made by the hundred thousand."""
        for name, default in _defaults(cls).items():
            if name in fields:
                value = fields[name]
                if value is default or (type(value) is type(default) and value == default):
                    del fields[name]
        return cls(**fields)


@cache
def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    """The fields that have a default, with it: read once per model, as `lean` runs per figure
    and per table cell."""
    return {
        name: info.default for name, info in model.model_fields.items() if not info.is_required()
    }


# --- origins ---------------------------------------------------------------------------------


class LineOrigin(_Model):
    """Lines of a decoded text input, 1-based and inclusive."""

    kind: Literal["lines"] = "lines"
    line_start: int = Field(ge=1)
    line_end: int = Field(ge=1)


class PageOrigin(_Model):
    """A region on a page of a paged input (PDF, image), in PDF points from the top-left corner."""

    kind: Literal["page"] = "page"
    page: int = Field(ge=1)
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        exclude_if=lambda v: v is None,
        description="Where the text was read by OCR from a page image: the lowest probability "
        "the recogniser gave any of its characters (of a paragraph: of its digits, where it has "
        "any; 0 where a cell shows ink but nothing was read); absent for a text layer's text",
    )


class PagesOrigin(_Model):
    """Something spanning several pages, such as a table continued on the next page."""

    kind: Literal["pages"] = "pages"
    pages: list[int] = Field(min_length=1)


class ParagraphOrigin(_Model):
    """A paragraph of a word-processing document, counted from 0 in body order."""

    kind: Literal["paragraph"] = "paragraph"
    paragraph: int = Field(ge=0)


class SheetOrigin(_Model):
    """A cell range of a spreadsheet, in A1 notation."""

    kind: Literal["sheet"] = "sheet"
    sheet: str
    cell_range: str


class ElementOrigin(_Model):
    """An element of a markup document, as a simple path such as `body/table[2]/tr[3]/td[1]`."""

    kind: Literal["element"] = "element"
    path: str


class TableCellOrigin(_Model):
    """A cell of one of this report's tables: `document.tables[table]`, at row and col."""

    kind: Literal["table_cell"] = "table_cell"
    table: int = Field(ge=0)
    row: int = Field(ge=0)
    col: int = Field(ge=0)


class TextSpanOrigin(_Model):
    """Characters `start`..`end` (end exclusive) of the text of `document.blocks[block]`."""

    kind: Literal["text_span"] = "text_span"
    block: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)


Origin = Annotated[
    LineOrigin
    | PageOrigin
    | PagesOrigin
    | ParagraphOrigin
    | SheetOrigin
    | ElementOrigin
    | TableCellOrigin
    | TextSpanOrigin,
    Field(discriminator="kind"),
]

#: An origin that is a place in the input itself, not a pointer into the report's document (a
#: table cell, a span of a block): where a reader looks to see what was printed.
Place = Annotated[
    LineOrigin | PageOrigin | PagesOrigin | ParagraphOrigin | SheetOrigin | ElementOrigin,
    Field(discriminator="kind"),
]

_PLACE = (
    "Where in the input it was printed: the page and box, the lines, the sheet and cell, the "
    "paragraph or the element that `origin` points to (the line of a block's span where the "
    "block keeps its line breaks); null where the pointer leads nowhere"
)


# --- source and diagnostics ------------------------------------------------------------------


EncodingMethod = Literal["bom", "declared", "utf-8", "detected", "utf-16-pattern", "override"]


class EncodingInfo(_Model):
    """How the bytes of a text input were decoded, and how sure we are."""

    name: str = Field(description="Python codec name, e.g. utf-8, gb18030, utf-16-le")
    confidence: float = Field(ge=0.0, le=1.0)
    method: EncodingMethod


class Source(_Model):
    name: str = Field(description="File name of the input, without its directory")
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)
    media_type: str
    format: str = Field(description="Format sniffed from the bytes: text, html, pdf, docx, ...")
    adapter: str = Field(description="Name of the adapter that read the input")
    encoding: EncodingInfo | None = None
    pages: int | None = Field(default=None, ge=0)
    ocr_pages: list[int] | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="The pages read by OCR from their images (scans without a text layer, "
        "image files); absent when none was",
    )


Severity = Literal["info", "warning", "error"]


class Diagnostic(_Model):
    """A recoverable problem found in the input, or a repair made to it. Codes are stable."""

    code: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", examples=["table.reconstructed"])
    severity: Severity
    message: str
    origin: Origin | None = None


# --- document --------------------------------------------------------------------------------

TableMethod = Literal[
    "native",
    "ruled",
    "stream",
    "pipe-rows",
    "markdown",
    "tab-cells",
    "cell-per-line",
    "html",
    "sheet",
]


class TableCell(_Model):
    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1)
    col_span: int = Field(default=1, ge=1)
    text: str
    header: bool = False
    origin: Origin


class Table(_Model):
    """A table as explicit cells with spans; the dense grid is derived (`grid()`), not stored."""

    n_rows: int = Field(ge=0)
    n_cols: int = Field(ge=0)
    caption: str | None = None
    method: TableMethod = Field(description="How the table was obtained from the input")
    confidence: float = Field(ge=0.0, le=1.0)
    cells: list[TableCell]
    origin: Origin
    cut_off: Literal["left", "right", "both"] | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="The side of the page that cut the table (a browser's print of a page "
        "wider than the paper): its columns past that side are not in the input",
    )

    def grid(self) -> list[list[TableCell | None]]:
        """The dense n_rows x n_cols grid, each position holding the cell that covers it."""
        n_rows, n_cols = self.n_rows, self.n_cols
        rows: list[list[TableCell | None]] = [[None] * n_cols for _ in range(n_rows)]
        for cell in self.cells:
            row, col = cell.row, cell.col
            if cell.row_span == 1 and cell.col_span == 1:  # most cells: one slot, no loops
                if row < n_rows and col < n_cols:
                    rows[row][col] = cell
                continue
            for r in range(row, min(row + cell.row_span, n_rows)):
                for c in range(col, min(col + cell.col_span, n_cols)):
                    rows[r][c] = cell
        return rows


BlockKind = Literal["title", "heading", "paragraph", "list_item", "table"]


class Block(_Model):
    kind: BlockKind
    text: str = Field(description="The block's text; for a table, its caption or empty")
    level: int | None = Field(default=None, ge=1, description="Heading depth, 1 = 一、")
    table: int | None = Field(default=None, ge=0, description="Index into document.tables")
    origin: Origin


class Publication(_Model):
    """What the input states about its own publication, apart from the report's text: a
    crawler's header lines (标题, 发布时间, 发布机构, 原文链接) or a web page's meta tags
    (ArticleTitle, PubDate, ContentSource, Url). Each as stated; absent where not stated."""

    title: str | None = Field(default=None, exclude_if=lambda v: v is None)
    published: str | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="When, as stated (2020-01-20 15:22); the report's published_on reads it",
    )
    publisher: str | None = Field(default=None, exclude_if=lambda v: v is None)
    url: str | None = Field(
        default=None, exclude_if=lambda v: v is None, description="Where it was published"
    )


class Document(_Model):
    title: str | None = None
    blocks: list[Block]
    tables: list[Table]
    publication: Publication | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="The input's own header or meta tags about where, when and by whom it was "
        "published; absent when it states none",
    )


# --- annual report profile -------------------------------------------------------------------


class Section(_Model):
    key: Literal["overview", "proactive", "applications", "review_litigation", "problems", "other"]
    heading: str
    block_start: int = Field(ge=0)
    block_end: int = Field(ge=0, description="Last block of the section, inclusive")


class Figure(_Model):
    value: float | int | None = Field(description="The number a reader takes; null when blank")
    raw: str = Field(description="The text as printed")
    unit: str | None = None
    source: Literal["table", "text"]
    origin: Origin
    place: Place | None = Field(default=None, description=_PLACE)
    confidence: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="How sure the reading is: below 1 when more than one reading fits what is "
        "printed (a run of digits that splits two ways, an OCR'd digit), and then a diagnostic "
        "names the candidates",
    )
    candidates: list[float | int] | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="Where the figure is undetermined (no value: several readings satisfy every "
        "constraint the document gives), the values those readings leave it, each once, in the "
        "order the `figures.undetermined` diagnostic lists them (which also names the readings "
        "and the characters they come from); absent otherwise, and where the candidates are not "
        "a short list (a value printed once in a merged cell)",
    )


class Indicator(_Model):
    """One row of a 2008-era 统计表."""

    path: list[str] = Field(description="Labels of the parent rows, outermost first")
    label: str
    unit: str | None = None
    value: float | int | None = None
    raw: str
    origin: Origin
    place: Place | None = Field(default=None, description=_PLACE)


class Check(_Model):
    """One consistency rule applied to one column, row or group of the report's figures."""

    rule: str = Field(examples=["applications.balance"])
    status: Literal["pass", "fail", "skipped"]
    expected: float | int | None = Field(default=None, description="The total as printed")
    actual: float | int | None = Field(default=None, description="What the parts add up to")
    keys: list[str] = Field(
        default_factory=list,
        description="The figures involved: keys of `figures`, or `indicators[i]` for the i-th "
        "indicator",
    )
    message: str


class PanelFigure(_Model):
    """One of the few figures comparable across every era, computed as its form says
    (`[[panel]]` in nianbao/forms)."""

    value: float | int
    source: Literal["figures", "indicator", "text"] = Field(
        description="The sum of the form's figures, a 统计表 indicator, or a prose figure"
    )
    keys: list[str] = Field(
        description="What it was computed from: keys of `figures`, or `indicators[i]`"
    )
    origin: Origin = Field(description="Where the first of them was read")
    place: Place | None = Field(default=None, description=_PLACE)
    confidence: float = Field(ge=0.0, le=1.0, description="The lowest of theirs")


class AnnualReport(_Model):
    template: str | None = Field(
        description="The form the report follows: the id of a form in nianbao/forms"
    )
    organization: str | None
    year: int | None
    published_on: date | None
    sections: list[Section]
    figures: dict[str, Figure] = Field(description="Keyed by the forms' canonical figure keys")
    indicators: list[Indicator]
    checks: list[Check]
    panel: dict[str, PanelFigure] = Field(
        default_factory=dict,
        description="The panel: a few figures comparable across every era, keyed as in the "
        "forms' [[panel]] tables; a figure the report does not state is absent, never 0",
    )


# --- the report ------------------------------------------------------------------------------


class Report(_Model):
    schema_: Literal["nianbao.report/1"] = Field(default="nianbao.report/1", alias="schema")
    source: Source
    document: Document
    annual_report: AnnualReport | None = None
    diagnostics: list[Diagnostic] = Field(default_factory=list)
