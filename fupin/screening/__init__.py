"""Screening (部门大数据筛查比对预警): rules as versioned data, runs, and findings with evidence.

The rule language, catalog, snapshot and engines live in `fupin.rules` (no Django); this app
keeps the rules and their versions, builds a run's Parquet snapshot from the registry,
assistance and data-hub models, runs the rules as a background task, and keeps one finding
per (rule, subject, screening year) — opened, still open, resolved, dismissed or handed to
the monitoring workflow as a clue (部门筛查预警).
"""
