"""Reading and writing files: raw spreadsheets in (safely), processed tables out (atomically).

- ``files``: read any raw file (xlsx/xlsm/xls/xlsb/ods/csv/HTML-as-xls) into ``Sheet`` grids,
  refusing hostile or broken input with a one-line Vietnamese reason.
- ``csv_safe``: deterministic, atomic CSV/Parquet/JSON writers (CSV safe to open in Excel).
- ``templates``: blank Excel forms (Biểu số 01-VHCS, 02-VHCS) for units and inspectors.
"""
