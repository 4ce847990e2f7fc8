"""List the inputs of a workbook that differ from the data files, and write them back into the
data files so they become the new defaults (the changed files are backed up first).

Only the changed values are rewritten; every other cell keeps its text, and a value is written the
way its neighbours are (60% stays a percentage, (1.5) stays in parentheses).
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import backup, journal
from ..data import earlier_format
from ..data.company import load
from ..data.dataset import Dataset
from ..data.files import DataError, is_comment, toml_line
from ..data.items import UNIT_ACTUALS, UNIT_DRIVERS
from ..data.risk import WHOLE as RISK_WHOLE
from ..data.periods import parse_period
from .report import describe, value_text
from ..workbook.slots import Resolved, problem, resolve
from .userbook import MISSING, InputCell, UserBook
from ..calc.values import same

FILES = {"actual": "actuals.csv", "assumption": "assumptions.csv", "reference": "reference.csv",
         "tolerance": "company.toml", "scenario": "company.toml", "step": "company.toml",
         "funding": "funding.csv", "event": "events.csv", "claim": "claims.csv", "market": "market.csv",
         "peer": "company.toml",   # a peer's rate and scale; its figures live in its own folder (not applied)
         "weight": "risk.toml", "balance": "balance.csv", "valuation": "valuation.csv",
         "arr": "arr.csv"}
KEYS = {"market.csv": ["id"], "actuals.csv": ["item", "period"], "assumptions.csv": ["scenario", "driver"],
        "reference.csv": ["metric", "period"], "funding.csv": ["item"], "events.csv": ["id"], "claims.csv": ["id"],
        "balance.csv": ["item"], "valuation.csv": ["item", "scenario"], "arr.csv": ["item", "scenario"],
        "operating.csv": ["item", "period"], "units.csv": ["scenario", "driver"],
        "compute_operating.csv": ["item", "period"], "compute.csv": ["scenario", "driver"], "reference_class.csv": ["id"],
        "risk.csv": ["driver"]}


def data_file(slot) -> str:
    """The data file a slot's value lives in: the unit build's metrics and drivers have their own."""
    if slot.kind == "unit":
        return "units.toml"
    if slot.kind == "actual" and slot.key in UNIT_ACTUALS:
        return "operating.csv"
    if slot.kind == "assumption" and slot.key in UNIT_DRIVERS:
        return "units.csv"
    from ..data.compute import COMPUTE_ACTUALS, COMPUTE_DRIVERS   # the compute build's own files
    if slot.kind == "actual" and slot.key in COMPUTE_ACTUALS:
        return "compute_operating.csv"
    if slot.kind == "assumption" and slot.key in COMPUTE_DRIVERS:
        return "compute.csv"
    if slot.kind == "benchmark":
        return "reference_class.csv"
    if slot.kind == "risk":   # a range's point in risk.csv, a Monte Carlo setting in risk.toml
        return "risk.csv" if slot.field else "risk.toml"
    return FILES[slot.kind]


def earlier_reason(slot, data) -> str:
    """A forecast part's edit in a table of the earlier format has no cell to go to (earlier_format.py)."""
    return earlier_format.edit_reason(data_file(slot), slot.period, data) if slot.kind == "assumption" else ""


@dataclass
class Difference:
    cell: InputCell
    data: object        # the data files' value
    reason: str = ""    # why it cannot be written back ("" when it can)
    exists: bool = True  # False: the data files no longer have this input
    resolved: Resolved | None = None  # the input as the data files define it
    conflict: bool = False  # the data files changed it too since the build: --apply refuses


