"""What the structured adapters (DOCX, XLSX, HTML) share: placing cells, assembling blocks.

Those formats know where their cells are, so a table is built from explicit positions and
spans. Their paragraphs go through the same heading and title rules as the text adapter
(`nianbao.text.structure`), so that a report reads the same whatever format it came in.
"""

from __future__ import annotations

import io
import lzma
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.adapters._damage import ZIP_DAMAGE
from nianbao.adapters._publication import under_title
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Block, Document, LineOrigin, Origin, Table, TableCell, TableMethod
from nianbao.text.numbering import numbering_level
from nianbao.text.structure import build_blocks
from nianbao.text.tables import Line

#: A table larger than this is not a report table but a data dump or an attack on our memory:
#: `Table.grid()` allocates rows x cols.
MAX_TABLE_AREA = 2_000_000
#: Uncompressed size of all parts of an Office zip we are willing to inflate.
MAX_INFLATED = 512 * 2**20


@dataclass(slots=True)  # made by the hundred thousand from a long page
class Para:
    """A paragraph of a structured document; `level` when the format marks it as a heading."""

    text: str
    origin: Origin
    level: int | None = None


@dataclass(slots=True)  # made by the hundred thousand from a long table
class Placed:
    """A table cell at a known position, before the table around it is built."""

    row: int
    col: int
    text: str
    origin: Origin
    row_span: int = 1
    col_span: int = 1
    header: bool = False


def make_table(
    cells: Sequence[Placed], *, method: TableMethod, origin: Origin, confidence: float = 1.0
) -> Table:
    """A table just large enough for `cells`; positions no cell covers stay empty in the grid.

    The confidence is 1.0 where the format states every position (DOCX, XLSX, HTML): nothing
    was guessed. Cells are kept in reading order, row by row."""
    n_rows = max((c.row + c.row_span for c in cells), default=0)
    n_cols = max((c.col + c.col_span for c in cells), default=0)
    return Table(
        n_rows=n_rows,
        n_cols=n_cols,
        method=method,
        confidence=confidence,
        cells=[
            TableCell.lean(
                row=c.row,
                col=c.col,
                text=c.text,
                origin=c.origin,
                row_span=c.row_span,
                col_span=c.col_span,
                header=c.header,
            )
            for c in sorted(cells, key=lambda c: (c.row, c.col))
        ],
        origin=origin,
    )


def assemble(items: Sequence[Para | Table]) -> Document:
    """Blocks in reading order from paragraphs and tables, with the text adapter's rules.

    The paragraphs become numbered lines for `build_blocks`, which finds the title and the
    headings; each resulting block gets its paragraph's own origin back. A level the format
    states (a heading style, `<h2>`) makes a heading even where the text alone would not.
    """
    paras = [item for item in items if isinstance(item, Para)]
    lines = [Line(number, para.text) for number, para in enumerate(paras, 1)]
    text_blocks, _, title = build_blocks(lines, [])
    by_para: dict[int, Block] = {}
    for block in text_blocks:
        assert isinstance(block.origin, LineOrigin)  # build_blocks numbers its lines; we did too
        index = block.origin.line_start - 1
        block.origin = paras[index].origin
        stated = paras[index].level
        if stated is not None and block.kind != "title":
            block.kind = "heading"
            block.level = numbering_level(block.text) or stated
        by_para[index] = block

    blocks: list[Block] = []
    tables: list[Table] = []
    para_index = 0
    for item in items:
        if isinstance(item, Para):
            if para_index in by_para:
                blocks.append(by_para[para_index])
            para_index += 1
        else:
            blocks.append(
                Block(kind="table", text=item.caption or "", table=len(tables), origin=item.origin)
            )
            tables.append(item)
    # A page printed or saved without its meta tags keeps the byline under its title.
    return Document(title=title, blocks=blocks, tables=tables, publication=under_title(blocks))


def clean_text(text: str) -> str:
    """Spaces unified and invisible characters dropped (the text adapter's `normalise`), each
    line stripped, blank lines gone: so that a cell reads the same from DOCX, XLSX and HTML."""
    # Imported here: the cleaner's dozen patterns (~3 ms to compile) are no PDF's business.
    from nianbao.text.clean import normalise  # noqa: PLC0415

    lines = (line.text.strip() for line in normalise(text))
    return "\n".join(line for line in lines if line)


_ZIP_ENCRYPTED = 0x1  # the general-purpose flag bit of an encrypted zip member


def check_zip(data: bytes, source: str, *, required_prefix: str, kind: str) -> None:
    """Refuse a corrupt zip, a zip of the wrong kind, or one that inflates past MAX_INFLATED.

    The libraries behind the adapters inflate whole parts into memory, so a few KiB of
    deflated zeros must not reach them.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
        raise DocumentLoadError(
            f"not a valid {kind} file: the zip is corrupt ({exc})", source=source
        ) from exc
    encrypted = [info.filename for info in infos if info.flag_bits & _ZIP_ENCRYPTED]
    if encrypted:
        # Office encrypts a whole file inside an OLE container, never a zip member: the flag is
        # damage (a flipped bit), and zipfile would ask for a password it cannot be given.
        raise DocumentLoadError(
            f"not a readable {kind} file, damaged: zip member {encrypted[0]!r} is marked encrypted",
            source=source,
        )
    if not any(info.filename.startswith(required_prefix) for info in infos):
        raise DocumentLoadError(
            f"not a {kind} file: a zip without the {required_prefix} folder", source=source
        )
    inflated = sum(info.file_size for info in infos)
    if inflated > MAX_INFLATED:
        raise DocumentLoadError(
            f"refused: the {kind} inflates to {inflated / 2**20:.0f} MiB "
            f"(limit {MAX_INFLATED / 2**20:.0f} MiB)",
            source=source,
        )
    _check_rare_methods(data, infos, source, kind)


#: The compression methods Office writes. A member marked otherwise (bzip2, LZMA: a flipped
#: bit in its header, or a zip tool's choice) is inflated once here, where a failure is the
#: zip's damage; inside python-docx or openpyxl, bz2's `OSError("Invalid data stream")` would
#: be indistinguishable from any other OSError.
_OFFICE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
#: What inflating a bzip2 or LZMA member raises on data that is not what its method says.
_RARE_METHOD_DAMAGE: tuple[type[Exception], ...] = (
    OSError,
    lzma.LZMAError,
    ValueError,
    *ZIP_DAMAGE,
)


def _check_rare_methods(data: bytes, infos: list[zipfile.ZipInfo], source: str, kind: str) -> None:
    """Refuse a member compressed by a method Office does not write whose data does not inflate
    by that method, naming the member and the method."""
    for info in infos:
        if info.compress_type in _OFFICE_METHODS:
            continue
        try:
            # zipfile stops at the declared size, which MAX_INFLATED has bounded
            with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(info) as stream:
                while stream.read(2**20):
                    pass
        except _RARE_METHOD_DAMAGE as exc:
            method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise DocumentLoadError(
                f"not a readable {kind} file, damaged: zip member {info.filename!r} is not the "
                f"{method} data its header says ({detail})",
                source=source,
            ) from exc


_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA"}
