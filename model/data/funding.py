"""funding.csv: opening cash, minimum cash, the funding plug and the share data."""
from __future__ import annotations

from pathlib import Path

import datetime

from .bounds import check_bound
from .fields import read_date
from .dataset import Dataset, Funding
from .files import DataError, parse_number, Problems, read_csv, unknown
from .items import DEFAULT_NOTES, FUNDING_DEFAULTS, FUNDING_ITEMS, MOVED_TO_VALUATION, SHARE_DRIVERS, SHARE_ITEMS
from .periods import parse_period, Period
from .settings import FUNDING_TEXTS, per_edition


def load_funding(folder: Path, data: Dataset, problems: Problems) -> dict[str, Funding]:
    """funding.csv: opening cash (at the end of an actual period), the equity raise and its exchange
    rate, and the minimum cash balance."""
    path = folder / "funding.csv"
    _, rows = read_csv(path, ["item", "value"], ["period", "date", "unit", "source", "note", *per_edition(*FUNDING_TEXTS)])
    out: dict[str, Funding] = {}
    periods, forecast_years, last_fy = data.periods, data.forecast_years, data.base_year
    for n, r in rows:
        item = r["item"]
        if item in MOVED_TO_VALUATION:
            raise DataError(path, f"{item} is now in valuation.csv, with the Valuation tab's other inputs (the DCF's "
                            "discount rate and terminal value, the scenarios' weights)", n, "item")
        if item not in FUNDING_ITEMS:
            raise DataError(path, unknown("item", item, FUNDING_ITEMS), n, "item")
        if item in out:
            raise DataError(path, f"{item} is given twice", n, "item")
        rule = FUNDING_ITEMS[item].period
        period = None
        if rule:
            period = parse_period(r.get("period", ""))
            if period is None:
                raise DataError(path, f"{item} needs a period code such as FY2026 or 1H2025, found {r.get('period', '')!r}", n, "period")
            if rule == "actual" and item == "opening_cash" and not (period == last_fy or (not period.is_full_year and period in periods
                                                                 and period.year == last_fy.year + 1)):
                stale = " (before the end of the last actual year: give the cash at that date or later)" \
                    if period < Period(last_fy.year + 1, 1) else ""
                raise DataError(path, f"opening cash must be at the end of the last actual full year ({last_fy.code}) "
                                f"or of an interim of {last_fy.year + 1} in actuals.csv, found {period.code}{stale}",
                                n, "period")
            if rule == "actual" and item == "opening_cash" and not period.is_full_year and data.actual("adjusted_net_income", period) is None:
                problems.append(DataError(path, f"opening cash at the end of {period.code} needs adjusted_net_income for "
                                          f"{period.code} in actuals.csv: the cash already reflects that result, which "
                                          f"the forecast of FY{period.year} deducts", n, "period"))
            if rule == "forecast" and not (period.is_full_year and period.year in forecast_years):
                raise DataError(path, f"equity_raise needs a forecast fiscal year (FY{forecast_years[0]}–"
                                f"FY{forecast_years[-1]}), found {period.code}", n, "period")
        value = parse_number(r["value"], path, n, "value", required=False)
        if value is None:
            problems.append(DataError(path, f"{item}: a number is required here, the cell is empty", n, "value"))
            continue
        check_bound(FUNDING_ITEMS[item].bound, "pct" if FUNDING_ITEMS[item].unit == "pct" else "amount", value, path,
                    n, "value")
        date = None
        if r.get("date", "").strip():
            if item != "share_price":
                raise DataError(path, f"{item} takes no date: the date goes with a market price (share_price)", n, "date")
            date = read_date(r["date"], path, n, "date")
            as_of = data.company.get("as_of")   # not a date: company.toml's own problem (required) is listed
            if isinstance(as_of, datetime.date) and date > as_of:
                raise DataError(path, f"the share price is quoted on {date}, after as_of {data.company['as_of']}", n,
                                "date")
        out[item] = Funding(value, period, r.get("unit", ""), r.get("source", ""), r.get("note", ""),
                            {k: r[k] for k in per_edition(*FUNDING_TEXTS) if r.get(k)}, date)
    if not any(r["item"] == "opening_cash" for _, r in rows):
        problems.append(DataError(path, "opening_cash is required (cash at the end of the latest actual period)",
                                  column="item"))
    if "equity_raise" in out and not any(r["item"] == "fx_rate" for _, r in rows):
        problems.append(DataError(path, "equity_raise needs an fx_rate row (1 when the raise is in the company's "
                                        "currency)", column="item"))
    if "fx_rate" in out and "equity_raise" not in out:
        problems.append(DataError(path, "fx_rate applies to an equity_raise row, and there is none", column="item"))
    out.setdefault("min_cash", Funding(0.0, None, "", "", DEFAULT_NOTES["no_min_cash"]))
    for key, (value, note) in FUNDING_DEFAULTS.items():
        out.setdefault(key, Funding(value, None, "", "", DEFAULT_NOTES[note]))
    given = [k for k in SHARE_ITEMS if k in out]
    if given and len(given) < len(SHARE_ITEMS):
        problems.append(DataError(path, "shares need all of " + ", ".join(SHARE_ITEMS) + "; missing: "
                                  + ", ".join(k for k in SHARE_ITEMS if k not in out), column="item"))
    opening = out.get("opening_cash")
    if "shares_outstanding" in out and opening and out["shares_outstanding"].period != opening.period:
        problems.append(DataError(path, f"shares_outstanding must be at the opening cash date ({opening.period.code}), "
                                  f"found {out['shares_outstanding'].period.code}", column="period"))
    if not given and any(v for (_, drv), values in data.assumptions.items() if drv in SHARE_DRIVERS for v in values):
        data.notes.append("assumptions.csv: the sbc_shares rows are not used: funding.csv gives no shares "
                          "(shares_outstanding, unit_millions)")
    if given:
        out.setdefault("share_fx", Funding(1.0, None, "", "", DEFAULT_NOTES["no_share_fx"]))
        if "plug_price" not in out and out["plug"].value:
            problems.append(DataError(path, "plug_price is required with shares and the plug on: the price the plug's "
                                      "new shares are issued at (an assumption: say why in note)", column="item"))
    return out