def differences(book: UserBook, data: Dataset) -> tuple[list[Difference], list[str]]:
    """Every input whose workbook value differs from the data files, and notes on the values the data
    files changed since the build where the workbook was not edited (they stay: the user changed the
    data file, not the workbook). An input whose slot no longer exists in the data is listed only when
    the build record shows the user edited it."""
    out, notes = [], []
    for cell in book.inputs:
        r = resolve(data, cell.slot)
        if r.gone:
            if cell.edited:
                out.append(Difference(cell, None, r.gone, exists=False, resolved=r))
            continue
        if same(cell.value, r.value):
            continue
        changed = cell.built is not MISSING and not same(r.value, cell.built)
        if changed and not cell.edited:
            notes.append(f"{describe(cell)}: the data files changed it from {value_text(cell, cell.built)} to "
                         f"{value_text(cell, r.value)} since the workbook was built; the data files keep "
                         f"{value_text(cell, r.value)} (rebuild the workbook to see it)")
        elif changed:
            out.append(Difference(cell, r.value, f"the data files changed it from {value_text(cell, cell.built)} "
                                  "since the workbook was built", resolved=r, conflict=True))
        else:
            out.append(Difference(cell, r.value, problem(r, cell.value) or r.elsewhere or earlier_reason(cell.slot, data),
                                  resolved=r))
    return out, notes


def table(diffs: list[Difference]) -> list[str]:
    """The differences as aligned columns, a reason appended where one cannot be applied."""
    rows = [("Defined name", "Label", "Period", "Scenario", "Data value", "Workbook value", "")]
    for d in diffs:
        c = d.cell
        rows.append((c.name, c.label, c.period_label, c.slot.scenario,
                     value_text(c, d.data) if d.exists else "—", value_text(c, c.value),
                     f"not applicable: {d.reason}" if d.reason else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths + [0])).rstrip() for r in rows]


def number_text(value, kind: str, original: str = "") -> str:
    """A value as the data files write it, following the cell it replaces (60%, 0.6, (1.5))."""
    if value is None:
        return ""
    original = original.strip()
    pct = original.endswith("%") if original else kind == "pct"
    v = value * 100 if pct else value
    paren = original.startswith("(") and v < 0
    text = format(round(abs(v) if paren else v, 10), ".15g")
    text = f"({text})" if paren else text
    return text + ("%" if pct else "")


def _key(text: str) -> str:
    p = parse_period(text) if text.strip() else None
    return p.code if p else text.strip()


def csv_rows(text: str):
    """The file's lines, its header, and (line index, cells) per data row; blank and comment lines
    (first cell starting with #) are skipped, as the loader does."""
    lines = text.splitlines(keepends=True)
    header, rows = None, []
    for i, line in enumerate(lines):
        cells = next(csv.reader([line]), [])
        if not any(c.strip() for c in cells) or is_comment(cells):
            continue
        if header is None:
            header = [h.strip() for h in cells]
        else:
            rows.append((i, cells + [""] * (len(header) - len(cells))))
    return lines, header, rows


def _line(cells, ending: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=ending).writerow(cells)
    return buf.getvalue()


def edit_csv(text: str, keys: list[str], updates: dict, append: list[dict]) -> str:
    """`text` with updates[(key values)][column] = new text applied and `append` rows added after the
    last row of the same item; every other line is kept byte for byte."""
    lines, header, rows = csv_rows(text)
    ending = "\r\n" if "\r\n" in text else "\n"
    col = {h: i for i, h in enumerate(header)}
    for i, cells in rows:
        new = updates.get(tuple(_key(cells[col[k]]) for k in keys))
        if new:
            for column, value in new.items():
                cells[col[column]] = value
            lines[i] = _line(cells, lines[i][len(lines[i].rstrip("\r\n")):] or ending)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += ending
    for extra in append:
        same = [i for i, cells in rows if cells[0].strip() == extra.get(header[0])]
        at = (max(same) if same else len(lines) - 1) + 1
        lines.insert(at, _line([extra.get(h, "") for h in header], ending))
        rows = [(i + (i >= at), cells) for i, cells in rows]
    return "".join(lines)


