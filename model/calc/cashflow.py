"""The cash-flow statement and the balance sheet it carries forward, one scenario per block, from the
opening balance sheet date: operating cash flow (adjusted net income after that date, depreciation,
other non-cash items, working capital), investing (capital expenditure), financing (funding events,
repayments of bank loans and leases), short-term investments redeemed and then the funding plug to keep
cash at the minimum, and a balance sheet whose total assets equal total liabilities and equity in every
period. The interest on cash and debt and the tax on the result are computed here from the balances (memo
lines) and reach the cash through adjusted net income: the Income Statement's finance and tax lines read
them (lines.finance_lines).

Every balance is a level: its column is the balance at the end of the period, the previous period of
the chain (`before_here`) its opening. Every flow is for the part of its period after the opening date, and
a period's interest is its opening balance x the annual rate x `period_years` (the fraction of a year
the period covers after the opening date), so the same lines serve years and half-years.

**Years in parts.** On Cash & Funding the block runs along the timeline's chain (2H2026E, 1H2027E, 2H2027E,
FY2028E ...): a part opens from the period before it in the chain, and the full-year column of a year shown
in parts is its summary (`SUMMARY`: a flow the sum of its forecast parts, a balance its last part's, the
opening cash its first part's, a ratio or flag recomputed from those): a part steps over it, the next full year
opens from it (its balances are its last part's). A funding event, maturity, conversion or share issue dated
in such a year counts once, in the part its date falls in (`position`; the first forecast part when that part
is an actual one). A block in full years only (the
Trials and Risk tabs) has no part columns and runs as before.

Scalars come through x.drv (absolute cells of the Cash & Funding tab's inputs section): opening_cash,
opening_year, opening_ani, opening_revenue, opening_share, min_cash, days_in_year, plug, cash_rate,
debt_rate, bal_<item> | _rate | _repaid (balance.csv), ev_<id>_converted | _year | _counted | _repay_year |
_converts | _shares (events.csv).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .formula import ABS, AND, IF, ISNUMBER, MAX, MIN, NA, OR, SUM, Num, Rng, lift, sum_terms
from .lines import Line, after_interim, before_open, chain_parts, link


class CashEvent(NamedTuple):
    """A funding event as the cash-flow statement uses it: equity or debt, whether its `counted` flag is an
    input (else it counts), whether it matures within the data (debt: repaid, or a bond converts) and
    whether its new shares are given (equity)."""
    id: str
    debt: bool
    flagged: bool
    matures: bool = False
    shares: bool = False
    converts: bool = False   # a convertible bond: converts at maturity when its scenario's test says so
    part: int = 0            # in a year shown in parts, the part (0: first) its date falls in; repay_part: its maturity's
    repay_part: int = 0


# Balance lines whose opening figure balance.csv may leave blank (not disclosed): the line then shows its
# change since the opening date, labelled so (its opening level is in the derived line).
BALANCE_SINCE = {"bs_receivables": "receivables", "bs_ppe": "ppe", "bs_other_assets": "other_assets",
                 "bs_other_liabilities": "other_liabilities"}
# The balance sheet's lines, in order: assets, then liabilities (the totals sum these contiguous rows).
ASSET_LINES = ("bs_cash", "bs_sti", "bs_receivables", "bs_ppe", "bs_other_assets", "bs_undisclosed")
LIABILITY_LINES = ("bs_bank_loans", "bs_leases", "bs_event_debt", "bs_plug_debt", "bs_other_liabilities")
BALANCE_ONLY = {"bs_sti", "bs_undisclosed", "bs_bank_loans", "bs_leases", "loans_repaid",
                "leases_repaid", "sti_redeemed"}   # lines that exist only with balance.csv


@dataclass(frozen=True)
class CashSpec:
    """What a company's cash-flow statement holds: its funding events, whether it has share data, whether
    it has an opening balance sheet (balance.csv), and the opening period (the Cash & Funding tab's blocks
    also show the actual years before it, for the historical operating cash flow)."""
    events: tuple = ()
    shares: bool = False
    balance: bool = False
    opening: object = None   # the opening Period; None: the block's first period
    undisclosed: frozenset = frozenset(BALANCE_SINCE)   # balance lines whose opening figure is not given
    valuation: bool = False   # with valuation.csv: the DCF of unlevered free cash flow, which decides conversions
    held: bool = False   # conversions held at the selected scenario's (ev_<id>_converts), no DCF lines: Sensitivity

    @property
    def conversion(self) -> str:
        """How a convertible bond's conversion is decided: "dcf", "held" or "" (never: repaid)."""
        return "held" if self.held else "dcf" if self.valuation else ""
    plug_shares: bool = False   # the plug's new equity issues shares (a plug price is given)
    compute: bool = False   # the compute build: its owned accelerators' capex and depreciation join the lines


