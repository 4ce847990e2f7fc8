"""events.csv: the funding events (IPO, placings, convertible bonds, bank loans), each in the fiscal
year of its date."""
from __future__ import annotations

import datetime
from pathlib import Path

from .bounds import AMOUNT, Bound, check_bound, FX_RATE, RATE
from .dataset import Dataset, Event
from .fields import check_sources, read_date
from .files import DataError, parse_number, Problems, read_csv, unknown
from .periods import parse_year_end, Period, period_end_date
from .settings import per_edition, PLAIN_KEY


EVENT_KINDS = ("ipo", "placing", "convertible_bond", "bank_loan", "share_issue")
EQUITY_KINDS = ("ipo", "placing", "equity", "share_issue")   # the others are debt: repaid at maturity (a bond may convert)
# share_issue: an approved issue not yet priced (an A-share listing): its size is a share of the enlarged capital
# (`stake`) at an issue `price`, its `amount` the most it may raise; the new shares follow from them
STAKE = Bound("stake", 0, 1, low_open=True)   # a share of the enlarged capital: above 0, below 100%
LEGACY_RAISE = "equity_raise"   # the single raise of funding.csv (equity_raise + fx_rate rows): one event
# A company's funding rounds, placings, bonds and loans over the horizon are a few dozen at most; each
# event adds inputs and formulas to every scenario's cash bridge (1,000 loans took 27 s and 779 MB).
MAX_EVENTS = 60
# A conversion price below a cent per share is a typing mistake (1e-9 would create 10^19 shares).
CONVERSION_PRICE = Bound("share_price", 0.01)
TERMS = ("date", "kind", "currency", "amount", "fx_rate", "in_opening_cash", "conversion_price", "maturity", "shares",
         "rate", "price", "stake")   # what makes two events the same: all but the id, source and note


def fiscal_year_of(date: datetime.date, year_end) -> int:
    """The fiscal year a date falls in (FY2026 of a 31 December year end: 2026)."""
    end = lambda y: datetime.date(*period_end_date(Period(y, 12), year_end))  # noqa: E731
    year = date.year
    if date > end(year):
        return year + 1
    return year - 1 if date <= end(year - 1) else year


def part_of(data, date: datetime.date | None) -> int:
    """The part (0: the first) of its fiscal year a date falls in, where that year runs in parts
    (Dataset.split_years: 1H | 2H, 9M | Q4); 0 elsewhere, and without a date."""
    if date is None:
        return 0
    year_end = parse_year_end(str(data.company["fiscal_year_end"]))
    year = fiscal_year_of(date, year_end)
    if year not in data.split_years:
        return 0
    parts = data.parts(year)
    return next((i for i, q in enumerate(parts) if date <= datetime.date(*period_end_date(q, year_end))),
                len(parts) - 1)


def legacy_raise(data) -> list[Event]:
    """funding.csv's single equity raise (equity_raise + fx_rate rows), as one event."""
    fig = data.funding.get(LEGACY_RAISE)
    if fig is None:
        return []
    fx = data.funding["fx_rate"]
    return [Event(LEGACY_RAISE, "equity", fig.unit, fig.value, fx.value, fig.period.year, 1,
                  source=fig.source, note=fig.note)]


