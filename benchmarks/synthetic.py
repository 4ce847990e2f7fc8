"""A synthetic company folder of any size, for benchmarks and the large-model test.

    write_company(folder, horizon=25, scenarios=12, segments=6, units=False)

writes company.toml, actuals.csv, assumptions.csv, funding.csv, sources.csv and reference.csv in the
format of templates/README.md: three actual full years (FY2022-FY2024) and two half-years,
`segments` revenue segments, `scenarios` scenarios and `horizon` forecast years (the first two in halves:
FY2025 is the 1H2025 interim plus 2H2025, FY2026 is 1H2026 + 2H2026). The figures are
made up but consistent (shares add to 100%, segment margins reproduce the blended margin, gross
profit ties), so the model's Checks pass; nothing is random, so every run builds the same workbook.
With `units=True` it also writes the unit build (units.toml, operating.csv, units.csv): the first
segment served by tokens, the second by customers.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from model.data.periods import Period, forecast_periods  # noqa: E402

SEGMENT_NAMES = ["api", "enterprise", "agents", "devices", "licensing", "consumer", "cloud", "services",
                 "robotics", "search", "ads", "edu"]
SCENARIO_STRENGTH = {"base": 1.0, "bull": 1.4, "bear": 0.6}  # growth scale; further scenarios spread over 0.6-1.4
LAST_ACTUAL = 2024
ACTUAL_YEARS = [2022, 2023, 2024]
HALF_YEARS = [2024, 2025]
STUB = Period(2025, 6)   # the latest interim: the first forecast year's first half
SPLIT = 2                # forecast years in halves (company.toml split_years, default)


def _columns(horizon):
    """The forecast columns of assumptions.csv and units.csv: 2H2025, FY2025, 1H2026, 2H2026, FY2026, FY2027 ..."""
    return forecast_periods([LAST_ACTUAL + 1 + t for t in range(horizon)], STUB, SPLIT)


def _by_period(values, kind, horizon):
    """A driver's yearly values as its row over the forecast columns: the parts of a year in halves take the
    half-on-half equivalent of a growth rate, a level as it is, half an amount; its full year is blank (the
    sum of its halves). kind: growth | level | amount | count | years (a cash driver: full years only)."""
    cols, out = _columns(horizon), []
    for p in cols:
        v = values[p.year - LAST_ACTUAL - 1]
        split = p.year < LAST_ACTUAL + 1 + SPLIT
        if kind == "years":
            out.append(v if p.is_full_year else None)
        elif p.is_full_year:
            out.append(None if split else v)
        else:
            out.append({"growth": (1 + v) ** 0.5 - 1, "amount": v / 2, "count": round(v / 2)}.get(kind, v))
    return out


def _segments(n):
    if n > len(SEGMENT_NAMES):
        raise ValueError(f"at most {len(SEGMENT_NAMES)} segments")
    return SEGMENT_NAMES[:n]


def _scenarios(n):
    """{name: strength} of n scenarios: base, bull, bear, then case04, case05, ..."""
    names = (list(SCENARIO_STRENGTH) + [f"case{i:02d}" for i in range(4, n + 1)])[:n]
    return {sc: SCENARIO_STRENGTH.get(sc, 0.6 + 0.8 * (i - 3) / max(1, n - 4)) for i, sc in enumerate(names)}


def _shares(n, t):
    """Segment shares of revenue in period t (0, 1, ...); they add to 1 (the mix shifts over time)."""
    weights = [i + 1 + t for i in range(n)]
    total = sum(weights)
    return [w / total for w in weights]


def _actuals(segs):
    """(item, period code, value) rows: revenue and costs grow; margins and shares move a little."""
    periods = [f"FY{y}" for y in ACTUAL_YEARS] + [f"1H{y}" for y in HALF_YEARS]
    revenue = {"FY2022": 1.0, "FY2023": 2.5, "FY2024": 5.0, "1H2024": 2.0, "1H2025": 4.5}
    rows = []
    for t, p in enumerate(periods):
        rev = revenue[p]
        shares = _shares(len(segs), t)
        gms = [0.30 + 0.05 * i - 0.01 * t for i in range(len(segs))]
        gross = rev * sum(s * g for s, g in zip(shares, gms))
        rnd = rev * (3.0 + t)
        compute = rnd * 0.6
        adjusted = gross - rnd - rev * 0.5
        rows += [("revenue", p, rev), ("cost_of_revenue", p, rev - gross), ("gross_profit", p, gross),
                 ("rnd", p, rnd), ("rnd_compute", p, compute), ("selling_marketing", p, rev * 0.3),
                 ("adjusted_net_income", p, adjusted), ("net_income", p, adjusted - rev * 0.2)]
        rows += [(f"share_{k}", p, s) for k, s in zip(segs, shares)]
        rows += [(f"gm_{k}", p, g) for k, g in zip(segs, gms)]
    return rows


def _assumptions(segs, scenarios, horizon):
    """(scenario, driver, values) rows: growth that fades over the horizon, scaled per scenario."""
    rows = []
    for sc, m in scenarios.items():
        fade = [0.85 ** t for t in range(horizon)]
        col = lambda values, kind: _by_period(values, kind, horizon)  # noqa: E731
        for i, k in enumerate(segs):
            rows.append((sc, f"growth_{k}", col([0.03 + m * (0.6 + 0.05 * i) * f for f in fade], "growth")))
        for i, k in enumerate(segs):
            rows.append((sc, f"gm_{k}", col([min(0.9, 0.35 + 0.05 * i + 0.01 * m * t) for t in range(horizon)], "level")))
        rows += [(sc, "rnd_compute_growth", col([0.02 + 0.35 * f / m for f in fade], "growth")),
                 (sc, "rnd_other_growth", col([0.02 + 0.25 * f / m for f in fade], "growth")),
                 (sc, "other_opex_growth", col([0.02 + 0.20 * f for f in fade], "growth")),
                 (sc, "adjustments", col([0.5 + 0.1 * t for t in range(horizon)], "amount"))]
        rows += [(sc, "non_cash", col([0.3 + 0.05 * t for t in range(horizon)], "years")),
                 (sc, "capex", col([1.0 + 0.2 * t * m for t in range(horizon)], "years")),
                 (sc, "working_capital", col([0.1 * m for _ in range(horizon)], "years"))]
    return rows


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


UNIT_TOML = """segment = "{seg}"
customer_segment = "{cust}"
days_per_year = 365
price_scale = 0.01
head_scale = 0.01
[cost_classes]
inference = "variable"
serving_fixed = "fixed"
delivery = "variable"
training = "fixed"
research_compute = "fixed"
rnd_people = "fixed"
rnd_rest = "fixed"
opex_variable = "variable"
opex_fixed = "fixed"
"""


def _units(folder, segs, scs, horizon):
    """The unit build's files: base-year operating metrics, and unit drivers that fade over the horizon."""
    (folder / "units.toml").write_text(UNIT_TOML.format(seg=segs[0], cust=segs[1]), encoding="utf-8")
    base = f"FY{LAST_ACTUAL}"
    metrics = [("tokens_per_day", 0.5), ("serving_fixed_share", 0.5), ("training_share", 0.6), ("generations", 2),
               ("rnd_headcount", 300), ("rnd_staff_cost", 1.5), ("opex_fixed_share", 0.6), ("customers", 40)]
    _write_csv(folder / "operating.csv", ["item", "period", "value", "source", "reliability", "note"],
               [(k, base, repr(v), "SYN", "assumption", "synthetic") for k, v in metrics])
    rows = []
    kinds = {"generations": "count", "opex_variable_share": "level"}
    for sc, m in scs.items():
        fade = [0.85 ** t for t in range(horizon)]
        for drv, f in (("token_growth", lambda x: 0.05 + m * 1.2 * x), ("price_change", lambda x: -0.2 * x),
                       ("unit_cost_change", lambda x: -0.3 * x), ("serving_fixed_growth", lambda x: 0.03 + 0.5 * x),
                       ("generations", lambda x: 2), ("training_cost_growth", lambda x: 0.03 + 0.8 * x / m),
                       ("research_compute_growth", lambda x: 0.02 + 0.5 * x), ("headcount_growth", lambda x: 0.02 + 0.1 * x),
                       ("cost_per_head_growth", lambda x: 0.04), ("rnd_rest_growth", lambda x: 0.02 + 0.5 * x),
                       ("opex_variable_share", lambda x: 0.08), ("opex_fixed_growth", lambda x: 0.02 + 0.5 * x),
                       ("customer_growth", lambda x: 0.02 + m * 0.3 * x),
                       ("revenue_per_customer_change", lambda x: 0.03)):
            values = _by_period([f(x) for x in fade], kinds.get(drv, "growth"), horizon)
            rows.append((sc, drv, *("" if v is None else repr(v) for v in values), "synthetic"))
    _write_csv(folder / "units.csv", ["scenario", "driver", *[p.code for p in _columns(horizon)], "rationale"], rows)


