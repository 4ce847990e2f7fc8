"""Each line item defined once: unit, and how it is computed in actual and forecast columns (its label
and note, per language, are model/labels lines.<text> and notes.<note>).

A definition is a function of a context `x` and a period `p` that returns a formula (`Expr`); the
same definition fills the Income Statement (driven by the selected scenario) and each scenario's
block on the Scenarios tab (driven by that scenario's own assumption rows). Context methods:
  x.inp(item, p)   the Inputs cell of a historical figure
  x.at(key, p)     this line set's cell for another line at period p
  x.prev(key, p)   the figure a forecast of p grows from: the previous period of the forecast sequence (a
                   full year's is the year before; a part's the part before it: 2H2026E's is 1H2026A,
                   1H2027E's 2H2026E); a flow's at p's length (a 9M figure x 3/9 before a Q4)
  x.drv(name, p)   the scenario's driver for forecast period p (each half has its own); x.drv(name) a scalar
  x.share(p)       the share of a year a part spans (a calendar fact on Inputs), None for a full year
  x.year(p)        the fiscal year number of period p (the header cell)
  x.comparative(p) the like-for-like prior period, or None
  x.comparative_parts(p)  the periods the like-for-like prior figure is the difference of (2H2025 = FY2025 - 1H2025)
  x.total(keys, p) the sum of `at`'s lines `keys` at p
  x.here(key, p)   this block's own line (when `at` reads another block)
  x.run(key, p)    `at`'s cells from the first forecast year to p (a running range)
  x.anchor(key, p) `at` with the column fixed, so every column of a row reads the same cell
  x.const(key)     a scalar setting of the unit build (model/calc/units.py), fixed
  x.tl             the timeline (model/workbook/timeline.py): is_part(p), previous(p), parts(year) ...

**Years in parts.** The near term runs in parts from the latest interim (company.toml split_years, default
two years): 1H2026A | 2H2026E | FY2026E | 1H2027E | 2H2027E | FY2027E, then full years (9M | Q4 | FY for a
nine-month interim). How a line runs there is a property of its definition, `Line.half`:
  ""         no cell in the parts: an annual line (breakeven flags, the cash-flow statement); its full-year
             formula fills a split year's FY column too
  "flow"     a period's amount (revenue, a cost, a total, tokens served): each part is forecast like any period,
             and the full year is the sum of its parts (FY2026E = 1H2026A + 2H2026E), totals too, so every
             line of the year adds up from its halves (an interim's reported gross profit need not equal its
             segments' to the last digit)
  "calc"     computed alike in every column from the other lines (margins and other ratios, the contribution
             view)
  "ratio"    a driven rate (price per token, cost per head): each part is forecast from the part before; the
             full year is implied by the full year's flows (its actual formula: revenue / tokens ...)
  "average"  a level (tokens per day, headcount, customers): each part is forecast; the full year is the
             average of its parts weighted by their share of the year
  "closing"  a level at the period end (a balance): the full year is its last part's
A part's drivers are half on half (growth over the part before, at the run rate: a flow grows from the
previous part scaled to its length); the actual first part is the interim (1H2026A), so the second half
starts where the first ended. A segment marked seasonal (company.toml) carries the base year's pattern:
its second part is the first part x its seasonal factor (FY2025's 2H / 1H, at the run rate) x (1 + growth),
its next first part the second / the factor x (1 + growth); a year-on-year reading of its halves is then
(1 + growth) over the same half of the year before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .formula import ABS, AND, IF, INDEX, ISNUMBER, MATCH, NA, NM, SUM, Text, guard, ratio, sum_terms

HALF_KINDS = ("", "flow", "calc", "ratio", "average", "closing")


@dataclass
class Line:
    key: str
    unit: str                               # amount | pct | x
    actual: Callable | None = None          # (x, p) -> Expr, for actual periods
    forecast: Callable | None = None        # (x, p) -> Expr, for forecast periods
    kind: str = "normal"                    # normal | total | memo | detail
    text: str = ""                          # label id (model/labels lines.<text>); default: key
    note: str = ""                          # note id (model/labels notes.<note>); default: text
    segment: str = ""                       # the segment key of a per-segment line
    half: str = ""                          # how it runs in a year shown in parts: HALF_KINDS (module docstring)

    def __post_init__(self):
        self.text = self.text or self.key
        self.note = self.note or self.text
        assert self.half in HALF_KINDS, self.half


def chain_parts(x, p):
    """The forecast parts of full year p that are columns of x's block (its column is then their summary);
    [] for a part, and in a block of full years (or a context without periods)."""
    periods = getattr(x, "periods", None)
    if periods is None or not p.is_full_year:
        return []
    return [q for q in x.tl.parts(p) if q in periods and not x.tl.is_actual(q)]


def link(item):
    """An actual period's figure from Inputs, n/a where the data leave it blank."""
    return lambda x, p: guard([x.inp(item, p)], x.inp(item, p))


