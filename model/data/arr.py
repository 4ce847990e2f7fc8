"""arr.csv (optional): the ARR bridge's inputs. A company's ARR claim (a market.csv row, metric arr, stated at a
date) gives the run-rate revenue of the next half after each scenario's haircut; the Scenarios tab sets it beside
the scenario's own forecast of that half, and each scenario's annualised revenue beside every ARR claim.

One item per row: `segment` (the revenue the claims measure: a segment key of company.toml, or `revenue` for the
total; default the total), `claim` (the market.csv id the bridge starts from; default the latest ARR stated at a
date), `band` (the review band: how far a scenario's next half may sit from the claim's run rate before it is
flagged; default 25%) and `haircut`, one row per scenario (the share of the claim the scenario does not expect to
see as revenue; an assumption, with its rationale)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .bounds import FRACTION, Bound, check_bound
from .fields import check_sources
from .files import DataError, parse_number, Problems, read_csv, unknown
from .market import Estimate, latest_arr
from .settings import per_edition

BAND = Bound("arr_band", 0, 1, low_open=True)
TEXTS = ("rationale",)
COLUMNS = ["item", "scenario", "value"]
OPTIONAL = ["source", "grade", *TEXTS, *per_edition(*TEXTS)]
GRADES = ("A", "B", "C", "D", "assumption")


class ArrItem(NamedTuple):
    kind: str            # text | pct
    default: object      # when the row is left out (None: required)
    help: str


ITEMS = {
    "segment": ArrItem("text", "revenue", "the revenue the ARR claims measure: a segment key, or revenue (the total)"),
    "claim": ArrItem("text", "", "the market.csv id of the ARR claim the bridge starts from (default: the latest "
                     "ARR stated at a date)"),
    "band": ArrItem("pct", 0.25, "how far a scenario's next half may sit from the claim's run rate before the review "
                    "flag names it"),
    "haircut": ArrItem("pct", None, "the share of the claim the scenario does not expect to see as revenue; one row "
                       "per scenario"),
}


@dataclass
class ArrFigure:
    value: object                 # a text (segment, claim id) or a fraction (band, haircut)
    source: str = ""
    grade: str = ""
    rationale: str = ""
    local: dict = field(default_factory=dict)   # rationale_zh: the text of another edition
    row: int | None = None        # the file's row (None: a default)

    @property
    def fields(self) -> dict[str, str]:
        return {"rationale": self.rationale, **self.local}


@dataclass
class ArrBridge:
    segment: str                          # a segment key, or "revenue"
    claim: Estimate                       # the ARR claim the bridge starts from (market.csv)
    figures: dict[tuple[str, str], ArrFigure]   # (item, scenario) -> figure; scenario "" but for haircut

    @property
    def band(self) -> float:
        return self.figures[("band", "")].value

    def haircut(self, scenario: str) -> float:
        return self.figures[("haircut", scenario)].value

    def line(self) -> str:
        """The line key of the revenue the claims measure."""
        return "revenue" if self.segment == "revenue" else f"rev_{self.segment}"


def arr_claims(estimates: list[Estimate]) -> list[Estimate]:
    """Every ARR claim of market.csv (at a date, or forecast at a period's end), in the file's order."""
    return [e for e in estimates if e.metric == "arr"]


def load_arr(folder: Path, data, sources: set[str], problems: Problems) -> ArrBridge | None:
    """arr.csv when the folder has one (after market.csv is read), else None."""
    path = folder / "arr.csv"
    if not path.exists():
        return None
    _, rows = read_csv(path, COLUMNS, OPTIONAL)
    out, where = {}, {}
    for n, r in rows:
        item, scenario = r["item"].strip(), r.get("scenario", "").strip()
        if item not in ITEMS:
            raise DataError(path, unknown("item", item, ITEMS), n, "item")
        spec = ITEMS[item]
        if item == "haircut" and scenario not in data.scenarios:
            raise DataError(path, f"haircut needs a scenario of assumptions.csv ({', '.join(data.scenarios)}), found "
                            f"{scenario!r}", n, "scenario")
        if item != "haircut" and scenario:
            raise DataError(path, f"{item} is one setting for every scenario: leave scenario blank", n, "scenario")
        if (item, scenario) in where:
            raise DataError(path, f"{item} {scenario} is given twice (also in row {where[(item, scenario)]})".replace(
                "  ", " "), n, "item")
        where[(item, scenario)] = n
        if spec.kind == "pct":
            value = parse_number(r["value"], path, n, "value", required=False)
            if value is None:
                problems.append(DataError(path, f"{item}: a number is required here, the cell is empty", n, "value"))
                continue
            check_bound(FRACTION if item == "haircut" else BAND, "pct", value, path, n, "value")
        else:
            value = r["value"].strip()
        grade = r.get("grade", "").strip()
        if grade not in ("", *GRADES):
            raise DataError(path, unknown("grade", grade, GRADES), n, "grade")
        if item == "haircut" and not r.get("rationale", "").strip():
            problems.append(DataError(path, f"the haircut of {scenario} is an assumption: say why in rationale", n,
                                      "rationale"))
        check_sources(r.get("source", ""), sources, path, n, "source")
        out[(item, scenario)] = ArrFigure(value, r.get("source", "").strip(), grade, r.get("rationale", "").strip(),
                                          {k: r[k] for k in per_edition(*TEXTS) if r.get(k)}, n)
    for sc in data.scenarios:
        if ("haircut", sc) not in out and ("haircut", sc) not in where:
            problems.append(DataError(path, f"haircut {sc} is required ({ITEMS['haircut'].help})", column="item"))
    for item in ("segment", "claim", "band"):
        out.setdefault((item, ""), ArrFigure(ITEMS[item].default))
    segment = out[("segment", "")]
    keys = [k for k, _ in data.segments]
    if segment.value != "revenue" and segment.value not in keys:
        problems.append(DataError(path, unknown("segment", segment.value, ["revenue", *keys]), segment.row, "value"))
    claim = _claim(path, data.market, out[("claim", "")], problems)
    if claim is None:
        return None
    return ArrBridge(segment.value, claim, out)


def _claim(path, estimates, fig: ArrFigure, problems) -> Estimate | None:
    """The ARR claim the bridge starts from: the one `claim` names, else the latest stated at a date."""
    if not fig.value:
        claim = latest_arr(estimates)
        if claim is None:
            problems.append(DataError(path, "the ARR bridge starts from an ARR claim stated at a date: market.csv has "
                                      "none (a row with metric arr, a date and no period)", column="item"))
        return claim
    claim = next((e for e in estimates if e.id.lower() == fig.value.lower()), None)
    if claim is None:
        problems.append(DataError(path, f"claim {fig.value!r} is not an id of market.csv", fig.row, "value"))
    elif claim.metric != "arr" or claim.period is not None or claim.date is None:
        problems.append(DataError(path, f"claim {fig.value!r} is not an ARR stated at a date (market.csv: metric arr, "
                                  "a date, no period): the bridge starts from what the company had at a date",
                                  fig.row, "value"))
        return None
    return claim
