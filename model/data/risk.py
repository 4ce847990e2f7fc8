"""The optional Monte Carlo of a company folder: risk.csv (a range on each key driver) and risk.toml
(trials, seed, the shared factor's weight, and the weights of the named scenarios).

risk.csv: driver,low,likely,high,factor,source,rationale,rationale_zh. A range is the triangular
distribution of a shift of the selected scenario's driver, the same shift in every forecast year: a
growth rate's yearly growth factor times (1 + shift), a level (a count, a share) times (1 + shift), a
gross margin's cost of revenue times (1 - shift). `factor` (-1 to 1) is how the driver moves with the
shared factor. Every problem is a DataError naming the file, row and column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .bounds import Bound, check_bound
from .fields import check_sources
from .files import DataError, Problems, excel_precision, parse_number, read_csv, read_toml, toml_line, unknown
from .items import REST, UNIT_DRIVERS, driver_items
from .settings import RATIONALE_TEXTS
from ..calc.risk import MAX_SEED, MAX_VARIABLE

SHIFT = Bound("shift", -1, 10, low_open=True)        # a driver's shift: above -100%, at most 1000%
LOADING = Bound("loading", -1, 1)                    # how a driver moves with the shared factor
WEIGHT = Bound("weight", 0, 1)                       # the shared factor's weight; a scenario's probability
TRIALS = Bound("trials", 100, 100_000)               # enough for a P10 to mean something; a file Excel opens
SEED = Bound("seed", 0, MAX_SEED)                    # every MOD of the generator stays exact (calc/risk.py)
SHOWN = Bound("shown_trial", 1, 100_000)             # the trial the Risk tab shows like a scenario
PERCENTILE = Bound("percentile", 0, 1, low_open=True)   # the fan's percentiles (P10, P50, P90)
POINTS = ("low", "likely", "high")
WEIGHT_SUM = 1e-6                                    # the scenario weights add to 100% within this
SETTINGS = {"trials": TRIALS, "seed": SEED, "factor_weight": WEIGHT, "p_low": PERCENTILE, "p_mid": PERCENTILE,
            "p_high": PERCENTILE, "shown_trial": SHOWN}
WHOLE = ("trials", "seed", "shown_trial")            # settings that are whole numbers
TEXTS = ("factor_rationale", "weights_rationale")   # with their _zh twins


@dataclass
class Range:
    driver: str
    kind: str                  # growth | margin | level: how the shift moves the driver
    low: float
    likely: float
    high: float
    factor: float              # -1 to 1: how the driver moves with the shared factor
    source: str = ""
    texts: dict = field(default_factory=dict)   # rationale, rationale_zh


@dataclass
class Risk:
    ranges: list[Range]
    trials: int
    seed: int
    factor_weight: float
    weights: dict[str, float]            # scenario -> probability
    p_low: float = 0.1                   # the fan's percentiles
    p_mid: float = 0.5
    p_high: float = 0.9
    shown_trial: int = 1                 # the trial the Risk tab shows like a scenario
    texts: dict = field(default_factory=dict)   # factor_rationale(_zh), weights_rationale(_zh)

    def range(self, driver: str) -> Range:
        return next(r for r in self.ranges if r.driver == driver)


def shift_kind(driver: str, item) -> str:
    """How a driver's shift applies: a gross margin's to its cost of revenue, a growth rate's to its
    yearly growth factor, any other level (a count, a share of revenue) to itself."""
    if driver.startswith("gm_"):
        return "margin"
    return "growth" if item.bound.name == "growth" else "level"


def risk_drivers(data) -> dict:
    """The drivers a range may be put on: the income-statement drivers of every forecast year (not the
    remainder twins: a shift of a driver moves its rest of the year too; not the adjustments, which do not
    move adjusted net income)."""
    return {k: v for k, v in driver_items(data).items() if not k.startswith(REST) and k != "adjustments"}


def _not_used(drv: str, data) -> str | None:
    """Why a driver of one of the optional builds has no place in this company's forecast, or None when it is
    not such a driver."""
    from .compute import COMPUTE_DRIVERS, REPLACED_DRIVERS
    if drv in UNIT_DRIVERS and not data.units:
        return "units.toml, which turns the unit build on, is not in the folder"
    if drv in COMPUTE_DRIVERS and not data.compute:
        return "compute.csv, which turns the compute build on, is not in the folder"
    if drv in REPLACED_DRIVERS and data.compute:
        return "the compute build (compute.csv) forecasts that cost from accelerator capacity instead"
    return None


def load_risk(folder: Path, data, problems: Problems) -> Risk | None:
    """risk.csv and risk.toml, or None when the folder has neither (no Risk tab). One without the other
    is an error."""
    csv_path, toml_path = folder / "risk.csv", folder / "risk.toml"
    if not csv_path.exists() and not toml_path.exists():
        return None
    for path, other in ((csv_path, toml_path), (toml_path, csv_path)):
        if not path.exists():
            raise DataError(path, f"missing: {other.name} turns the Monte Carlo on, which needs {path.name} too "
                                  "(see templates/README.md)")
    ranges = _load_ranges(csv_path, data)
    if not ranges:   # every range is on the unit build's drivers, and units.toml is not in the folder
        data.notes.append("risk.csv and risk.toml not used (no Risk tab): no range is on a driver this company's "
                          "forecast uses (see the rows above); give ranges on its drivers")
        return None
    return _load_settings(toml_path, data, ranges, problems)


def _load_ranges(path: Path, data) -> list[Range]:
    _, rows = read_csv(path, ["driver", *POINTS, "factor", "rationale"], ["source", *RATIONALE_TEXTS])
    known = risk_drivers(data)
    seen, ranges = {}, []
    for n, r in rows:
        drv = r["driver"]
        why = _not_used(drv, data) if drv not in known else None
        if why:   # a driver of a build the folder does not turn on (as units.csv without units.toml): noted
            data.notes.append(f"risk.csv, row {n}: the range on {drv} is not used: {why}")
            continue
        if drv not in known:
            raise DataError(path, unknown("driver", drv, known) + " (an income-statement driver of this company)",
                            n, "driver")
        if drv in seen:
            raise DataError(path, f"driver {drv} is given twice (also in row {seen[drv]})", n, "driver")
        seen[drv] = n
        values = {}
        for col in POINTS:
            values[col] = excel_precision(parse_number(r[col], path, n, col))
            check_bound(SHIFT, "pct", values[col], path, n, col)
        for a, b in (("low", "likely"), ("likely", "high")):
            if values[a] > values[b]:
                raise DataError(path, f"{a} ({values[a]:.4g}) is above {b} ({values[b]:.4g}): a range runs low <= "
                                      "likely <= high", n, b)
        loading = parse_number(r["factor"], path, n, "factor")
        check_bound(LOADING, "amount", loading, path, n, "factor")
        check_sources(r.get("source", ""), {src["id"] for src in data.sources}, path, n, "source")
        if not r["rationale"]:
            raise DataError(path, "a range is an assumption: give its rationale (what evidence puts low and high "
                                  "where they are)", n, "rationale")
        ranges.append(Range(drv, shift_kind(drv, known[drv]), values["low"], values["likely"], values["high"],
                            excel_precision(loading), r.get("source", ""),
                            {k: r.get(k, "") for k in ("rationale", *RATIONALE_TEXTS)}))
    if not rows:
        raise DataError(path, "no driver has a range: give at least one row (driver,low,likely,high,factor,rationale)")
    if len(ranges) > MAX_VARIABLE - 1:
        raise DataError(path, f"{len(ranges)} ranges; at most {MAX_VARIABLE - 1}")
    return ranges


def _load_settings(path: Path, data, ranges, problems: Problems) -> Risk:
    text, table = read_toml(path)

    def problem(key, message):
        problems.append(DataError(path, message, toml_line(text, key), key))
    texts = {k: table.get(k, "") for k in TEXTS + tuple(f"{k}_zh" for k in TEXTS)}
    known = (*SETTINGS, "weights", *texts)
    for key in table:
        if key not in known:
            problem(key, unknown("setting", key, known))
    values = {}
    for key, bound in SETTINGS.items():
        v = table.get(key)
        whole = key in WHOLE
        if not isinstance(v, (int, float)) or isinstance(v, bool) or (whole and v != int(v)) or not bound.allows(v):
            kind, show = ("a whole number", "{:,.0f}") if whole else ("a number", "{:g}")
            problem(key, f"{key} must be {kind} from {show.format(bound.low)}{' (not included)' if bound.low_open else ''}"
                         f" to {show.format(bound.high)}, found {v!r}")
        else:
            values[key] = int(v) if whole else float(v)
    for key in texts:
        if not isinstance(texts[key], str):
            problem(key, f"{key} must be a text in quotes")
    for key in TEXTS:
        if isinstance(texts[key], str) and not texts[key]:
            problem(key, f"{key} is required: the {'shared factor' if key.startswith('factor') else 'scenario weights'}"
                         " are an assumption, say why")
    weights = table.get("weights")
    if not isinstance(weights, dict):
        problem("weights", "[weights] must be a table giving each scenario its probability (they add to 100%): "
                           + ", ".join(f"{sc} = 0.x" for sc in data.scenarios))
        weights = {}
    for sc, w in weights.items():
        if sc not in data.scenarios:
            problem(sc, unknown("scenario", sc, data.scenarios) + " (scenarios of assumptions.csv)")
        elif not isinstance(w, (int, float)) or isinstance(w, bool) or not WEIGHT.allows(w):
            problem(sc, f"the weight of {sc} must be a probability from 0 to 1, found {w!r}")
    for sc in data.scenarios:
        if isinstance(table.get("weights"), dict) and sc not in weights:
            problem("weights", f"[weights] has no weight for scenario {sc!r} (0 if it has none)")
    numbers = {sc: float(w) for sc, w in weights.items() if sc in data.scenarios and isinstance(w, (int, float))
               and not isinstance(w, bool)}
    if len(numbers) == len(data.scenarios) and abs(sum(numbers.values()) - 1) > WEIGHT_SUM:
        problem("weights", f"the scenario weights add to {sum(numbers.values()):.6g}; they must add to 1 (100%)")
    if all(k in values for k in ("p_low", "p_mid", "p_high")) and not values["p_low"] < values["p_mid"] < values["p_high"]:
        problem("p_mid", "the fan's percentiles must rise: p_low < p_mid < p_high (say 0.1, 0.5, 0.9)")
    if "shown_trial" in values and "trials" in values and values["shown_trial"] > values["trials"]:
        problem("shown_trial", f"shown_trial {values['shown_trial']} is above the {values['trials']} trials")
    problems.raise_if_any()
    return Risk(ranges, values["trials"], values["seed"], excel_precision(values["factor_weight"]),
                {sc: excel_precision(numbers[sc]) for sc in data.scenarios},
                p_low=values["p_low"], p_mid=values["p_mid"], p_high=values["p_high"],
                shown_trial=values["shown_trial"], texts=texts)