def given_or(item, otherwise):
    """The Inputs figure of an actual period when given, else `otherwise` (derived from other inputs):
    for figures a company publishes one way or another (segment revenue or its share, cost of revenue
    or gross profit, compute or an assumed share of R&D)."""
    return lambda x, p: IF(ISNUMBER(x.inp(item, p)), x.inp(item, p), otherwise(x, p))


def grow(key, driver, seasonal=""):
    """The figure it grows from (x.prev: last year's, or the part before) times (1 + growth); for a part of a
    `seasonal` segment also times its seasonal factor (a second part) or over it (a first part)."""
    def f(x, p):
        base = x.prev(key, p)
        if seasonal and x.tl.is_part(p):
            factor = x.drv(f"season_{seasonal}")
            base = base * factor if p.is_remainder else base / factor
        return base * (1 + x.drv(driver, p))
    return f


def segment_gross_profit(data, key):
    """A segment's actual gross profit: segment revenue x its reported margin; n/a where the margin is not
    disclosed, but in a period the forecast starts from (Dataset.forecast_bases), where the model derives
    it: segment revenue x the margin the segments without a disclosed margin share, what the total gross
    profit leaves after the disclosed ones (the blended gross margin when none is disclosed)."""
    keys = [k for k, _ in data.segments]

    def f(x, p):
        rev, gm = x.at(f"rev_{key}", p), x.inp(f"gm_{key}", p)
        reported = guard([rev, gm], rev * gm)
        if p not in data.forecast_bases:
            return reported
        known = [(x.at(f"rev_{k}", p), x.inp(f"gm_{k}", p)) for k in keys]
        gp_known = sum_terms([IF(ISNUMBER(m), r * m, 0) for r, m in known])
        rev_rest = x.at("revenue", p) - sum_terms([IF(ISNUMBER(m), r, 0) for r, m in known])
        margin = IF(rev_rest.ne(0), (x.at("gross_profit", p) - gp_known) / rev_rest, NA)
        derived = guard([x.at("revenue", p), x.at("gross_profit", p)] + [r for r, _ in known],
                        IF(rev.eq(0), 0, rev * margin))
        return IF(ISNUMBER(gm), reported, derived)
    return f


def compute_actual(data):
    """Compute within R&D in an actual period: disclosed, else R&D x the assumed share (rnd_compute_share);
    in a period the forecast starts from that gives neither, R&D x the share of the latest earlier period
    that has it (Dataset.compute_carried_from: the last disclosed share), derived."""
    def f(x, p):
        rnd, share = x.inp("rnd", p), x.inp("rnd_compute_share", p)
        otherwise = guard([rnd, share], rnd * share)
        carried = data.compute_carried_from(p)
        if carried is not None:
            was, was_rnd = x.at("rnd_compute", carried), x.inp("rnd", carried)
            otherwise = IF(ISNUMBER(share), otherwise, guard([rnd, was, was_rnd], rnd * was / was_rnd, nonzero=[was_rnd]))
        return IF(ISNUMBER(x.inp("rnd_compute", p)), x.inp("rnd_compute", p), otherwise)
    return f


