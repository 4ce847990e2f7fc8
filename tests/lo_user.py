#!/usr/bin/python3
"""Edit a workbook in LibreOffice as a user would, for the tests: add a sheet of one's own (text,
numbers, formulas typed in LibreOffice's syntax, a number format, bold, merged cells, a chart of its own
cells, notes), put a comment on a cell of the model, type into cells, and save as .xlsx.

Runs under the Python that has `uno` (model/engine/libreoffice.uno_python()), with the engine's own
headless office (model/engine/uno_driver.Office). stdin, one JSON job:
    {"path": "in.xlsx", "save_as": "out.xlsx",
     "sheets": [{"name": "Analyst notes", "after": "Income Statement",
                 "cells": {"A1": "text", "B2": 1.5, "B3": "=$'Income Statement'.H31"},
                 "formats": {"B4": "0.0%"}, "bold": ["A1"], "merge": ["A1:C1"],
                 "chart": "A2:B5", "notes": {"A2": "my note"}}],
     "comments": {"Income Statement!H31": "checked"},
     "edits": {"Review!G7": "keep mine", "Inputs!E18": 25}}
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model", "engine"))
import uno  # noqa: E402
import uno_driver as driver  # noqa: E402
from com.sun.star.awt import Rectangle  # noqa: E402
from com.sun.star.table import CellAddress, CellRangeAddress  # noqa: E402


def cell_of(doc, target):
    sheet, ref = target.rsplit("!", 1)
    return doc.Sheets.getByName(sheet), doc.Sheets.getByName(sheet).getCellRangeByName(ref)


def put(cell, value):
    if isinstance(value, str) and value.startswith("="):
        cell.setFormula(value)
    elif isinstance(value, str):
        cell.setString(value)
    else:
        cell.setValue(float(value))


def note(doc, sheet, ref, text):
    addr = sheet.getCellRangeByName(ref).getCellAddress()
    where = CellAddress()
    where.Sheet, where.Column, where.Row = addr.Sheet, addr.Column, addr.Row
    sheet.Annotations.insertNew(where, text)


def main():
    job = json.load(sys.stdin)
    office = driver.Office()
    office.start()
    try:
        doc = office.desktop.loadComponentFromURL(driver.file_url(job["path"]), "_blank", 0, driver.props(Hidden=True))
        names = list(doc.Sheets.getElementNames())
        for name in names:
            doc.Sheets.getByName(name).unprotect("")
        for spec in job.get("sheets", []):
            index = list(doc.Sheets.getElementNames()).index(spec["after"]) + 1
            doc.Sheets.insertNewByName(spec["name"], index)
            sheet = doc.Sheets.getByName(spec["name"])
            for ref, value in spec.get("cells", {}).items():
                put(sheet.getCellRangeByName(ref), value)
            locale = uno.createUnoStruct("com.sun.star.lang.Locale")
            for ref, code in spec.get("formats", {}).items():
                key = doc.NumberFormats.queryKey(code, locale, False)
                sheet.getCellRangeByName(ref).NumberFormat = key if key != -1 else doc.NumberFormats.addNew(code, locale)
            for ref in spec.get("bold", []):
                sheet.getCellRangeByName(ref).CharWeight = 150
            for ref in spec.get("merge", []):
                sheet.getCellRangeByName(ref).merge(True)
            if spec.get("chart"):
                addr = sheet.getCellRangeByName(spec["chart"]).getRangeAddress()
                area = CellRangeAddress()
                area.Sheet, area.StartColumn, area.StartRow = index, addr.StartColumn, addr.StartRow
                area.EndColumn, area.EndRow = addr.EndColumn, addr.EndRow
                sheet.Charts.addNewByName("chart1", Rectangle(8000, 1000, 10000, 7000), (area,), False, True)
            for ref, text in spec.get("notes", {}).items():
                note(doc, sheet, ref, text)
        for target, text in job.get("comments", {}).items():
            sheet, _ = cell_of(doc, target)
            note(doc, sheet, target.rsplit("!", 1)[1], text)
        for target, value in job.get("edits", {}).items():
            put(cell_of(doc, target)[1], value)
        doc.calculateAll()
        driver.export(doc, job["save_as"], "Calc MS Excel 2007 XML")
        doc.close(True)
    finally:
        office.stop()
    sys.stdout.write(json.dumps({"ok": True}))


if __name__ == "__main__":
    main()
