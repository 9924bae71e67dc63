"""pdfminer's document with its object streams read one object at a time.

pdfminer reads an object kept in an object stream (PDF 1.5's compressed objects) by parsing the
whole stream, every object in it, in pure Python. A browser's print keeps all of its fonts
there: to decode the one glyph pdfium's text page left out of a page (`_pdfium_lost`), pdfminer
parsed 170 KB of other fonts' `/Differences` and `/CharProcs`, 150 ms of a 6-page print's
250. `LazyObjects` parses only the object asked for, at the offset the stream's header gives it.

Objects are read where the stream's header says they are, as the standard lays them out (a
header of N pairs of integers, number and offset, then the objects at their offsets, in order,
nothing but white space between) and as pdfium reads them. In such a stream pdfminer's parse,
which counts objects from the start, meets the same tokens from each offset on and gives each
object the same index: the same objects (tests/test_pdfminer_objects.py, every object of every
print the tests hold). Where the offsets cannot be right, a header that is not N pairs of
integers or offsets out of order, or an object read that runs into the next one's offset or
leaves bytes between its end and
the next, the stream is parsed whole, as pdfminer parses it. A damaged stream
whose offsets look right but whose count is off elsewhere (stray bytes between two objects
not read) gives the object at its offset, pdfium's reading, where pdfminer's count would give
another; the glyph decoded from it must still be one, in the font pdfium names
(`_pdfium._lost_char`), or the page is read whole by pdfplumber.
"""

from __future__ import annotations

import functools
import re
from itertools import pairwise
from typing import Any

#: N pairs of integers; compiled on first use (re's cache), as few PDFs need it
_HEADER = rb"\s*(?:\d+\s+\d+\s*)*"


@functools.cache
def lazy_objects() -> type[Any]:
    """`PDFDocument` reading object streams object by object (pdfminer imported on first use,
    as PDFs that need it are few)."""
    from pdfminer.pdfdocument import PDFDocument  # noqa: PLC0415
    from pdfminer.pdfparser import PDFStreamParser  # noqa: PLC0415
    from pdfminer.pdftypes import PDFStream  # noqa: PLC0415

    class LazyObjects(PDFDocument):
        #: per object stream: its data and each object's start, or None where it is parsed
        #: whole (cleared with pdfminer's caches, `_pdfium_lost.ContentStreams`)
        _layouts: dict[int, tuple[bytes, list[int]] | None]

        def _getobj_objstm(self, stream: PDFStream, index: int, objid: int) -> object:
            layouts = self.__dict__.setdefault("_layouts", {})
            if stream.objid not in layouts:
                layouts[stream.objid] = _layout(stream)
            layout = layouts[stream.objid]
            if layout is None or not 0 <= index < len(layout[1]):
                return super()._getobj_objstm(stream, index, objid)
            data, starts = layout
            parser = PDFStreamParser(data)
            parser.set_document(self)
            parser.seek(starts[index])
            _, obj = parser.nextobject()
            if index + 1 < len(starts):
                end, following = parser.bufpos + parser.charpos, starts[index + 1]
                if parser.eof or end > following or data[end:following].strip():
                    layouts[stream.objid] = None  # not laid out as the standard says
                    return super()._getobj_objstm(stream, index, objid)
            return obj

    return LazyObjects


def _layout(stream: Any) -> tuple[bytes, list[int]] | None:
    """The stream's data and where each of its objects starts; None unless its header is N
    pairs of integers with increasing offsets inside the data."""
    count, first = stream.get("N"), stream.get("First")
    if type(count) is not int or type(first) is not int or count < 1 or first < 0:
        return None
    data: bytes = stream.get_data()
    header = data[:first]
    if len(header) != first or re.fullmatch(_HEADER, header) is None:
        return None
    numbers = [int(v) for v in header.split()]
    if len(numbers) != 2 * count:
        return None
    starts = [first + offset for offset in numbers[1::2]]
    if any(later <= earlier for earlier, later in pairwise(starts)):
        return None
    if starts[-1] >= len(data) or data[first : starts[0]].strip():
        return None
    # the header's last integer must end where the first object starts, as the sequential
    # parse reads it: at white space, or at a delimiter that begins the object
    if (
        not header[-1:].isspace()
        and starts[0] == first
        and data[first : first + 1] not in _DELIMITERS
    ):
        return None
    return data, starts


_DELIMITERS = {b"(", b")", b"<", b">", b"[", b"]", b"{", b"}", b"/", b"%"}
