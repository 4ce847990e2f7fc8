"""The Monte Carlo's inputs on the Inputs tab (risk.csv, risk.toml): its settings, a range on each key
driver, and the weights of the named scenarios. The Risk and Trials tabs read them."""
from __future__ import annotations

from ...calc.formula import Rng, SUM, name_part
from ...data.items import driver_items
from ...data.risk import LOADING, SETTINGS, SHIFT, WEIGHT
from ..timeline import FIRST_COL, LABEL_COL, NOTE_WIDTH, UNIT_COL
from ...labels import LANGS
from . import fit_rows

# the settings rows: key -> (defined name, number format, unit kind)
SETTING_ROWS = {"trials": ("RiskTrials", "int", "trials"), "seed": ("RiskSeed", "int", ""),
                "factor_weight": ("RiskFactorWeight", "pct", "pct"), "p_low": ("RiskPLow", "pct", "pct"),
                "p_mid": ("RiskPMid", "pct", "pct"), "p_high": ("RiskPHigh", "pct", "pct"),
                "shown_trial": ("RiskShownTrial", "int", "")}
POINTS = ("low", "likely", "high", "factor")


def put_risk_inputs(inputs, sh, data, t, row) -> int:
    """The Monte Carlo's input rows from `row`; returns the next free row. inputs.risk: (key, field) ->
    cell: a setting ("", field ""), a range's point or factor (driver, low | likely | high | factor), a
    scenario's weight (scenario, "weight")."""
    inputs.risk = {}
    risk = data.risk
    if risk is None:
        return row
    book, tl = inputs.book, inputs.tl
    sh.put(row, LABEL_COL, t("risk.inputs", risk=t("tabs.risk")), "section")
    row += 1
    for key, (name, fmt, unit) in SETTING_ROWS.items():
        sh.put(row, LABEL_COL, t(f"risk.{key}", risk=t("tabs.risk")), "label")
        sh.put(row, UNIT_COL, t.unit_of(unit) if unit else "", "unit")
        cell = sh.put_input(row, FIRST_COL, getattr(risk, key), fmt, SETTINGS[key])
        inputs.risk[(key, "")] = cell
        book.define(name, cell)
        if key == "factor_weight":
            notes = [t.edition(lang).data_text(risk.texts, "factor_rationale") for lang in LANGS]
        else:
            notes = [e(f"risk.{key}_note", risk=e("tabs.risk"), trials=e("tabs.trials"))
                     for e in (t.edition(lang) for lang in LANGS)]
        sh.put(row, tl.note_col, notes[LANGS.index(t.lang)], "note_wrap")
        fit_rows(sh, [(row, note, NOTE_WIDTH) for note in notes])
        row += 1
    row += 1

    # a range on each key driver: low, likely, high and the factor direction, one row each
    sh.put(row, LABEL_COL, t("risk.ranges"), "subsection")
    sh.put(row, tl.note_col, t("risk.ranges_note"), "note")
    row += 1
    sh.put(row, LABEL_COL, t("risk.driver"), "subhead")
    sh.put(row, UNIT_COL, t("common.unit"), "subhead")
    for i, key in enumerate(POINTS):
        sh.put(row, FIRST_COL + i, t(f"risk.{key}"), "subhead")
    sh.put(row, tl.note_col, t("risk.rationale"), "subhead")
    row += 1
    items = driver_items(data)
    first = row
    for rng in risk.ranges:
        sh.put(row, LABEL_COL, t.item("drivers", items[rng.driver]), "detail_label")
        sh.put(row, UNIT_COL, t.unit_of("pct"), "unit")
        cells = [sh.put_input(row, FIRST_COL + i, getattr(rng, key), "pct" if key != "factor" else "count",
                              SHIFT if key != "factor" else LOADING) for i, key in enumerate(POINTS)]
        for key, cell in zip(POINTS, cells):
            inputs.risk[(rng.driver, key)] = cell
        book.define(f"Risk_{name_part(rng.driver)}", Rng(cells[0], cells[-1]))
        editions = [t.edition(lang) for lang in LANGS]
        notes = ["; ".join(x for x in (rng.source and e("common.source", sources=rng.source),
                                       e.data_text(rng.texts, "rationale")) if x) for e in editions]
        sh.put(row, tl.note_col, notes[LANGS.index(t.lang)], "note_wrap")
        fit_rows(sh, [(row, note, NOTE_WIDTH) for note in notes])
        row += 1
    sh.groups.append((first, row - 1))
    row += 1

    # the named scenarios' probabilities (the Risk tab's probability-weighted view)
    sh.put(row, LABEL_COL, t("risk.weights", risk=t("tabs.risk")), "subsection")
    notes = [t.edition(lang).data_text(risk.texts, "weights_rationale") for lang in LANGS]
    sh.put(row, tl.note_col, notes[LANGS.index(t.lang)], "note_wrap")
    fit_rows(sh, [(row, note, NOTE_WIDTH) for note in notes])
    row += 1
    cells = []
    for sc in data.scenarios:
        sh.put(row, LABEL_COL, t.scenario(sc), "detail_label")
        sh.put(row, UNIT_COL, t.unit_of("pct"), "unit")
        cell = sh.put_input(row, FIRST_COL, risk.weights[sc], "pct", WEIGHT)
        inputs.risk[(sc, "weight")] = cell
        book.define(f"Weight_{name_part(sc)}", cell)
        cells.append(cell)
        row += 1
    sh.put(row, LABEL_COL, t("risk.weights_total"), "total_label")
    sh.put(row, UNIT_COL, t.unit_of("pct"), "unit")
    inputs.risk_weight_total = sh.put(row, FIRST_COL, SUM(Rng(cells[0], cells[-1], absolute=False)), "calc_total", "pct")
    return row + 2