def set_toml(text: str, section: str, key: str, value: str) -> str:
    """`text` with `key = value` set in [section] ("" = top level), comments and layout kept."""
    lines, current, first_header = text.splitlines(keepends=True), "", None
    for i, line in enumerate(lines):
        head = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if head:
            current, first_header = head.group(1), first_header if first_header is not None else i
            continue
        m = re.match(rf"(\s*{re.escape(key)}\s*=\s*)(?:\"[^\"]*\"|[^#\r\n]*?)(\s*(?:#.*)?)(\r?\n)?$", line)
        if m and current == section:
            lines[i] = m.group(1) + value + m.group(2) + (m.group(3) or "")
            return "".join(lines)
    if section:
        return _add_to_section(lines, section, f"{key} = {value}")
    at = first_header if first_header is not None else len(lines)
    return "".join(lines[:at] + [f"{key} = {value}\n"] + lines[at:])


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted (a scenario named "Downside case")."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _add_to_section(lines: list[str], section: str, setting: str) -> str:
    """The lines with `setting` added at the top of [section], or in a new [section] at the end."""
    for i, line in enumerate(lines):
        if re.match(rf"\s*\[\s*{re.escape(section)}\s*\]", line):
            return "".join(lines[:i + 1] + [setting + "\n"] + lines[i + 1:])
    tail = "" if not lines or lines[-1].endswith("\n") else "\n"
    return "".join(lines) + f"{tail}\n[{section}]\n{setting}\n"