def write_company(folder, horizon=25, scenarios=12, segments=6, units=False) -> Path:
    """Write the synthetic company into `folder` (created if needed); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    segs, scs = _segments(segments), _scenarios(scenarios)
    seg_toml = "".join(f'\n[[segments]]\nkey = "{k}"\nlabel = "{k.capitalize()} segment"\n' for k in segs)
    (folder / "company.toml").write_text(
        'name = "Synthetic AI"\nticker = "SYN"\ncurrency = "RMB"\nunit = "RMB 100m"\n'
        f'fiscal_year_end = "12-31"\nas_of = "2026-01-01"\nforecast_end = {LAST_ACTUAL + horizon}\n'
        f'default_scenario = "base"\n{seg_toml}\n'
        "[tolerances]\nshare_sum = 0.001\namount = 0.0001\nsegment_margin = 0.005\n", encoding="utf-8")
    actuals = _actuals(segs)
    _write_csv(folder / "actuals.csv", ["item", "period", "value", "source", "note"],
               [(item, p, repr(v), "SYN", "synthetic") for item, p, v in actuals])
    _write_csv(folder / "assumptions.csv", ["scenario", "driver", *[p.code for p in _columns(horizon)], "rationale"],
               [(sc, drv, *("" if v is None else repr(v) for v in vals), "synthetic")
                for sc, drv, vals in _assumptions(segs, scs, horizon)])
    _write_csv(folder / "funding.csv", ["item", "period", "value", "unit", "source", "note"],
               [("opening_cash", f"FY{LAST_ACTUAL}", "60", "RMB 100m", "SYN", "synthetic"),
                ("equity_raise", f"FY{LAST_ACTUAL + 2}", "80", "RMB 100m", "SYN", "synthetic"),
                ("fx_rate", "", "1", "RMB per RMB", "SYN", "raised in the company's currency"),
                ("min_cash", "", "5", "RMB 100m", "SYN", "synthetic")])
    _write_csv(folder / "sources.csv", ["id", "title", "address", "supports", "reliability"],
               [("SYN", "Synthetic figures for benchmarks", "benchmarks/synthetic.py", "every figure", "note")])
    revenue = {p: v for item, p, v in actuals if item == "revenue"}
    _write_csv(folder / "reference.csv", ["metric", "period", "value", "tolerance", "source", "claim"],
               [("revenue", p, repr(v), "0.0001", "SYN", "synthetic") for p, v in revenue.items()])
    if units:
        _units(folder, segs, scs, horizon)
    return folder
