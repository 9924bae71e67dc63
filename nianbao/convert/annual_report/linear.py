"""Form tables read back from text that lost their grid: the form's order and sums decide.

Real reports reach users as text whose tables are gone: a crawler's dump runs every cell
together on one line (a section 三 row's label and then `21710000218`), a PDF converter scatters
labels and value rows into separate lines and tables, a web page flattens a table into one cell
per line. The form says what the text no longer does: which rows come in which order, how many
cells each has, and which sums must hold. So:

1. the section's text becomes a stream of runs of figures (`linear_runs`), each with the row its
   label names when a label is printed right before it;
2. the runs are laid over the form's rows in order (`linear_align`): a labelled run starts at
   its row and covers no more rows than it has pieces (its glued digits are never cut across rows),
   an unlabelled one fills the rows between, each row takes as many cells as the form gives it
   (section 二 its `columns`, section 三 seven, section 四 one row of 3 groups x 5); a run that
   fits nowhere is left out and said so;
3. runs whose digits are glued together are cut by `splitting.split_runs` under the forms'
   checks, written over the cells (`_equations`); the cells a run that still splits more than one
   way leaves open are undetermined (no value, confidence 0) and a `figures.undetermined`
   diagnostic names every reading; one that splits no way gives no figures and a
   `figures.unaligned_row`;
4. a row whose cells are not glued but lie on a few lines (a PDF row whose label wrapped) is
   put in the one order of those lines its own sums allow (`linear_order`, `figures.reordered`);
   when no order or several do, it is not read;
5. a text that prints its tables one cell per line (`linear_runs.mark_lines_of_cells`) has a
   cell in each line: its digits are never cut. Where it never prints two equal figures one
   after the other (a crawler dropped each line equal to the one before), a row printed with
   fewer values than cells is read by `linear_repeats`: a value stands for several neighbouring
   cells only where the sums allow no other reading; cells they leave open are undetermined.

A row's failing sum is the report's misprint, not our misreading, only when the reading is
certain: its cells printed on one line (a table row, a line of text) or one per line, each piece
one cell. Then its figures are kept as printed and the check fails, as for a table. A row whose
order the text leaves open is never read into a failing check. (Glued digits are the splitter's:
it drops an equation that contradicts the others, so a misprint costs that equation; a glued row
spread over lines is not yet held to this rule.)

A table the document's tables gave in full is never read here: the table mapping keeps priority.
A row it gave only in part (cells lost to a broken grid) is read again here, and the reading here
replaces it, with a `figures.reread` diagnostic wherever a value changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from nianbao.convert.annual_report.labels import compact, unit_note
from nianbao.convert.annual_report.linear_align import Cover, align
from nianbao.convert.annual_report.linear_notes import say_unread
from nianbao.convert.annual_report.linear_order import order_row
from nianbao.convert.annual_report.linear_repeats import Repeated, read_repeats
from nianbao.convert.annual_report.linear_runs import (
    Heads,
    Piece,
    Run,
    mark_lines_of_cells,
    regions,
    runs_in,
    section_heads,
)
from nianbao.convert.annual_report.splitting import CellEquation, RunSplit, split_runs
from nianbao.forms import FORMS, Form, Label, TableSpec
from nianbao.schemas.model import Diagnostic, Document, Figure, Origin, TextSpanOrigin
from nianbao.text.numbers import parse_value

Cell = tuple[int, int]

_CANDIDATES_SHOWN = 20


@dataclass
class Reading:
    """The figures read, and which of them the arithmetic decided or left undecided."""

    figures: dict[str, Figure] = field(default_factory=dict)
    by_arithmetic: list[str] = field(default_factory=list)  # glued cells only the sums could cut
    reordered: list[str] = field(default_factory=list)  # a wrapped row's cells put in order
    repeated: list[str] = field(default_factory=list)  # a value printed once, over equal cells
    # No value: the sums leave several (printed once over several cells, or cut several ways).
    undetermined: list[str] = field(default_factory=list)


def linear_figures(
    document: Document,
    given: Mapping[str, Figure],
    template: str | None,
    diagnostics: list[Diagnostic],
) -> dict[str, Figure]:
    """Figures of the form tables that `given` (the tables' figures) lacks, read from the text."""
    return read_linear(document, given, template, diagnostics).figures


def read_linear(
    document: Document,
    given: Mapping[str, Figure],
    template: str | None,
    diagnostics: list[Diagnostic],
) -> Reading:
    reading = Reading()
    found: list[tuple[TableSpec, list[Run]]] = []
    heads: Heads | None = None  # found when a table is to be read from the text at all
    for table in FORMS.tables:
        if _complete(table.key, given):
            continue  # the tables gave it: the table mapping keeps priority
        heads = section_heads(document) if heads is None else heads
        best = _best_reading(document, table.key, template, heads)
        if best is not None:
            found.append(best)
    mark_lines_of_cells([run for _, runs in found for run in runs])
    for spec, runs in found:
        # Every row takes part in the alignment, so that the order holds (section 四 prints its
        # three groups as one run); only the rows the tables did not give are taken from it.
        rows = list(spec.rows)
        wanted = {r.key for r in rows if not _given(spec, r, given)}
        _read_table(spec, rows, runs, given, wanted, reading=reading, diagnostics=diagnostics)
    return reading


# --- which form, which part of the document --------------------------------------------------


def _best_reading(
    document: Document, table_key: str, template: str | None, heads: Heads
) -> tuple[TableSpec, list[Run]] | None:
    """The form and the section whose text prints this table most clearly.

    Each form that has the table reads each part of the document headed as its section; the
    reading with the most labelled runs wins, then the one with the most runs (the recognised
    template first on a tie). Two of the table's labels at least must be printed there, as for a
    table (`grids.classify`).
    """
    best: tuple[tuple[int, int], TableSpec, list[Run]] | None = None
    for form in _forms(template):
        spec = form.table(table_key)
        if spec is None:
            continue
        for blocks in regions(document, spec, heads):
            runs, named = runs_in(document, blocks, spec)
            if len(named) < 2 or not runs:
                continue
            score = (sum(1 for r in runs if r.label), len(runs))
            if best is None or score > best[0]:
                best = (score, spec, runs)
    return None if best is None else (best[1], best[2])


def _form_of(spec: TableSpec) -> str:
    return next(f.id for f in FORMS.forms if f.table(spec.key) is spec)


def _forms(template: str | None) -> list[Form]:
    return sorted(FORMS.forms, key=lambda f: f.id != template)


def _columns(spec: TableSpec, row: Label) -> tuple[str, ...]:
    return row.columns or tuple(c.key for c in spec.columns)


def _complete(table_key: str, given: Mapping[str, Figure]) -> bool:
    """Whether `given` holds every row of the table as some form prints it (a 2021 report may
    print the 2019 form's single （六） row instead of its three)."""
    specs = (f.table(table_key) for f in FORMS.forms)
    return any(
        all(_given(spec, row, given) for row in spec.rows if not row.optional)
        for spec in specs
        if spec is not None
    )


def _keys(spec: TableSpec, row: Label) -> list[str]:
    return [spec.figure(row.key, col) for col in _columns(spec, row)]


def _given(spec: TableSpec, row: Label, given: Mapping[str, Figure]) -> bool:
    keys = _keys(spec, row)
    return all(k in given for k in keys) if not row.optional else any(k in given for k in keys)


# --- one table -------------------------------------------------------------------------------


@dataclass
class _Placed:
    """A cell of a row, once known: a table cell or a not-applicable mark, or a glued run's."""

    key: str
    piece: Piece | None = None  # a cell printed alone
    run: int | None = None  # else: the glued run and the cell's index in it
    index: int = 0
    candidates: tuple[str, ...] = ()  # else: undetermined, the values the sums leave it


def _read_table(
    spec: TableSpec,
    rows: list[Label],
    runs: list[Run],
    given: Mapping[str, Figure],
    wanted: set[str],
    *,
    reading: Reading,
    diagnostics: list[Diagnostic],
) -> None:
    cells = [len(_columns(spec, r)) for r in rows]
    covers, undecided = align(runs, rows, cells)
    placed: list[_Placed] = []
    glued: list[tuple[Run, list[str]]] = []  # the glued runs, each with the keys of its cells
    repeats: list[tuple[Cover, Repeated]] = []  # one cell per line, fewer values than cells
    unread: dict[int, str] = {k: "its values could not be placed" for k in undecided}
    for cover in covers:
        run = runs[cover.run]
        keys = [
            spec.figure(r.key, col)
            for r in rows[cover.first : cover.stop]
            for col in _columns(spec, r)
        ]
        fixed = _fixed_cells(run, len(keys))
        if run.lines and len(run.pieces) != len(keys):
            # Only where equal neighbours were dropped (`Run.capacity`): repeats, or a break.
            repeats.append((cover, Repeated(keys, [p.text for p in run.pieces])))
        elif fixed is not None:
            for k in range(cover.first, cover.stop):
                row_keys = _keys(spec, rows[k])
                offset = keys.index(row_keys[0])
                ordered = order_row(
                    spec, rows[k], _columns(spec, rows[k]), fixed[offset : offset + cells[k]]
                )
                if ordered.pieces is None:
                    unread[k] = ordered.note
                    continue
                if ordered.reordered and rows[k].key in wanted:
                    reading.reordered += row_keys
                    diagnostics.append(ordered.diagnostic(spec, rows[k]))
                pairs = zip(row_keys, ordered.pieces, strict=True)
                placed += [_Placed(key, piece=piece) for key, piece in pairs]
        elif all(p.glued for p in run.pieces):
            placed += [_Placed(key, run=len(glued), index=n) for n, key in enumerate(keys)]
            glued.append((run, keys))
        else:
            for k in range(cover.first, cover.stop):
                unread[k] = f"{run.printed()!r} mixes not-applicable marks with glued figures"
    left_out = {i for i in range(len(runs))} - {c.run for c in covers}
    placed += _repeated_cells(
        spec,
        rows,
        runs,
        repeats,
        placed=placed,
        given=given,
        unread=unread,
        wanted=wanted,
        reading=reading,
        diagnostics=diagnostics,
    )
    covered = {k for c in covers for k in range(c.first, c.stop)} - set(unread)

    splits, unsolved = _split(spec, glued, placed, given)
    for key, split_index in unsolved.items():
        row = next(k for k, r in enumerate(rows) if key.startswith(spec.figure(r.key, "")))
        unread[row] = splits[split_index].note or "its figures split no way the sums allow"
        covered.discard(row)
    figures = _figures(spec, placed, glued, splits, reading=reading, diagnostics=diagnostics)

    read_rows = {rows[k].key for k in covered} & wanted
    read_keys = {spec.figure(r, c) for r in read_rows for c in _columns(spec, spec.row(r))}
    for key, fig in figures.items():
        if key not in read_keys:
            continue
        old = given.get(key)
        if old is not None and (old.value != fig.value or old.raw != fig.raw):
            diagnostics.append(
                Diagnostic(
                    code="figures.reread",
                    severity="warning",
                    message=f"{key}: the tables gave {old.raw!r}, but its row is incomplete there; "
                    f"read in the form's row order it is {fig.raw!r}",
                    origin=fig.origin,
                )
            )
        reading.figures[key] = fig

    say_unread(
        spec,
        rows,
        runs,
        cells,
        covered=covered,
        unread=unread,
        left_out=left_out,
        wanted=wanted,
        diagnostics=diagnostics,
    )
    if read_rows:
        diagnostics.append(
            Diagnostic(
                code="figures.read_linearly",
                severity="info",
                message=f"{len(read_rows)} rows of the {spec.key} table read from the text in "
                f"the {_form_of(spec)} form's row order: the document's tables did not give them",
            )
        )


def _repeated_cells(
    spec: TableSpec,
    rows: list[Label],
    runs: list[Run],
    repeats: list[tuple[Cover, Repeated]],
    *,
    placed: list[_Placed],
    given: Mapping[str, Figure],
    unread: dict[int, str],
    wanted: set[str],
    reading: Reading,
    diagnostics: list[Diagnostic],
) -> list[_Placed]:
    """The cells of rows printed with fewer values than cells (`linear_repeats`): each settled
    cell placed with the line it was printed on, each undetermined one with its candidates."""
    known = {k: f.value for k, f in given.items() if f.value is not None}
    known |= {
        p.key: v
        for p in placed
        if p.piece is not None and (v := parse_value(p.piece.text).value) is not None
    }
    read_repeats([r for _, r in repeats], known)
    out: list[_Placed] = []
    for cover, repeated in repeats:
        run = runs[cover.run]
        if not repeated.readings:
            unread |= dict.fromkeys(range(cover.first, cover.stop), repeated.note)
            continue
        settled = repeated.settled()
        for i, key in enumerate(repeated.keys):
            piece = repeated.piece(run.pieces, repeated.readings[0][i])
            if key in settled:
                out.append(_Placed(key, piece=piece))
                reading.repeated.append(key)
            else:
                found = tuple(_printable(v) for v in repeated.candidates(key))
                out.append(_Placed(key, piece=piece, candidates=found))
                reading.undetermined.append(key)
        covered = rows[cover.first : cover.stop]
        if any(r.key in wanted for r in covered):  # not for rows the tables gave
            where = f"{spec.key} " + ", ".join(r.key for r in covered)
            diagnostics.append(repeated.diagnostic(where, run.printed(), run.pieces[0].origin))
    return out


def _fixed_cells(run: Run, needed: int) -> list[Piece] | None:
    """The run's cells when each piece is one cell (table cells; as many pieces as cells)."""
    if any(p.glued for p in run.pieces):
        return list(run.pieces) if len(run.pieces) == needed else None
    required = [p for p in run.pieces if not p.optional]
    extra = needed - len(required)
    out = []
    for piece in run.pieces:
        if not piece.optional:
            out.append(piece)
        elif extra > 0:
            out.append(piece)
            extra -= 1
    return out if len(out) == needed else None


# --- splitting glued runs --------------------------------------------------------------------


def _split(
    spec: TableSpec,
    glued: list[tuple[Run, list[str]]],
    placed: list[_Placed],
    given: Mapping[str, Figure],
) -> tuple[list[RunSplit], dict[str, int]]:
    """Each glued run cut under the table's checks; the keys of the runs cut no way."""
    if not glued:
        return [], {}
    texts = [(run.digits(), len(keys)) for run, keys in glued]
    where: dict[str, Cell] = {p.key: (p.run, p.index) for p in placed if p.run is not None}
    # Figures known already (cells printed alone, the tables' own) take part as one more run.
    known = {k: f.value for k, f in given.items() if f.value is not None}
    known |= {
        p.key: v
        for p in placed
        if p.piece is not None
        and not p.candidates
        and (v := parse_value(p.piece.text).value) is not None
    }
    known = {k: v for k, v in known.items() if k not in where}
    constants = list(known)
    if constants:
        texts.append((" ".join(_printable(known[k]) for k in constants), len(constants)))
        where |= {k: (len(glued), n) for n, k in enumerate(constants)}
    equations = list(_equations(spec, where, len(glued)))
    splits = split_runs(texts, equations)
    unsolved = {keys[0]: n for n, (_, keys) in enumerate(glued) if not splits[n].candidates}
    return splits, unsolved


def _numbers(texts: Iterable[str]) -> list[float | int]:
    """Candidates' texts as the numbers a figure holds (`parse_value`'s reading of a cell)."""
    return [value for text in texts if (value := parse_value(text).value) is not None]


def _printable(value: float) -> str:
    text = f"{value}"
    return text[:-2] if text.endswith(".0") else text


def _equations(spec: TableSpec, where: Mapping[str, Cell], n_glued: int) -> Iterator[CellEquation]:
    """The forms' checks over this table's cells, where every figure they sum is placed (each
    choice as `Equation.choose` makes it over the placed cells)."""
    for check in FORMS.checks:
        for instance in FORMS.instances(check):
            if where.keys().isdisjoint(instance.equation.keys):
                continue  # over none of the placed cells (a cheap test before choosing)
            left, right = instance.equation.choose(where)
            if not all(k in where for k in (*left, *right)):
                continue  # a figure it sums is not placed
            left_cells = tuple(where[k] for k in left)
            right_cells = tuple(where[k] for k in right)
            if not any(run < n_glued for run, _ in (*left_cells, *right_cells)):
                continue  # only figures known already: nothing to decide
            yield CellEquation(left_cells, right_cells, instance.name)


# --- figures ---------------------------------------------------------------------------------


def _figures(
    spec: TableSpec,
    placed: list[_Placed],
    glued: list[tuple[Run, list[str]]],
    splits: list[RunSplit],
    *,
    reading: Reading,
    diagnostics: list[Diagnostic],
) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    # A column whose label states a unit (本年收费金额（单位：万元）) gives it to its figures.
    by_column = {c.key: unit_note(c.label) for c in reversed(spec.columns)}  # a key's first
    units = {
        spec.figure(row.key, col): by_column[col]
        for row in spec.rows
        for col in _columns(spec, row)
    }
    for p in placed:
        if p.candidates and p.piece is not None:
            out[p.key] = Figure(
                value=None,
                raw="",
                unit=units[p.key],
                source="table",
                origin=p.piece.origin,
                confidence=0.0,
                candidates=_numbers(p.candidates),
            )
        elif p.piece is not None:
            raw = p.piece.text + p.piece.unit.strip()
            out[p.key] = _figure(raw, p.piece.origin, 1.0, units[p.key])
    for n, (run, keys) in enumerate(glued):
        split = splits[n]
        if not split.candidates:
            continue
        spans = [list(_spans(run, c)) for c in split.candidates]
        # Cells the digits alone leave open (no sums applied) and those the sums still leave open.
        shape_only = split_runs([(run.digits(), len(keys))], [])[0]
        loose = _open_cells([list(_spans(run, c)) for c in shape_only.candidates])
        unsure = _open_cells(spans)
        for i, key in enumerate(keys):
            if i in unsure:
                # Several readings satisfy every sum the form gives; the order they are listed
                # in is a preference of shape, not evidence, so the cell gets no value.
                out[key] = Figure(
                    value=None,
                    raw="",
                    unit=units[key],
                    source="table",
                    origin=_reach(run, [s[i] for s in spans]),
                    confidence=0.0,
                    candidates=_numbers(dict.fromkeys(c[i] for c in split.candidates)),
                )
                reading.undetermined.append(key)
                continue
            piece, start, end = spans[0][i]
            raw = run.pieces[piece].text[start:end]
            text_end = run.pieces[piece].start + end
            if end == len(run.pieces[piece].text) and run.pieces[piece].unit:
                raw += run.pieces[piece].unit.strip()
                text_end += len(run.pieces[piece].unit)
            origin = TextSpanOrigin(
                block=run.pieces[piece].block, start=run.pieces[piece].start + start, end=text_end
            )
            out[key] = _figure(raw, origin, 1.0, units[key])
            if i in loose:
                reading.by_arithmetic.append(key)
        if unsure:
            diagnostics.append(_undetermined_split(run, keys, split, unsure, out))
    return out


def _undetermined_split(
    run: Run, keys: list[str], split: RunSplit, unsure: set[int], out: Mapping[str, Figure]
) -> Diagnostic:
    """`figures.undetermined` for a glued run the sums cut more than one way: every reading
    (the first `_CANDIDATES_SHOWN`, in the splitter's order of shape) and each open cell's
    candidates, as `linear_repeats` words it."""
    readings = split.candidates
    shown = " | ".join(", ".join(c) for c in readings[:_CANDIDATES_SHOWN])
    if len(readings) > _CANDIDATES_SHOWN:
        shown += f" | … and {len(readings) - _CANDIDATES_SHOWN} more"
    cells = "; ".join(
        f"{keys[i]} one of {', '.join(dict.fromkeys(c[i] for c in readings))}"
        for i in sorted(unsure)
    )
    return Diagnostic(
        code="figures.undetermined",
        severity="warning",
        message=f"{compact(run.printed())!r} splits {len(readings)} ways that the table's sums "
        f"allow ({shown}): {cells}; left without a value",
        origin=out[keys[min(unsure)]].origin,
    )


def _reach(run: Run, places: list[tuple[int, int, int]]) -> TextSpanOrigin:
    """The characters a cell comes from in one reading or another: from the earliest start to
    the latest end (a cell never spans pieces, but readings may put it in different ones)."""
    first = min((piece, start) for piece, start, _ in places)
    last = max((piece, end) for piece, _, end in places)
    begin, stop = run.pieces[first[0]], run.pieces[last[0]]
    if begin.block != stop.block:
        end = begin.start + len(begin.text)
        return TextSpanOrigin(block=begin.block, start=begin.start + first[1], end=end)
    return TextSpanOrigin(block=begin.block, start=begin.start + first[1], end=stop.start + last[1])


def _open_cells(readings: list[list[tuple[int, int, int]]]) -> set[int]:
    """The cells whose place differs between the readings."""
    return {i for i in range(len(readings[0])) if len({r[i] for r in readings}) > 1}


def _spans(run: Run, cells: tuple[str, ...]) -> Iterator[tuple[int, int, int]]:
    """(piece, start, end) of each cell: cells never span the blanks between pieces."""
    piece, offset = 0, 0
    for cell in cells:
        while offset == len(run.pieces[piece].text):
            piece, offset = piece + 1, 0
        yield piece, offset, offset + len(cell)
        offset += len(cell)


def _figure(raw: str, origin: Origin, confidence: float, unit: str | None) -> Figure:
    parsed = parse_value(raw)
    return Figure(
        value=parsed.value,
        raw=raw,
        unit=parsed.unit or unit,
        source="table",
        origin=origin,
        confidence=confidence,
    )