def income_lines(data) -> list[Line]:
    """The Income Statement's lines for a dataset: its segments, and R&D split into compute and the
    rest when compute is given for the base year (else R&D is one line and compute history only)."""
    single, split, seasonal = data.single_segment, data.split_compute, data.seasonal
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
        lines.append(Line(f"rev_{key}", "amount", actual=actual,
                          forecast=grow(f"rev_{key}", f"growth_{key}", key if key in seasonal else ""),
                          kind="detail", text="rev_segment", note="rev" + one, segment=key, half="flow"))
    lines += [
        Line("revenue", "amount", actual=link("revenue"),
             forecast=lambda x, p: segments(x, p, "rev"), kind="total", half="flow"),
        Line("cost_of_revenue", "amount",
             actual=given_or("cost_of_revenue", lambda x, p: guard([x.inp("gross_profit", p)],
                                                                    x.at("revenue", p) - x.inp("gross_profit", p))),
             forecast=lambda x, p: x.at("revenue", p) - x.at("gross_profit", p), half="flow"),
    ]
    for key in seg_keys:
        if single:
            actual = lambda x, p: x.at("gross_profit", p)  # noqa: E731
        else:
            actual = segment_gross_profit(data, key)
        lines.append(Line(f"gp_{key}", "amount", actual=actual,
                          forecast=lambda x, p, k=key: x.at(f"rev_{k}", p) * x.drv(f"gm_{k}", p),
                          kind="detail", text="gp_segment", note="gp" + one, segment=key, half="flow"))
    history = "" if split else "_history"  # without compute for the base year R&D is forecast as one line
    lines += [
        Line("gross_profit", "amount",
             actual=lambda x, p: guard([x.at("revenue", p), x.at("cost_of_revenue", p)],
                                       x.at("revenue", p) - x.at("cost_of_revenue", p)),
             forecast=lambda x, p: segments(x, p, "gp"), kind="total", half="flow"),
        Line("rnd_compute", "amount", actual=compute_actual(data),
             forecast=grow("rnd_compute", "rnd_compute_growth") if split else None, kind="detail",
             note="rnd_compute" + history, half="flow"),
        Line("rnd_other", "amount",
             actual=lambda x, p: guard([x.inp("rnd", p), x.at("rnd_compute", p)], x.inp("rnd", p) - x.at("rnd_compute", p)),
             forecast=grow("rnd_other", "rnd_other_growth") if split else None, kind="detail",
             note="rnd_other" + history, half="flow"),
        Line("rnd", "amount", actual=link("rnd"), kind="total", note="rnd" + ("" if split else "_one_line"),
             half="flow",
             forecast=(lambda x, p: x.at("rnd_compute", p) + x.at("rnd_other", p)) if split else grow("rnd", "rnd_growth")),
        Line("other_opex", "amount",
             actual=lambda x, p: guard([x.at("gross_profit", p), x.at("rnd", p), x.at("adjusted_net_income", p)],
                                       x.at("gross_profit", p) - x.at("rnd", p) - x.at("adjusted_net_income", p)),
             forecast=grow("other_opex", "other_opex_growth"), half="flow"),
        *finance_lines(data, lambda x, p: x.at("gross_profit", p) - x.at("rnd", p) - x.at("other_opex", p)),
        Line("adjustments", "amount",
             actual=lambda x, p: guard([x.inp("adjusted_net_income", p), x.inp("net_income", p)],
                                       x.inp("adjusted_net_income", p) - x.inp("net_income", p)),
             forecast=lambda x, p: x.drv("adjustments", p), half="flow"),
        Line("net_income", "amount", actual=link("net_income"),
             forecast=lambda x, p: x.at("adjusted_net_income", p) - x.at("adjustments", p), kind="total",
             half="flow"),
        Line("total_costs", "amount",
             actual=lambda x, p: guard([x.at("cost_of_revenue", p), x.at("other_opex", p)],
                                       x.at("cost_of_revenue", p) + x.at("rnd", p) + x.at("other_opex", p)),
             forecast=lambda x, p: x.at("cost_of_revenue", p) + x.at("rnd", p) + x.at("other_opex", p), kind="memo",
             half="flow"),
        Line("selling_marketing", "amount", actual=link("selling_marketing"), kind="memo"),
    ]
    from .functions import function_lines   # by function where the data give it (model/calc/functions.py)
    lines = function_lines(data, lines)
    if data.units:   # the unit build forecasts the unit segment and R&D (model/calc/units.py)
        from .units import seam
        lines = seam(data, lines)
    if data.compute:   # the compute build forecasts serving and training from capacity (model/calc/compute.py)
        from .compute import seam as compute_seam
        lines = compute_seam(data, lines)
    return lines


