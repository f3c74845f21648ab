"""The import pipeline: read ▸ map columns ▸ validate ▸ de-duplicate ▸ match ▸ stage ▸ promote.

- `columns`: find the header and map columns (preset headers or a saved mapping);
- `rows`: one source row to the feed's values, or the reasons it is refused;
- `stage`: the one streaming pass over the file, staging what can be promoted;
- `tables`: bulk reads and writes of a department table;
- `promote`: promotion in one transaction, and rollback;
- `report`: the error workbook;
- `runner`: claiming a batch, progress, failure, and the sweep after a killed process.
"""

from fupin.datahub.pipeline.runner import run_promotion, run_staging, sweep

__all__ = ["run_promotion", "run_staging", "sweep"]
