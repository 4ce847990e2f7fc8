"""valuation.csv (optional): what the Valuation tab needs beyond the forecast — the discount rate, the
terminal value's method and figures, the mid-period convention, the tax rate on profits, the peers'
multiples (while the company names no peer), each scenario's probability weight, and the steps of the
sensitivity grids. One item per row; `weight` one row per scenario. The market price is funding.csv's
share_price (a quote with its date), the ARR market.csv's latest claim."""
from __future__ import annotations

import datetime
from pathlib import Path
from typing import NamedTuple

from .bounds import Bound, check_bound, FRACTION, RATE, STEP
from .dataset import Dataset, ValuationFigure
from .fields import check_sources, read_date
from .files import DataError, parse_number, Problems, read_csv, unknown
from .settings import FUNDING_TEXTS, per_edition

MULTIPLE = Bound("multiple", 0)
METHOD = Bound("method", 1, 2)
TERMINAL_GROWTH = Bound("terminal_growth", -0.5, 0.5)


class ValuationItem(NamedTuple):
    unit: str                 # number-format kind of the input
    bound: Bound
    default: float | None     # when the row is left out (None: required, or blank allowed when `blank`)
    help: str                 # label: model/labels valuation.<key>
    blank: bool = False       # a blank value is allowed (not available): the workbook says so
    dated: bool = False       # the figure is as of a date (a quote, a multiple, a run rate): `date` column


VALUATION_ITEMS = {
    "discount_rate": ValuationItem("pct", RATE, None, "annual rate the free cash flows and terminal value are "
                                   "discounted at (a cost of capital)"),
    "terminal_method": ValuationItem("int", METHOD, None, "1: exit multiple of the last forecast year's revenue; "
                                     "2: perpetual growth of the last year's free cash flow"),
    "exit_multiple": ValuationItem("x", MULTIPLE, None, "EV / revenue at the end of the horizon (terminal method 1)"),
    "terminal_growth": ValuationItem("pct", TERMINAL_GROWTH, None, "perpetual growth after the horizon (terminal "
                                     "method 2); below the discount rate"),
    "mid_period": ValuationItem("pct", FRACTION, 0.5, "how far back from its end each period's cash flow is "
                                "discounted from: 50% the mid-period convention, 0% the period's end"),
    "tax_rate": ValuationItem("pct", RATE, 0.0, "tax on a positive operating result, after the losses since the "
                              "opening date; 0 when not given"),
    "peer_ev_sales": ValuationItem("x", MULTIPLE, None, "peers' EV / revenue of the first forecast year, with its "
                                   "date", blank=True, dated=True),
    "peer_ev_arr": ValuationItem("x", MULTIPLE, None, "peers' EV / annualised recurring revenue (ARR), with its date",
                                 blank=True, dated=True),
    "weight": ValuationItem("pct", FRACTION, None, "a scenario's probability weight; one row per scenario, adding "
                            "to 100%"),
    "grid_rate_step": ValuationItem("pct", STEP, 0.01, "the grids' step in the discount rate"),
    "grid_multiple_step": ValuationItem("x", MULTIPLE, 2.0, "the grid's step in the exit multiple"),
    "grid_growth_step": ValuationItem("pct", STEP, 0.005, "the grid's step in the terminal growth"),
}
VALUATION_TEXTS = FUNDING_TEXTS   # unit, note (and unit_zh, note_zh)
PEER_MULTIPLES = ("peer_ev_sales", "peer_ev_arr")   # used while the company names no peer (company.toml [peers])