def load_events(folder: Path, data: Dataset, sources: set[str], problems: Problems) -> list[Event]:
    """events.csv (optional): the funding events, each in the fiscal year of its date."""
    path = folder / "events.csv"
    if not path.exists():
        return legacy_raise(data)
    if LEGACY_RAISE in data.funding:
        problems.append(DataError(folder / "funding.csv", "equity_raise is given here and events.csv lists the funding "
                                  "events: move the raise into events.csv", column="item"))
    _, rows = read_csv(path, ["id", "date", "kind", "currency", "amount", "fx_rate"],
                       ["in_opening_cash", "conversion_price", "maturity", "shares", "rate", "price", "stake", "source",
                        "note", *per_edition("note")])
    year_end = parse_year_end(str(data.company["fiscal_year_end"]))
    opening = data.funding.get("opening_cash")
    opened = datetime.date(*period_end_date(opening.period, year_end)) if opening and opening.period else None
    last = data.forecast_years[-1]
    if len(rows) > MAX_EVENTS:
        raise DataError(path, f"{len(rows)} events; at most {MAX_EVENTS} (merge small ones: each event adds inputs and "
                        "formulas to every scenario's cash bridge)", rows[MAX_EVENTS][0], "id")
    events, where = [], {}
    for n, r in rows:
        eid = r["id"]
        if not PLAIN_KEY.fullmatch(eid):
            raise DataError(path, f"event id {eid!r} must be a plain word: a letter, then letters, digits or _ "
                            "(at most 31)", n, "id")
        if eid.lower() in where:
            raise DataError(path, f"event id {eid!r} is given twice (also in row {where[eid.lower()]})", n, "id")
        where[eid.lower()] = n
        if not r["date"].strip():
            raise DataError(path, f"event {eid}: the date is required (the day the cash arrived or arrives)", n, "date")
        date = read_date(r["date"], path, n, "date")
        kind = r["kind"].strip().lower()
        if kind not in EVENT_KINDS:
            raise DataError(path, unknown("kind", r["kind"], EVENT_KINDS), n, "kind")
        if not r["currency"].strip():
            raise DataError(path, f"event {eid}: the currency is required (HKD, RMB, USD)", n, "currency")
        amount = parse_number(r["amount"], path, n, "amount")
        check_bound(AMOUNT, "amount", amount, path, n, "amount")
        fx = parse_number(r["fx_rate"], path, n, "fx_rate")
        check_bound(FX_RATE, "amount", fx, path, n, "fx_rate")
        flag = r.get("in_opening_cash", "").strip().lower()
        if flag not in ("", "yes", "no"):
            raise DataError(path, f"in_opening_cash must be yes or no (blank = no), found {flag!r}", n, "in_opening_cash")
        inside = flag == "yes"
        if opened and inside and date > opened:
            raise DataError(path, f"event {eid} on {date} is after the opening cash date {opened} "
                            f"({opening.period.code}), so it cannot be inside the opening cash", n, "in_opening_cash")
        if opened and not inside and date <= opened:
            raise DataError(path, f"event {eid} on {date} is on or before the opening cash date {opened} "
                            f"({opening.period.code}): its cash is already in the opening balance; mark it "
                            "in_opening_cash = yes so that it is not counted twice", n, "in_opening_cash")
        year = fiscal_year_of(date, year_end)
        if year > last:
            raise DataError(path, f"event {eid} on {date} falls in FY{year}, after forecast_end {last}", n, "date")
        price = parse_number(r.get("conversion_price", ""), path, n, "conversion_price", required=False)
        maturity = read_date(r["maturity"], path, n, "maturity") if r.get("maturity", "").strip() else None
        if kind == "convertible_bond":
            if price is None:
                raise DataError(path, f"event {eid}: a convertible bond needs its conversion price", n, "conversion_price")
            check_bound(CONVERSION_PRICE, "amount", price, path, n, "conversion_price")
            if maturity is None:
                raise DataError(path, f"event {eid}: a convertible bond needs its maturity date", n, "maturity")
        elif price is not None:
            raise DataError(path, f"event {eid}: a conversion price applies only to a convertible_bond", n,
                            "conversion_price")
        if maturity is not None and maturity <= date:
            raise DataError(path, f"event {eid}: maturity {maturity} is not after the event date {date}", n, "maturity")
        shares = parse_number(r.get("shares", ""), path, n, "shares", required=False)
        if shares is not None:
            if kind not in EQUITY_KINDS:
                raise DataError(path, f"event {eid}: shares apply to an equity event ({', '.join(EQUITY_KINDS)}); a "
                                "convertible bond's shares follow from its conversion price", n, "shares")
            check_bound(AMOUNT, "amount", shares, path, n, "shares")
        issue = share_issue_terms(r, kind, shares, path, n)
        rate = parse_number(r.get("rate", ""), path, n, "rate", required=False)
        if rate is not None:
            if kind in EQUITY_KINDS:
                raise DataError(path, f"event {eid}: an interest rate applies to debt (convertible_bond, bank_loan)",
                                n, "rate")
            check_bound(RATE, "pct", rate, path, n, "rate")
        check_sources(r.get("source", ""), sources, path, n, "source")
        refuse_repeat(path, rows, n, r)
        events.append(Event(eid, kind, r["currency"].strip(), amount, fx, year, 0 if inside else 1, date, price,
                            maturity, shares, rate or 0.0, fiscal_year_of(maturity, year_end) if maturity else None,
                            r.get("source", ""), r.get("note", ""), {k: r[k] for k in per_edition("note") if r.get(k)},
                            *issue))
    return events


def share_issue_terms(r, kind, shares, path, n) -> tuple:
    """A share issue's issue price and its share of the enlarged capital: both required for `share_issue`
    (whose shares follow from them), refused for every other kind."""
    price = parse_number(r.get("price", ""), path, n, "price", required=False)
    stake = parse_number(r.get("stake", ""), path, n, "stake", required=False)
    if kind != "share_issue":
        for column, value in (("price", price), ("stake", stake)):
            if value is not None:
                raise DataError(path, f"{column} applies to a share_issue (its size and issue price)", n, column)
        return ()
    for column, value in (("price", price), ("stake", stake)):
        if value is None:
            raise DataError(path, f"a share_issue needs its {column} ({'issue price per share, in its currency' if column == 'price' else 'share of the enlarged capital, e.g. 5%'})", n, column)
    check_bound(FX_RATE, "amount", price, path, n, "price")
    check_bound(STAKE, "pct", stake, path, n, "stake")
    if shares is not None:
        raise DataError(path, "a share_issue's shares follow from its stake and price: leave shares blank", n, "shares")
    return price, stake


def refuse_repeat(path: Path, rows: list, n: int, r: dict) -> None:
    """An event whose terms repeat an earlier row's under another id is a copied row: it would count the
    cash twice."""
    key = lambda row: tuple(row.get(c, "").strip().lower() for c in TERMS)  # noqa: E731
    for m, earlier in rows:
        if m >= n:
            return
        if key(earlier) == key(r):
            raise DataError(path, f"event {r['id']} repeats event {earlier['id']} of row {m} (same date, kind, currency, "
                            "amount and terms): its cash would be counted twice; remove the copy, or give two "
                            "equal tranches as one event", n, "id")
