"""Department data hub (数据中心): the files other departments hand over, imported row by row.

A feed (民政, 医保, 教育 …) is data in `feeds.py` with its column map in `excel.py`. An upload
becomes an `ImportBatch` that the pipeline (`pipeline/`) reads with fupin.tabular, validates,
matches to the registry by ID number, stages, previews and promotes in one transaction into
the feed's typed table; a promoted batch can be rolled back (ADR 17). The screening engine reads
the tables named in `feeds.SNAPSHOT_TABLES`. Long work runs as tasks (ADR 18).
"""