def span(x, keys, p):
    """SUM of this block's lines `keys` at p: one range over their contiguous rows (SUM skips the n/a of an
    undisclosed figure). In a recording context (layout.Reads) the lines read are recorded."""
    if not hasattr(x, "cells"):
        for k in keys:
            x.here(k, p)
        return Num(1)
    cells = [x.cells[(k, p)] for k in keys]
    assert all(c.row == cells[0].row + i for i, c in enumerate(cells)), keys
    return SUM(Rng(cells[0], cells[-1], absolute=False))


def level(x, key, p):
    """A balance's opening for the period: the previous column, 0 where that is not a number (an opening
    figure not disclosed: the line then carries its change since the opening date)."""
    prev = x.before_here(key, p)
    return IF(ISNUMBER(prev), prev, 0)


def position(x, p, part):
    """Where period p stands against the part of its year an event dated in that part counts in: 0 in it, -1
    before it, 1 after it. An event counts in the part its date falls in (`part`: 0 the first), or in the
    year's first forecast part when that part is an actual one (its events are in the opening figures or
    arrive after it). A full year, and a block of full years (Trials, Risk), is its own events' period: 0; an
    actual part (the opening column) stands before them: -1."""
    periods = getattr(x, "periods", None)
    if p.is_full_year or periods is None:
        return 0
    if x.tl.is_actual(p):   # the opening column (1H2026A): before the events its year has still to come
        return -1
    parts, ahead = x.tl.split[p.year], chain_parts(x, p.full_year())
    target = parts[min(part, len(parts) - 1)]
    target = target if target in ahead else ahead[0]
    return (parts.index(p) > parts.index(target)) - (parts.index(p) < parts.index(target))


def due(x, p, ev):
    """1 in the period a counted event's cash arrives: its fiscal year (in a year shown in parts, the part of
    its date: position)."""
    if position(x, p, ev.part):
        return lift(0)
    arrives = x.year(p).eq(x.drv(f"ev_{ev.id}_year"))
    return AND(arrives, x.drv(f"ev_{ev.id}_counted").eq(1)) if ev.flagged else arrives


def arrived(x, p, ev, during=True):
    """Inside the cash (in the opening cash, or arrived by the end of p; with during=False: before p). In its
    year, by the end of its own part and of the parts after it; by the start of the parts after it."""
    y, at = x.year(p), position(x, p, ev.part)
    came = y.ge(x.drv(f"ev_{ev.id}_year")) if (at >= 0 if during else at > 0) else y.gt(x.drv(f"ev_{ev.id}_year"))
    return OR(x.drv(f"ev_{ev.id}_counted").eq(0), came) if ev.flagged else came


def outstanding(x, p, ev, during=True):
    """1 while a debt event is owed: at the end of p (during=True) or at its start (False). In its maturity
    year, still owed at the end of the parts before the maturity's part and at the start of that part."""
    if not ev.matures:
        return IF(arrived(x, p, ev, during), 1, 0)
    at = position(x, p, ev.repay_part)
    repay = x.drv(f"ev_{ev.id}_repay_year")
    left = x.year(p).le(repay) if (at < 0 if during else at <= 0) else x.year(p).lt(repay)
    return IF(AND(arrived(x, p, ev, during), left), 1, 0)


def pinned(x, key, p):
    """This block's line `key` at period p with its column fixed: a reference every column of a row shares
    (a recording context records the read)."""
    if not hasattr(x, "cells"):
        return x.here(key, p)
    return x.cells[(key, p)].ref(abs_col=True)


def converts(x, ev, mode):
    """1 when a convertible bond converts at maturity: by its scenario's DCF test (mode "dcf": the block's
    dcf_converts_<id> in the last forecast period), as the selected scenario's ("held": the scalar
    ev_<id>_converts, for the Sensitivity tab's shifted forecasts), or never ("": repaid)."""
    if not ev.converts or not mode:
        return lift(0)
    if mode == "held":
        return x.drv(f"ev_{ev.id}_converts")
    return pinned(x, f"dcf_converts_{ev.id}", x.tl.forecast[-1])


