"""Inputs, section Peers: each peer's figures as its own data folder gives them, in its own unit (its
latest full year and the interim after it, the prior year's and the comparative interim's revenue, its
cash, shares and price, its funding events up to its as-of date, its latest ARR claim and next year's revenue
estimate), the exchange
rate and unit scale they convert at, and each company's interim as a share of a year. The Peers tab
(peers.py) converts them and computes every ratio."""
from __future__ import annotations

from ...calc.formula import Rng, name_part
from ...data.bounds import AMOUNT, FX_RATE, POSITIVE, SIGNED
from ...data.events import EQUITY_KINDS
from ...data.items import ACTUAL_ITEMS, FUNDING_ITEMS
from ...data.market import forward_revenue, latest_arr
from ...data.peers import as_of_date, periods_of, price_event
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, NOTE_WIDTH, UNIT_COL
from . import fit_rows

# every item for the latest full year and interim; revenue also for the prior full year and the interim's
# comparative (growth, last twelve months)
PEER_ITEMS = ("revenue", "cost_of_revenue", "gross_profit", "rnd", "adjusted_net_income")
PEER_FUNDING = ("opening_cash", "shares_outstanding", "share_price", "share_fx", "unit_millions")
BALANCE_TODAY = ("short_term_investments", "bank_loans", "lease_liabilities")   # in cash and debt today


def market_figures(data) -> dict:
    """The published figures the Peers tab reads from a company's market.csv: its latest ARR claim and the
    latest revenue estimate for the year after its last full year (None where it has none)."""
    return {"arr": latest_arr(data.market), "revenue_next": forward_revenue(data.market, data.base_year.year + 1)}


def graded(data, ids: str) -> str:
    """Source ids with their grade from the company's sources.csv: 'R1 (A); H1 (A)'."""
    grade = {s["id"]: s.get("reliability", "") for s in data.sources}
    out = [f"{i} ({grade[i]})" if grade.get(i) and grade[i] != i else i for i in (x.strip() for x in ids.replace(",", ";").split(";")) if i]
    return "; ".join(dict.fromkeys(out))


