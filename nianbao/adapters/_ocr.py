"""OCR of a prepared page image into characters, as a text-layer PDF would give them.

RapidOCR (`pip install nianbao[ocr]`) runs PaddleOCR's detection and recognition models on
onnxruntime, on the CPU; the models ship inside the `rapidocr` wheel and are loaded from there by
path, so nothing is ever downloaded. Where the time goes (benchmarks/bench_ocr.py):

    detection    on the page scaled down to ~110 dpi: text lines ~20 px high are plenty for it,
                 and it costs a quarter of running at 200 dpi
    recognition  on each detected line cut from the full-resolution page, one line at a time
                 (the part that costs: most of a page's time); a line that crosses a table's
                 cell boundary is cut at the boundary first, so a cell's text is its own

Every recognised character comes out as a pdfplumber-style character (text, box in points,
size) with the recogniser's probability for it as `confidence`, so that cells, lines and
paragraphs are built by exactly the code that builds them from a text layer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from nianbao.adapters._image_tables import Box, Gray, PageImage, prepare
from nianbao.adapters._pdf_scans import INSTALL_HINT
from nianbao.adapters._pdf_text import Char, wide
from nianbao.errors import MissingDependencyError, out_of_memory

_DET_DPI = 110.0  # detection runs on the page scaled to this resolution
_DET_MODEL = "PP-OCRv6_det_small.onnx"
_REC_MODEL = "PP-OCRv6_rec_small.onnx"
_CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
_FONT_RATIO = 1.25  # a detected line's box is this many times its font size
_MIN_PIECE = 3.0  # pixels: a sliver of a line box on the far side of a cell rule is no text


@dataclass(frozen=True)
class OcrEngine:
    """The detection and recognition models, loaded once per process."""

    det: Any
    rec: Any

    def read(self, page: PageImage) -> list[Char]:
        """Every character on the page, in points, with its recognition probability."""
        image: npt_Image = np.asarray(cv2.cvtColor(page.clean, cv2.COLOR_GRAY2BGR), np.uint8)
        pieces = [
            piece
            for box in self._detect(image, page.scale)
            for piece in _split_at_cells(box, page.tables)
        ]
        pieces.extend(_missed(page, pieces))
        crops = [
            image[int(y0) : int(np.ceil(y1)), int(x0) : int(np.ceil(x1))]
            for x0, y0, x1, y1 in pieces
        ]
        keep = [i for i, crop in enumerate(crops) if crop.shape[0] >= 4 and crop.shape[1] >= 4]
        if not keep:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput  # noqa: PLC0415

        result = self.rec(TextRecInput(img=[crops[i] for i in keep], return_word_box=True))
        chars: list[Char] = []
        for i, text, info in zip(keep, result.txts, result.word_results, strict=True):
            chars.extend(_chars(str(text), info, pieces[i], page.scale))
        return chars

    def _detect(self, image: npt_Image, scale: float) -> list[Box]:
        factor = min(1.0, _DET_DPI / (72.0 * scale))
        small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        found = self.det(small)
        if found.boxes is None:
            return []
        h, w = image.shape[:2]
        boxes: list[Box] = []
        for quad in np.asarray(found.boxes, dtype=np.float64) / factor:
            x0, y0 = max(0.0, float(quad[:, 0].min())), max(0.0, float(quad[:, 1].min()))
            x1, y1 = min(float(w), float(quad[:, 0].max())), min(float(h), float(quad[:, 1].max()))
            if x1 - x0 >= 4 and y1 - y0 >= 4:
                boxes.append((x0, y0, x1, y1))
        return boxes


npt_Image = np.ndarray[Any, np.dtype[np.uint8]]

_engine: OcrEngine | None = None
_lock = threading.Lock()


def engine(source: str) -> OcrEngine:
    """The OCR engine, loaded on first use; `MissingDependencyError` without the extra."""
    global _engine  # noqa: PLW0603  # one engine per process: loading it takes seconds
    with _lock:
        if _engine is None:
            _engine = _load(source)
        return _engine


def available() -> bool:
    """Whether the OCR extra is installed (without loading its models)."""
    try:
        import onnxruntime  # noqa: F401, PLC0415
        import rapidocr  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def _load(source: str) -> OcrEngine:
    try:
        import rapidocr  # noqa: PLC0415
        from rapidocr import RapidOCR  # noqa: PLC0415
    except ImportError as exc:
        if out_of_memory(exc):  # installed, but no memory left to load its libraries
            raise MemoryError(f"loading OCR ran out of memory ({exc})") from exc
        raise MissingDependencyError(
            f"reading scanned pages needs OCR ({exc}): {INSTALL_HINT}", source=source
        ) from exc
    models = Path(rapidocr.__file__).parent / "models"
    paths = {name: models / name for name in (_DET_MODEL, _REC_MODEL, _CLS_MODEL)}
    missing = [name for name, path in paths.items() if not path.is_file()]
    if missing:
        raise MissingDependencyError(
            f"the rapidocr package lacks its bundled models ({', '.join(missing)} not in "
            f"{models}); nianbao never downloads models: reinstall with {INSTALL_HINT}",
            source=source,
        )
    ocr = RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.use_cls": False,
            # One line at a time: a batch is padded to its widest line, and a page's lines run
            # from a lone 0 to a full line of prose; unbatched costs a third less CPU here.
            "Rec.rec_batch_num": 1,
            # One thread: `convert -j N` runs a worker per core, and on a busy machine a second
            # thread spins more than it helps (bench_ocr: 4.3 CPU-s a page, not 7).
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Global.model_root_dir": str(models),
            "Det.model_path": str(paths[_DET_MODEL]),
            "Rec.model_path": str(paths[_REC_MODEL]),
            "Cls.model_path": str(paths[_CLS_MODEL]),
        }
    )
    return OcrEngine(det=ocr._load_det_model(), rec=ocr._load_rec_model())


def _missed(page: PageImage, pieces: list[Box]) -> list[Box]:
    """The ink of each table cell that detection found no text in: a lone small figure (a 0 in
    a wide cell) is easily missed on the reduced page, and is read from the cell itself."""
    out: list[Box] = []
    for cells in page.tables:
        for cell in cells:
            x0, y0, x1, y1 = cell
            if any(x0 <= (p[0] + p[2]) / 2 <= x1 and y0 <= (p[1] + p[3]) / 2 <= y1 for p in pieces):
                continue
            ink = ink_box(page, cell)
            if ink is not None:
                out.append(ink)
    return out


def ink_box(page: PageImage, cell: Box) -> Box | None:
    """The box around the ink inside `cell` (its edges left out), padded for the recogniser;
    None when the cell shows no more ink than noise."""
    margin = 2 * page.scale
    x0, y0 = int(cell[0] + margin), int(cell[1] + margin)
    x1, y1 = int(cell[2] - margin), int(cell[3] - margin)
    if x1 <= x0 or y1 <= y0:
        return None
    dark = page.clean[y0:y1, x0:x1] < 128
    if int(dark.sum()) < 3.0 * page.scale * page.scale:  # a thin 1 at 10 pt has ten times this
        return None
    ys, xs = np.nonzero(dark)
    pad = 2 * page.scale
    return (
        max(float(x0), x0 + float(xs.min()) - pad),
        max(float(y0), y0 + float(ys.min()) - pad),
        min(float(x1), x0 + float(xs.max()) + 1 + pad),
        min(float(y1), y0 + float(ys.max()) + 1 + pad),
    )


def _split_at_cells(box: Box, tables: list[list[Box]]) -> list[Box]:
    """`box` cut into its parts in each table cell it overlaps (OCR sees no rules: the text of
    two neighbouring cells can come out as one line); the box itself outside every table."""
    x0, y0, x1, y1 = box
    pieces: list[Box] = []
    for cells in tables:
        for cx0, cy0, cx1, cy1 in cells:
            ix0, iy0, ix1, iy1 = max(x0, cx0), max(y0, cy0), min(x1, cx1), min(y1, cy1)
            if ix1 - ix0 >= _MIN_PIECE and iy1 - iy0 >= 0.5 * (y1 - y0):
                pieces.append((ix0, iy0, ix1, iy1))
    return pieces or [box]


def _chars(text: str, info: Any, box: Box, scale: float) -> list[Char]:
    """The characters of one recognised line, placed along its box by where the recogniser saw
    each (its CTC column), with their probabilities."""
    x0, y0, x1, y1 = box
    if not text.strip():
        return []
    columns = [col for cols in (info.word_cols or []) for col in cols]
    confs = list(info.confs or [])
    width = x1 - x0
    height = y1 - y0
    span = float(info.line_txt_len or 0) or float(max(columns, default=0) + 1)
    size = height / _FONT_RATIO / scale
    out: list[Char] = []
    visible = iter(columns)
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        col = next(visible, None)
        centre = x0 + (
            width * (col + 0.5) / span if col is not None else width * (i + 0.5) / len(text)
        )
        half = (0.45 if wide(ch) else 0.25) * height / _FONT_RATIO
        out.append(
            {
                "text": ch,
                "x0": max(x0, centre - half) / scale,
                "x1": min(x1, centre + half) / scale,
                "top": y0 / scale,
                "bottom": y1 / scale,
                "size": size,
                "fontname": "",
                "confidence": float(confs[i]) if i < len(confs) else 0.0,
            }
        )
    return out


def to_gray(image: Any) -> Gray:
    """A Pillow image as an 8-bit grey array."""
    return np.asarray(image.convert("L"), dtype=np.uint8)


@dataclass
class OcrPage:
    """One page read by OCR: its characters and its tables' cell boxes, in points."""

    chars: list[Char]
    tables: list[list[Box]]
    width: float
    height: float
    skew: float
    inked: set[Box]  # cells (boxes as rounded by `_pdf_tables`) holding ink

    def unread(self, bbox: Box) -> bool:
        """Whether the cell at `bbox` shows ink that OCR read nothing from."""
        return bbox in self.inked


