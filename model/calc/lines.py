"""Each line item defined once: unit, and how it is computed in actual and forecast columns (its label
and note, per language, are model/labels lines.<text> and notes.<note>).

A definition is a function of a context `x` and a period `p` that returns a formula (`Expr`); the
same definition fills the Income Statement (driven by the selected scenario) and each scenario's
block on the Scenarios tab (driven by that scenario's own assumption rows). Context methods:
  x.inp(item, p)   the Inputs cell of a historical figure
  x.at(key, p)     this line set's cell for another line at period p
  x.prev(key, p)   the same, one full year earlier (the previous column); in the rest of a year, its year to date
  x.drv(name, p)   the scenario driver for forecast period p (in the rest of a year: its rest_* twin)
  x.year(p)        the fiscal year number of period p (the header cell)
  x.comparative(p) the like-for-like prior period, or None
  x.comparative_parts(p)  the periods the like-for-like prior figure is the difference of (2H2025 = FY2025 - 1H2025)
  x.total(keys, p) the sum of `at`'s lines `keys` at p
  x.here(key, p)   this block's own line (when `at` reads another block)
  x.run(key, p)    `at`'s cells from the first forecast year to p (a running range)
  x.anchor(key, p) `at` with the column fixed, so every column of a row reads the same cell
  x.const(key)     a scalar setting of the unit build (model/calc/units.py), fixed
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

from .formula import ABS, AND, IF, INDEX, ISNUMBER, MATCH, MAX, NA, NM, OR, SUM, Text, guard, lift, ratio


@dataclass
class Line:
    key: str
    unit: str                               # amount | pct | x
    actual: Callable | None = None          # (x, p) -> Expr, for actual periods
    forecast: Callable | None = None        # (x, p) -> Expr, for forecast years
    kind: str = "normal"                    # normal | total | memo | detail
    text: str = ""                          # label id (model/labels lines.<text>); default: key
    note: str = ""                          # note id (model/labels notes.<note>); default: text
    segment: str = ""                       # the segment key of a per-segment line
    rest: str = ""   # in the rest of a first forecast year after its interim (2H2026E): "" no cell; "calc" the
    # forecast formula (its prev is the year to date, its drivers the rest_* twins); "flow" the same, and the
    # full year is then the year to date plus the rest (FY2026E = 1H2026A + 2H2026E); "annual" the full year
    # is forecast as a whole (the unit build) and the rest is the full year less the year to date

    def __post_init__(self):
        self.text = self.text or self.key
        self.note = self.note or self.text


def link(item):
    """An actual period's figure from Inputs, n/a where the data leave it blank."""
    return lambda x, p: guard([x.inp(item, p)], x.inp(item, p))


def given_or(item, otherwise):
    """The Inputs figure of an actual period when given, else `otherwise` (derived from other inputs):
    for figures a company publishes one way or another (segment revenue or its share, cost of revenue
    or gross profit, compute or an assumed share of R&D)."""
    return lambda x, p: IF(ISNUMBER(x.inp(item, p)), x.inp(item, p), otherwise(x, p))


def grow(key, driver):
    """Last year's value times (1 + growth)."""
    return lambda x, p: x.prev(key, p) * (1 + x.drv(driver, p))