def at_maturity(x, p, ev, converted, mode):
    """A debt event's amount in its maturity year (in a year shown in parts, the part of its maturity date):
    the part converted into shares, or repaid in cash."""
    if position(x, p, ev.repay_part):
        return lift(0)
    share = converts(x, ev, mode)
    part = share if converted else 1 - share
    return IF(x.year(p).eq(x.drv(f"ev_{ev.id}_repay_year")), x.drv(f"ev_{ev.id}_converted") * part, 0)


def cash_lines(spec: CashSpec) -> list[Line]:
    """The cash-flow statement and balance sheet lines of one scenario (module docstring)."""
    events, bal = spec.events, spec.balance
    opening = spec.opening

    def is_open(x, p):
        return p == (opening or x.periods[0])

    def at_open(f):
        """An actual-column definition for the opening column only (the history columns show the
        reported operating cash flow and nothing else)."""
        return lambda x, p: f(x, p) if is_open(x, p) else None

    def flows(debt):
        return lambda x, p: sum_terms([IF(due(x, p, ev), x.drv(f"ev_{ev.id}_converted"), 0) for ev in events
                                    if ev.debt == debt])

    debts = [ev for ev in events if ev.debt]
    years = lambda x, p: x.here("period_years", p)  # noqa: E731

    def event_debt(x, p):
        return sum_terms([x.drv(f"ev_{ev.id}_converted") * outstanding(x, p, ev) for ev in debts])

    def opening_event_debt(x, p):
        return sum_terms([x.drv(f"ev_{ev.id}_converted") * (1 - x.drv(f"ev_{ev.id}_counted")) for ev in debts
                       if ev.flagged])

    def interest_income(x, p):
        earned = x.here("opening_cash", p) * x.drv("cash_rate")
        if bal:
            earned = earned + level(x, "bs_sti", p) * x.drv("bal_short_term_investments_rate")
        return earned * years(x, p)

    def interest_expense(x, p):
        terms = [x.drv(f"ev_{ev.id}_converted") * x.drv(f"ev_{ev.id}_rate") * outstanding(x, p, ev, False)
                 for ev in debts]
        terms.append(x.before_here("bs_plug_debt", p) * x.drv("debt_rate"))
        if bal:
            terms += [level(x, "bs_bank_loans", p) * x.drv("bal_bank_loans_rate"),
                      level(x, "bs_leases", p) * x.drv("bal_lease_liabilities_rate")]
        return sum_terms(terms) * years(x, p)

    def before_redemption(x, p):
        """The cash at the end of p from the period's flows, before short-term investments are redeemed and
        before the plug."""
        return (x.here("opening_cash", p) + x.here("free_cash_flow", p) + x.here("equity_raised", p)
                + x.here("debt_raised", p) - x.here("debt_repaid", p)
                - (x.here("loans_repaid", p) + x.here("leases_repaid", p) if bal else 0))

    def sti_left(x, p):
        """Short-term investments at the end of p: the previous column less what is redeemed (n/a stays n/a:
        not disclosed, nothing to redeem)."""
        prev = x.before_here("bs_sti", p)
        return IF(ISNUMBER(prev), prev - x.here("sti_redeemed", p), prev)

    def repaid(line, item):
        """A loan's or lease's repayment in the period: its share of the opening balance a year, at most what
        is still owed."""
        return lambda x, p: MIN(level(x, line, p), IF(ISNUMBER(x.drv(f"bal_{item}")), x.drv(f"bal_{item}"), 0)
                                * x.drv(f"bal_{item}_repaid") * years(x, p))

    def running(key, *adds):
        """A balance: its opening (0 where not disclosed) plus the period's movements ((sign, key) pairs)."""
        def f(x, p):
            total = level(x, key, p)
            for sign, k in adds:
                total = total + x.here(k, p) if sign > 0 else total - x.here(k, p)
            return total
        return f

    def opening_figure(item):
        """An opening balance item from balance.csv (n/a where not disclosed); without balance.csv no cell."""
        return at_open(lambda x, p: x.drv(f"bal_{item}")) if bal else None

    flat = lambda key: lambda x, p: x.before_here(key, p)  # noqa: E731  (held at its opening level)
    estimate = lambda x, p: x.inp("revenue", x.base_year) * x.drv("receivable_days", x.tl.forecast[0]) / x.drv(  # noqa: E731
        "days_in_year")
    receivables_open = (lambda x, p: IF(ISNUMBER(x.drv("bal_receivables")), x.drv("bal_receivables"), estimate(x, p))) \
        if bal else estimate
    # a part of a year lies wholly after the opening date: its own revenue, result and share of a year
    revenue_after = lambda x, p: x.at("revenue", p) - IF(x.year(p).eq(x.drv("opening_year")),  # noqa: E731
                                                           x.drv("opening_revenue"), 0) if p.is_full_year else x.at("revenue", p)
    share_of_year = lambda x, p: IF(x.year(p).eq(x.drv("opening_year")), x.drv("opening_share"), 1) \
        if p.is_full_year else x.share(p)  # noqa: E731

    def with_accelerators(x, p, amount, line):
        """With the compute build, plus its owned accelerators' line (model/calc/compute.py: a full year's) for
        the part of the period after the opening date: their depreciation, their capital expenditure."""
        if not spec.compute:
            return amount
        if not p.is_full_year:   # a part's own amount (the line is a flow: a half's in a half)
            return amount + x.at(line, p)
        ahead = after_interim(x.tl, p)
        if ahead != [p]:   # a year opened by its interim: its forecast parts, pro rata after the date
            return amount + sum_terms([x.at(line, q) for q in ahead]) * IF(x.year(p).eq(x.drv("opening_year")), x.here(
                "period_years", p) / sum_terms([x.share(q) for q in ahead]), 1)
        return amount + x.at(line, p) * x.here("period_years", p)
    assets = [k for k in ASSET_LINES if bal or k not in BALANCE_ONLY]
    liabilities = [k for k in LIABILITY_LINES if bal or k not in BALANCE_ONLY]

    def undisclosed(x, p):
        """What the reported equity holds beyond the items disclosed: equity + liabilities - the other assets;
        0 where equity is not disclosed (nothing to tie to: equity is then assets - liabilities)."""
        equity = x.drv("bal_equity")
        return IF(ISNUMBER(equity), equity + x.here("bs_liabilities", p) - span(x, assets[:-1], p), 0)

    def opening_equity(x, p):
        """The reported equity (balance.csv), else (not disclosed, or no balance.csv) assets - liabilities."""
        derived = x.here("bs_assets", p) - x.here("bs_liabilities", p)
        return IF(ISNUMBER(x.drv("bal_equity")), x.drv("bal_equity"), derived) if bal else derived

    lines = [
        Line("period_years", "pct", kind="detail", forecast=share_of_year),
        Line("opening_cash", "amount", forecast=lambda x, p: x.before_here("closing_cash", p)),
        Line("ani_full_year", "amount", forecast=lambda x, p: x.at("adjusted_net_income", p)),
        Line("ani_before_open", "amount", kind="detail",
             forecast=lambda x, p: before_open(x, p) if p.is_full_year else lift(0)),
        Line("ani_after_open", "amount", forecast=lambda x, p: x.here("ani_full_year", p) - x.here("ani_before_open", p)),
        Line("depreciation", "amount", forecast=lambda x, p: with_accelerators(x, p, x.drv("depreciation", p),
                                                                             "accelerator_depreciation"),
             kind="detail", text="cash_depreciation", note="cash_depreciation_compute" if spec.compute else ""),
        Line("non_cash", "amount", forecast=lambda x, p: x.drv("non_cash", p), kind="detail", text="cash_non_cash"),
        Line("receivables", "amount", kind="memo", actual=at_open(receivables_open),
             forecast=lambda x, p: x.at("revenue", p) * x.drv("receivable_days", p) / x.drv("days_in_year")
             / (x.share(p) if not p.is_full_year else 1)),   # a part's revenue at its annual rate
        Line("receivables_change", "amount", kind="detail",
             forecast=lambda x, p: x.here("receivables", p) - x.before_here("receivables", p)),
        Line("working_capital", "amount", forecast=lambda x, p: x.drv("working_capital", p), kind="detail",
             text="cash_working_capital"),
        Line("operating_cash_flow", "amount", kind="total",
             actual=link("operating_cash_flow"),
             forecast=lambda x, p: x.here("ani_after_open", p) + x.here("depreciation", p) + x.here("non_cash", p)
             - x.here("receivables_change", p) - x.here("working_capital", p)),
        Line("cash_be_flag", "flag", kind="detail",
             forecast=lambda x, p: IF(x.here("operating_cash_flow", p).ge(0), 1, 0)),
        Line("revenue_after_open", "amount", kind="memo", forecast=revenue_after),
        Line("capex", "amount", kind="detail", text="cash_capex", note="cash_capex_compute" if spec.compute else "",
             forecast=lambda x, p: with_accelerators(x, p, x.here("revenue_after_open", p) * x.drv("capex_pct", p)
                                                     + x.drv("capex", p), "accelerator_capex")),
        Line("free_cash_flow", "amount", kind="total",
             forecast=lambda x, p: x.here("operating_cash_flow", p) - x.here("capex", p)),
        Line("equity_raised", "amount", forecast=flows(False)),
        Line("debt_raised", "amount", forecast=flows(True)),
        Line("debt_repaid", "amount", forecast=lambda x, p: sum_terms(
            [at_maturity(x, p, ev, False, spec.conversion) for ev in debts if ev.matures])),
        Line("loans_repaid", "amount", forecast=repaid("bs_bank_loans", "bank_loans")),
        Line("leases_repaid", "amount", forecast=repaid("bs_leases", "lease_liabilities")),
        # interest is in adjusted net income (the Income Statement's finance lines read these): memo lines here
        Line("interest_income", "amount", kind="memo", forecast=interest_income),
        Line("interest_expense", "amount", kind="memo", forecast=interest_expense),
        *(tax_lines() if spec.valuation else []),
        Line("sti_redeemed", "amount", forecast=lambda x, p: MIN(level(x, "bs_sti", p), MAX(
            0, x.drv("min_cash") - before_redemption(x, p)))),
        Line("cash_before_plug", "amount", kind="total",
             forecast=lambda x, p: before_redemption(x, p) + (x.here("sti_redeemed", p) if bal else 0)),
        Line("plug", "amount", kind="total", forecast=lambda x, p: IF(x.drv("plug").eq(1), MAX(
            0, x.drv("min_cash") - x.here("cash_before_plug", p)), 0)),
        Line("plug_equity", "amount", kind="detail", forecast=lambda x, p: x.here("plug", p) * (1 - x.drv("plug_debt", p))),
        Line("plug_debt", "amount", kind="detail", forecast=lambda x, p: x.here("plug", p) * x.drv("plug_debt", p)),
        Line("net_change", "amount", kind="total",
             forecast=lambda x, p: x.here("cash_before_plug", p) + x.here("plug", p) - x.here("opening_cash", p)),
        Line("closing_cash", "amount", actual=at_open(lambda x, p: x.drv("opening_cash")),
             forecast=lambda x, p: x.here("opening_cash", p) + x.here("net_change", p), kind="total"),
        Line("below_min", "flag", kind="detail",
             forecast=lambda x, p: IF(x.here("cash_before_plug", p).lt(x.drv("min_cash")), 1, 0)),
        Line("plug_flag", "flag", kind="detail", forecast=lambda x, p: IF(x.here("plug", p).gt(0), 1, 0)),
        Line("before_breakeven", "flag", kind="detail",   # breakeven is annual: a part reads its year's flags
             forecast=lambda x, p: IF((SUM(x.run("be_flag", p.full_year())) - x.at("be_flag", p.full_year())).eq(0), 1, 0)),
        Line("cash_to_breakeven", "amount", kind="detail",
             forecast=lambda x, p: IF(x.here("before_breakeven", p).eq(1), x.here("closing_cash", p), NA)),
        Line("plug_to_breakeven", "amount", kind="detail",
             forecast=lambda x, p: IF(x.here("before_breakeven", p).eq(1), x.here("plug", p), 0)),
        Line("converted", "amount", kind="memo", forecast=lambda x, p: sum_terms(
            [at_maturity(x, p, ev, True, spec.conversion) for ev in debts if ev.converts and ev.matures])),
        # the balance sheet at the end of each period: assets, then liabilities and equity
        Line("bs_cash", "amount", actual=at_open(lambda x, p: x.here("closing_cash", p)),
             forecast=lambda x, p: x.here("closing_cash", p)),
        Line("bs_sti", "amount", actual=opening_figure("short_term_investments"), forecast=sti_left),
        Line("bs_receivables", "amount", actual=opening_figure("receivables"),
             forecast=running("bs_receivables", (1, "receivables_change"))),
        Line("bs_ppe", "amount", actual=opening_figure("ppe"),
             forecast=running("bs_ppe", (1, "capex"), (-1, "depreciation"))),
        Line("bs_other_assets", "amount", actual=opening_figure("other_assets"),
             forecast=running("bs_other_assets", (1, "working_capital"))),
        Line("bs_undisclosed", "amount", actual=at_open(undisclosed), forecast=flat("bs_undisclosed")),
        Line("bs_assets", "amount", kind="total", actual=at_open(lambda x, p: span(x, assets, p)),
             forecast=lambda x, p: span(x, assets, p)),
        Line("bs_bank_loans", "amount", actual=opening_figure("bank_loans"),
             forecast=running("bs_bank_loans", (-1, "loans_repaid"))),
        Line("bs_leases", "amount", actual=opening_figure("lease_liabilities"),
             forecast=running("bs_leases", (-1, "leases_repaid"))),
        Line("bs_event_debt", "amount", actual=at_open(opening_event_debt), forecast=event_debt),
        Line("bs_plug_debt", "amount", actual=at_open(lambda x, p: lift(0)),
             forecast=lambda x, p: x.before_here("bs_plug_debt", p) + x.here("plug_debt", p)),
        Line("bs_other_liabilities", "amount", actual=opening_figure("other_liabilities"),
             forecast=running("bs_other_liabilities", (1, "non_cash"))),
        Line("bs_liabilities", "amount", kind="total", actual=at_open(lambda x, p: span(x, liabilities, p)),
             forecast=lambda x, p: span(x, liabilities, p)),
        Line("bs_equity", "amount",
             actual=at_open(opening_equity),
             forecast=lambda x, p: x.before_here("bs_equity", p) + x.here("ani_after_open", p) + x.here("equity_raised", p)
             + x.here("plug_equity", p) + x.here("converted", p)),
        Line("bs_total_le", "amount", kind="total", actual=at_open(lambda x, p: x.here("bs_liabilities", p)
                                                                    + x.here("bs_equity", p)),
             forecast=lambda x, p: x.here("bs_liabilities", p) + x.here("bs_equity", p)),
        Line("bs_gap", "amount", kind="detail", actual=at_open(lambda x, p: x.here("bs_assets", p)
                                                                 - x.here("bs_total_le", p)),
             forecast=lambda x, p: x.here("bs_assets", p) - x.here("bs_total_le", p)),
        Line("bs_net_debt", "amount", kind="memo",
             actual=at_open(lambda x, p: net_debt(x, p, liabilities, bal)),
             forecast=lambda x, p: net_debt(x, p, liabilities, bal)),
        Line("bs_check", "amount", kind="total",   # rounding noise within the amount tolerance reads 0
             actual=at_open(lambda x, p: _within(x, p)), forecast=lambda x, p: _within(x, p)),
    ]
    for ln in lines:
        if ln.key in spec.undisclosed:
            ln.text = ln.key + "_since"
    lines = [ln for ln in lines if bal or ln.key not in BALANCE_ONLY]
    if spec.shares:
        def diluted(x, p):
            """Shares outstanding + the shares of each bond still owed that this scenario converts."""
            return x.here("shares", p) + sum_terms([
                outstanding(x, p, ev) * converts(x, ev, spec.conversion) * x.drv(f"ev_{ev.id}_shares")
                for ev in debts if ev.converts and ev.matures and spec.conversion])
        lines += [
            Line("new_shares", "shares", kind="detail", forecast=new_shares_of(events, spec.conversion, spec.plug_shares)),
            Line("shares", "shares", kind="total", actual=at_open(lambda x, p: x.drv("shares_outstanding")),
                 forecast=lambda x, p: x.before_here("shares", p) + x.here("new_shares", p)),
            Line("diluted_shares", "shares", kind="total", actual=at_open(diluted), forecast=diluted),
        ]
    if spec.valuation and not spec.held:
        lines += dcf_lines(debts)
    for ln in lines:
        in_parts(ln)
    return lines


