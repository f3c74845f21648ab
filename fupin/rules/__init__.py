"""Screening rules: one rule language over a documented catalog, compiled to SQL with sqlglot.

Stages, as in sqlglot and Ibis: rule text ▸ syntax tree (`language.parser`) ▸ checked,
typed tree (`language.checker`, against `catalog.yaml`) ▸ sqlglot expressions with the
caller's scope guard (`language.compiler`) ▸ SQL per dialect, run by an engine
(`engines`: DuckDB, PostgreSQL, Spark) over a Parquet `snapshot`. The rule-language core
imports no Django; the Django app (rule storage, runs, findings) builds on this API.
"""