def income_lines(data) -> list[Line]:
    """The Income Statement's lines for a dataset: its segments, and R&D split into compute and the
    rest when compute is given for the base year (else R&D is one line and compute history only)."""
    single, split = data.single_segment, data.split_compute
    seg_keys = [k for k, _ in data.segments]
    segments = lambda x, p, pre: x.total([f"{pre}_{k}" for k in seg_keys], p)  # noqa: E731
    one = "_single" if single else "_segment"  # note ids: one segment is the total by definition

    lines = []
    for key in seg_keys:
        if single:
            actual = lambda x, p: x.at("revenue", p)  # noqa: E731
        else:
            actual = given_or(f"rev_{key}", lambda x, p, k=key: guard(  # an amount, else revenue x share
                [x.at("revenue", p), x.inp(f"share_{k}", p)], x.at("revenue", p) * x.inp(f"share_{k}", p)))
        lines.append(Line(f"rev_{key}", "amount", actual=actual, forecast=grow(f"rev_{key}", f"growth_{key}"),
                          kind="detail", text="rev_segment", note="rev" + one, segment=key, rest="flow"))
    lines += [
        Line("revenue", "amount", actual=link("revenue"),
             forecast=lambda x, p: segments(x, p, "rev"), kind="total", rest="calc"),
        Line("cost_of_revenue", "amount",
             actual=given_or("cost_of_revenue", lambda x, p: guard([x.inp("gross_profit", p)],
                                                                    x.at("revenue", p) - x.inp("gross_profit", p))),
             forecast=lambda x, p: x.at("revenue", p) - x.at("gross_profit", p), rest="calc"),
    ]
    for key in seg_keys:
        if single:
            actual = lambda x, p: x.at("gross_profit", p)  # noqa: E731
        else:
            actual = lambda x, p, k=key: guard([x.at(f"rev_{k}", p), x.inp(f"gm_{k}", p)],  # noqa: E731
                                               x.at(f"rev_{k}", p) * x.inp(f"gm_{k}", p))
        lines.append(Line(f"gp_{key}", "amount", actual=actual,
                          forecast=lambda x, p, k=key: x.at(f"rev_{k}", p) * x.drv(f"gm_{k}", p),
                          kind="detail", text="gp_segment", note="gp" + one, segment=key, rest="flow"))
    history = "" if split else "_history"  # without compute for the base year R&D is forecast as one line
    lines += [
        Line("gross_profit", "amount",
             actual=lambda x, p: guard([x.at("revenue", p), x.at("cost_of_revenue", p)],
                                       x.at("revenue", p) - x.at("cost_of_revenue", p)),
             forecast=lambda x, p: segments(x, p, "gp"), kind="total", rest="calc"),
        Line("rnd_compute", "amount",
             actual=given_or("rnd_compute", lambda x, p: guard([x.inp("rnd", p), x.inp("rnd_compute_share", p)],
                                                                x.inp("rnd", p) * x.inp("rnd_compute_share", p))),
             forecast=grow("rnd_compute", "rnd_compute_growth") if split else None, kind="detail",
             note="rnd_compute" + history, rest="flow"),
        Line("rnd_other", "amount",
             actual=lambda x, p: guard([x.inp("rnd", p), x.at("rnd_compute", p)], x.inp("rnd", p) - x.at("rnd_compute", p)),
             forecast=grow("rnd_other", "rnd_other_growth") if split else None, kind="detail",
             note="rnd_other" + history, rest="flow"),
        Line("rnd", "amount", actual=link("rnd"), kind="total", note="rnd" + ("" if split else "_one_line"),
             rest="calc" if split else "flow",
             forecast=(lambda x, p: x.at("rnd_compute", p) + x.at("rnd_other", p)) if split else grow("rnd", "rnd_growth")),
        Line("other_opex", "amount",
             actual=lambda x, p: guard([x.at("gross_profit", p), x.at("rnd", p), x.at("adjusted_net_income", p)],
                                       x.at("gross_profit", p) - x.at("rnd", p) - x.at("adjusted_net_income", p)),
             forecast=grow("other_opex", "other_opex_growth"), rest="flow"),
        Line("adjusted_net_income", "amount", actual=link("adjusted_net_income"),
             forecast=lambda x, p: x.at("gross_profit", p) - x.at("rnd", p) - x.at("other_opex", p), kind="total",
             rest="calc"),
        Line("adjustments", "amount",
             actual=lambda x, p: guard([x.inp("adjusted_net_income", p), x.inp("net_income", p)],
                                       x.inp("adjusted_net_income", p) - x.inp("net_income", p)),
             forecast=lambda x, p: x.drv("adjustments", p), rest="flow"),
        Line("net_income", "amount", actual=link("net_income"),
             forecast=lambda x, p: x.at("adjusted_net_income", p) - x.at("adjustments", p), kind="total",
             rest="calc"),
        Line("total_costs", "amount",
             actual=lambda x, p: guard([x.at("cost_of_revenue", p), x.at("other_opex", p)],
                                       x.at("cost_of_revenue", p) + x.at("rnd", p) + x.at("other_opex", p)),
             forecast=lambda x, p: x.at("cost_of_revenue", p) + x.at("rnd", p) + x.at("other_opex", p), kind="memo",
             rest="calc"),
        Line("selling_marketing", "amount", actual=link("selling_marketing"), kind="memo"),
    ]
    if data.units:   # the unit build forecasts the unit segment and R&D (model/calc/units.py)
        from .units import seam
        lines = seam(data, lines)
    if data.compute:   # the compute build forecasts serving and training from capacity (model/calc/compute.py)
        from .compute import seam as compute_seam
        lines = compute_seam(data, lines)
    return lines


