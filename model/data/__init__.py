"""A company's data: reading the files safely (`files`), periods and fiscal years (`periods`),
loading and validating a company folder into a `Dataset` (`company`), and writing a new folder
to fill (`scaffold`).

May import `calc` and `labels`; never the workbook, regeneration or engine layers."""