# How the full-year column of a year shown in parts summarises its parts (module docstring): "flow" (the
# default) the sum of its forecast parts, "closing" the last part's, "opening" the first part's, "calc" the
# line's own formula over the year's summary cells, "none" no cell (a discount factor is a period's).
SUMMARY = {**{k: "closing" for k in ("closing_cash", "receivables", "shares", "diluted_shares", "dcf_losses", "tax_losses",
                                      "dcf_elapsed", *ASSET_LINES, *LIABILITY_LINES, "bs_equity")},
           **{k: "calc" for k in ("ani_full_year", "ani_before_open", "cash_be_flag", "cash_before_plug", "below_min",
                                  "plug_flag", "before_breakeven", "cash_to_breakeven", "bs_assets", "bs_liabilities",
                                  "bs_total_le", "bs_gap", "bs_net_debt", "bs_check")},
           "opening_cash": "opening", "dcf_time": "none", "dcf_factor": "none"}


DCF_FLOWS = ("dcf_result", "dcf_tax", "dcf_ufcf", "dcf_pv")   # summed in a year in parts; the DCF's totals not


def in_parts(ln):
    """Give a cash line cells in the parts of a year (its forecast formula, along the chain) and its full-year
    column the summary SUMMARY says; lines computed only in the last year (the DCF's totals) keep their formula."""
    f, how = ln.forecast, SUMMARY.get(ln.key, "flow")
    if f is None or ln.key.startswith("dcf_") and ln.key not in SUMMARY and ln.key not in DCF_FLOWS:
        ln.half = "calc"
        return

    def g(x, p):
        parts = chain_parts(x, p)
        if not parts or how == "calc":
            return f(x, p)
        if how == "flow":
            return SUM(*[x.here(ln.key, q) for q in parts])
        if how == "none":
            return None
        return x.here(ln.key, parts[-1] if how == "closing" else parts[0])
    ln.forecast, ln.half = g, "calc"