# Lines each scenario's block on the Scenarios tab carries (adjusted and reported net income).
def scenario_lines(data, reported=False) -> list[Line]:
    keep = {f"rev_{k}" for k, _ in data.segments} | {f"gp_{k}" for k, _ in data.segments} | {
        "revenue", "gross_profit", "rnd_compute", "rnd_other", "rnd", "other_opex", "adjusted_net_income"}
    if reported:
        keep |= {"adjustments", "net_income"}
    return [ln for ln in income_lines(data) if (ln.key in keep or ln.key.startswith(("u_", "c_", "accelerator_")))
            and ln.forecast is not None]


def before_open(x, p):
    """The part of year p's adjusted net income earned before the opening cash date (already in the
    opening cash): the opening interim's actual in its own year, else 0. Scalars via x.drv."""
    return IF(x.year(p).eq(x.drv("opening_year")), x.drv("opening_ani"), 0)


def breakeven_lines() -> list[Line]:
    """Breakeven: the first forecast year with adjusted net income ≥ 0, and the adjusted losses until
    then counted from the opening cash date, as the cash bridge counts them."""
    return [
        Line("be_flag", "flag", forecast=lambda x, p: IF(x.at("adjusted_net_income", p).ge(0), 1, 0), kind="detail"),
        Line("be_reached", "flag", forecast=lambda x, p: IF(SUM(x.run("be_flag", p)).gt(0), 1, 0), kind="detail"),
        Line("ani_after_open", "amount", kind="detail",
             forecast=lambda x, p: x.at("adjusted_net_income", p) - before_open(x, p)),
        Line("be_loss", "amount",
             forecast=lambda x, p: IF(x.here("be_reached", p).eq(0), -x.here("ani_after_open", p), 0), kind="detail"),
    ]


def other_breakeven_lines() -> list[Line]:
    """Breakeven on reported (IFRS) net income ≥ 0. (Operating-cash breakeven is the cash-flow statement's
    cash_be_flag: cash_lines.)"""
    return [
        Line("reported_be_flag", "flag", forecast=lambda x, p: IF(x.at("net_income", p).ge(0), 1, 0), kind="detail"),
    ]


def first_flagged(flags, years, otherwise: str):
    """The year of the first 1 in a row of 1/0 flags, or the text `otherwise` when there is none."""
    return IF(SUM(flags).eq(0), Text(otherwise), INDEX(years, MATCH(1, flags)))


def cagr(x, p, end, start, since, limit=None):
    """Compound annual growth from period `since` (value `start`) to p (value `end`); n/a when the two
    have opposite signs (no compound rate leads from one to the other); with a `limit`, n.m. above it."""
    change = end / start
    rate = change ** (1 / (x.year(p) - x.year(since, fixed=True))) - 1
    if limit is not None:
        rate = IF(ABS(rate).gt(limit), NM, rate)
    return guard([end, start], IF(change.ge(0), rate, NA), nonzero=[start])


class CashEvent(NamedTuple):
    """A funding event as the cash-flow statement uses it: equity or debt, whether its `counted` flag is an
    input (else it counts), whether it matures within the data (debt: repaid, or a bond converts) and
    whether its new shares are given (equity)."""
    id: str
    debt: bool
    flagged: bool
    matures: bool = False
    shares: bool = False
    converts: bool = False   # a convertible bond: converts at maturity when the share price is above its price


def _total(terms):
    total = lift(0)
    for i, term in enumerate(terms):
        total = term if i == 0 else total + term
    return total


