"""The peers a company's data name (company.toml `[peers.<folder>]`): each one's own data folder, read
at build time, and the rate its figures are converted at.

A peer is loaded as a company of its own, without its peers: two companies may name each other (A names
B names A) and both build. A peer folder that is missing or does not load is refused with the reason,
naming company.toml's line, as any data problem is."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from .bounds import POSITIVE, check_bound
from .dataset import Dataset
from .fields import check_sources
from .files import DataError, toml_line, unknown
from .periods import Period
from .settings import per_edition

FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")   # a folder name beside the company's, no path
SETTINGS = ("fx_rate", "scale", "source", "note", *per_edition("note"))
REQUIRED = ("fx_rate", "scale")
MAX_PEERS = 6


@dataclass
class Peer:
    key: str            # its folder's name, as company.toml names it
    data: Dataset       # the peer's own data (its own currency and unit)
    fx_rate: float      # this company's currency per unit of the peer's
    scale: float        # this company's amount units per peer amount unit at a rate of 1 (US$ m into RMB 100m: 0.01)
    source: str = ""
    note: str = ""
    local: dict = field(default_factory=dict)   # note_zh

    @property
    def interim(self) -> Period | None:
        return latest_interim(self.data)


def latest_interim(data: Dataset) -> Period | None:
    """A company's interim after its latest full year (1H2026 after FY2025), or None: the Peers tab's
    second column."""
    later = [p for p in data.interims if p.year == data.base_year.year + 1]
    return max(later) if later else None


def as_of_date(data: Dataset) -> datetime.date:
    """The date of a company's latest data (company.toml as_of)."""
    as_of = data.company["as_of"]
    return as_of if isinstance(as_of, datetime.date) else datetime.date.fromisoformat(str(as_of))


def price_event(data: Dataset):
    """The latest equity raise (IPO or placing) up to the as-of date that gives its new shares: its net proceeds
    per share stand for a share price where the data quote none (a transaction price, not a quote)."""
    as_of = as_of_date(data)
    raises = [e for e in data.events if e.kind in ("ipo", "placing") and e.shares and e.date is not None and e.date <= as_of]
    return max(raises, key=lambda e: e.date) if raises else None


def periods_of(data: Dataset):
    """(latest full year, the year before it or None, the interim after it or None, that interim's
    comparative or None): the periods a company shows on the Peers tab."""
    fy = data.base_year
    prior = fy.prior() if fy.prior() in data.full_years else None
    interim = latest_interim(data)
    comp = interim.prior() if interim and interim.prior() in data.interims else None
    return fy, prior, interim, comp


def load_peers(folder: Path, company: dict, sources: set[str], loader, beside: Path) -> list[Peer]:
    """The peers company.toml names, each a folder in `beside` (the company's parent folder) loaded by
    `loader(folder)` (company.load without peers)."""
    table = company.get("peers")
    if table is None:
        return []
    path = folder / "company.toml"
    text = path.read_text(encoding="utf-8-sig", errors="replace")

    def where(key=""):
        """The line of [peers.<key>] (or of the first peers table)."""
        head = re.compile(rf"\s*\[\s*peers(\.{re.escape(key)})?\s*\]" if key else r"\s*\[\s*peers[.\]]")
        return next((i for i, s in enumerate(text.splitlines(), 1) if head.match(s)), None) or toml_line(text, "peers")

    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise DataError(path, "peers must be one [peers.<folder>] table per peer, each with fx_rate, scale and source",
                        where(), "peers")
    if len(table) > MAX_PEERS:
        raise DataError(path, f"{len(table)} peers; at most {MAX_PEERS}", where(), "peers")
    out = []
    for key, spec in table.items():
        at = where(key)
        if not FOLDER.fullmatch(key) or key in (".", ".."):
            raise DataError(path, f"peer {key!r} must be the name of a company folder beside this one (no path)", at,
                            "peers")
        for k in spec:
            if k not in SETTINGS:
                raise DataError(path, f"peer {key!r}: " + unknown("setting", k, SETTINGS), at, "peers")
        for k in REQUIRED:
            value = spec.get(k)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise DataError(path, f"peer {key!r}: {k} must be a number (" + (
                    "this company's currency per unit of the peer's" if k == "fx_rate" else
                    "this company's amount units per peer amount unit at a rate of 1: US$ m into RMB 100m is 0.01")
                    + f"), found {value!r}", at, "peers")
            check_bound(POSITIVE, "amount", float(value), path, at, f"peers.{key}.{k}")
        for k in ("source", "note", *per_edition("note")):
            if k in spec and not isinstance(spec[k], str):
                raise DataError(path, f"peer {key!r}: {k} must be text in quotes", at, "peers")
        check_sources(spec.get("source", ""), sources, path, at, f"peers.{key}.source")
        peer_folder = beside / key
        if peer_folder.resolve() == folder.resolve():
            raise DataError(path, f"peer {key!r} is this company itself", at, "peers")
        if not peer_folder.is_dir():
            raise DataError(path, f"peer {key!r}: no company folder {key} beside this one ({beside.name}/{key})",
                            at, "peers")
        try:
            data = loader(peer_folder)
        except DataError as e:
            more = f" (and {len(e.problems) - 1} more)" if len(e.problems) > 1 else ""
            first = e.problems[0]
            raise DataError(path, f"peer {key!r} cannot be read: {first}{more}; fix the peer's data in "
                            f"{beside.name}/{key}, or remove [peers.{key}]", at, "peers") from None
        out.append(Peer(key, data, float(spec["fx_rate"]), float(spec["scale"]), spec.get("source", ""),
                        spec.get("note", ""), {k: spec[k] for k in per_edition("note") if spec.get(k)}))
    return out