def adjustments_after_open(x, p):
    """This scenario's adjustments (share-based pay ...) in the part of period p after the opening date."""
    adj = x.at("adjustments", p)
    if p.is_full_year:   # a part lies wholly after the opening date
        adj = adj - IF(x.year(p).eq(x.drv("opening_year")), x.drv("opening_adj"), 0)
    return adj


def reported_after_open(key):
    """An adjusted result line of the Income Statement (`key`) less the adjustments, for the part of period p
    after the opening date; a year opened by its interim: its forecast parts' (lines.after_interim)."""
    def f(x, p):
        periods = after_interim(x.tl, p)
        if periods != [p]:
            return sum_terms([x.at(key, q) - x.at("adjustments", q) for q in periods])
        return x.at(key, p) - x.here("ani_before_open", p) - adjustments_after_open(x, p)
    return f


def loss_relief(losses, tax, base, tax_kind="normal", losses_kind="detail", text=""):
    """Tax at the tax rate on a positive result `base` after the losses carried since the opening date, and
    those losses (a balance): the lines `losses` and `tax` (`text`: the tax line's label id)."""
    return [
        Line(losses, "amount", kind=losses_kind,
             forecast=lambda x, p: MAX(0, level(x, losses, p) - x.here(base, p))),
        Line(tax, "amount", kind=tax_kind, text=text,
             forecast=lambda x, p: MAX(0, x.here(base, p) - level(x, losses, p)) * x.drv("tax_rate")),
    ]