def cash_lines(events=(), shares=False, compute=False) -> list[Line]:
    """The cash-flow statement from the opening cash date, one scenario: adjusted net income after that
    date bridged to operating cash flow (non-cash items, receivables in days of revenue, other working
    capital), capital expenditure (a share of revenue plus an amount), financing (each funding event in
    its fiscal year unless marked as already in the opening cash, debt repaid or converted at maturity,
    interest on the opening cash and debt), the funding plug that keeps cash at the minimum, and a
    compact balance of cash, debt and equity that must tie. `events`: CashEvent tuples; `shares`: with
    share data, shares outstanding after each event, conversion and plug issue. Scalars come through
    x.drv (absolute): opening_cash, opening_year, opening_ani, opening_revenue, opening_share, min_cash,
    days_in_year, plug, cash_rate, debt_rate, ev_<id>_converted | _year | _counted | _repay_year | _converts | _shares.
    `compute`: with the compute build the owned accelerators' depreciation (inside adjusted net income) is added
    back with the non-cash items and their capital expenditure added to capex, for the part of the year after
    the opening date (model/calc/compute.py accelerator_depreciation, accelerator_capex)."""
    def due(x, p, ev):
        """1 in the fiscal year a counted event's cash arrives."""
        arrives = x.year(p).eq(x.drv(f"ev_{ev.id}_year"))
        return AND(arrives, x.drv(f"ev_{ev.id}_counted").eq(1)) if ev.flagged else arrives

    def arrived(x, p, ev, during=True):
        """Inside the cash (in the opening cash, or arrived by the end of p; with during=False: before p)."""
        y = x.year(p)
        came = y.ge(x.drv(f"ev_{ev.id}_year")) if during else y.gt(x.drv(f"ev_{ev.id}_year"))
        return OR(x.drv(f"ev_{ev.id}_counted").eq(0), came) if ev.flagged else came

    def outstanding(x, p, ev, during=True):
        """1 while a debt event is owed: at the end of p (during=True) or at its start (False)."""
        if not ev.matures:
            return IF(arrived(x, p, ev, during), 1, 0)
        left = x.year(p).lt(x.drv(f"ev_{ev.id}_repay_year")) if during else x.year(p).le(
            x.drv(f"ev_{ev.id}_repay_year"))
        return IF(AND(arrived(x, p, ev, during), left), 1, 0)

    def at_maturity(x, p, ev, converted):
        """A debt event's amount in its maturity year: the part converted into shares, or repaid in cash."""
        if not ev.matures:
            return None
        share = x.drv(f"ev_{ev.id}_converts") if ev.converts else lift(0)
        part = share if converted else 1 - share
        return IF(x.year(p).eq(x.drv(f"ev_{ev.id}_repay_year")), x.drv(f"ev_{ev.id}_converted") * part, 0)

    def flows(debt):
        return lambda x, p: _total([IF(due(x, p, ev), x.drv(f"ev_{ev.id}_converted"), 0) for ev in events
                                    if ev.debt == debt])

    debts = [ev for ev in events if ev.debt]
    share_of_year = lambda x, p: IF(x.year(p).eq(x.drv("opening_year")), x.drv("opening_share"), 1)  # noqa: E731

    def event_debt(x, p):
        return _total([x.drv(f"ev_{ev.id}_converted") * outstanding(x, p, ev) for ev in debts])

    def debt_interest(x, p):
        terms = [x.drv(f"ev_{ev.id}_converted") * x.drv(f"ev_{ev.id}_rate") * outstanding(x, p, ev, False)
                 for ev in debts]
        terms.append(x.before_here("plug_debt_balance", p) * x.drv("debt_rate"))
        return _total(terms) * share_of_year(x, p)

    def opening_debt(x, p):
        return _total([x.drv(f"ev_{ev.id}_converted") * (1 - x.drv(f"ev_{ev.id}_counted")) for ev in debts
                       if ev.flagged])

    def running(key, *adds, start=None):
        """A balance: the previous column's plus this year's movements (`adds`: (sign, key) pairs)."""
        def f(x, p):
            total = x.before_here(key, p)
            for sign, k in adds:
                total = total + x.here(k, p) if sign > 0 else total - x.here(k, p)
            return total
        return f

    def new_shares(x, p):
        terms = [IF(due(x, p, ev), x.drv(f"ev_{ev.id}_shares"), 0) for ev in events if ev.shares]
        terms += [IF(x.year(p).eq(x.drv(f"ev_{ev.id}_repay_year")), x.drv(f"ev_{ev.id}_shares") * x.drv(
            f"ev_{ev.id}_converts"), 0) for ev in debts if ev.converts and ev.matures]
        terms.append(x.here("plug_equity", p) * x.drv("unit_millions") / x.drv("share_fx") / x.drv("plug_price"))
        return _total(terms)

    def after_open(x, p, amount, line):   # with the compute build, plus its line for the year after the opening date
        return amount + x.at(line, p) * share_of_year(x, p) if compute else amount

    revenue_after = lambda x, p: x.at("revenue", p) - IF(x.year(p).eq(x.drv("opening_year")),  # noqa: E731
                                                           x.drv("opening_revenue"), 0)
    zero = lambda x, p: lift(0)  # noqa: E731  (a balance that starts at the opening date)
    lines = [
        Line("opening_cash", "amount", forecast=lambda x, p: x.before_here("closing_cash", p)),
        Line("ani_full_year", "amount", forecast=lambda x, p: x.at("adjusted_net_income", p)),
        Line("ani_before_open", "amount", kind="detail", forecast=before_open),
        Line("ani_after_open", "amount", forecast=lambda x, p: x.here("ani_full_year", p) - x.here("ani_before_open", p)),
        Line("non_cash", "amount", forecast=lambda x, p: after_open(x, p, x.drv("non_cash", p), "accelerator_depreciation"),
             kind="detail", text="cash_non_cash", note="cash_non_cash_compute" if compute else ""),
        Line("receivables", "amount", kind="memo",
             actual=lambda x, p: x.inp("revenue", x.base_year) * x.drv("receivable_days", x.tl.forecast[0]) / x.drv("days_in_year"),
             forecast=lambda x, p: x.at("revenue", p) * x.drv("receivable_days", p) / x.drv("days_in_year")),
        Line("receivables_change", "amount", kind="detail",
             forecast=lambda x, p: x.here("receivables", p) - x.before_here("receivables", p)),
        Line("working_capital", "amount", forecast=lambda x, p: x.drv("working_capital", p), kind="detail",
             text="cash_working_capital"),
        Line("operating_cash_flow", "amount", kind="total",
             forecast=lambda x, p: x.here("ani_after_open", p) + x.here("non_cash", p) - x.here("receivables_change", p)
             - x.here("working_capital", p)),
        Line("cash_be_flag", "flag", kind="detail",
             forecast=lambda x, p: IF(x.here("operating_cash_flow", p).ge(0), 1, 0)),
        Line("revenue_after_open", "amount", kind="memo", forecast=revenue_after),
        Line("capex", "amount", kind="detail", text="cash_capex", note="cash_capex_compute" if compute else "",
             forecast=lambda x, p: after_open(x, p, x.here("revenue_after_open", p) * x.drv("capex_pct", p)
                                              + x.drv("capex", p), "accelerator_capex")),
        Line("free_cash_flow", "amount", kind="total",
             forecast=lambda x, p: x.here("operating_cash_flow", p) - x.here("capex", p)),
        Line("equity_raised", "amount", forecast=flows(False)),
        Line("debt_raised", "amount", forecast=flows(True)),
        Line("debt_repaid", "amount", forecast=lambda x, p: _total(
            [at_maturity(x, p, ev, False) for ev in debts if ev.matures])),
        Line("interest_income", "amount",
             forecast=lambda x, p: x.here("opening_cash", p) * x.drv("cash_rate") * share_of_year(x, p)),
        Line("interest_expense", "amount", forecast=debt_interest),
        Line("cash_before_plug", "amount", kind="total",
             forecast=lambda x, p: x.here("opening_cash", p) + x.here("free_cash_flow", p) + x.here("equity_raised", p)
             + x.here("debt_raised", p) - x.here("debt_repaid", p) + x.here("interest_income", p)
             - x.here("interest_expense", p)),
        Line("plug", "amount", kind="total", forecast=lambda x, p: IF(x.drv("plug").eq(1), MAX(
            0, x.drv("min_cash") - x.here("cash_before_plug", p)), 0)),
        Line("plug_equity", "amount", kind="detail", forecast=lambda x, p: x.here("plug", p) * (1 - x.drv("plug_debt", p))),
        Line("plug_debt", "amount", kind="detail", forecast=lambda x, p: x.here("plug", p) * x.drv("plug_debt", p)),
        Line("net_change", "amount", kind="total",
             forecast=lambda x, p: x.here("cash_before_plug", p) + x.here("plug", p) - x.here("opening_cash", p)),
        Line("closing_cash", "amount", actual=lambda x, p: x.drv("opening_cash"),
             forecast=lambda x, p: x.here("opening_cash", p) + x.here("net_change", p), kind="total"),
        Line("below_min", "flag", kind="detail",
             forecast=lambda x, p: IF(x.here("cash_before_plug", p).lt(x.drv("min_cash")), 1, 0)),
        Line("plug_flag", "flag", kind="detail", forecast=lambda x, p: IF(x.here("plug", p).gt(0), 1, 0)),
        Line("before_breakeven", "flag", kind="detail",
             forecast=lambda x, p: IF((SUM(x.run("be_flag", p)) - x.at("be_flag", p)).eq(0), 1, 0)),
        Line("cash_to_breakeven", "amount", kind="detail",
             forecast=lambda x, p: IF(x.here("before_breakeven", p).eq(1), x.here("closing_cash", p), NA)),
        Line("plug_to_breakeven", "amount", kind="detail",
             forecast=lambda x, p: IF(x.here("before_breakeven", p).eq(1), x.here("plug", p), 0)),
        # the compact balance at each year end, from the opening date: what the cash went into and came from
        Line("converted", "amount", kind="memo", forecast=lambda x, p: _total(
            [at_maturity(x, p, ev, True) for ev in debts if ev.converts and ev.matures])),
        Line("plug_debt_balance", "amount", kind="memo", actual=zero, forecast=running(
            "plug_debt_balance", (1, "plug_debt"))),
        Line("bal_cash", "amount", actual=lambda x, p: x.here("closing_cash", p),
             forecast=lambda x, p: x.here("closing_cash", p)),
        Line("bal_receivables", "amount", actual=lambda x, p: x.here("receivables", p),
             forecast=lambda x, p: x.here("receivables", p)),
        Line("bal_other_assets", "amount", actual=zero,
             forecast=running("bal_other_assets", (1, "capex"), (-1, "non_cash"), (1, "working_capital"))),
        Line("bal_assets", "amount", kind="total",
             actual=lambda x, p: x.here("bal_cash", p) + x.here("bal_receivables", p) + x.here("bal_other_assets", p),
             forecast=lambda x, p: x.here("bal_cash", p) + x.here("bal_receivables", p) + x.here("bal_other_assets", p)),
        Line("bal_debt", "amount", actual=opening_debt,
             forecast=lambda x, p: event_debt(x, p) + x.here("plug_debt_balance", p)),
        Line("bal_equity", "amount",
             actual=lambda x, p: x.here("bal_assets", p) - x.here("bal_debt", p),
             forecast=running("bal_equity", (1, "equity_raised"), (1, "plug_equity"), (1, "converted"))),
        Line("bal_retained", "amount", actual=zero,
             forecast=lambda x, p: x.before_here("bal_retained", p) + x.here("ani_after_open", p)
             + x.here("interest_income", p) - x.here("interest_expense", p)),
        Line("bal_gap", "amount", kind="detail",
             forecast=lambda x, p: x.here("bal_assets", p) - x.here("bal_debt", p) - x.here("bal_equity", p)
             - x.here("bal_retained", p)),
        Line("bal_check", "amount", kind="total",   # rounding noise within the amount tolerance reads 0
             forecast=lambda x, p: IF(ABS(x.here("bal_gap", p)).gt(x.inputs.tol["amount"].ref(True, True)),
                                      x.here("bal_gap", p), 0)),
    ]
    if shares:
        lines.append(Line("new_shares", "shares", kind="detail", forecast=new_shares))
        lines.append(Line("shares", "shares", kind="total", actual=lambda x, p: x.drv("shares_outstanding"),
                          forecast=running("shares", (1, "new_shares"))))
    return lines


