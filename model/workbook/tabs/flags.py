"""Review flags on the Checks tab: what a reader should look at, apart from the integrity checks and not
counted in the master check (a forecast may move so for a reason its rationale gives). Per scenario: a
forecast part (2H2026E, 1H2027E ...) whose revenue, cost of revenue or R&D moves from the part before by more
than its stated band (at the run rate where the parts differ in length; a seasonal segment beyond its
pattern: its second part over the pattern); a first profit right after a large
loss (adjusted net income turning positive after a loss larger than the stated share of that period's
revenue); and a total labelled positive that reads negative (the cumulative loss, the funding need). The
bands are tolerances on Inputs (company.toml [tolerances]); the count of raised flags shows on the Cover."""
from __future__ import annotations

from ...calc.formula import AND, IF, OR, SUM, Rng
from ..timeline import LABEL_COL, UNIT_COL



def flag_rows(sh, data, tl, inputs, scenarios, cash, tol, row) -> tuple[int, object]:
    """Write the review flags from `row`; return the next free row and the cell counting the raised flags."""
    t = sh.book.t
    band = tol   # the bands are tolerances on Inputs (data.settings.BANDS): falls as their size
    counts = []

    def flag_row(key, cells_by_period, **fill):
        nonlocal row
        if not cells_by_period:
            return
        sh.put(row, LABEL_COL, t(f"flags.{key}", **fill), "label")
        cells = [sh.put(row, tl.col[p], f, "calc", "int") for p, f in cells_by_period.items()]
        counts.append(sh.put(row, UNIT_COL, SUM(Rng(cells[0], cells[-1], absolute=False)), "calc", "int"))
        sh.put(row, tl.note_col, t(f"flags.{key}_note", **fill), "note")
        row += 1

    segments = [k for k, _ in data.segments]
    for sc in data.scenarios:
        b = scenarios.blocks[sc]

        def beyond_pattern(figure):   # a seasonal segment's second part over its pattern: the change beyond it
            def f(p):
                return SUM(*[figure(k, p) / b.drv(f"season_{k}") if k in data.seasonal and p.is_remainder
                             else figure(k, p) for k in segments])
            return f
        revenue = beyond_pattern(lambda k, p: b.at(f"rev_{k}", p))
        cost = beyond_pattern(lambda k, p: b.at(f"rev_{k}", p) - b.at(f"gp_{k}", p))

        def rate(p, figure):   # a part's figure at the run rate of the part before it (halves: as it is)
            q = tl.previous(p)
            if q.months == p.months:
                return figure(p), figure(q)
            return figure(p) / inputs.part_share(p).ref(True, True), figure(q) / inputs.part_share(q).ref(True, True)

        def moves(p):
            out = []
            for name, figure in (("revenue", revenue), ("cost", cost),
                                 ("rnd", lambda q: b.at("rnd", q))):
                now, before = rate(p, figure)
                change = now / before - 1   # only where the part before is above 0: AND would evaluate it at 0 too
                out.append(IF(before.gt(0), IF(OR(change.lt(-band[f"band_{name}_fall"]),
                                                  change.gt(band[f"band_{name}_rise"])), 1, 0), 0))
            return IF(OR(*out), 1, 0)
        flag_row("part_moves", {p: moves(p) for p in tl.forecast_parts}, scenario=sc)

        def first_profit(p):
            q = tl.previous(p)
            ani, before, revenue = b.at("adjusted_net_income", p), b.at("adjusted_net_income", q), b.at("revenue", q)
            return IF(AND(ani.ge(0), before.lt(0), (-before).gt(band["band_large_loss"] * revenue)), 1, 0)
        flag_row("profit_after_loss", {p: first_profit(p) for p in tl.driver_periods}, scenario=sc)

    last = tl.forecast[-1]
    negative = lambda cell: cell.ref().lt(-tol["amount"])  # noqa: E731
    flag_row("negative_total", {last: SUM(*[IF(OR(negative(scenarios.summary[sc][1]),
                                                               negative(cash.summary[sc][3])), 1, 0)
                                                         for sc in data.scenarios])})
    sh.put(row, LABEL_COL, t("flags.count"), "total_label")
    total = sh.put(row, UNIT_COL, SUM(*[c.ref() for c in counts]), "calc_total", "int")
    return row + 1, total