def after_interim(tl, p) -> list:
    """The periods whose figures make up forecast period p after its actual interim: a full year opened by its
    interim, its forecast parts (a forecast-only line has no full year beside an actual part); else [p]."""
    parts = tl.parts(p) if p.is_full_year else []
    ahead = [q for q in parts if not tl.is_actual(q)]
    return ahead if ahead and len(ahead) < len(parts) else [p]


def taxed(data) -> bool:
    """Income tax is modelled: a tax rate is given (valuation.csv). Without one, adjusted net income is before tax."""
    return bool(data.valuation)


FINANCE = ("operating_adjusted", "finance_income", "finance_cost", "pretax_adjusted", "tax")   # the lines below the operating costs


def finance_lines(data, before_finance) -> list[Line]:
    """Finance income and cost, tax and adjusted net income, forecast: interest on this scenario's cash,
    short-term investments and debt, and tax on its result, as its cash-flow statement carries them (x.cash:
    model/calc/cashflow.py), below the adjusted result before finance (`before_finance`). Tax where a tax rate is
    given (valuation.csv); without one adjusted net income is before tax. In actual periods adjusted net income
    is the reported figure (finance income and tax were not disclosed apart: they are within the derived other
    operating costs)."""
    tax = taxed(data)

    def pretax(x, p):
        return x.at("operating_adjusted", p) + x.at("finance_income", p) - x.at("finance_cost", p)
    return [
        Line("operating_adjusted", "amount", forecast=before_finance, kind="total", half="flow"),
        Line("finance_income", "amount", forecast=lambda x, p: x.cash("interest_income", p), half="flow"),
        Line("finance_cost", "amount", forecast=lambda x, p: x.cash("interest_expense", p), half="flow"),
        *([Line("pretax_adjusted", "amount", forecast=pretax, kind="total", half="flow"),
           Line("tax", "amount", forecast=lambda x, p: x.cash("tax", p), half="flow")] if tax else []),
        Line("adjusted_net_income", "amount", actual=link("adjusted_net_income"), kind="total", half="flow",
             forecast=(lambda x, p: x.at("pretax_adjusted", p) - x.at("tax", p)) if tax else pretax),
    ]


# Lines each scenario's block on the Scenarios tab carries (adjusted and reported net income).
def scenario_lines(data, reported=False) -> list[Line]:
    keep = {f"rev_{k}" for k, _ in data.segments} | {f"gp_{k}" for k, _ in data.segments} | {
        "revenue", "gross_profit", "rnd_compute", "rnd_other", "rnd", "other_opex", "adjusted_net_income", *FINANCE}
    if reported or data.by_function:   # by function, adjusted net income is reported net income + the adjustments
        keep |= {"adjustments", "net_income"}
    if taxed(data):   # tax is on the reported result: adjusted less the adjustments
        keep.add("adjustments")
    if data.by_function:
        keep |= {"selling_marketing", "general_admin", "other_income", "operating_profit"}
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
    """Breakeven on reported (IFRS) net income ≥ 0, and on the adjusted result before finance and tax ≥ 0 (what
    the business earns without the interest on its cash). (Operating-cash breakeven is the cash-flow statement's
    cash_be_flag: model/calc/cashflow.py.)"""
    return [
        Line("reported_be_flag", "flag", forecast=lambda x, p: IF(x.at("net_income", p).ge(0), 1, 0), kind="detail"),
        Line("operating_be_flag", "flag", kind="detail",
             forecast=lambda x, p: IF(x.at("operating_adjusted", p).ge(0), 1, 0) if x.has("operating_adjusted", p)
             else None),
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
        """A ratio computed alike in actual and forecast columns (the parts of a year too)."""
        return Line(key, unit, f, f, half="calc", **kw)

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
        Line("compute_share", "pct", compute_share, compute_share if data.split_compute else None, half="calc"),
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