def value_lines() -> list[Line]:
    """EV / revenue on each forecast year: today's enterprise value (a scalar) over the scenario's revenue."""
    return [Line("ev_to_sales", "x", kind="memo",
                 forecast=lambda x, p: ratio(x.drv("enterprise_value"), x.at("revenue", p)))]


def prior_figure(x, key, p):
    """The like-for-like prior figure of a line and the cells it needs known: the same period a year
    earlier, or for the rest of a year the prior full year less its year to date; None without them."""
    parts = x.comparative_parts(p)
    if not parts:
        return None
    cells = [x.at(key, q) for q in parts]
    return (cells[0] if len(cells) == 1 else cells[0] - cells[1]), cells


def _growth(key):
    """Like-for-like growth of an Income Statement line: against the same period a year earlier."""
    def f(x, p):
        prior = prior_figure(x, key, p)
        if prior is None:
            return NA
        before, known = prior
        if len(known) == 1:
            return guard([x.at(key, p), *known], x.at(key, p) / before - 1, nonzero=[before])
        # a difference of two cells: tested for zero only once both are known (AND does not short-circuit)
        return guard([x.at(key, p), *known], IF(before.ne(0), x.at(key, p) / before - 1, NA))
    return f


def nm_limit(x):
    """The size above which a ratio reads n.m. (not meaningful): an input on the Inputs tab."""
    return x.inputs.tol["nm_ratio"].ref(True, True)