def load_valuation(folder: Path, data: Dataset, sources: set[str], problems: Problems) -> dict:
    """valuation.csv, when the folder has one: (item, scenario) -> ValuationFigure, scenario "" but for
    `weight`; the items left out take their defaults."""
    path = folder / "valuation.csv"
    if not path.exists():
        return {}
    _, rows = read_csv(path, ["item", "value"], ["scenario", "date", "source", "grade", *VALUATION_TEXTS,
                                                 *per_edition(*VALUATION_TEXTS)])
    if all(not r["value"].strip() for _, r in rows):   # a scaffold not filled in: no valuation
        data.notes.append("valuation.csv gives no figure: no Valuation tab")
        return {}
    out, where, before = {}, {}, len(problems)
    for n, r in rows:
        item = r["item"].strip()
        if item not in VALUATION_ITEMS:
            raise DataError(path, unknown("item", item, VALUATION_ITEMS), n, "item")
        spec = VALUATION_ITEMS[item]
        scenario = r.get("scenario", "").strip()
        if item == "weight" and scenario not in data.scenarios:
            raise DataError(path, f"weight needs a scenario of assumptions.csv ({', '.join(data.scenarios)}), found "
                            f"{scenario!r}", n, "scenario")
        if item != "weight" and scenario:
            raise DataError(path, f"{item} is one figure for every scenario: leave scenario blank", n, "scenario")
        if (item, scenario) in out:
            raise DataError(path, f"{item} {scenario} is given twice (also in row {where[(item, scenario)]})".replace(
                "  ", " "), n, "item")
        value = parse_number(r["value"], path, n, "value", required=False)
        if value is None and not spec.blank:
            problems.append(DataError(path, f"{item}: a number is required here, the cell is empty", n, "value"))
            continue
        check_bound(spec.bound, "pct" if spec.unit == "pct" else "amount", value, path, n, "value")
        date = None
        if r.get("date", "").strip():
            if not spec.dated:
                raise DataError(path, f"{item} takes no date (a date goes with a quote, a multiple or a run rate)",
                                n, "date")
            date = read_date(r["date"], path, n, "date")
        elif spec.dated and value is not None:
            problems.append(DataError(path, f"{item}: give the date the figure is as of", n, "date"))
        check_sources(r.get("source", ""), sources, path, n, "source")
        out[(item, scenario)] = ValuationFigure(value, date, r.get("unit", ""), r.get("source", ""),
                                                r.get("grade", "").strip(), r.get("note", ""),
                                                {k: r[k] for k in per_edition(*VALUATION_TEXTS) if r.get(k)})
        where[(item, scenario)] = n
    for item, spec in VALUATION_ITEMS.items():
        keys = [(item, sc) for sc in data.scenarios] if item == "weight" else [(item, "")]
        for key in keys:
            if key in out or key in where:
                continue
            if spec.default is not None or spec.blank:
                out[key] = ValuationFigure(spec.default, None, note="default" if spec.default is not None else "")
            else:
                problems.append(DataError(path, f"{' '.join(key).strip()} is required (" + spec.help + ")",
                                          column="item"))
    if len(problems) > before:
        return out
    weights = sum(out[("weight", sc)].value for sc in data.scenarios)
    if abs(weights - 1) > float(data.company["tolerances"]["share_sum"]):
        problems.append(DataError(path, f"the scenarios' weights add up to {weights:.4g}, not 100%", column="value"))
    if out[("terminal_growth", "")].value >= out[("discount_rate", "")].value:
        problems.append(DataError(path, "terminal_growth must be below discount_rate (a perpetuity grows more slowly "
                                  "than its discount rate)", where.get(("terminal_growth", "")), "value"))
    as_of = data.company.get("as_of")   # not a date: company.toml's own problem (required) is listed
    for key, fig in out.items():
        if fig.date and isinstance(as_of, datetime.date) and fig.date > as_of:
            problems.append(DataError(path, f"{key[0]} is dated {fig.date}, after as_of {as_of}", where[key], "date"))
    shares = [k for k in ("shares_outstanding", "unit_millions") if k not in data.funding]
    if shares:
        problems.append(DataError(folder / "funding.csv", "valuation.csv values the shares: it needs "
                                  + " and ".join(shares) + " here", column="item"))
    return out
