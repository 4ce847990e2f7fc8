"""The income statement by function: selling and marketing, general and administrative, other income and
gains, the operating result and the items below it. Where the data give selling and G&A for the base year
(and the year to date of the first forecast year: dataset.by_function) each is forecast by its own driver,
a share of revenue plus a fixed part (other income and gains an amount), and other operating costs, net,
become what they add up to; elsewhere the reported figures are history beside the one derived line.

In forecast columns finance income and cost and tax follow the operating result (lines.finance_lines: from
the scenario's cash-flow statement); adjusted net income is their result before the adjustments, reported net
income that less the adjustments."""
from __future__ import annotations

from .formula import IF, ISNUMBER, guard
from .lines import FINANCE, Line, finance_lines, link


def share_plus_fixed(prefix):
    """Revenue × the share of revenue + the fixed part (drivers <prefix>_share, <prefix>_fixed)."""
    return lambda x, p: x.at("revenue", p) * x.drv(f"{prefix}_share", p) + x.drv(f"{prefix}_fixed", p)


def general_admin(x, p):
    """G&A as reported, else selling, marketing, G&A together less selling and marketing."""
    total, selling = x.inp("selling_general_admin", p), x.inp("selling_marketing", p)
    return IF(ISNUMBER(x.inp("general_admin", p)), x.inp("general_admin", p), guard([total, selling], total - selling))


def other_income_actual(x, p):
    """Other income and gains as reported, else the reported operating result less gross profit − R&D −
    selling − G&A (n/a without either)."""
    parts = [x.inp("operating_profit", p)] + [x.at(k, p) for k in ("gross_profit", "rnd", "selling_marketing",
                                                                   "general_admin")]
    derived = guard(parts, parts[0] - (parts[1] - parts[2] - parts[3] - parts[4]))
    return IF(ISNUMBER(x.inp("other_income", p)), x.inp("other_income", p), derived)


def operating_actual(x, p):
    """The reported operating result, else gross profit − R&D − selling − G&A + other income (n/a without one)."""
    parts = [x.at(k, p) for k in ("gross_profit", "rnd", "selling_marketing", "general_admin", "other_income")]
    derived = guard(parts, parts[0] - parts[1] - parts[2] - parts[3] + parts[4])
    return IF(ISNUMBER(x.inp("operating_profit", p)), x.inp("operating_profit", p), derived)


def function_lines(data, lines: list[Line]) -> list[Line]:
    """`lines` (income_lines' own) with the functional lines: forecast by driver when data.by_function, else
    the history of those the data give (memo lines, no forecast)."""
    fn = data.by_function
    kind = "normal" if fn else "memo"
    half = "flow" if fn else ""
    functional = [
        Line("selling_marketing", "amount", actual=link("selling_marketing"), kind=kind, half=half,
             forecast=share_plus_fixed("sm") if fn else None, text="selling_marketing" + ("_fn" if fn else "")),
        Line("general_admin", "amount", actual=general_admin, kind=kind, half=half,
             forecast=share_plus_fixed("ga") if fn else None, text="general_admin" + ("_fn" if fn else "")),
        Line("other_income", "amount", actual=other_income_actual, kind=kind, half=half,
             forecast=(lambda x, p: x.drv("other_income", p)) if fn else None,
             text="other_income" + ("_fn" if fn else "")),
        Line("operating_profit", "amount", actual=operating_actual,
             kind="total" if fn else "memo",
             half="calc" if fn else "",
             forecast=(lambda x, p: x.at("gross_profit", p) - x.at("rnd", p) - x.at("selling_marketing", p)
                       - x.at("general_admin", p) + x.at("other_income", p)) if fn else None,
             text="operating_profit" + ("_fn" if fn else "")),
        Line("below_operating", "amount", kind="detail" if fn else "memo",
             actual=lambda x, p: guard([x.inp("net_income", p), x.at("operating_profit", p)],
                                       x.inp("net_income", p) - x.at("operating_profit", p))),
        Line("share_based_pay", "amount", actual=link("share_based_pay"), kind="memo"),
    ]
    if not fn:   # history only: memo lines beside the one derived line
        return [ln for ln in lines if ln.key != "selling_marketing"] + functional
    # by function: the functional lines after R&D, then finance and tax (lines.finance_lines); other operating
    # costs what the lines add up to
    by_key = {ln.key: ln for ln in lines}
    # below the operating result: finance and tax, then adjusted net income; reported = adjusted − adjustments
    below = finance_lines(data, lambda x, p: x.at("operating_profit", p) + x.at("adjustments", p))
    by_key.update({ln.key: ln for ln in below})
    opex = by_key["other_opex"]
    opex.forecast, opex.half, opex.kind, opex.text, opex.note = opex.actual, "calc", "memo", "other_opex_fn", "other_opex_fn"
    order = [ln.key for ln in lines if ln.key not in ("other_opex", "selling_marketing", "adjusted_net_income",
                                                      "adjustments", "net_income", "total_costs", *FINANCE)]
    at = order.index("rnd") + 1
    head, tail = [by_key[k] for k in order[:at]], [by_key[k] for k in order[at:]]
    return head + functional[:5] + [ln for ln in below if ln.key != "adjusted_net_income"] + [by_key[k] for k in (
        "net_income", "adjustments", "adjusted_net_income", "other_opex", "total_costs")] + functional[5:] + tail