def ratio_lines(data) -> list[Line]:
    def of_revenue(key):
        return lambda x, p: ratio(x.at(key, p), x.at("revenue", p), nm_limit(x))

    def since_first(x, p):
        first = x.first_year
        if not p.is_full_year or p == first:
            return NA
        return cagr(x, p, x.at("revenue", p), x.anchor("revenue", first), first)

    def spread(x, p):
        g, c = x.here("revenue_growth", p), x.here("cost_growth", p)
        return guard([g, c], g - c)

    def incremental(x, p):
        rev, ani = prior_figure(x, "revenue", p), prior_figure(x, "adjusted_net_income", p)
        if rev is None:
            return NA
        d_rev = x.at("revenue", p) - rev[0]
        known = [x.at("revenue", p), x.at("adjusted_net_income", p), *rev[1], *ani[1]]
        return IF(AND(*[ISNUMBER(v) for v in known]),  # the revenue change is a divisor only when all are known
                  guard([], (x.at("adjusted_net_income", p) - ani[0]) / d_rev, nonzero=[d_rev]), NA)

    def both(key, unit, f, **kw):
        """A ratio computed alike in actual and forecast columns (the rest of a year too)."""
        return Line(key, unit, f, f, rest="calc", **kw)

    lines = [both("gross_margin", "pct", of_revenue("gross_profit"))]
    seg_keys = [] if data.single_segment else [k for k, _ in data.segments]  # one segment: its margin and mix are the totals
    for key in seg_keys:
        lines.append(both(f"gm_{key}", "pct", lambda x, p, k=key: ratio(x.at(f"gp_{k}", p), x.at(f"rev_{k}", p)),
                          kind="detail", text="gm_segment", segment=key))
    for key in seg_keys:
        lines.append(both(f"mix_{key}", "pct", of_revenue(f"rev_{key}"), kind="detail", text="mix_segment", segment=key))
    compute_share = lambda x, p: ratio(x.at("rnd_compute", p), x.at("rnd", p))  # noqa: E731
    lines += [
        both("rnd_to_revenue", "pct", of_revenue("rnd")),
        Line("compute_share", "pct", compute_share, compute_share if data.split_compute else None, rest="calc"),
        both("other_opex_to_revenue", "pct", of_revenue("other_opex")),
        both("adjusted_net_margin", "pct", of_revenue("adjusted_net_income"), kind="total"),
        both("net_margin", "pct", of_revenue("net_income")),
        both("revenue_growth", "pct", _growth("revenue")),
        both("rnd_growth", "pct", _growth("rnd")),
        both("cost_growth", "pct", _growth("total_costs")),
        both("growth_spread", "pct", spread, kind="total"),
        both("revenue_cagr", "pct", since_first),
        both("incremental_margin", "x", incremental),
    ]
    return lines


def all_lines(data) -> dict[str, Line]:
    """Every Income Statement and Ratios line by key (the metrics a reference figure may name)."""
    return {ln.key: ln for ln in income_lines(data) + ratio_lines(data)}
