"""The workbook: a `Book` of sheets and cells (`book`), the shared period columns (`timeline`),
line items placed on a sheet (`layout`), one module per tab (`tabs/`), assembling them (`build`),
the build record written with it (`record`, `slots`), writing it with xlsxwriter (`writer`) and
reading a workbook back safely (`readback`).

May import `calc`, `data` and `labels`; never `regen` or `engine`."""
