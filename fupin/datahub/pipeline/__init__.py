"""The import pipeline: read ▸ map columns ▸ validate ▸ de-duplicate ▸ match ▸ stage ▸ promote.

- `columns`: find the header and map columns (preset headers or a saved mapping);
- `chunks`: the rows of a file as chunks of columns (pyarrow for a plain CSV, else fupin.tabular);
- `checks`: a chunk's cells checked a column at a time in DuckDB, the parsers deciding the rest;
- `rows`: one source row to the feed's values, or the reasons it is refused;
- `stage`: the one streaming pass over the file, staging what can be promoted;
- `store`: the staged rows of a batch (a Parquet file) and the DuckDB connections on them;
- `compare`: staged rows against the department table, a part at a time;
- `tables`: bulk reads and writes of a department table;
- `promote`: promotion in one transaction (one promotion of a feed at a time), and rollback;
- `report`: the error workbook;
- `runner`: claiming a batch, progress, failure, and the sweep after a killed process.
"""

from fupin.datahub.pipeline.runner import run_promotion, run_staging, sweep

__all__ = ["run_promotion", "run_staging", "sweep"]
