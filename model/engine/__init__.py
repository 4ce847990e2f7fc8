"""The spreadsheet engine as judge: LibreOffice headless (`libreoffice`, driving `uno_driver`
under the system Python), Gnumeric (`gnumeric`, ssconvert --recalc) and the cached-against-recalculated
comparison (`verify`).

May import `calc` and `workbook.readback`; never `regen`."""
