"""Unit Economics (companies with the unit build): per scenario and year the unit drivers (tokens,
price, cost per token, training per generation, headcount, other costs' variable share; customers and
revenue per customer with a customer segment), the costs by class, the contribution
margin and the breakeven volume; the selected scenario's breakeven tokens per day in the target year
(defined name BreakevenTokensPerDay); a chart of tokens per day against the breakeven volume."""
from __future__ import annotations

from ..book import REFERENCE_LINE, Chart, Series, line_style
from ...calc.formula import CHOOSE, Rng
from ...calc.lines import Line, first_flagged
from ...calc.costs import cost_lines
from ...calc.units import INTERIM_FALLBACK, RND_LINES, contribution_lines
from ...data.items import UNIT_ACTUALS, unit_items
from ..layout import LineBlock
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, UNIT_COL
from . import fit_rows, scenario_table, title_rows
from .breakeven import target_pick

# the unit drivers shown per scenario, actual and forecast: lines of the scenario block
DRIVERS = ["u_tokens", "u_price", "u_unit_cost", "u_variable_share", "u_generations", "u_cost_per_gen", "u_headcount",
           "u_cost_per_head", "u_opex_share"]
CUSTOMERS = ["u_customers", "u_rev_per_customer"]
# with the compute build: what serving and training take in accelerators, and a token's two marginal costs
COMPUTE = ["c_throughput", "c_target_util", "c_utilisation", "c_serving_acc", "c_tokens_per_acc", "c_rnd_acc", "c_fleet",
           "c_owned_share", "c_rent", "c_rate", "c_hours_per_gen", "c_lrmc", "c_lrmc_share", "c_srmc", "c_srmc_share"]
# the summary's columns: (label id, unit kind, number format)
COLUMNS = [("scenarios.breakeven", "year", "year"), ("ue.be_tokens_target", "tokens", "tokens"),
           ("ue.tokens_target", "tokens", "tokens"), ("ue.token_pays", "year", "year")]


def view(line, source):
    """A unit line of the scenario block `source`, shown here in actual and forecast columns alike, in its unit
    (no cell where the line has none: a forecast-only line in an actual year); in the parts of a year too."""
    f = lambda x, p: x.at(line.key, p) if source.has(line.key, p) else None  # noqa: E731
    return Line(f"v_{line.key}", line.unit, f, f, text=line.text, note="-", segment=line.segment, half="calc")


def interim_fallback(t, data) -> str:
    """What the unit build takes for the interim metrics operating.csv does not give (the build report says
    it too): the base year's levels and shares, its flows pro rata; "" when the interim gives them all."""
    if data.stub is None:
        return ""
    items = unit_items(data.units, UNIT_ACTUALS)
    missing = [k for k in items if data.actual(k, data.stub) is None]
    if not missing:
        return ""
    names = lambda kinds: ", ".join(t.item("items", items[k]) for k in missing  # noqa: E731
                                    if INTERIM_FALLBACK[k] in kinds) or "–"
    return t("ue.interim_fallback", stub=data.stub.code, base=data.base_year.code, levels=names(("level", "share")),
             flows=names(("flow",)))


class UnitsTab:
    def __init__(self, book, data, tl, inputs, income, scenarios, breakeven):
        t = book.t
        sh = self.sheet = book.add_sheet("units", "output")
        title_rows(sh, sh.name, t("ue.subtitle", unit=t.unit))
        scs = data.scenarios
        self.headers = tl.write_header(sh, 4)
        first, last = tl.forecast[0], tl.forecast[-1]
        years = Rng(self.headers[first], self.headers[last])
        top = 7
        sh.put(top, LABEL_COL, t("ue.target", breakeven=t("tabs.breakeven")), "label")
        sh.put(top, UNIT_COL, t.unit_of("year"), "unit")
        self.target = sh.put(top, FIRST_COL, breakeven.target.ref(True, True), "calc", "year")
        fallback = interim_fallback(t, data)
        if fallback:   # a wrapped note across the label, unit and full-year columns
            end = tl.col[tl.forecast[-1]]
            sh.put(top + 1, LABEL_COL, fallback, "note_wrap")
            sh.merges.append((top + 1, LABEL_COL, end))
            fit_rows(sh, [(top + 1, text, LABEL_WIDTH + 10 + 11 * (end - FIRST_COL + 1))
                          for text in (interim_fallback(t.edition(lang), data) for lang in LANGS)])
        table_top = top + 2
        row = table_top + len(scs) + 6

        drivers = [d for d in DRIVERS if data.split_compute or d not in RND_LINES]   # R&D one line: no parts
        drivers += (CUSTOMERS if data.units.customer_segment else []) + (COMPUTE if data.compute else [])
        first_block = scenarios.blocks[scs[0]]
        lines = [view(first_block.line(key), first_block) for key in drivers] + contribution_lines(data)
        self.blocks = {}
        for sc in scs:
            sh.put(row, LABEL_COL, t("ue.contribution", scenario=sc), "section")
            row += 1
            block = LineBlock(sh, tl, lines, row, tl.main, inputs, source=scenarios.blocks[sc], headers=self.headers)
            block.fill(notes=sc == scs[0])
            for key, cls, _ in cost_lines(data):
                sh.put(block.rows[f"ue_{key}"], UNIT_COL, t(f"ue.{cls}"), "unit")
            self.blocks[sc] = block
            sh.groups.append((row, block.last_row))
            row = block.last_row + 2

        target = self.target.ref(True, True)

        def values(sc):
            b = self.blocks[sc]
            pays = Rng(b.cell("ue_token_pays", first), b.cell("ue_token_pays", last))
            return [scenarios.summary[sc][0].ref(), target_pick(b, "ue_be_tokens", target, years),
                    target_pick(b, "v_u_tokens", target, years), first_flagged(pays, years, t("ue.never"))]
        columns = [(t(key), kind, fmt) for key, kind, fmt in COLUMNS]
        self.summary, self.selected, r = scenario_table(sh, table_top, columns, scs, values, income.index)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        self.BreakevenTokensPerDay = book.define("BreakevenTokensPerDay", self.selected[1])

        # the selected scenario's tokens per day and breakeven volume, which the chart plots: picked by CHOOSE
        # from the blocks above, as no other row holds them
        sh.put(row, LABEL_COL, t("ue.selected", inputs=t("tabs.inputs")), "section")
        row += 1
        series = []
        for key, text, style in (("v_u_tokens", "ue.selected_tokens", line_style(0)),
                                 ("ue_be_tokens", "ue.selected_be", REFERENCE_LINE)):
            sh.put(row, LABEL_COL, t(text), "label")
            sh.put(row, UNIT_COL, t.unit_of("tokens"), "unit")
            cells = {p: sh.put(row, tl.col[p], CHOOSE(income.index.ref(True, True),
                                                      *[self.blocks[sc].cell(key, p).ref() for sc in scs]),
                               "calc", "tokens") for p in tl.main if not tl.is_actual(p)}
            series.append(Series(sh.cell_at(row, LABEL_COL), Rng(cells[first], cells[last]), years, style=style))
            row += 1
        sh.charts.append(Chart("line", t("ue.chart"), series, (row + 1, LABEL_COL), size=(900, 340),
                               columns=tl.chart_columns(first, last),
                               axes={"y": {"fmt": "tokens", "major_gridlines": {"visible": True,
                                                                                "line": {"color": "#D9D9D9"}}},
                                     "x": {"label_position": "low", "fmt": "year"}}))