def read_page(gray: Gray, scale: float, source: str) -> OcrPage:
    """OCR of a page image at `scale` pixels per point: straightened, rules found, text read."""
    ocr = engine(source)
    page = prepare(gray, scale)
    chars = _common_size(ocr.read(page))
    tables = [[_points(box, scale) for box in cells] for cells in page.tables]
    inked = {
        box
        for cells, points in zip(page.tables, tables, strict=True)
        for cell, box in zip(cells, points, strict=True)
        if ink_box(page, cell) is not None
    }
    return OcrPage(chars, tables, page.width_pt, page.height_pt, page.skew, inked)


def _common_size(chars: list[Char]) -> list[Char]:
    """Sizes measured from line boxes vary by a point or two for one font: those near the
    page's commonest size are set to it, so that a paragraph is not broken at a line whose box
    came out a little taller (titles and headings in larger type stay larger)."""
    if not chars:
        return chars
    common = float(np.median([c["size"] for c in chars]))
    for char in chars:
        if abs(char["size"] - common) <= 0.2 * common:
            char["size"] = common
    return chars


def _points(box: Box, scale: float) -> Box:
    return (
        round(box[0] / scale, 1),
        round(box[1] / scale, 1),
        round(box[2] / scale, 1),
        round(box[3] / scale, 1),
    )
