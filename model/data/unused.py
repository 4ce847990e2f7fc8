"""Rows of the data files that the company's chosen build does not use: reported by every build, with the
file and the rows, never refused (an old folder keeps building), so that nobody reads a value in a file that
the workbook contradicts (growth_cloud at 80% in assumptions.csv while the unit build drives cloud revenue)."""
from __future__ import annotations

from pathlib import Path


class Unused:
    """Collects the unused rows of one file by driver (or item), then notes them, one line per driver."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.rows: dict[str, list[tuple[int, str]]] = {}   # driver -> (row, scenario or period)
        self.why: dict[str, str] = {}

    def add(self, key: str, row: int, where: str, why: str):
        self.rows.setdefault(key, []).append((row, where))
        self.why[key] = why

    def note(self, notes: list):
        for key, found in self.rows.items():
            rows = ", ".join(str(n) for n, _ in found)
            where = ", ".join(dict.fromkeys(w for _, w in found if w))
            notes.append(f"{self.path.name}, row{'s' if len(found) > 1 else ''} {rows}: {key}"
                         + (f" ({where})" if where else "") + f" is not used: {self.why[key]}")


def unit_build_why(data, driver: str) -> str:
    """Why a driver of assumptions.csv is not used with the unit build (units.toml)."""
    units, label = data.units, dict(data.segments)
    if driver in (f"growth_{units.segment}", f"gm_{units.segment}"):
        return (f"the unit build (units.toml) forecasts {label[units.segment]} from tokens x price and the cost per "
                "token (units.csv); the row serves the growth-rate build, without units.toml")
    if driver == f"growth_{units.customer_segment}":
        return (f"the unit build forecasts {label[units.customer_segment]} from customers x revenue per customer "
                "(units.csv); the row serves the growth-rate build, without units.toml")
    if driver == "other_opex_growth":
        return ("the unit build forecasts other operating costs as a share of revenue plus a fixed part (units.csv); "
                "the row serves the growth-rate build, without units.toml")
    return "the unit build forecasts R&D from its parts (units.csv); the row serves the growth-rate build, without units.toml"


RND_ONE_LINE = ("R&D is one line with assumptions.csv's rnd_growth, as compute within R&D is not known for the base "
                "year (see the units.toml note)")
