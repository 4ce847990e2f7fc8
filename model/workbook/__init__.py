"""The workbook: a `Book` of sheets and cells (`book`), the shared period columns (`timeline`),
line items placed on a sheet (`layout`), one module per tab (`tabs/`), assembling them (`build`),
the build record written with it (`record`, `slots`, and `cellkeys`: where a cell of a tab stands by
its line and period), writing it with xlsxwriter (`writer`), putting a user's sheets from another
package into it (`splice`) and reading a workbook back safely (`readback`).

May import `calc`, `data` and `labels`; never `regen` or `engine`."""
