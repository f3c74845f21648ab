"""Streaming readers and writers for the Excel and CSV layouts that offices exchange.

A plain package, not a Django app: no models, no settings. It imports only `fupin.core` and
Django's translation helpers (for user-facing messages).

- `readers`: `open_table` (detects CSV / xlsx / xls / ods by content), `locate_header`
  (finds the header below a title block, handles 2–3-row merged group headers) and
  `data_rows`.
- `values`: text-to-value parsers for dates, periods, yes/no, amounts, ID numbers, integers.
- `writers`: `write_xlsx` (title row, merged group headers, every value as text) and
  `write_csv`.

Memory stays bounded however large a file grows; see docs/adr for the reader engines.
"""
