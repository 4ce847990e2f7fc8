"""Inputs: the scenario selector, historical actuals, check tolerances, reference figures, and
every scenario's forecast assumptions side by side. The only tab with typed-in numbers."""
from __future__ import annotations

from ...data.balance import BALANCE_ITEMS
from ...data.bounds import AMOUNT, FLAG, FRACTION, FX_RATE, POSITIVE, RATE, SIGNED, STEP, TOLERANCE, Bound
from ...data.events import CONVERSION_PRICE, EQUITY_KINDS, STAKE
from ...data.valuation import PEER_MULTIPLES, VALUATION_ITEMS
from ...data.items import (DEFAULT_NOTES, FUNDING_ITEMS, UNIT_ACTUALS, actual_items, all_driver_items, raise_year_bound)
from ...data.settings import SENSITIVITY, TOLERANCES, used_tolerances
from ...data.units import SETTING_BOUNDS, SETTINGS as UNIT_SETTINGS
from ...calc.formula import Rng, name_part
from ..provenance import derived_items
from ...calc.lines import all_lines
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, NOTE_WIDTH, UNIT_COL
from . import fit_rows, precise, put_label, title_rows
from .market import put_market_inputs
from .arr import put_arr_inputs
from .peer_inputs import put_peer_inputs
from .risk_inputs import put_risk_inputs


INPUT_LABEL_WIDTH = 60   # wider than the other tabs' label column: section headings and input labels read whole


CLAIM_FORMATS = {"pct": "pct", "x": "x", "amount": "amount3", "year": "year"}


def claim_format(unit: str) -> str:
    """Number format of a claim's figures: its unit's, or a plain number for counts (users, tokens)."""
    return CLAIM_FORMATS.get(unit, "amount")


def tolerance_format(fmt: str) -> str:
    """Tolerances show one decimal more than the figures they apply to."""
    return {"amount3": "amount4", "pct": "pct2"}.get(fmt, fmt)


def claim_unit(t, claim) -> str:
    """Unit-column text of a claim: the edition's for the model's kinds, else the data's own (m users),
    in the edition's language where the data give it (unit_zh)."""
    return t.unit_of(claim.unit) if claim.unit in CLAIM_FORMATS else t.data_text(claim.fields, "unit")