def put_peer_inputs(inputs, sh, row) -> int:
    """Inputs: each peer's figures as its own data folder gives them (its unit), the exchange rate and the
    unit scale they convert at, and each company's interim as a share of a year (a calendar fact).
    inputs.peers: key -> {"fx_rate", "scale", "year_share", "figs": {(item, period): cell}, "funding": {item: cell},
    "events": {id: {field: cell}}, "arr": {field: cell}}; inputs.peer_slots: cell -> Slot."""
    from ..slots import Slot
    data, t, tl, book = inputs.data, inputs.book.t, inputs.tl, inputs.book
    inputs.peers, inputs.peer_slots = {}, {}
    if not data.peers:
        return row
    sh.put(row, LABEL_COL, t("peers.inputs"), "section")
    row += 1

    def fact(label_text, period):
        """A company's interim as a share of a year (6 months: 50%): a calendar fact, not an input."""
        nonlocal row
        sh.put(row, LABEL_COL, label_text, "detail_label")
        sh.put(row, UNIT_COL, t.unit_of("pct"), "unit")
        cell = sh.put(row, FIRST_COL, period.months / 12, "calc", "pct")
        sh.put(row, tl.note_col, t("peers.year_share_note"), "note")
        row += 1
        return cell

    _, _, interim, _ = periods_of(data)
    inputs.peer_facts = {}
    if interim:
        inputs.peer_facts[None] = fact(t("peers.year_share", name=t.data_text(data.company, "name"),
                                         period=interim.code), interim)
    for peer in data.peers:
        pd, key = peer.data, peer.key
        pt = type(t)(t.lang, pd.company, pd.base_year.code)   # the peer's own names in this edition
        cells = {"figs": {}, "funding": {}, "balance": {}, "events": {}, "market": {}}
        slot = lambda k: Slot("peer", k, field=key)  # noqa: E731   (a peer's figure: "figure:<item>:<period>")
        sh.put(row, LABEL_COL, t("peers.peer_head", name=pt.company_name, folder=key, unit=pt.unit, peers=t("tabs.peers")),
               "subsection")
        row += 1
        for k, bound, fmt in (("fx_rate", FX_RATE, "rate"), ("scale", POSITIVE, "rate")):
            names = {"currency": t.currency(data.company["currency"]), "peer_currency": t.currency(pd.company["currency"])}
            sh.put(row, LABEL_COL, t(f"peers.{k}", unit=t.unit, peer_unit=pt.unit, **names), "label")
            sh.put(row, UNIT_COL, t(f"peers.{k}_unit", **names), "unit")
            cells[k] = sh.put_input(row, FIRST_COL, getattr(peer, k), fmt, bound)
            book.define(f"Peer_{name_part(key)}_{k}", cells[k])
            inputs.peer_slots[cells[k]] = slot(k)
            notes = [e.data_text({"note": peer.note, **peer.local}, "note") if k == "fx_rate" else e("peers.scale_note")
                     for e in (t.edition(lang) for lang in LANGS)]
            note = notes[LANGS.index(t.lang)]
            sh.put(row, tl.note_col, "; ".join(x for x in (k == "fx_rate" and peer.source and t(
                "common.source", sources=graded(data, peer.source)), note) if x), "note_wrap")
            fit_rows(sh, [(row, n, NOTE_WIDTH - 10) for n in notes])
            row += 1
        fy, prior, p_interim, comp = periods_of(pd)
        if p_interim:
            cells["year_share"] = fact(t("peers.year_share", name=pt.data_text(pd.company, "name"), period=p_interim.code),
                                       p_interim)
        columns = [p for p in (fy, p_interim, prior, comp) if p]
        col = {p: FIRST_COL + i for i, p in enumerate(columns)}
        for p in columns:
            sh.put(row, col[p], p.code + "A", "subhead")
        sh.put(row, tl.note_col, t("peers.figures_head"), "subhead")
        row += 1
        first = row
        for item in PEER_ITEMS:
            periods = [p for p in (fy, p_interim) if p] + ([p for p in (prior, comp) if p] if item == "revenue" else [])
            if all(pd.actual(item, p) is None for p in periods) and item == "cost_of_revenue":
                continue   # gross profit given instead
            sh.put(row, LABEL_COL, pt.item("items", ACTUAL_ITEMS[item]), "detail_label")
            sh.put(row, UNIT_COL, pt.unit, "unit")
            ids = []
            for p in periods:
                fig = pd.actuals.get(item, {}).get(p)
                comment = t("peers.figure_comment", sources=graded(pd, fig.source), note=fig.note) if fig and fig.source \
                    else None
                cell = sh.put_input(row, col[p], fig.value if fig else None, "amount3", ACTUAL_ITEMS[item].bound, comment)
                cells["figs"][(item, p)] = cell
                inputs.peer_slots[cell] = slot(f"figure:{item}:{p.code}")
                if fig and fig.source:
                    ids.append(fig.source)
            got = [cells["figs"][(item, p)] for p in periods]
            book.define(f"Peer_{name_part(key)}_{item}", got[0] if len(got) == 1 else _span(got))
            sh.put(row, tl.note_col, t("common.source", sources=graded(pd, "; ".join(ids))) if ids else
                   t("common.not_disclosed"), "note")
            row += 1
        sh.groups.append((first, row - 1))
        as_of = as_of_date(pd)
        for item in PEER_FUNDING:
            fig = pd.funding.get(item)
            if fig is None or fig.value is None or (item == "share_fx" and "share_price" not in pd.funding):
                continue   # (the share price's exchange rate: only with a quoted price)
            label = t(f"funding.{item}")
            if item in ("opening_cash", "shares_outstanding"):
                label = t("inputs.funding_at", label=label, period=fig.period.code)
            sh.put(row, LABEL_COL, label, "detail_label")
            sh.put(row, UNIT_COL, pt.unit if item == "opening_cash" else pt.data_text({"unit": fig.unit, **fig.local}, "unit"),
                   "unit")
            fmt = {"opening_cash": "amount", "shares_outstanding": "shares", "share_price": "share_price"}.get(item, "rate")
            bound = FUNDING_ITEMS[item].bound
            cells["funding"][item] = c = sh.put_input(row, FIRST_COL, fig.value, fmt, bound)
            book.define(f"Peer_{name_part(key)}_{item}", c)
            inputs.peer_slots[c] = slot(f"funding:{item}")
            notes = [e.data_text({"note": fig.note, **fig.local}, "note") for e in (t.edition(lang) for lang in LANGS)]
            note = notes[LANGS.index(t.lang)]
            sh.put(row, tl.note_col, "; ".join(x for x in (fig.source and t("common.source", sources=graded(pd, fig.source)),
                                                           note) if x), "note_wrap")
            fit_rows(sh, [(row, n, NOTE_WIDTH - 10) for n in notes])
            row += 1
        for item in BALANCE_TODAY:   # the opening balance sheet's cash-like and debt items (balance.csv), where given
            fig = pd.balance.get(item)
            if fig is None or fig.value is None:
                continue
            sh.put(row, LABEL_COL, t("inputs.funding_at", label=t(f"balance.{item}"), period=fig.period.code),
                   "detail_label")
            sh.put(row, UNIT_COL, pt.unit, "unit")
            cells["balance"][item] = c = sh.put_input(row, FIRST_COL, fig.value, "amount", AMOUNT)
            book.define(f"Peer_{name_part(key)}_{item}", c)
            inputs.peer_slots[c] = slot(f"balance:{item}")
            sh.put(row, tl.note_col, t("common.source", sources=graded(pd, fig.source)) if fig.source else "", "note")
            row += 1
        priced = price_event(pd)
        for ev in pd.events:
            if ev.date is None or ev.date > as_of:
                continue
            where = "in_opening" if not ev.counted else "after_opening"
            sh.put(row, LABEL_COL, t("peers.event", kind=t(f"events.kind_{ev.kind}"), date=ev.date.isoformat(),
                                     where=t(f"peers.{where}")), "detail_label")
            sh.put(row, UNIT_COL, ev.currency, "unit")
            ev_cells = {"amount": sh.put_input(row, FIRST_COL, ev.amount, "amount3", AMOUNT),
                        "fx_rate": sh.put_input(row, FIRST_COL + 1, ev.fx_rate, "rate", FX_RATE)}
            if ev.kind in EQUITY_KINDS and ev.shares is not None and (ev.counted or ev is priced):
                ev_cells["shares"] = sh.put_input(row, FIRST_COL + 2, ev.shares, "shares", AMOUNT)
            for f, c in ev_cells.items():
                book.define(f"Peer_{name_part(key)}_event_{ev.id}_{f}", c)
                inputs.peer_slots[c] = slot(f"event:{ev.id}:{f}")
            sh.put(row, tl.note_col, t("peers.event_note", unit=pt.unit, sources=graded(pd, ev.source)), "note")
            cells["events"][ev.id] = ev_cells
            row += 1
        for name, est in market_figures(pd).items():   # its latest ARR claim, its consensus revenue for next year
            if est is None:
                continue
            sh.put(row, LABEL_COL, t(f"peers.{name}_input", broker=pt.data_text(est.fields, "broker"),
                                     date=est.date.isoformat() if est.date else t("market.undated"),
                                     period=est.period.code if est.period else ""), "detail_label")
            sh.put(row, UNIT_COL, est.currency, "unit")
            got = {"value": sh.put_input(row, FIRST_COL, est.value, "amount", SIGNED),
                   "fx_rate": sh.put_input(row, FIRST_COL + 1, est.fx_rate, "rate", FX_RATE)}
            for f, c in got.items():
                book.define(f"Peer_{name_part(key)}_{name}" + ("" if f == "value" else "_fx"), c)
                inputs.peer_slots[c] = slot(f"market:{est.id}:{f}")
            qualifier = t(f"market.qualifier_{est.qualifier}") if est.qualifier else ""
            sh.put(row, tl.note_col, "; ".join(x for x in (t("common.source", sources=graded(pd, est.source)), qualifier,
                                                           t("peers.market_input_note", unit=pt.unit)) if x), "note")
            cells["market"][name] = {**got, "estimate": est}
            row += 1
        inputs.peers[key] = cells
        row += 1
    return row + 1


def _span(cells):
    return Rng(cells[0], max(cells, key=lambda c: c.col))
