"""The build record: a very hidden sheet `_meta` in every generated workbook.

It lets a later build tell an edit the user made from a change in the data files, and find what
the user added. One row per record, as text only (no numbers outside Inputs):

    A          B              C (and D, E ... when the JSON is longer than one cell holds)
    version    1              {"folder": "zhipu", "path": "templates/zhipu", "lang": "en"}
    input      Act_revenue    {"shape": [rows, cols], "label": ..., "cells": [[r, c, slot token, data value], ...]}
    layout     Inputs         [[label key, formula columns, constant columns] or null, ...]  (one entry per row)
    keys       Inputs         [row key or null, ...]  (one entry per row: cellkeys.row_keys)
    notes      Inputs         [[row, column, the comment the tool wrote], ...]
    names      (blank)        [every defined name the tool wrote]
    review     (blank)        [[slot token, the user's value, the data value then, now], ...]  (Review tab)

`input` records each input block (a defined name): the slot of every input cell by its position in
the named range, and the value the data files gave it when the workbook was built. `layout`
records, per sheet and row, the row's label and the columns the tool wrote, so cells a user added
can be found even after rows were inserted; `keys` what each row holds (its section and line item),
so that what the user added goes to the same line and period in a rebuild; `notes` the comments the
tool wrote, so that a comment the user added is told from ours; `names` the defined names, so that a
name the user defined is told from ours; `review` the conflicts the Review tab asks the user to decide,
one per cell of the defined name ReviewChoices. Excel and LibreOffice keep the sheet when saving
(LibreOffice makes it merely hidden). A reader of an older record (without keys, notes, names) carries
the inputs over as before.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..calc.formula import Rng
from ..labels import LANGS
from .cellkeys import label_key, row_keys
from .slots import Gone, input_slots, resolve

PROJECT = Path(__file__).resolve().parents[2]  # the checkout: data folders are recorded relative to it
META_SHEET = "_meta"
VERSION = "1"
CHUNK = 8000  # characters per cell: Excel holds 32767, but a LibreOffice save was seen to break longer texts


def layout(sheet) -> list:
    rows: list = [None] * (sheet.last_row() + 1)
    for (r, c), cell in sheet.cells.items():
        if not cell.is_formula and cell.content in (None, ""):
            continue
        if rows[r] is None:
            a = sheet.cell_at(r, 0)
            rows[r] = [label_key(a and a.content, bool(a and a.is_formula)), [], []]
        rows[r][1 if cell.is_formula else 2].append(c)
    for row in rows:
        if row is not None:
            row[1].sort()
            row[2].sort()
    return rows


def input_blocks(book, slots: dict, defaults) -> dict:
    """Each input block of `book` (a defined name over input cells; `slots`: input cell -> slot) ->
    {"shape": [rows, cols], "label", "cells": [[r, c, slot token, the data value in `defaults`], ...]}."""
    blocks = {}
    with defaults.unchanged():   # the data do not change during the pass
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


def sheet_records(sheet) -> list:
    """What the record keeps of one tab: its layout, its row keys and the comments on its cells."""
    notes = sorted([r, c, cell.comment] for (r, c), cell in sheet.cells.items() if cell.comment)
    return [("layout", sheet.name, layout(sheet)), ("keys", sheet.name, row_keys(sheet))] + (
        [("notes", sheet.name, notes)] if notes else [])


def add_meta_sheet(book, inputs, defaults):
    """Append the build record to `book`. `defaults` is the data as the files give it (before any
    carried-over edits), so the next build still recognises those edits as the user's."""
    records = [("version", VERSION, {"folder": defaults.folder.name, "path": project_path(defaults.folder),
                                     "lang": book.t.lang})]
    records += [("input", name, block) for name, block in input_blocks(book, input_slots(inputs), defaults).items()]
    for sh in book.sheets:
        records += sheet_records(sh)
    records.append(("names", "", sorted(book.names)))
    book.add_sheet("meta", "hidden", META_SHEET)
    add_records(book, records)


def add_records(book, records):
    """Write records into the book's _meta sheet, after those it holds (a tab added after the build: the
    Review tab)."""
    sh = book.sheet(META_SHEET)
    first = sh.last_row() + 1 if sh.cells else 0
    for r, (kind, name, payload) in enumerate(records, first):
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
    keys: dict = field(default_factory=dict)    # sheet name -> row keys
    notes: dict = field(default_factory=dict)   # sheet name -> {(row, column): the comment the tool wrote}
    names: set | None = None                    # the defined names the tool wrote (None: an older record)
    review: list = field(default_factory=list)  # [slot token, the user's value, old and new data] per choice

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
        elif kind == "keys":
            if not (_is(name, str) and _is(payload, list) and all(k is None or _is(k, str) for k in payload)):
                raise MetaError(f"{damaged}: the keys row of sheet {name!r} is not a list of row keys")
            meta.keys[name] = payload
        elif kind == "notes":
            if not (_is(name, str) and _is(payload, list) and all(
                    _is(n, list, 3) and _is(n[0], int) and _is(n[1], int) and _is(n[2], str) for n in payload)):
                raise MetaError(f"{damaged}: the notes row of sheet {name!r} is not a list of comments")
            meta.notes[name] = {(r, c): text for r, c, text in payload}
        elif kind == "names":
            if not (_is(payload, list) and all(_is(n, str) for n in payload)):
                raise MetaError(f"{damaged}: its names row is not a list of names")
            meta.names = (meta.names or set()) | set(payload)
        elif kind == "review":
            if not (_is(payload, list) and all(_is(x, list, 4) and _is(x[0], str) and x[0].count("|") == 4
                                               for x in payload)):
                raise MetaError(f"{damaged}: its review row is not a list of choices")
            meta.review = payload
    if version != VERSION:
        raise MetaError(f"the build record ({META_SHEET} sheet) has version {version}; this tool reads {VERSION}")
    if meta.lang not in LANGS:
        raise MetaError(f"{damaged}: it names the edition {meta.lang!r}; this tool writes {', '.join(LANGS)}")
    return meta
