"""Plain text: reports scraped from web pages and Word files, tables flattened, encoding unknown."""

from __future__ import annotations

from typing import ClassVar

from nianbao.adapters._accepts import text_accepts
from nianbao.adapters._publication import HEADER_WINDOW, from_header, under_title
from nianbao.adapters.base import AdapterResult, GroupAdapter
from nianbao.adapters.html import read_escaped_text
from nianbao.adapters.options import TextOptions
from nianbao.adapters.sniff import InputInfo
from nianbao.errors import DocumentLoadError
from nianbao.schemas.model import Document
from nianbao.text.clean import normalise, remove_chrome, split_run_on
from nianbao.text.encoding import decode
from nianbao.text.structure import build_blocks
from nianbao.text.tables import find_tables

# More replacement characters than this and the "text" is binary data, not a damaged document.
_MAX_UNDECODABLE = 0.05
# An annual report's text is tens of KB in a few hundred lines, a crawler's dump with its page
# around it a few MB; past these bounds it is a data dump or a file made to exhaust us, which
# every line a block and every tab a cell would (a 20 MB text once needed more than 2 GiB).
MAX_TEXT_CHARS = 4_000_000
MAX_TEXT_LINES = 50_000


class TextAdapter(GroupAdapter[TextOptions]):
    name: ClassVar[str] = "text"
    group: ClassVar[str] = "text"
    priority: ClassVar[float] = 10.0

    def accepts(self, head: bytes, info: InputInfo) -> bool:
        return text_accepts(head, info)

    def convert(self, data: bytes, info: InputInfo) -> AdapterResult:
        decoded = decode(data, self.options.encoding)
        text = decoded.text
        lines = text.count("\n") + 1
        if len(text) > MAX_TEXT_CHARS or lines > MAX_TEXT_LINES:
            raise DocumentLoadError(
                f"refused: {len(text):,} characters in {lines:,} lines of text, more than an "
                f"annual report holds (limits {MAX_TEXT_CHARS:,} characters, "
                f"{MAX_TEXT_LINES:,} lines)",
                source=info.name,
            )
        if text.count("\ufffd") > _MAX_UNDECODABLE * max(len(text), 1):
            raise DocumentLoadError(
                f"not text: {text.count(chr(0xFFFD))} of {len(text)} characters cannot be "
                f"decoded (best guess {decoded.encoding.name})",
                source=info.name,
            )
        # A crawler's dump of a script or of the JSON a site's API returned: the report is the
        # HTML escaped in its strings.
        escaped = read_escaped_text(decoded, info)
        if escaped is not None:
            return escaped
        cleaned = remove_chrome(split_run_on(normalise(text)))
        if not any(line.text.strip() for line in cleaned.lines):
            raise DocumentLoadError("contains no text", source=info.name)
        found = find_tables(cleaned.lines)
        blocks, tables, title = build_blocks(cleaned.lines, found)
        # A crawler's header states the title without its `标题:` key, which the title found
        # in the text (that very line) keeps.
        publication = from_header(
            text.lstrip("\ufeff").split("\n", HEADER_WINDOW)[:HEADER_WINDOW]
        ) or under_title(blocks)
        if publication is not None and publication.title is not None:
            title = publication.title
        diagnostics = decoded.diagnostics + cleaned.diagnostics
        for table in found:
            diagnostics.extend(table.diagnostics)
        return AdapterResult(
            document=Document(title=title, blocks=blocks, tables=tables, publication=publication),
            diagnostics=diagnostics,
            encoding=decoded.encoding,
        )
