"""Where an actual column's figure comes from: reported, derived by the model, or an assumption.

Every figure in an Actual column of a time-based tab is styled by what it rests on, so that nothing the
model estimated, and nothing the data mark as an assumption, looks like a reported figure:
  derived   the model's estimate where the data leave a figure the forecast needs blank (an undisclosed
            segment margin, an undisclosed compute within R&D: calc/lines.py), and every figure computed
            from one (orange, italic);
  assumed   an input the data mark as an assumption (an assumed compute share, an undisclosed operating
            metric: data/actuals.py is_assumed), and every figure computed from one (purple, italic).
A figure resting on both is an assumption. Forecast columns are estimates throughout and keep their styles.
May import: model.calc, model.data, workbook.book.
"""
from __future__ import annotations

from ..calc.formula import Fn, Name, Neg, Op, Ref, Rng

DERIVED, ASSUMED = "derived", "assumed"
STYLE = {("calc", DERIVED): "derived", ("calc_total", DERIVED): "derived_total",
         ("calc", ASSUMED): "assumed", ("calc_total", ASSUMED): "assumed_total"}


def derived_lines(data) -> set[tuple[str, object]]:
    """(line key, period) of the figures the model derives because the data leave them blank: in each period
    the forecast starts from, a segment gross profit without a disclosed margin, and compute within R&D
    carried at the last known share."""
    out = set()
    for p in data.forecast_bases:
        if not data.single_segment:
            out |= {(f"gp_{k}", p) for k, _ in data.segments if data.actual(f"gm_{k}", p) is None}
        if data.compute_carried_from(p) is not None:
            out.add(("rnd_compute", p))
    return out


def derived_items(data) -> dict[str, list]:
    """The Inputs rows whose blank the model fills where the forecast starts: item -> periods (gm_cloud for
    the derived gp_cloud, rnd_compute for itself)."""
    out = {}
    for key, p in sorted(derived_lines(data), key=lambda kp: (kp[0], kp[1])):
        out.setdefault("gm_" + key[3:] if key.startswith("gp_") else key, []).append(p)
    return out


def _read(expr):
    """The cells a formula reads, every cell of a range included."""
    if isinstance(expr, (Ref, Name)):
        yield expr.cell
    elif isinstance(expr, Rng):
        yield from (c for row in expr.cells() for c in row if c is not None)
    elif isinstance(expr, Op):
        yield from _read(expr.a)
        yield from _read(expr.b)
    elif isinstance(expr, Neg):
        yield from _read(expr.a)
    elif isinstance(expr, Fn):
        for a in expr.args:
            yield from _read(a)


def style_actuals(book, sources: dict) -> int:
    """Restyle the book's actual-column line cells (book.actual_cells) that rest on a derived figure or an
    assumption. `sources`: cell -> DERIVED | ASSUMED, the figures themselves. Returns how many changed."""
    found = {id(c): kind for c, kind in sources.items()}

    def kind(cell):
        if id(cell) not in found:
            found[id(cell)] = None   # a cycle reads as nothing found
            kinds = {kind(c) for c in _read(cell.content)} if cell.is_formula else set()
            found[id(cell)] = ASSUMED if ASSUMED in kinds else DERIVED if DERIVED in kinds else None
        return found[id(cell)]

    changed = 0
    for cell in book.actual_cells:
        k = kind(cell)
        if k and (cell.role, k) in STYLE:
            cell.role = STYLE[(cell.role, k)]
            changed += 1
    return changed


def mark(book, data, inputs, income) -> int:
    """Style the actual columns of every tab by provenance: the assumed inputs (Inputs) and the derived
    figures (the Income Statement's lines, which every other tab reads)."""
    sources = {cell: ASSUMED for (item, p), cell in inputs.hist.items()
               if (fig := data.actuals.get(item, {}).get(p)) is not None and fig.assumed and fig.value is not None}
    sources.update({income.lines.cells[key, p]: DERIVED for key, p in derived_lines(data)
                    if (key, p) in income.lines.cells})
    return style_actuals(book, sources)
