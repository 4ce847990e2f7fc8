"""Inputs: the scenario selector, historical actuals, check tolerances, reference figures, and
every scenario's forecast assumptions side by side. The only tab with typed-in numbers."""
from __future__ import annotations

from ..book import name_part
from ..data import FUNDING_ITEMS, SENSITIVITY, TOLERANCES, actual_items, all_driver_items, used_tolerances
from ..formula import Rng
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import title_rows

CLAIM_FORMATS = {"pct": "pct", "x": "x", "amount": "amount3", "year": "year"}


def claim_format(unit: str) -> str:
    """Number format of a claim's figures: its unit's, or a plain number for counts (users, tokens)."""
    return CLAIM_FORMATS.get(unit, "amount")


def tolerance_format(fmt: str) -> str:
    """Tolerances show one decimal more than the figures they apply to."""
    return {"amount3": "amount4", "pct": "pct2"}.get(fmt, fmt)


def claim_unit(unit: str, company_unit: str) -> str:
    return {"pct": "%", "x": "x", "amount": company_unit, "year": "year"}.get(unit, unit)


class InputsTab:
    def __init__(self, book, data, tl, scenario):
        self.book, self.data, self.tl = book, data, tl
        sh = self.sheet = book.add_sheet("Inputs", "input")
        unit = data.company["unit"]
        title_rows(sh, data, "Inputs", "Blue cells on a light fill are inputs: edit them, everything else follows. "
                   f"Amounts in {unit}; rates as percentages.")
        self.headers = tl.write_header(sh, 4, "Source / rationale")
        row = 7

        # Scenario selector and list
        sh.put(row, LABEL_COL, "Scenario selection", "section")
        row += 1
        sh.put(row, LABEL_COL, "Selected scenario (drives the Income Statement and Ratios)", "label")
        self.selector = sh.put(row, FIRST_COL, scenario, "input", "text")
        sh.put(row, tl.note_col, "Pick from the list; the Scenarios tab shows every scenario at once.", "note")
        row += 1
        first = row
        for i, sc in enumerate(data.scenarios):
            sh.put(row, LABEL_COL, f"Scenario {i + 1}", "detail_label")
            sh.put(row, FIRST_COL, sc, "label")
            row += 1
        self.scenario_list = Rng(sh.cell_at(first, FIRST_COL), sh.cell_at(row - 1, FIRST_COL))
        self.Scenario = book.define("Scenario", self.selector)
        book.define("ScenarioList", self.scenario_list)
        sh.validations.append((self.selector, {"validate": "list", "source": "=ScenarioList",
                                               "input_title": "Scenario", "input_message": "Pick a scenario from the list.",
                                               "error_message": "Choose one of the scenarios listed below the selector."}))
        row += 1

        # Historical actuals
        sh.put(row, LABEL_COL, "Historical actuals (as reported)", "section")
        row += 1
        self.hist = {}
        for item, (label, kind, _) in actual_items(data).items():
            sh.put(row, LABEL_COL, label, "detail_label" if label.startswith(" ") else "label")
            sh.put(row, UNIT_COL, unit if kind == "amount" else "%", "unit")
            sources = []
            for p in tl.actuals:
                fig = data.actuals.get(item, {}).get(p)
                value = fig.value if fig else None
                comment = None
                if fig and (fig.source or fig.note):
                    comment = "; ".join(x for x in (fig.source and "Source: " + fig.source, fig.note) if x)
                    if fig.source and fig.source not in sources:
                        sources.append(fig.source)
                self.hist[(item, p)] = sh.put(row, tl.col[p], value, "input", kind, comment)
            sh.put(row, tl.note_col, ("Source: " + " | ".join(sources)) if sources else "Not disclosed: shown as n/a.", "note")
            book.define(f"Act_{name_part(item)}", Rng(self.hist[(item, tl.actuals[0])], self.hist[(item, tl.actuals[-1])]))
            row += 1
        row += 1

        # Cash and funding
        sh.put(row, LABEL_COL, "Cash and funding", "section")
        row += 1
        self.funding = {}
        for key, (label, kind, rule, _) in FUNDING_ITEMS.items():
            fig = data.funding[key]
            if rule == "actual":
                label += f", end of {fig.period.code}"
            sh.put(row, LABEL_COL, label, "label")
            sh.put(row, UNIT_COL, fig.unit or (unit if kind.startswith("amount") else ""), "unit")
            self.funding[key] = sh.put(row, FIRST_COL, fig.value, "input", kind)
            book.define(f"Fund_{key}", self.funding[key])
            sh.put(row, tl.note_col, "; ".join(x for x in ("Source: " + fig.source if fig.source else "", fig.note) if x),
                   "note")
            row += 1
            if rule == "forecast":
                sh.put(row, LABEL_COL, "  received in fiscal year", "detail_label")
                sh.put(row, UNIT_COL, "year", "unit")
                self.funding["raise_year"] = sh.put(row, FIRST_COL, fig.period.year, "input", "year")
                book.define("Fund_raise_year", self.funding["raise_year"])
                sh.put(row, tl.note_col, "The cash arrives in this forecast year.", "note")
                row += 1
        self.opening_period = data.funding["opening_cash"].period
        row += 1

        # Tolerances for the checks
        sh.put(row, LABEL_COL, "Check tolerances", "section")
        row += 1
        self.tol = {}
        for key in used_tolerances(data):
            label = TOLERANCES[key][0]
            sh.put(row, LABEL_COL, label, "label")
            fmt = "amount4" if key == "amount" else "pct2"
            sh.put(row, UNIT_COL, unit if key == "amount" else "%", "unit")
            self.tol[key] = sh.put(row, FIRST_COL, data.tolerances[key], "input", fmt)
            book.define(f"Tol_{key}", self.tol[key])
            row += 1
        row += 1

        # Sensitivity steps
        sh.put(row, LABEL_COL, "Sensitivity steps (Sensitivity tab)", "section")
        row += 1
        self.steps = {}
        for key, (label, _, note) in SENSITIVITY.items():
            sh.put(row, LABEL_COL, label, "label")
            sh.put(row, UNIT_COL, "%", "unit")
            self.steps[key] = sh.put(row, FIRST_COL, data.sensitivity[key], "input", "pct")
            book.define(f"Step_{key}", self.steps[key])
            sh.put(row, tl.note_col, "Percentage points added and subtracted around the selected scenario. " + note,
                   "note")
            row += 1
        row += 1

        # Reference figures the checks compare against (published numbers from reference.csv)
        self.refs = []
        if data.references:
            sh.put(row, LABEL_COL, "Reference figures (published numbers the model must reproduce)", "section")
            row += 1
            for c, h in enumerate(["Metric", "Period", "Reported", "Tolerance", "Source", "Claim"]):
                sh.put(row, [LABEL_COL, UNIT_COL, FIRST_COL, FIRST_COL + 1, FIRST_COL + 2, FIRST_COL + 3][c], h, "subhead")
            row += 1
            first = row
            for ref in data.references:
                kind = "amount" if ref.unit == "amount" else "pct"
                sh.put(row, LABEL_COL, ref.metric, "label")
                sh.put(row, UNIT_COL, ref.period.code, "unit")
                value = sh.put(row, FIRST_COL, ref.value, "input", kind)
                tol = sh.put(row, FIRST_COL + 1, ref.tolerance, "input", "amount4" if kind == "amount" else "pct2")
                sh.put(row, FIRST_COL + 2, ref.source, "note")
                sh.put(row, FIRST_COL + 3, ref.claim, "note")
                self.refs.append((ref, value, tol))
                row += 1
            book.define("ReferenceFigures", Rng(sh.cell_at(first, FIRST_COL), sh.cell_at(row - 1, FIRST_COL + 1)))
            row += 1

        # Scenario assumptions: one block per driver, one row per scenario
        sh.put(row, LABEL_COL, "Forecast assumptions by scenario", "section")
        row += 1
        self.asm = {}
        self.asm_rows = {}
        for drv, (label, kind, _) in all_driver_items(data).items():
            sh.put(row, LABEL_COL, label, "subsection")
            sh.put(row, UNIT_COL, unit if kind == "amount" else "%", "unit")
            row += 1
            self.asm_rows[drv] = row
            for sc in data.scenarios:
                sh.put(row, LABEL_COL, "  " + sc, "detail_label")
                for p, v in zip(tl.forecast, data.assumptions[(sc, drv)]):
                    self.asm[(sc, drv, p)] = sh.put(row, tl.col[p], v, "input", kind)
                sh.put(row, tl.note_col, data.rationales.get((sc, drv), ""), "note")
                book.define(f"Asm_{name_part(sc)}_{drv}",
                            Rng(self.asm[(sc, drv, tl.forecast[0])], self.asm[(sc, drv, tl.forecast[-1])]))
                row += 1
            sh.groups.append((self.asm_rows[drv], row - 1))
        row += 1

        # Claims to audit: the figure each reports and how close the model must come
        self.claims = {}
        if data.claims:
            sh.put(row, LABEL_COL, "Claims to audit (Claims Audit tab)", "section")
            row += 1
            for c, h in ((LABEL_COL, "Claim"), (UNIT_COL, "Unit"), (FIRST_COL, "Reported"), (FIRST_COL + 1, "Tolerance"),
                         (FIRST_COL + 2, "Id"), (tl.note_col, "Original wording")):
                sh.put(row, c, h, "subhead")
            row += 1
            for cl in data.claims:
                fmt = claim_format(cl.unit)
                sh.put(row, LABEL_COL, cl.claim, "label")
                sh.put(row, UNIT_COL, claim_unit(cl.unit, unit), "unit")
                value = sh.put(row, FIRST_COL, cl.reported, "input", fmt)
                tol = sh.put(row, FIRST_COL + 1, cl.tolerance, "input", tolerance_format(fmt))
                sh.put(row, FIRST_COL + 2, cl.id, "unit")
                sh.put(row, tl.note_col, cl.quote + (f" (source: {cl.source})" if cl.source else ""), "note")
                book.define(f"Claim_{cl.id}", value)
                book.define(f"ClaimTol_{cl.id}", tol)
                self.claims[cl.id] = (value, tol)
                row += 1

    def cell(self, item, p):
        return self.hist[(item, p)]

    def driver_column(self, drv, p) -> Rng:
        """One forecast year of a driver, all scenarios: the range INDEX picks the selected one from."""
        scs = self.data.scenarios
        return Rng(self.asm[(scs[0], drv, p)], self.asm[(scs[-1], drv, p)], absolute=False, fixed_rows=True)