def _read(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8", "gbk"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise DataError(path, "cannot decode the file: save it as UTF-8 CSV")


def _original_texts(text: str, keys: list[str]) -> dict:
    """(key values, column) -> the text now in that cell, so a new value follows its style."""
    _, header, rows = csv_rows(text)
    return {(tuple(_key(cells[header.index(c)]) for c in keys), h): cells[i]
            for _, cells in rows for i, h in enumerate(header)}


def new_texts(folder: Path, diffs: list[Difference], data: Dataset) -> dict[Path, str]:
    """The new text of every data file the differences change."""
    texts = {}
    by_file: dict[str, list[Difference]] = {}
    for d in diffs:
        by_file.setdefault(data_file(d.cell.slot), []).append(d)
    for name, group in by_file.items():
        path = folder / name
        text, _ = _read(path)
        if name.endswith(".toml"):
            for d in group:
                s = d.cell.slot
                if s.kind == "unit":
                    text = set_toml(text, "", s.key, format(round(d.cell.value, 12), ".15g"))
                elif s.kind == "peer":
                    text = set_toml(text, f"peers.{s.field}", s.key, format(round(d.cell.value, 12), ".15g"))
                elif s.kind == "scenario":
                    text = set_toml(text, "", "default_scenario", json.dumps(d.cell.value, ensure_ascii=False))
                elif s.kind in ("risk", "weight"):
                    value = int(d.cell.value) if s.kind == "risk" and s.key in RISK_WHOLE else d.cell.value
                    text = set_toml(text, "weights" if s.kind == "weight" else "", toml_key(s.key),
                                    format(round(value, 12), ".15g"))
                else:
                    section = "tolerances" if s.kind == "tolerance" else "sensitivity"
                    text = set_toml(text, section, s.key, format(round(d.cell.value, 12), ".15g"))
            texts[path] = text
            continue
        keys = KEYS[name]
        original = _original_texts(text, keys)
        updates, append, new_rows = {}, [], {}
        for d in group:
            s, kind = d.cell.slot, d.resolved.unit
            if s.kind == "actual":
                k, column = (s.key, s.period), "value"
            elif s.kind == "assumption":
                k, column = (s.scenario, s.key), s.period
            elif s.kind == "funding" and s.key == "raise_year":
                updates.setdefault(("equity_raise",), {})["period"] = f"FY{int(d.cell.value)}"
                continue
            elif s.kind == "funding":
                k, column = (s.key,), "value"
            elif s.kind == "event":
                k, column = (s.key,), {"counted": "in_opening_cash", "year": "date", "maturity_year": "maturity"}.get(
                    s.field, s.field)
                if s.field in ("counted", "year", "maturity_year"):  # a flag as yes/no; a year moves its date
                    ev = next(e for e in data.events if e.id == s.key)
                    value = int(d.cell.value)
                    date, year = (ev.maturity, ev.maturity_year) if s.field == "maturity_year" else (ev.date, ev.year)
                    updates.setdefault(k, {})[column] = ("no" if value else "yes") if s.field == "counted" else \
                        date.replace(year=date.year + value - year, day=min(date.day, 28)
                                     if date.month == 2 else date.day).isoformat()
                    continue
            elif s.kind == "claim":
                k, column = (s.key,), "reported" if s.field == "value" else "tolerance"
            elif s.kind == "balance":
                k, column = (s.key,), s.field
            elif s.kind in ("valuation", "arr"):
                k, column = (s.key, s.scenario), "value"
            elif s.kind in ("benchmark", "market", "risk"):
                k, column = (s.key,), s.field
            else:
                k, column = (s.key, s.period), s.field
            if (k, column) not in original and s.kind == "assumption":
                # an optional driver the file left out (0 assumed): a new row, the other years as data
                row = new_rows.setdefault(k, {"scenario": s.scenario, "driver": s.key, **{
                    p.code: number_text(v, kind) for p, v in zip(data.forecast_periods, data.assumptions[k])}})
                row[column] = number_text(d.cell.value, kind)
                continue
            if (k, column) not in original:
                period = s.period or (data.funding[s.key].period.code if s.kind == "funding"
                                      and data.funding[s.key].period else "") or (
                    data.funding["opening_cash"].period.code if s.kind == "balance" else "")
                append.append({keys[0]: s.key, "period": period, "scenario": s.scenario, column: number_text(d.cell.value, kind),
                               "note": "entered in the workbook"})
                continue
            updates.setdefault(k, {})[column] = number_text(d.cell.value, kind, original[(k, column)])
        texts[path] = edit_csv(text, keys, updates, append + list(new_rows.values()))
    return texts


def locate(folder: Path, d: Difference) -> str:
    """Where a difference sits in the data files: "actuals.csv, row 12" (a TOML file: its line)."""
    s, name = d.cell.slot, data_file(d.cell.slot)
    try:
        text, _ = _read(Path(folder) / name)
    except (OSError, DataError):
        return name
    if name.endswith(".toml"):
        key = "default_scenario" if s.kind == "scenario" else toml_key(s.key)
        n = toml_line(text, key)
        return f"{name}, line {n}" if n else name
    keys = KEYS[name]
    want = {"actual": (s.key, s.period), "assumption": (s.scenario, s.key), "valuation": (s.key, s.scenario),
            "arr": (s.key, s.scenario)}.get(
        s.kind) or (
        (s.key, s.period) if s.kind == "reference" else ("equity_raise",) if s.key == "raise_year" else (s.key,))
    _, header, rows = csv_rows(text)
    for i, cells in rows:
        if tuple(_key(cells[header.index(k)]) for k in keys) == want:
            return f"{name}, row {i + 1}"
    return name


def apply(folder, diffs: list[Difference], data: Dataset) -> list[tuple[Path, Path]]:
    """Write the applicable differences into the data files, all or nothing; returns (file, kept copy)
    pairs. The new files are first loaded from a scratch copy of the folder: if they do not load,
    the DataError is raised with nothing changed. Each changed file is copied to a kept copy (no
    rotation removes it), then the new files replace the old as one (journal.replace_all: a kill
    leaves the folder as it was or, after the next command, fully applied). Call it holding
    journal.locked(folder), from before `data` was loaded."""
    folder = Path(folder)
    texts = new_texts(folder, [d for d in diffs if not d.reason], data)
    for path in texts:
        backup.refuse_read_only(path, "to apply edits to it")
    encoded = {path: text.encode(_read(path)[1]) for path, text in texts.items()}
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / folder.name
        shutil.copytree(folder, trial, ignore=lambda _, names: [n for n in names if not_data(n)])
        for path, raw in encoded.items():
            (trial / path.name).write_bytes(raw)
        load(trial, beside=folder.parent)   # its peers are read where the folder's own are
    with journal.locked(folder):
        done = [(path, backup.backup(path, kept=True)) for path in encoded]
        journal.replace_all(folder, encoded, dict(done))
    return done


def not_data(name: str) -> bool:
    """Files of a data folder that are not data: kept copies and backups, a journal and staged copies,
    temporary files, an editor's lock file (.~lock.actuals.csv#)."""
    return ".kept-" in name or ".backup-" in name or journal.is_ours(name) or name.startswith((".~", "~$")) \
        or name.endswith(".tmp")