def tax_lines() -> list[Line]:
    """The tax on the Income Statement (its tax line reads `tax`): the reported result before tax after the
    opening date (the adjusted result before tax less the adjustments), taxed where positive after the losses
    since that date (earlier losses not counted: not disclosed)."""
    return [
        Line("tax_base", "amount", kind="memo", forecast=reported_after_open("pretax_adjusted")),
        *loss_relief("tax_losses", "tax", "tax_base", tax_kind="memo", losses_kind="memo", text="cash_tax"),   # in adjusted net income
    ]


def dcf_lines(debts) -> list[Line]:
    """The DCF of unlevered free cash flow, each period after the opening date: the adjusted result before
    finance and tax less the adjustments (share-based pay counted as a cost), so without the modelled interest
    (unlevered), taxed where positive after
    the losses since the opening date, + depreciation and other non-cash items − working capital − capex;
    discounted from the middle (or end) of its period. In the last forecast period only: the terminal value
    (exit multiple of revenue, or perpetual growth), the enterprise value, the equity value with the bonds
    as debt and per share, each bond's conversion test (that value per share at or above its conversion
    price) and the equity value and value per share after the conversions. Scalars: discount_rate,
    terminal_method, exit_multiple, terminal_growth, mid_period, tax_rate, net_cash_today, shares_today,
    unit_millions, share_fx, opening_adj, ev_<id>_converted | _shares | _price."""
    bonds = [ev for ev in debts if ev.converts and ev.matures]

    def last_only(f):
        return lambda x, p: f(x, p) if p == x.tl.forecast[-1] else None

    def discount(x, years):
        return 1 / (1 + x.drv("discount_rate")) ** years

    def terminal(x, p):
        growth, rate = x.drv("terminal_growth"), x.drv("discount_rate")
        perpetuity = IF(rate.gt(growth), x.here("dcf_ufcf", p) * (1 + growth) / (rate - growth), NA)
        return IF(x.drv("terminal_method").eq(1), x.drv("exit_multiple") * x.at("revenue", p), perpetuity)

    def per_share(x, equity, shares):
        return equity * x.drv("unit_millions") / x.drv("share_fx") / shares

    def conversion(ev):
        return lambda x, p: IF(x.here("dcf_value_before", p).ge(x.drv(f"ev_{ev.id}_price")), 1, 0)

    def after(kind):
        def f(x, p):
            base = x.here("dcf_equity_before", p) if kind == "equity" else x.drv("shares_today")
            part = "converted" if kind == "equity" else "shares"
            return base + sum_terms([x.here(f"dcf_converts_{ev.id}", p) * x.drv(f"ev_{ev.id}_{part}") for ev in bonds])
        return f

    return [
        Line("dcf_result", "amount", forecast=reported_after_open("operating_adjusted")),   # unlevered
        *loss_relief("dcf_losses", "dcf_tax", "dcf_result"),
        Line("dcf_ufcf", "amount", kind="total",
             forecast=lambda x, p: x.here("dcf_result", p) - x.here("dcf_tax", p) + x.here("depreciation", p)
             + x.here("non_cash", p) - x.here("receivables_change", p) - x.here("working_capital", p)
             - x.here("capex", p)),
        Line("dcf_elapsed", "years", kind="detail",   # along the chain: the period before's + this period's
             forecast=lambda x, p: level(x, "dcf_elapsed", p) + x.here("period_years", p)),
        Line("dcf_time", "years", kind="detail", forecast=lambda x, p: x.here("dcf_elapsed", p)
             - x.here("period_years", p) * x.drv("mid_period")),
        Line("dcf_factor", "rate", kind="detail", forecast=lambda x, p: discount(x, x.here("dcf_time", p))),
        Line("dcf_pv", "amount", kind="detail", forecast=lambda x, p: x.here("dcf_ufcf", p) * x.here("dcf_factor", p)),
        Line("dcf_pv_flows", "amount", forecast=last_only(   # the full years' (a year in parts: its parts' sum)
            lambda x, p: sum_terms([x.here("dcf_pv", q) for q in x.tl.forecast]))),
        Line("dcf_terminal", "amount", forecast=last_only(terminal)),
        Line("dcf_terminal_pv", "amount", forecast=last_only(
            lambda x, p: x.here("dcf_terminal", p) * discount(x, x.here("dcf_elapsed", p)))),
        Line("dcf_ev", "amount", kind="total", forecast=last_only(lambda x, p: x.here("dcf_pv_flows", p)
                                                                  + x.here("dcf_terminal_pv", p))),
        Line("dcf_equity_before", "amount", forecast=last_only(
            lambda x, p: x.here("dcf_ev", p) + x.drv("net_cash_today"))),
        Line("dcf_value_before", "share_price", forecast=last_only(
            lambda x, p: per_share(x, x.here("dcf_equity_before", p), x.drv("shares_today")))),
        *[Line(f"dcf_converts_{ev.id}", "flag", forecast=last_only(conversion(ev)), text="dcf_converts")
          for ev in bonds],
        Line("dcf_equity", "amount", kind="total", forecast=last_only(after("equity"))),
        Line("dcf_shares", "shares", forecast=last_only(after("shares"))),
        Line("dcf_value", "share_price", kind="total", forecast=last_only(
            lambda x, p: per_share(x, x.here("dcf_equity", p), x.here("dcf_shares", p)))),
    ]



