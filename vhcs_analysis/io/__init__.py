"""Reading and writing files: raw spreadsheets in (safely), processed tables out (atomically).

- ``files``: read any raw file (xlsx/xlsm/xls/xlsb/ods/csv/HTML-as-xls/XML 2003) into
  ``Sheet`` grids, refusing hostile or broken input with a one-line Vietnamese reason;
  list the input files of a raw folder. Helpers: ``base`` (Sheet, Limits), ``zip_guard``
  (zip-bomb, entity and cell-extent checks before parsing), ``html_tables`` (markup).
- ``locate``, ``recognise``: where the tables are on a sheet and what they are.
- ``writers``: deterministic, atomic CSV/Parquet/JSON writers (CSV safe to open in Excel).
- ``xlsx_write``: byte-identical workbook writer; ``templates``: blank Excel forms
  (Biểu số 01-VHCS, 02-VHCS) for units and inspectors.
"""
