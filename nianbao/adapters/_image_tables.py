"""Page images: straightened, cleaned, and the cells of their ruled tables found from the lines.

A scanned page is a picture: the table's ruling lines are dark pixels, not drawing commands. They
are found the way a reader's eye finds them, as long thin runs of ink:

    grey page -> deskew (the angle at which rows of ink line up best, within +-5 degrees)
              -> ink mask (adaptive threshold: uneven lighting and JPEG noise stay background)
              -> horizontal and vertical lines (morphological opening with long thin kernels;
                 a character's stroke is shorter than the kernel, a rule is not)
              -> each group of connected lines is a table; the regions the lines enclose are
                 its cells, so a cell spanning two rows or columns is simply a larger region
              -> the lines erased, so that a rule beside a figure is never read as a 1

The cell boxes are in the page's points, like a text-layer PDF's, and go through the same
`_pdf_tables.from_boxes` as pdfplumber's: spans, headers and joins across pages are one code.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

Gray = npt.NDArray[np.uint8]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom

_MAX_SKEW = 5.0  # degrees: a tilt beyond this is a photo of a page, not a scan of one
_SKEW_WIDTH = 800  # the skew is measured on the page scaled to this width
_H_KERNEL_PT = 25.0  # a horizontal run of ink this long is a rule, not a stroke
_V_KERNEL_PT = 12.0  # a vertical one: longer than a stroke of table text, shorter than a row
_MIN_CELL_PT = 4.0  # an enclosed region narrower or lower than this is a double rule's gap
_MIN_TABLE_PT = 30.0  # a group of lines smaller than this each way is not a table


@dataclass
class PageImage:
    """A page image made ready for OCR: straightened, its rules found and erased."""

    clean: Gray  # the straightened page with its table rules painted white
    scale: float  # pixels per point
    skew: float  # degrees the page was turned to straighten it
    tables: list[list[Box]]  # each table's cell boxes, in pixels of `clean`

    @property
    def height_pt(self) -> float:
        return float(self.clean.shape[0]) / self.scale

    @property
    def width_pt(self) -> float:
        return float(self.clean.shape[1]) / self.scale


def prepare(gray: Gray, scale: float) -> PageImage:
    """Straighten `gray` (a page at `scale` px per point), find its tables, erase their rules."""
    skew = skew_angle(gray)
    if abs(skew) >= 0.1:
        gray = rotate(gray, skew)
    ink = _ink(gray, scale)
    lines = _lines(ink, scale)
    tables, rules = _tables(lines, scale)
    clean = gray.copy()
    clean[cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0] = 255
    return PageImage(clean=clean, scale=scale, skew=skew, tables=tables)


def skew_angle(gray: Gray) -> float:
    """The angle (degrees, as `rotate` takes it) that makes the page's rows of ink horizontal.

    Rows of text and rules line up when the projection of the ink onto the vertical axis is as
    peaked as it can be: the sum of squared row counts is largest. Searched coarse, then fine."""
    factor = min(1.0, _SKEW_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(xs) < 100:
        return 0.0
    if len(xs) > 60_000:
        pick = np.random.default_rng(0).choice(len(xs), 60_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    cx, cy = small.shape[1] / 2, small.shape[0] / 2
    xf, yf = xs.astype(np.float64) - cx, ys.astype(np.float64) - cy

    def score(angle: float) -> float:
        theta = np.deg2rad(angle)
        # the row each ink pixel lands on once the page is turned by `angle` (cv2's sense)
        # (each pixel shared between the two rows it falls between: rounding to whole rows
        # would favour 0 degrees, where every pixel lands exactly on one)
        rows = np.cos(theta) * yf - np.sin(theta) * xf
        rows -= rows.min()
        base = np.floor(rows).astype(np.int64)
        part = rows - base
        counts = np.bincount(base, weights=1 - part, minlength=base.max() + 2)
        counts += np.bincount(base + 1, weights=part, minlength=base.max() + 2)
        return float(np.dot(counts, counts))

    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.25), key=score)
    best = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025), key=score)
    return round(float(best), 3)


def rotate(gray: Gray, angle: float) -> Gray:
    """`gray` turned by `angle` degrees about its centre, the corners filled white."""
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(
        gray,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    return np.asarray(turned, dtype=np.uint8)


def _ink(gray: Gray, scale: float) -> Gray:
    """Dark pixels against their neighbourhood: robust to shading, JPEG ringing is too faint."""
    block = max(15, int(10 * scale) | 1)
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    ink = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 20
    )
    return np.asarray(ink, dtype=np.uint8)


def _lines(ink: Gray, scale: float) -> Gray:
    """The ruling lines: long horizontal runs of ink, and the vertical runs that meet them (a
    stroke of a large character is as tall as a low row, but stands clear of the rules)."""
    h_len = max(15, int(_H_KERNEL_PT * scale))
    v_len = max(10, int(_V_KERNEL_PT * scale))
    gap = max(3, int(1.5 * scale))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, h_len), np.uint8))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((v_len, 1), np.uint8))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    _, labels = cv2.connectedComponents(vertical, connectivity=8)
    reach = cv2.dilate(horizontal, np.ones((2 * gap + 1, 2 * gap + 1), np.uint8))
    meeting = np.unique(labels[(reach > 0) & (labels > 0)])
    vertical = np.where(np.isin(labels, meeting), 255, 0).astype(np.uint8)
    lines = cv2.bitwise_or(horizontal, vertical)
    # where a rule stops a pixel or two short of the one it meets, close the corner
    return np.asarray(cv2.dilate(lines, np.ones((3, 3), np.uint8)), dtype=np.uint8)


def _tables(lines: Gray, scale: float) -> tuple[list[list[Box]], Gray]:
    """Each group of connected rules that encloses at least two regions, with those regions;
    and the mask of those rules (a lone rule under a title is no table's, and stays)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    tables: list[list[Box]] = []
    rules = np.zeros_like(lines)
    min_table = _MIN_TABLE_PT * scale
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if w < min_table or h < min_table:
            continue
        cells = _cells((labels[y : y + h, x : x + w] == i).astype(np.uint8), scale)
        if len(cells) >= 2:
            tables.append([(x0 + x, y0 + y, x1 + x, y1 + y) for x0, y0, x1, y1 in cells])
            rules[labels == i] = 255
    tables.sort(key=lambda cells: min(c[1] for c in cells))
    return tables, rules


def _cells(frame: Gray, scale: float) -> list[Box]:
    """The regions a table's rules enclose, each grown to the middle of the rules around it."""
    h, w = frame.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(1 - frame, connectivity=4)
    grow = _thickness(frame) / 2 + 0.5
    smallest = _MIN_CELL_PT * scale
    cells: list[Box] = []
    for i in range(1, n):
        x, y, cw, ch = (int(v) for v in stats[i, :4])
        if x == 0 or y == 0 or x + cw >= w or y + ch >= h:
            continue  # outside the table's frame (or a side it does not close)
        if cw < smallest or ch < smallest:
            continue
        cells.append((x - grow, y - grow, x + cw - 1 + grow, y + ch - 1 + grow))
    return cells


def _thickness(frame: Gray) -> float:
    """The typical thickness of a table's rules: the commonest run length across them."""
    column = frame[:, frame.shape[1] // 2 :: max(1, frame.shape[1] // 16)]
    runs: list[int] = []
    for col in column.T:
        edges = np.flatnonzero(np.diff(np.concatenate(([0], col.astype(np.int8), [0]))))
        runs.extend(int(b - a) for a, b in zip(edges[::2], edges[1::2], strict=True))
    return float(np.median(runs)) if runs else 2.0