class InputsTab:
    def __init__(self, book, data, tl, scenario):
        self.book, self.data, self.tl = book, data, tl
        t = book.t
        sh = self.sheet = book.add_sheet("inputs", "input")
        tab = lambda key: t(f"tabs.{key}")  # noqa: E731
        loader = {text: t(f"inputs.{key}") for key, text in DEFAULT_NOTES.items()}
        note = lambda text: loader.get(text, text)  # noqa: E731  (the loader's own notes in this edition's words)

        def fit_note(row, texts):
            """A wrapped note as tall as its longest text in any edition (the editions keep one layout)."""
            fit_rows(sh, [(row, text, NOTE_WIDTH) for text in texts])
        title_rows(sh, tab("inputs"), t("inputs.subtitle", unit=t.unit))
        self.headers = tl.write_header(sh, 4, t("inputs.notes"))
        sh.widths[LABEL_COL] = INPUT_LABEL_WIDTH
        row = 7

        # Scenario selector and list
        sh.put(row, LABEL_COL, t("inputs.selection"), "section")
        row += 1
        sh.put(row, LABEL_COL, t("inputs.selector", income=tab("income"), ratios=tab("ratios")), "label")
        self.selector = sh.put_input(row, FIRST_COL, scenario, "text", "ScenarioList")
        sh.put(row, tl.note_col, t("inputs.selector_note", scenarios=tab("scenarios")), "note")
        row += 1
        first = row
        for i, sc in enumerate(data.scenarios):
            sh.put(row, LABEL_COL, t("inputs.scenario_n", n=i + 1), "detail_label")
            sh.put(row, FIRST_COL, sc, "label")
            row += 1
        self.scenario_list = Rng(sh.cell_at(first, FIRST_COL), sh.cell_at(row - 1, FIRST_COL))
        self.Scenario = book.define("Scenario", self.selector)
        book.define("ScenarioList", self.scenario_list)
        row += 1

        # Historical actuals
        sh.put(row, LABEL_COL, t("inputs.history"), "section")
        row += 1
        self.hist = {}
        derived = derived_items(data)   # item -> the periods where the model derives what the blank leaves out
        for key, item in actual_items(data).items():
            self.label(row, lambda e: e.item("items", item), "detail_label" if item.detail else "label")
            sh.put(row, UNIT_COL, t.unit_of(item.unit), "unit")
            sources = []
            # the unit build's metrics: full years and the interim its forecast halves start from
            periods = tl.actual_years + ([tl.stub] if tl.stub else []) if key in UNIT_ACTUALS else tl.actuals
            for p in periods:
                fig = data.actuals.get(key, {}).get(p)
                value = fig.value if fig else None
                comment = None
                if fig and (fig.source or fig.note):
                    said = t.data_text({"note": fig.note, **fig.local}, "note")   # note_zh in the Chinese edition
                    comment = "; ".join(x for x in (fig.source and t("common.source", sources=fig.source), said) if x)
                    if fig.source and fig.source not in sources:
                        sources.append(fig.source)
                self.hist[(key, p)] = sh.put_input(row, tl.col[p], value, item.unit, item.bound, comment,
                                                   assumed=bool(fig and fig.assumed and value is not None))
            text = t("common.source", sources=" | ".join(sources)) if sources else t("common.not_disclosed")
            if key in derived:
                text = text.rstrip(".。") + t("inputs.derived_note", periods=", ".join(p.code for p in derived[key]), income=t("tabs.income"))
            sh.put(row, tl.note_col, text, "note")
            cells = sorted((self.hist[(key, p)] for p in periods), key=lambda c: c.col)   # the interim of the near
            book.define(f"Act_{name_part(key)}", Rng(cells[0], cells[-1]))   # term stands among the years: by column
            row += 1
        row += 1

        # Cash and funding
        sh.put(row, LABEL_COL, t("inputs.funding"), "section")
        row += 1
        self.funding, self.funding_units = {}, {}
        for key, item in FUNDING_ITEMS.items():
            if key not in data.funding:   # funding.csv's single raise, when there is one
                continue
            fig = data.funding[key]
            self.label(row, lambda e: (e("inputs.funding_at", label=e(f"funding.{key}"), period=fig.period.code)
                                       if item.period == "actual" else e(f"funding.{key}")))
            own = fig.unit in ("", data.company["unit"]) and item.unit.startswith("amount")  # in the company's unit
            texts = {"unit": fig.unit, "note": fig.note, **fig.local}  # unit_zh, note_zh where given
            self.funding_units[key] = t.unit if own else t.unit_of(item.unit) if item.unit in ("pct", "x") \
                else t.data_text(texts, "unit")
            sh.put(row, UNIT_COL, self.funding_units[key], "unit")
            self.funding[key] = sh.put_input(row, FIRST_COL, fig.value, item.unit, item.bound)
            book.define(f"Fund_{key}", self.funding[key])
            sh.put(row, tl.note_col, "; ".join(x for x in (fig.source and t("common.source", sources=fig.source),
                                                           note(t.data_text(texts, "note"))) if x), "note_wrap")
            fit_note(row, [f"{fig.source}: {v}" for k, v in texts.items() if k.startswith("note")])
            row += 1
            if item.period == "forecast":
                sh.put(row, LABEL_COL, t("funding.raise_year"), "detail_label")
                sh.put(row, UNIT_COL, t.unit_of("year"), "unit")
                self.funding["raise_year"] = sh.put_input(row, FIRST_COL, fig.period.year, "year", raise_year_bound(data))
                book.define("Fund_raise_year", self.funding["raise_year"])
                sh.put(row, tl.note_col, t("inputs.raise_year_note"), "note")
                row += 1
        self.opening_period = op = data.funding["opening_cash"].period
        # calendar facts the cash-flow statement uses, here so that no formula holds a typed number
        self.calendar = {}
        for key, value, fmt, unit in (
                ("opening_share", (12 - op.months) / 12 if not op.is_full_year else 1.0, "pct", t.unit_of("pct")),
                ("days_in_year", 365, "int", t.unit_of("days"))):
            self.label(row, lambda e: e(f"inputs.{key}", period=op.code, year=op.year))
            sh.put(row, UNIT_COL, unit, "unit")
            self.calendar[key] = sh.put(row, FIRST_COL, value, "calc", fmt)   # a fact, not an assumption: no input
            sh.put(row, tl.note_col, t(f"inputs.{key}_note", period=op.code), "note")
            row += 1
        # the share of a year a period of N months spans (a half 50%; 9M and Q4: 75%, 25%), for the parts of a year
        # shown in parts and, with the compute build, every period's hours: one cell per length
        months = {q.months for parts in tl.split.values() for q in parts} | ({q.months for q in tl.periods} if data.compute else set())
        self.year_shares = {}
        for m in sorted(months, reverse=True):
            texts = [t.edition(lang)("facts.year_share", months=m) for lang in LANGS]
            put_label(sh, row, t("facts.year_share", months=m), "label", texts, LABEL_WIDTH)
            sh.put(row, UNIT_COL, t.unit_of("pct"), "unit")
            self.year_shares[m] = sh.put(row, FIRST_COL, m / 12, "calc", "pct")
            sh.put(row, tl.note_col, t("inputs.year_share_note"), "note")
            row += 1
        row += 1
        row = self.put_events(sh, data, t, row)
        row = self.put_balance(sh, data, t, row)
        row = self.put_valuation(sh, data, t, row)

        # Unit build settings (units.toml): the scalars the unit lines convert with
        self.units = {}
        if data.units:
            sh.put(row, LABEL_COL, t("inputs.unit_settings"), "section")
            row += 1
            for key, (fmt, _) in UNIT_SETTINGS.items():
                self.label(row, lambda e: e(f"unit_settings.{key}"))
                self.units[key] = sh.put_input(row, FIRST_COL, data.units.settings[key], fmt, SETTING_BOUNDS[key])
                book.define(f"Unit_{key}", self.units[key])
                sh.put(row, tl.note_col, t(f"unit_settings.{key}_note"), "note")
                row += 1
            row += 1
        self.facts = {}
        if data.compute:
            row = self.put_compute_facts(sh, t, row)

        # Tolerances for the checks
        sh.put(row, LABEL_COL, t("inputs.tolerances"), "section")
        row += 1
        self.tol = {}
        for key in used_tolerances(data):
            kind = TOLERANCES[key][0]
            self.label(row, lambda e: e(f"tolerances.{key}"))
            sh.put(row, UNIT_COL, t.unit_of(kind), "unit")
            self.tol[key] = sh.put_input(row, FIRST_COL, data.tolerances[key], precise(kind), TOLERANCE)
            book.define(f"Tol_{key}", self.tol[key])
            row += 1
        row += 1

        # Sensitivity steps
        sh.put(row, LABEL_COL, t("inputs.steps", sensitivity=tab("sensitivity")), "section")
        row += 1
        self.steps = {}
        for key in SENSITIVITY:
            self.label(row, lambda e: e(f"sensitivity.{key}"))
            sh.put(row, UNIT_COL, t.unit_of("pct"), "unit")
            self.steps[key] = sh.put_input(row, FIRST_COL, data.sensitivity[key], "pct", STEP)
            book.define(f"Step_{key}", self.steps[key])
            sh.put(row, tl.note_col, t("inputs.steps_note", note=t(f"sensitivity.{key}_note")), "note")
            row += 1
        row += 1
        row = put_risk_inputs(self, sh, data, t, row)   # the Monte Carlo's (risk.csv, risk.toml), when given

        # Reference figures the checks compare against (published numbers from reference.csv)
        self.refs = []
        if data.references:
            metrics = all_lines(data)
            sh.put(row, LABEL_COL, t("inputs.references"), "section")
            row += 1
            heads = ["metric", "period", "reported", "tolerance", "source", "claim"]
            for col, h in zip([LABEL_COL, UNIT_COL, FIRST_COL, FIRST_COL + 1, FIRST_COL + 2, FIRST_COL + 3], heads):
                sh.put(row, col, t(f"inputs.{h}"), "subhead")
            row += 1
            first = row
            for ref in data.references:
                kind = ref.unit
                self.label(row, lambda e: e.line(metrics[ref.metric])[0])
                sh.put(row, UNIT_COL, ref.period.code, "unit")
                value = sh.put_input(row, FIRST_COL, ref.value, kind, SIGNED)
                tol = sh.put_input(row, FIRST_COL + 1, ref.tolerance, precise(kind), TOLERANCE)
                sh.put(row, FIRST_COL + 2, ref.source, "note")
                sh.put(row, FIRST_COL + 3, t.data_text(ref.texts, "claim"), "note")
                self.refs.append((ref, value, tol))
                row += 1
            book.define("ReferenceFigures", Rng(sh.cell_at(first, FIRST_COL), sh.cell_at(row - 1, FIRST_COL + 1)))
            row += 1

        self.benchmarks = {}
        if data.benchmarks:
            row = self.put_benchmarks(sh, data, t, row)

        # Scenario assumptions: one block per driver, one row per scenario
        sh.put(row, LABEL_COL, t("inputs.assumptions"), "section")
        row += 1
        self.asm = {}
        self.asm_rows = {}
        for drv, item in all_driver_items(data).items():
            periods = tl.periods_of(item.periods)
            if not periods:   # a one-year horizon that is an interim plus the rest: no full-year driver
                continue
            sh.put(row, LABEL_COL, t.item("drivers", item), "subsection")
            sh.put(row, UNIT_COL, t.unit_of(item.unit), "unit")
            row += 1
            self.asm_rows[drv] = row
            for sc in data.scenarios:
                sh.put(row, LABEL_COL, t.scenario(sc), "detail_label")
                for p in periods:
                    self.asm[(sc, drv, p)] = sh.put_input(row, tl.col[p], data.value(sc, drv, p), item.unit, item.bound)
                texts = data.rationales.get((sc, drv), {})
                sh.put(row, tl.note_col, note(t.data_text(texts, "rationale")), "note_wrap")
                fit_note(row, texts.values())
                book.define(f"Asm_{name_part(sc)}_{drv}",
                            Rng(self.asm[(sc, drv, periods[0])], self.asm[(sc, drv, periods[-1])]))
                row += 1
            sh.groups.append((self.asm_rows[drv], row - 1))
        row += 1

        # Claims to audit: the figure each reports and how close the model must come
        self.claims = {}
        if data.claims:
            sh.put(row, LABEL_COL, t("inputs.claims", claims=tab("claims")), "section")
            row += 1
            for c, h in ((LABEL_COL, "claim"), (UNIT_COL, "unit"), (FIRST_COL, "reported"), (FIRST_COL + 1, "tolerance"),
                         (FIRST_COL + 2, "id"), (tl.note_col, "quote")):
                sh.put(row, c, t(f"claims.{h}"), "subhead")
            row += 1
            for cl in data.claims:
                fmt = claim_format(cl.unit)
                self.label(row, lambda e: e.data_text(cl.fields, "claim"))
                sh.put(row, UNIT_COL, claim_unit(t, cl), "unit")
                value = sh.put_input(row, FIRST_COL, cl.reported, fmt, SIGNED)
                tol = sh.put_input(row, FIRST_COL + 1, cl.tolerance, tolerance_format(fmt), TOLERANCE)
                sh.put(row, FIRST_COL + 2, cl.id, "unit")
                sh.put(row, tl.note_col, cl.quote + (t("inputs.claim_source", source=cl.source) if cl.source else ""),
                       "note")
                book.define(f"Claim_{cl.id}", value)
                book.define(f"ClaimTol_{cl.id}", tol)
                self.claims[cl.id] = (value, tol)
                row += 1
            row += 1
        row = put_market_inputs(self, sh, row)
        row = put_arr_inputs(self, sh, row)
        put_peer_inputs(self, sh, row)

    def put_compute_facts(self, sh, t, row) -> int:
        """The compute build's conversions (model/calc/compute.py): facts of its units, not assumptions, so
        calculated cells rather than inputs; self.facts: key -> cell (LineBlock.const reads them)."""
        tl = self.tl
        editions = [t.edition(lang) for lang in LANGS]
        sh.put(row, LABEL_COL, t("inputs.compute_facts"), "section")
        row += 1
        facts = [("hours_per_day", 24, "int"),
                 ("hours_per_year", None, "int"),   # days a year (unit build) × hours a day
                 ("capacity_scale", 1e12 / 86400 / 1000, "amount"),
                 ("hours_scale", 0.001, "amount4"),
                 ("cost_scale", None, "general")]
        for key, value, fmt in facts:
            texts = [e(f"facts.{key}") for e in editions]   # wrapped where any edition's is long
            put_label(sh, row, texts[editions.index(t)], "label", texts, INPUT_LABEL_WIDTH)
            sh.put(row, UNIT_COL, t.unit_of("pct") if fmt == "pct" else "", "unit")
            self.facts[key] = sh.put(row, FIRST_COL, value, "calc", fmt)
            sh.put(row, tl.note_col, t(f"facts.{key}_note"), "note")
            row += 1
        # each period's share of a year: the calendar's cells (one per length, with the cash and funding facts)
        self.facts.update({f"year_share_{m}": cell for m, cell in self.year_shares.items()})
        self.facts["hours_per_year"].content = self.units["days_per_year"].ref(True, True) * self.facts[
            "hours_per_day"].ref(True, True)
        self.facts["cost_scale"].content = self.units["price_scale"].ref(True, True) * self.facts[
            "hours_scale"].ref(True, True)
        return row + 1

    def put_benchmarks(self, sh, data, t, row) -> int:
        """The compute build's reference class (reference_class.csv): each published figure's range as two inputs,
        its unit, source and grade; the Compute References tab holds the model against them.
        self.benchmarks: id -> (low cell, high cell)."""
        from ..tabs.benchmarks import benchmark_unit
        tl = self.tl
        sh.put(row, LABEL_COL, t("inputs.benchmarks", tab=t("tabs.compute_refs")), "section")
        row += 1
        for col, h in ((LABEL_COL, "item"), (UNIT_COL, "unit"), (FIRST_COL, "low"), (FIRST_COL + 1, "high"),
                       (tl.note_col, "source")):
            sh.put(row, col, t(f"refs.{h}"), "subhead")
        row += 1
        editions = [t.edition(lang) for lang in LANGS]
        for b in data.benchmarks:
            put_label(sh, row, t.data_text(b.fields, "item"), "label", [e.data_text(b.fields, "item") for e in editions],
                      INPUT_LABEL_WIDTH)
            sh.put(row, UNIT_COL, benchmark_unit(t, b.unit), "unit")
            fmt = b.unit if b.unit in ("pct", "x") else "amount4" if b.unit == "price" else b.unit
            cells = [sh.put_input(row, FIRST_COL + i, v, fmt, SIGNED) for i, v in enumerate((b.low, b.high))]
            for cell, end in zip(cells, ("low", "high")):
                book = self.book
                book.define(f"Ref_{name_part(b.id)}_{end}", cell)
            self.benchmarks[b.id] = tuple(cells)
            grade = t("refs.grade_text", grade=t.grade(b.reliability)) if b.reliability else ""
            sh.put(row, tl.note_col, "; ".join(x for x in (b.source and t("common.source", sources=b.source), grade,
                                                           t.data_text(b.fields, "note")) if x), "note_wrap")
            fit_rows(sh, [(row, v, NOTE_WIDTH) for k, v in b.fields.items() if k.startswith("note")])
            row += 1
        return row + 1

    def put_events(self, sh, data, t, row) -> int:
        """The funding events of events.csv, one row each: net amount (raise currency), exchange rate,
        fiscal year the cash arrives and whether it still counts (0: already in the opening cash).
        self.events: id -> {field: cell}; funding.csv's single raise maps to its Fund_ cells."""
        self.events = {}
        if "equity_raise" in self.funding:
            self.events["equity_raise"] = {"amount": self.funding["equity_raise"], "fx_rate": self.funding["fx_rate"],
                                           "year": self.funding["raise_year"], "counted": None}
        listed = [ev for ev in data.events if ev.id != "equity_raise"]
        if not listed:
            return row
        tl = self.tl
        cols = {"amount": FIRST_COL, "fx_rate": FIRST_COL + 1, "year": FIRST_COL + 2, "counted": FIRST_COL + 3}
        row = self.table_head(sh, row, "events", "section", "event", "currency", "terms", cols)
        first = row
        for ev in listed:
            self.label(row, lambda e: e("events.label", kind=e(f"events.kind_{ev.kind}"), date=ev.date.isoformat()))
            sh.put(row, UNIT_COL, ev.currency, "unit")
            year_rule = Bound("event_year", data.base_year.year, data.forecast_years[-1])
            cells = {"amount": sh.put_input(row, cols["amount"], ev.amount, "amount3", AMOUNT),
                     "fx_rate": sh.put_input(row, cols["fx_rate"], ev.fx_rate, "rate", FX_RATE),
                     "year": sh.put_input(row, cols["year"], ev.year, "year", year_rule),
                     "counted": sh.put_input(row, cols["counted"], ev.counted, "int", FLAG)}
            terms_row = row
            for key, value, fmt, bound, unit in (
                    ("shares", ev.shares, "amount3", AMOUNT, t("events.shares_unit")),
                    ("rate", ev.rate if ev.kind not in EQUITY_KINDS else None, "pct", RATE, t.unit_of("pct")),
                    ("conversion_price", ev.conversion_price, "amount", CONVERSION_PRICE, t("events.share_currency")),
                    ("maturity_year", ev.maturity_year if ev.kind not in EQUITY_KINDS else None, "year",
                     Bound("any_year", 1900, 2200), t.unit_of("year")),
                    ("price", ev.price, "amount", POSITIVE, t("events.per_share", currency=ev.currency)),
                    ("stake", ev.stake, "pct", STAKE, t.unit_of("pct"))):
                if value is None:
                    continue
                row += 1
                sh.put(row, LABEL_COL, t(f"events.{key}"), "detail_label")
                sh.put(row, UNIT_COL, unit, "unit")
                cells[key] = sh.put_input(row, cols["amount"], value, fmt, bound)
            for key, cell in cells.items():
                self.book.define(f"Event_{ev.id}_{key}", cell)
            self.events[ev.id] = cells
            sh.put(terms_row, tl.note_col, self.event_terms(t, ev), "note_wrap")
            fit_rows(sh, [(terms_row, self.event_terms(t.edition(lang), ev), NOTE_WIDTH) for lang in LANGS])
            row += 1
        sh.put(row, LABEL_COL, t("events.note", unit=t.unit), "note")
        sh.groups.append((first, row - 1))
        return row + 2

    def event_terms(self, t, ev) -> str:
        """An event's terms, source and note in the edition of `t` (note_zh in the Chinese one)."""
        terms = []
        if ev.conversion_price is not None:
            terms.append(t("events.conversion", price=f"{ev.conversion_price:g}", maturity=ev.maturity.isoformat()))
        elif ev.kind == "share_issue":
            terms.append(t("events.issue_terms"))
        elif ev.maturity is not None:
            terms.append(t("events.maturity", maturity=ev.maturity.isoformat()))
        if not ev.counted:
            terms.append(t("events.in_opening", period=self.opening_period.code))
        note = t.data_text({"note": ev.note, **ev.local}, "note")
        return "; ".join(terms + [x for x in (ev.source and t("common.source", sources=ev.source), note) if x])

    def label(self, row, text, role="label"):
        """A row label, wrapped where it is longer than the label column in any edition (`text(labels)`
        gives it in an edition), the row as tall as the longest needs: the editions keep one layout."""
        put_label(self.sheet, row, text(self.book.t), role, [text(self.book.t.edition(lang)) for lang in LANGS],
                  INPUT_LABEL_WIDTH)

    def table_head(self, sh, row, part, title, first, unit, notes, cols, **fill) -> int:
        """A section title and the heads of its table: the label, unit, value and notes columns, each text
        <part>.<id> of the labels. Returns the first row below them."""
        t = self.book.t
        sh.put(row, LABEL_COL, t(f"{part}.{title}", **fill), "section")
        for col, key in ((LABEL_COL, first), (UNIT_COL, unit), (self.tl.note_col, notes), *((c, k) for k, c in cols.items())):
            sh.put(row + 1, col, t(f"{part}.{key}"), "subhead")
        return row + 2

    def source_note(self, row, source, grade, texts, extra=""):
        """The notes column of a sourced input: its sources, grade and note (`texts`: note, note_zh) and a text
        of the labels (`extra`, an id), in this edition; the row as tall as the longest edition's."""
        def text(e):
            parts = [e("common.source", sources=source) if source else "", e("balance.grade", grade=e.grade(grade)) if grade
                     else "", e.data_text(texts, "note") if extra != "inputs.default_value" else "",
                     e(extra) if extra else ""]
            return "; ".join(x for x in parts if x)
        t = self.book.t
        self.sheet.put(row, self.tl.note_col, text(t), "note_wrap")
        fit_rows(self.sheet, [(row, text(t.edition(lang)), NOTE_WIDTH) for lang in LANGS])

    def put_valuation(self, sh, data, t, row) -> int:
        """The valuation inputs of valuation.csv, one row each (weights one per scenario): the value, its date
        where it is as of one, source, grade and note. self.valuation: (item, scenario) -> cell."""
        self.valuation = {}
        if not data.valuation:
            return row
        row = self.table_head(sh, row, "valuation", "section", "item", "unit", "source", {"head_value": FIRST_COL,
                                                                                           "date": FIRST_COL + 1})
        first = row
        self.share_currency = self.funding_units.get("share_price") or self.funding_units.get("plug_price", "")
        for (key, sc), fig in sorted(data.valuation.items(), key=lambda kv: (list(VALUATION_ITEMS).index(kv[0][0]),
                                                                            data.scenarios.index(kv[0][1])
                                                                            if kv[0][1] else 0)):
            if key in PEER_MULTIPLES and data.peers:
                continue   # the Peers tab gives the peers' multiples (the load notes the rows not used)
            item = VALUATION_ITEMS[key]
            label = t(f"valuation.{key}") + (f" — {t.scenario(sc)}" if sc else "")
            sh.put(row, LABEL_COL, label, "label")
            texts = {"unit": fig.unit, "note": fig.note, **fig.local}
            unit = t.unit if item.unit == "amount" else self.share_currency if item.unit == "share_price" else \
                t.unit_of(item.unit if item.unit != "int" else "flag")
            sh.put(row, UNIT_COL, unit, "unit")
            self.valuation[(key, sc)] = sh.put_input(row, FIRST_COL, fig.value, item.unit, item.bound)
            self.book.define(f"Val_{key}" + (f"_{name_part(sc)}" if sc else ""), self.valuation[(key, sc)])
            if fig.date:
                sh.put(row, FIRST_COL + 1, fig.date.isoformat(), "text")
            self.source_note(row, fig.source, fig.grade, texts, "inputs.default_value" if fig.note == "default" else "")
            row += 1
        sh.put(row, LABEL_COL, t("valuation.inputs_note"), "note")
        sh.groups.append((first, row - 1))
        return row + 2

    def put_balance(self, sh, data, t, row) -> int:
        """The opening balance sheet of balance.csv, one row per item: its figure at the opening date (blank:
        not disclosed), the rate it earns or pays and the share repaid a year where it has them, its source,
        grade and note. self.balance: item -> {field: cell}; cash is the opening cash above."""
        self.balance = {}
        if not data.balance:
            return row
        tl, op = self.tl, self.opening_period
        cols = {"value": FIRST_COL, "rate": FIRST_COL + 1, "repaid": FIRST_COL + 2}
        row = self.table_head(sh, row, "balance", "section", "item", "unit", "source", cols, period=op.code)
        first = row
        sh.put(row, LABEL_COL, t("balance.cash"), "label")
        sh.put(row, UNIT_COL, t.unit, "unit")
        sh.put(row, FIRST_COL, self.funding["opening_cash"].ref(), "calc", "amount")
        sh.put(row, tl.note_col, t("balance.cash_note"), "note")
        row += 1
        for key, item in BALANCE_ITEMS.items():
            fig = data.balance.get(key)
            sh.put(row, LABEL_COL, t(f"balance.{key}"), "total_label" if key == "equity" else "label")
            sh.put(row, UNIT_COL, t.unit, "unit")
            cells = {"value": sh.put_input(row, FIRST_COL, fig.value if fig else None, "amount", item.bound)}
            for field, allowed, fmt, bound in (("rate", item.rate, "pct", RATE), ("repaid", item.repaid, "pct", FRACTION)):
                if allowed:
                    cells[field] = sh.put_input(row, cols[field], (getattr(fig, field) if fig else None) or 0.0, fmt, bound)
            for field, cell in cells.items():
                self.book.define(f"Bal_{key}" + ("" if field == "value" else f"_{field}"), cell)
            self.source_note(row, fig.source if fig else "", fig.grade if fig else "",
                             {"note": fig.note, **fig.local} if fig else {}, "" if fig else "balance.not_given")
            self.balance[key] = cells
            row += 1
        sh.put(row, LABEL_COL, t("balance.note"), "note")
        sh.groups.append((first, row - 1))
        return row + 2

    def cell(self, item, p):
        return self.hist[(item, p)]

    def part_share(self, p):
        """The calendar fact of a period's share of a year (a cell): its months ÷ 12."""
        return self.year_shares[p.months]

    def driver_column(self, drv, p) -> Rng:
        """One forecast year of a driver, all scenarios: the range INDEX picks the selected one from."""
        scs = self.data.scenarios
        return Rng(self.asm[(scs[0], drv, p)], self.asm[(scs[-1], drv, p)], absolute=False, fixed_rows=True)
