"""The build record: a very hidden sheet `_meta` in every generated workbook.

It lets a later build tell an edit the user made from a change in the data files, and find what
the user added. One row per record, as text only (no numbers outside Inputs):

    A          B              C (and D, E ... when the JSON is longer than one cell holds)
    version    1              {"folder": "zhipu", "path": "templates/zhipu", "lang": "en"}
    input      Act_revenue    {"shape": [rows, cols], "label": ..., "cells": [[r, c, slot token, data value], ...]}
    layout     Inputs         [[label key, formula columns, constant columns] or null, ...]  (one entry per row)

`input` records each input block (a defined name): the slot of every input cell by its position in
the named range, and the value the data files gave it when the workbook was built. `layout`
records, per sheet and row, the row's label and the columns the tool wrote, so cells a user added
can be found even after rows were inserted. Excel and LibreOffice keep the sheet when saving
(LibreOffice makes it merely hidden).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..calc.formula import Rng
from ..labels import LANGS, Labels
from .book import Book
from .slots import Gone, input_slots, resolve
from .tabs.inputs import InputsTab
from .timeline import Timeline

PROJECT = Path(__file__).resolve().parents[2]  # the checkout: data folders are recorded relative to it
META_SHEET = "_meta"
VERSION = "1"
CHUNK = 8000  # characters per cell: Excel holds 32767, but a LibreOffice save was seen to break longer texts


def label_key(value, is_formula: bool) -> str:
    """A row's identity for aligning rows: the start of its column-A text ("=" for a formula)."""
    if is_formula:
        return "="
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):g}"
    return str(value)[:24]


def layout(sheet) -> list:
    rows: list = [None] * (sheet.last_row() + 1)
    for (r, c), cell in sorted(sheet.cells.items()):
        if not cell.is_formula and cell.content in (None, ""):
            continue
        if rows[r] is None:
            a = sheet.cell_at(r, 0)
            rows[r] = [label_key(a and a.content, bool(a and a.is_formula)), [], []]
        rows[r][1 if cell.is_formula else 2].append(c)
    return rows


def input_blocks(book, slots: dict, defaults) -> dict:
    """Each input block of `book` (a defined name over input cells; `slots`: input cell -> slot) ->
    {"shape": [rows, cols], "label", "cells": [[r, c, slot token, the data value in `defaults`], ...]}."""
    blocks = {}
    for name, target in book.names.items():
        grid = target.cells() if isinstance(target, Rng) else [[target]]
        found = [(r, c, resolve(defaults, slots[cell])) for r, row in enumerate(grid) for c, cell in enumerate(row)
                 if cell in slots]
        if found:
            if gone := next((x.gone for *_, x in found if x.gone), ""):
                raise Gone(gone)
            blocks[name] = {"shape": [len(grid), len(grid[0])], "label": found[0][2].label,
                            "cells": [[r, c, x.slot.token(), x.value] for r, c, x in found]}
    return blocks


def blocks_of(data) -> dict:
    """The input blocks a build of `data` names (as input_blocks, each with "heads": the period header
    over each cell, FY2027E, or ""), from its Inputs tab alone, in a few milliseconds: what a workbook
    without a build record is read against, so that every family of input names is known from the one
    place that names them."""
    book = Book(Labels("en", data.company, data.base_year.code))
    tl = Timeline(data)
    inputs = InputsTab(book, data, tl, data.scenarios[0])
    blocks = input_blocks(book, input_slots(inputs), data)
    heads = {tl.col[p]: p.code + tl.header_format(p)[-1] for p in tl.periods}
    for name, block in blocks.items():
        target = book.names[name]
        col = target.first.col if isinstance(target, Rng) else target.col
        block["heads"] = [heads.get(col + c, "") if s.split("|")[3] else "" for _, c, s, _ in block["cells"]]
    return blocks


