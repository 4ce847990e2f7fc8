"""A company's data: reading the files safely (`files`), periods and fiscal years (`periods`), the
values an input may take (`bounds`), the items and drivers a company may give (`items`), and one
module per data file: company.toml (`settings`), actuals.csv (`actuals`), assumptions.csv
(`assumptions`), sources.csv and reference.csv (`sources`), funding.csv (`funding`), events.csv
(`events`), claims.csv (`claims`), the unit build's files (`units`) and the Monte Carlo's (`risk`); `fields` reads the typed
cells they share, `dataset` holds what is loaded, and `company.load` loads a whole folder. `scaffold`
writes a new folder to fill.

May import `calc` and `labels`; never the workbook, regeneration or engine layers."""
