"""Compute References (companies with the compute build and reference_class.csv): the published figures a
model of an AI lab's compute can be held against — serving cost per token, throughput, rent per
accelerator-hour, utilisation, training cost growth, peers' margins — each with its source and grade, beside
the selected scenario's figure they are compared with, and a review flag where the model sits outside the
published range. A review flag is not a failed check: the Checks tab shows the count, outside the master check."""
from __future__ import annotations

from ...calc.formula import IF, ISNUMBER, MIN, MAX, NA, OR, SUM, Rng
from ..timeline import LABEL_COL
from . import LINE_HEIGHT, fit_rows, title_rows

# the table's columns: (label id refs.<id>, width)
COLUMNS = [("item", 46), ("unit", 11), ("low", 11), ("high", 11), ("metric", 40), ("periods", 31), ("model_low", 11),
           ("model_high", 11), ("flag", 9), ("source", 12), ("grade", 9), ("note", 70)]
COL = {key: i for i, (key, _) in enumerate(COLUMNS)}


def benchmark_unit(t, unit: str) -> str:
    """Unit-column text of a reference figure: a model kind's unit (the company's currency where it has one)."""
    return t.unit if unit.startswith("amount") else t.unit_of(unit)


class BenchmarksTab:
    def __init__(self, book, data, tl, inputs, income, ratios):
        t = book.t
        sh = self.sheet = book.add_sheet("compute_refs", "output")
        self.data, self.tl = data, tl
        title_rows(sh, sh.name, t("refs.subtitle", inputs=t("tabs.inputs")))
        sh.put(4, LABEL_COL, t("refs.method"), "note")
        sh.put(5, LABEL_COL, t("refs.flags_label"), "total_label")
        head = 7
        sh.heights[head] = 2 * LINE_HEIGHT
        for key, width in COLUMNS:
            sh.put(head, COL[key], t(f"refs.{key}"), "head_wrap")
            sh.widths[COL[key]] = width
        sh.freeze = (head + 1, 1)
        seg = data.units.segment
        lines = {"gm_unit": (ratios.lines, f"gm_{seg}")}
        flags, r = [], head + 1
        for b in data.benchmarks:
            low, high = (c.ref() for c in inputs.benchmarks[b.id])
            sh.put(r, COL["item"], t.data_text(b.fields, "item"), "text_wrap")
            sh.put(r, COL["unit"], benchmark_unit(t, b.unit), "unit")
            fmt = b.unit if b.unit in ("pct", "x") else "amount4" if b.unit == "price" else b.unit
            sh.put(r, COL["low"], low, "calc", fmt)
            sh.put(r, COL["high"], high, "calc", fmt)
            sh.put(r, COL["source"], b.source, "unit")
            sh.put(r, COL["grade"], t.grade(b.reliability), "unit")
            note = t.data_text(b.fields, "note")
            sh.put(r, COL["note"], note, "text_wrap")
            fit_rows(sh, [(r, v, COLUMNS[COL["note"]][1]) for k, v in b.fields.items() if k.startswith("note")]
                     + [(r, v, COLUMNS[COL["item"]][1]) for k, v in b.fields.items() if k.startswith("item")])
            if b.metric:
                block, key = lines.get(b.metric, (income.lines, b.metric))
                periods = [p for p in (b.periods or tl.forecast) if p in tl.col and block.has(key, p)]
                sh.put(r, COL["metric"], t.line(block.line(key))[0], "text_wrap")
                sh.put(r, COL["periods"], self.period_text(periods), "unit")
                cells = [block.cell(key, p) for p in periods]
                if cells:
                    known = OR(*[ISNUMBER(c.ref()) for c in cells]) if len(cells) > 1 else ISNUMBER(cells[0].ref())
                    ranges = [Rng(c, c, absolute=False) for c in cells]   # a range: MIN and MAX skip n/a
                    lo = sh.put(r, COL["model_low"], IF(known, MIN(*ranges), NA), "calc", fmt)
                    hi = sh.put(r, COL["model_high"], IF(known, MAX(*ranges), NA), "calc", fmt)
                    flags.append(sh.put(r, COL["flag"], IF(ISNUMBER(lo.ref()), IF(OR(lo.ref().lt(low), hi.ref().gt(
                        high)), 1, 0), NA), "check", "flag"))   # a raised flag shows red
            r += 1
        sh.put(r, LABEL_COL, t("refs.fx_note"), "note")
        self.flag_count = sh.put(5, COL["low"], SUM(Rng(flags[0], flags[-1], absolute=False)) if flags else 0,
                                 "calc_total", "int")
        sh.put(5, COL["metric"], t("refs.flags_note"), "note")
        self.FlagCount = book.define("ReviewFlags", self.flag_count)

    def period_text(self, periods) -> str:
        """The periods compared as the headers show them, runs of consecutive years as a span: FY2024A–FY2025A;
        FY2026E–FY2030E; 1H2026A."""
        tl = self.tl
        code = lambda p: p.code + ("E" if not tl.is_actual(p) else "A")  # noqa: E731
        runs = []
        for p in periods:
            last = runs[-1][-1] if runs else None
            if (last is not None and p.is_full_year and last.is_full_year and p.year == last.year + 1
                    and tl.is_actual(p) == tl.is_actual(last)):
                runs[-1].append(p)
            else:
                runs.append([p])
        return "; ".join(code(r[0]) if len(r) == 1 else f"{code(r[0])}–{code(r[-1])}" for r in runs)