def add_meta_sheet(book, inputs, defaults):
    """Append the build record to `book`. `defaults` is the data as the files give it (before any
    carried-over edits), so the next build still recognises those edits as the user's."""
    records = [("version", VERSION, {"folder": defaults.folder.name, "path": project_path(defaults.folder),
                                     "lang": book.t.lang})]
    records += [("input", name, block) for name, block in input_blocks(book, input_slots(inputs), defaults).items()]
    records += [("layout", sh.name, layout(sh)) for sh in book.sheets]
    sh = book.add_sheet("meta", "hidden", META_SHEET)
    for r, (kind, name, payload) in enumerate(records):
        sh.put(r, 0, kind, "text")
        sh.put(r, 1, name, "text")
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        for i in range(0, len(text), CHUNK):
            sh.put(r, 2 + i // CHUNK, text[i:i + CHUNK], "text")


def project_path(folder) -> str:
    """A data folder as the build record names it: relative to the project, "" when outside it."""
    try:
        return Path(folder).resolve().relative_to(PROJECT).as_posix()
    except ValueError:
        return ""


def project_folder(text: str) -> Path | None:
    """The data folder a build record names, if it is one inside the project (a path that is absolute
    or climbs out with ../ is not: a workbook's content must not choose where data files are written)."""
    if not text:
        return None
    folder = (PROJECT / text).resolve()
    return folder if folder != PROJECT and folder.is_relative_to(PROJECT) and folder.is_dir() else None


@dataclass
class Meta:
    folder: str
    blocks: dict   # defined name -> {"shape", "label", "cells"}
    layouts: dict  # sheet name -> rows
    lang: str = "en"  # the edition (model/labels) the workbook was written in
    path: str = ""    # the data folder relative to the project ("" : outside it, or an older record)

    def built_values(self) -> dict:
        """Slot token -> the data value when the workbook was built."""
        return {token: value for b in self.blocks.values() for _, _, token, value in b["cells"]}


class MetaError(ValueError):
    pass


def _is(value, kind, n=None) -> bool:
    return isinstance(value, kind) and (n is None or len(value) == n)


def _valid_block(b) -> bool:
    return (_is(b, dict) and _is(b.get("shape"), list, 2) and all(_is(n, int) and n > 0 for n in b["shape"])
            and _is(b.get("label"), str) and _is(b.get("cells"), list)
            and all(_is(c, list, 4) and _is(c[0], int) and _is(c[1], int) and _is(c[2], str)
                    and c[2].count("|") == 4 for c in b["cells"]))


def _valid_layout(rows) -> bool:
    return _is(rows, list) and all(r is None or (_is(r, list, 3) and _is(r[0], str) and all(
        _is(cols, list) and all(_is(c, int) for c in cols) for cols in r[1:])) for r in rows)


def read_meta(wb) -> Meta | None:
    """The build record of a workbook (readback.Workbook); None when it has none. A record that is
    damaged in any way (edited, truncated, of another version or edition) raises MetaError."""
    if META_SHEET not in wb.sheetnames:
        return None
    meta, version = Meta("", {}, {}), None
    damaged = f"the build record ({META_SHEET} sheet) is damaged"
    for row in wb[META_SHEET].value_rows():
        if not row or row[0] is None:
            continue
        kind, name = row[0], row[1] if len(row) > 1 else None
        try:
            payload = json.loads("".join(str(v) for v in row[2:] if v is not None))
        except (ValueError, RecursionError) as e:
            raise MetaError(f"{damaged}: {e}") from None
        if kind == "version":
            version = str(name)
            if not (_is(payload, dict) and all(_is(payload.get(k, ""), str) for k in ("folder", "path", "lang"))):
                raise MetaError(f"{damaged}: its version row is not a record")
            meta.folder, meta.path = payload.get("folder", ""), payload.get("path", "")
            meta.lang = payload.get("lang", "en")
        elif kind == "input":
            if not (_is(name, str) and _valid_block(payload)):
                raise MetaError(f"{damaged}: the row of input block {name!r} is not a block record")
            meta.blocks[name] = payload
        elif kind == "layout":
            if not (_is(name, str) and _valid_layout(payload)):
                raise MetaError(f"{damaged}: the layout row of sheet {name!r} is not a layout record")
            meta.layouts[name] = payload
    if version != VERSION:
        raise MetaError(f"the build record ({META_SHEET} sheet) has version {version}; this tool reads {VERSION}")
    if meta.lang not in LANGS:
        raise MetaError(f"{damaged}: it names the edition {meta.lang!r}; this tool writes {', '.join(LANGS)}")
    return meta
