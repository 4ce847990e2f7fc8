"""company.toml: its settings, tolerances and sensitivity steps, and the texts a non-English edition
may give."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

from ..labels import LANGS
from .bounds import STEP, TOLERANCE
from .fields import valid_date
from .files import DataError, Problems, read_toml, toml_line, unknown
from .periods import parse_year_end


# Sensitivity steps (company.toml [sensitivity]): key -> default. Labels and notes: model/labels sensitivity.*
SENSITIVITY = {"growth_step": 0.05, "cost_growth_step": 0.05, "tornado_step": 0.10}
OLD_SENSITIVITY = ("margin_step",)  # no longer used (the tornado has one relative step): accepted, ignored

# Check tolerances: key -> (unit, default). Optional in company.toml; labels: model/labels tolerances.<key>.
TOLERANCES = {"share_sum": ("pct", 0.001), "amount": ("amount", 0.0001), "segment_margin": ("pct", 0.005),
              "nm_ratio": ("pct", 10.0)}   # nm_ratio: a ratio above 1,000% in size reads n.m.
# the review flags' bands (Checks): the largest fall and rise of a forecast part on the part before, and a
# loss counted large as a share of that period's revenue
BANDS = {"band_revenue_fall": ("pct", 0.10), "band_revenue_rise": ("pct", 3.00), "band_cost_fall": ("pct", 0.15),
         "band_cost_rise": ("pct", 3.00), "band_rnd_fall": ("pct", 0.15), "band_rnd_rise": ("pct", 1.00),
         "band_large_loss": ("pct", 0.50)}
TOLERANCES |= BANDS
REQUIRED_SETTINGS = ("name", "currency", "unit", "fiscal_year_end", "as_of", "forecast_end", "segments")
EDITIONS = tuple(lang for lang in LANGS if lang != "en")   # the non-English editions (model/labels)


def per_edition(*keys: str) -> tuple[str, ...]:
    """The optional per-edition variants of texts, for every non-English edition (model/labels LANGS):
    label -> label_zh. company.toml settings and CSV text columns alike."""
    return tuple(f"{k}_{lang}" for k in keys for lang in EDITIONS)


# Every setting company.toml may hold; any other is refused (a typo would otherwise be ignored). A text
# may also be given per edition language: adjustments_label_zh, a segment's label_zh.
_TEXTS = ("name", "ticker", "currency", "unit", "adjustments_label", "reliability_legend")
TEXT_SETTINGS = _TEXTS + ("name_local", "unit_local", "default_scenario") + per_edition(*_TEXTS)
SETTINGS = REQUIRED_SETTINGS + tuple(k for k in TEXT_SETTINGS if k not in REQUIRED_SETTINGS) + ("tolerances",
                                                                                                 "sensitivity", "peers",
                                                                                                 "split_years")
SEGMENT_SETTINGS = ("key", "label", "seasonal") + per_edition("label")
# CSV text columns a non-English edition may give in its language (claim_zh); blank: the base column.
CLAIM_TEXTS = ("claim", "explanation", "unit")  # unit: a count's own (m users)
SOURCE_TEXTS = ("title", "supports", "reliability", "filing", "address")   # address: where the figures were read
FUNDING_TEXTS = ("unit", "note")
RATIONALE_TEXTS = per_edition("rationale")  # rationale_zh

# Limits that keep a workbook usable; beyond them the data are almost certainly a mistake.
MAX_SEGMENTS = 10
MAX_SCENARIOS = 20
MAX_FORECAST_YEARS = 30
PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")          # segment keys: part of defined names
SCENARIO_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 _-]{0,30}")     # shown in the dropdown, matched by MATCH

def used_tolerances(data) -> list[str]:
    """Tolerances the Checks tab uses: the segment ones only with two or more segments."""
    return ["amount", "nm_ratio", *BANDS] if data.single_segment else list(TOLERANCES)

def segment_problem(seg: dict, earlier_keys: list) -> str | None:
    """What is wrong with one [[segments]] table, or None."""
    for k in seg:
        if k not in SEGMENT_SETTINGS:
            return unknown("segment setting", k, SEGMENT_SETTINGS)
    key, label = seg.get("key"), seg.get("label")
    if not isinstance(key, str) or not PLAIN_KEY.fullmatch(key):
        return f"segment key {key!r} must be a plain word: a letter, then letters, digits or _ (at most 31)"
    if key.lower() in (str(k).lower() for k in earlier_keys):
        return f"segment key {key!r} is used twice (keys are compared ignoring case)"
    if not isinstance(label, str) or not label.strip():
        return f"segment {key!r} needs a label in quotes"
    if not isinstance(seg.get("seasonal", False), bool):
        return f"segment {key!r}: seasonal must be true or false, found {seg['seasonal']!r}"
    return None


def load_company(folder: Path, problems: Problems) -> dict:
    path = folder / "company.toml"
    text, company = read_toml(path)

    def problem(key, message, nth=0):
        problems.append(DataError(path, message, toml_line(text, key, nth), key))

    for key in company:
        if key not in SETTINGS:
            problem(key, unknown("setting", key, SETTINGS))
    for key in REQUIRED_SETTINGS:
        if company.get(key) in (None, ""):
            problem(key, "required, but " + ("empty" if key in company else "missing"))
    for key in TEXT_SETTINGS:
        if key in company and not isinstance(company[key], str):
            problem(key, f"{key} must be text in quotes, found {company[key]!r}")
    year_end = company.get("fiscal_year_end")
    if year_end not in (None, "") and parse_year_end(str(year_end)) is None:   # 0 too (a number typed without quotes)
        problem("fiscal_year_end", f"fiscal_year_end {year_end!r} is not a month-day such as \"12-31\" or \"03-31\""
                + (" (a year end on 29 February moves with leap years: write \"02-28\", the last day of "
                   "February every year)" if str(year_end).strip() in ("02-29", "2-29") else ""))
    split = company.get("split_years")
    if "split_years" in company and (not isinstance(split, int) or isinstance(split, bool) or not 1 <= split <= MAX_FORECAST_YEARS):
        problem("split_years", f"split_years must be a whole number of years from 1 to {MAX_FORECAST_YEARS} (the forecast "
                               f"years shown in two parts, 1H | 2H | FY), found {split!r}")
        company.pop("split_years")
    structural = Problems()
    as_of = company.get("as_of")   # read by every file dated against it: a date, or the load stops here
    if as_of not in (None, ""):
        date = as_of if type(as_of) is datetime.date else (
            datetime.date.fromisoformat(as_of) if isinstance(as_of, str) and valid_date(as_of) else None)
        if date is None:
            structural.append(DataError(path, f'as_of must be a date such as "2026-01-28" (the date of the latest data '
                                        f'used), found {as_of!r}' if not isinstance(as_of, datetime.datetime) else
                                        f'as_of must be a date without a time, such as 2026-01-28, found {as_of}',
                                        toml_line(text, "as_of"), "as_of"))
        else:
            company["as_of"] = date
    end = company.get("forecast_end")
    if "forecast_end" in company and (not isinstance(end, int) or isinstance(end, bool) or not 1900 < end < 2200):
        structural.append(DataError(path, f"forecast_end must be a year such as 2030, found {end!r}",
                                    toml_line(text, "forecast_end"), "forecast_end"))
    segs = company.get("segments")
    if segs is not None:
        if not isinstance(segs, list) or not segs or not all(isinstance(s, dict) for s in segs):
            structural.append(DataError(path, "segments must be one or more [[segments]] tables, each with a key and a label",
                                        toml_line(text, "segments"), "segments"))
        elif len(segs) > MAX_SEGMENTS:
            structural.append(DataError(path, f"{len(segs)} segments; at most {MAX_SEGMENTS}", toml_line(text, "segments"),
                                        "segments"))
        else:
            for i, seg in enumerate(segs):
                why = segment_problem(seg, [s.get("key") for s in segs[:i]])
                if why:
                    structural.append(DataError(path, why, toml_line(text, "segments", i), "segments"))
    tol = company.setdefault("tolerances", {})
    if not isinstance(tol, dict):
        raise DataError(path, "[tolerances] must be a table of numbers", toml_line(text, "tolerances"), "tolerances")
    for key in tol:
        if key not in TOLERANCES:
            problem(key, unknown("tolerance", key, TOLERANCES))
    for key, (_, default) in TOLERANCES.items():
        value = tol.setdefault(key, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not TOLERANCE.allows(value):
            problem(key, f"tolerance {key} must be a non-negative number, found {value!r}")
            tol[key] = default   # so that the other files are checked as usual meanwhile
    problems.extend(structural)
    if structural or "forecast_end" not in company or segs is None or not parse_year_end(str(year_end or "")):
        problems.raise_if_any()  # the other files cannot be read without these (periods end by the year end, dates by as_of)
    return company

def load_sensitivity(folder: Path, company: dict) -> dict[str, float]:
    table = company.get("sensitivity", {})
    if not isinstance(table, dict):
        raise DataError(folder / "company.toml", "sensitivity must be a [sensitivity] table of numbers", column="sensitivity")
    for key in table:
        if key not in SENSITIVITY and key not in OLD_SENSITIVITY:
            raise DataError(folder / "company.toml", unknown("sensitivity step", key, SENSITIVITY), column=key)
    out = {}
    for key, default in SENSITIVITY.items():
        v = table.get(key, default)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not STEP.allows(v):
            raise DataError(folder / "company.toml", f"[sensitivity] {key} must be a number from 0 to 1 "
                            "(0.05 = 5 percentage points)", column=key)
        out[key] = float(v)
    return out
