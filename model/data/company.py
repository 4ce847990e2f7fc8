"""Load a company folder (company.toml, actuals.csv, assumptions.csv, sources.csv, funding.csv, and the
optional events.csv, balance.csv, valuation.csv, reference.csv, claims.csv, the unit build's files and the Monte
Carlo's risk.csv and risk.toml).

Every problem is a `DataError` naming the file, the row and the column, so the CLI can report it and
stop before anything is written. Values still to fill in (blank required cells, missing settings)
are collected and reported together, so a new company folder shows everything it lacks at once.
"""
from __future__ import annotations

from pathlib import Path

from .actuals import load_actuals
from .balance import load_balance
from .valuation import load_valuation, PEER_MULTIPLES
from .assumptions import load_assumptions
from .claims import load_claims
from .thesis import load_thesis
from .dataset import Dataset
from .events import load_events
from .files import DataError, excel_precision, Problems, read_text, toml_line
from .funding import load_funding
from .risk import load_risk
from .market import load_market
from .arr import load_arr
from .peers import load_peers
from .items import ACTUAL_ITEMS, UNIT_ACTUALS, UNIT_DRIVERS, unit_items
from .settings import load_company, load_sensitivity, MAX_FORECAST_YEARS, TOLERANCES
from .sources import load_references, load_sources
from . import compute as compute_build, units as unit_build


def load(folder, peers: bool = True, beside=None) -> Dataset:
    """The company in `folder`; with `peers`, also the peers its company.toml names (each loaded without
    its own peers, so that two companies naming each other both build), from the folders beside it (or in
    `beside`: a trial copy of a folder reads its peers where the original's are)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), "company folder not found")
    problems = Problems()
    company = load_company(folder, problems)
    toml = folder / "company.toml"
    toml_text = read_text(toml)
    segments = [(str(s["key"]), str(s["label"])) for s in company["segments"]]
    data = Dataset(folder, company, segments, [], {})
    data.sources = load_sources(folder)
    ids = {s["id"] for s in data.sources}
    load_actuals(folder, data, ids, problems)
    data.units = unit_build.load_settings(folder, [k for k, _ in segments], problems)
    data.notes += unit_build.orphan_files(folder)
    if data.units:
        unit_build.load_operating(folder, data, unit_items(data.units, UNIT_ACTUALS),
                                  {"rnd_compute": ACTUAL_ITEMS["rnd_compute"]}, ids, problems)
        if not data.split_compute:   # no compute to split: the unit build leaves R&D to its growth rate
            data.notes.append(f"units.toml: compute within R&D is not known for {data.base_year.code} (not disclosed "
                              "for it or an earlier period, nor assumed): R&D is forecast as one line with "
                              "assumptions.csv's rnd_growth; the unit build forecasts revenue, its cost and other "
                              "operating costs")
    first, end = data.base_year.year + 1, company["forecast_end"]
    if end < first:
        problems.append(DataError(toml, f"forecast_end {end} is before the first forecast year {first} (the year after "
                                  "the last full year of actuals.csv)", toml_line(toml_text, "forecast_end"), "forecast_end"))
    elif end - first + 1 > MAX_FORECAST_YEARS:
        problems.append(DataError(toml, f"a forecast of {end - first + 1} years (FY{first}-FY{end}); at most "
                                  f"{MAX_FORECAST_YEARS}", toml_line(toml_text, "forecast_end"), "forecast_end"))
    if end < first or end - first + 1 > MAX_FORECAST_YEARS:
        problems.raise_if_any()
    load_assumptions(folder, data, problems)
    if data.units:
        unit_build.load_drivers(folder, data, unit_items(data.units, UNIT_DRIVERS, data.split_compute), problems)
    compute_build.load(folder, data, ids, problems)
    default = company.get("default_scenario") or data.scenarios[0]
    if default not in data.scenarios:
        problems.append(DataError(toml, f"default_scenario {default!r} is not a scenario in assumptions.csv "
                                  f"({', '.join(data.scenarios)})", toml_line(toml_text, "default_scenario"), "default_scenario"))
    data.funding = load_funding(folder, data, problems)
    data.events = load_events(folder, data, ids, problems)
    data.balance = load_balance(folder, data, ids, problems)
    data.valuation = load_valuation(folder, data, ids, problems)
    data.sensitivity = load_sensitivity(folder, company)
    problems.raise_if_any()
    data.risk = load_risk(folder, data, problems)
    data.references = load_references(folder, data, ids)
    data.claims = load_claims(folder, data)
    data.thesis = load_thesis(folder, data)
    data.market = load_market(folder, data, ids)
    data.arr = load_arr(folder, data, ids, problems)
    problems.raise_if_any()
    if peers:
        data.peers = load_peers(folder, company, ids, lambda f: load(f, peers=False), Path(beside or folder.parent))
    given = [k for (k, _), f in data.valuation.items() if k in PEER_MULTIPLES and f.value is not None]
    if data.peers and given:
        data.notes.append("valuation.csv: " + " and ".join(given) + " not used: the Valuation tab takes the peers' "
                          "multiples from the Peers tab (the company names its peers in company.toml)")
    data.tolerances = {k: excel_precision(float(company["tolerances"][k])) for k in TOLERANCES}
    return data