def net_debt(x, p, liabilities, bal):
    """Debt (every liability but the other liabilities) less cash and short-term investments."""
    debt = span(x, [k for k in liabilities if k != "bs_other_liabilities"], p)
    return debt - x.here("bs_cash", p) - (span(x, ["bs_sti"], p) if bal else 0)


def _within(x, p):
    gap = x.here("bs_gap", p)
    return IF(ABS(gap).gt(x.inputs.tol["amount"].ref(True, True)), gap, 0)


def new_shares_of(events, mode, plug_shares):
    """Shares issued in a period: each counted equity event's (a share issue's follow from its size and price),
    a bond's on conversion, the shares of share-based pay (a driver) and the plug's new equity at its price."""
    def f(x, p):
        terms = [IF(due(x, p, ev), x.drv(f"ev_{ev.id}_shares"), 0) for ev in events if ev.shares]
        terms += [IF(x.year(p).eq(x.drv(f"ev_{ev.id}_repay_year")), x.drv(f"ev_{ev.id}_shares") * converts(x, ev, mode),
                     0) for ev in events if ev.debt and ev.converts and ev.matures and mode and not position(x, p, ev.repay_part)]
        terms.append(x.drv("sbc_shares", p))
        if plug_shares:
            terms.append(x.here("plug_equity", p) * x.drv("unit_millions") / x.drv("share_fx") / x.drv("plug_price"))
        return sum_terms(terms)
    return f
