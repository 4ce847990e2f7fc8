"""balance.csv (optional): the latest reported balance sheet at the opening cash date (funding.csv
opening_cash), one item per row: short-term investments, trade receivables, property and equipment,
other assets; bank loans, lease liabilities, other liabilities; total equity. A blank value is an
item the filing does not disclose: the workbook shows n/a and the undisclosed remainder becomes one
derived line, so that equity ties to the reported figure (where equity itself is not disclosed, there is
no such line and the opening equity is the assets less the liabilities given). Interest-bearing items carry their annual
rate; loans and leases the share of the opening balance repaid each year (0: rolled over)."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .bounds import AMOUNT, Bound, check_bound, FRACTION, RATE, SIGNED
from .dataset import BalanceFigure, Dataset
from .fields import check_sources, read_period
from .files import DataError, parse_number, Problems, read_csv, unknown
from .settings import FUNDING_TEXTS, per_edition


class BalanceItem(NamedTuple):
    side: str          # asset | liability | equity
    bound: Bound       # the values the opening figure may take
    rate: bool         # carries an annual interest rate (earned on an asset, paid on a liability)
    repaid: bool       # carries the share of the opening balance repaid each year
    help: str          # label: model/labels balance.<key>


# In the balance sheet's order; cash is funding.csv's opening_cash and is not repeated here.
BALANCE_ITEMS = {
    "short_term_investments": BalanceItem("asset", AMOUNT, True, False,
                                          "short-term investments (deposits, wealth-management products); earn `rate`"),
    "receivables": BalanceItem("asset", AMOUNT, False, False, "trade receivables"),
    "ppe": BalanceItem("asset", AMOUNT, False, False, "property and equipment, including right-of-use assets"),
    "other_assets": BalanceItem("asset", AMOUNT, False, False, "other assets (prepayments, deposits, intangibles ...)"),
    "bank_loans": BalanceItem("liability", AMOUNT, True, True, "bank loans and borrowings; pay `rate`"),
    "lease_liabilities": BalanceItem("liability", AMOUNT, True, True, "lease liabilities; pay `rate`"),
    "other_liabilities": BalanceItem("liability", AMOUNT, False, False,
                                     "other liabilities (payables, contract liabilities, accruals ...)"),
    "equity": BalanceItem("equity", SIGNED, False, False, "total equity, as reported (the balance ties to it; blank: assets − liabilities)"),
}
GRADES = ("A", "B", "C", "D", "assumption")   # as the reference files grade a figure
BALANCE_TEXTS = FUNDING_TEXTS   # unit, note (and unit_zh, note_zh)


def load_balance(folder: Path, data: Dataset, sources: set[str], problems: Problems) -> dict[str, BalanceFigure]:
    """balance.csv, when the folder has one and it gives a figure: the opening balance sheet, at the opening
    cash date."""
    path = folder / "balance.csv"
    if not path.exists():
        return {}
    _, rows = read_csv(path, ["item", "period", "value"],
                       ["rate", "repaid", "source", "grade", *BALANCE_TEXTS, *per_edition(*BALANCE_TEXTS)])
    opening = data.funding.get("opening_cash")
    out: dict[str, BalanceFigure] = {}
    for n, r in rows:
        item = r["item"].strip()
        if item not in BALANCE_ITEMS:
            raise DataError(path, unknown("item", item, BALANCE_ITEMS), n, "item")
        if item in out:
            raise DataError(path, f"{item} is given twice", n, "item")
        spec = BALANCE_ITEMS[item]
        period = read_period(r["period"], path, n, "period")
        if opening and opening.period and period != opening.period:
            raise DataError(path, f"the balance sheet must be at the opening cash date ({opening.period.code}, "
                            f"funding.csv opening_cash), found {period.code}", n, "period")
        value = parse_number(r["value"], path, n, "value", required=False)
        check_bound(spec.bound, "amount", value, path, n, "value")
        terms = {}
        for column, allowed, bound in (("rate", spec.rate, RATE), ("repaid", spec.repaid, FRACTION)):
            v = parse_number(r.get(column, ""), path, n, column, required=False)
            if v is not None and not allowed:
                raise DataError(path, f"{item} takes no {column}: " + (
                    "a rate applies to short_term_investments, bank_loans and lease_liabilities" if column == "rate"
                    else "a repayment share applies to bank_loans and lease_liabilities"), n, column)
            check_bound(bound, "pct", v, path, n, column)
            terms[column] = v
        grade = r.get("grade", "").strip()
        if grade and grade.lower() not in [g.lower() for g in GRADES]:
            raise DataError(path, f"grade {grade!r}: expected one of {', '.join(GRADES)} (as the reference files grade "
                            "a figure), or blank", n, "grade")
        check_sources(r.get("source", ""), sources, path, n, "source")
        out[item] = BalanceFigure(value, period, terms["rate"], terms["repaid"], r.get("unit", ""),
                                  r.get("source", ""), grade, r.get("note", ""),
                                  {k: r[k] for k in per_edition(*BALANCE_TEXTS) if r.get(k)})
    if all(fig.value is None for fig in out.values()):   # a scaffold not filled in: no balance sheet given
        data.notes.append("balance.csv gives no figure: the balance sheet opens with cash and the funding events' "
                          "debt only")
        return {}
    if "equity" not in out or out["equity"].value is None:   # not disclosed: nothing to tie the remainder to
        data.notes.append("balance.csv gives no equity (not disclosed): the opening equity is the assets less the "
                          "liabilities given, and nothing undisclosed can be derived")
    if out.get("bank_loans") and out["bank_loans"].value is not None:
        for ev in data.events:
            if ev.kind == "bank_loan" and not ev.counted:
                problems.append(DataError(folder / "events.csv", f"event {ev.id}: a bank loan inside the opening cash is "
                                          "already in balance.csv's bank_loans; remove the event (or the loan from "
                                          "bank_loans) so that it is not counted twice", column="in_opening_cash"))
    return out
