"""The spreadsheet engine as judge: LibreOffice headless (`libreoffice`, driving `uno_driver`
under the system Python) and the cached-against-recalculated comparison (`verify`).

May import `calc` and `workbook.readback`; never `regen`."""
