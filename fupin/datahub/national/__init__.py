"""The national 防返贫监测信息系统 export as a data hub source that loads the registry itself.

- `columns`: the layout's columns (fupin.registry.national.layout) with the cell parsers and
  the other ways offices write the same code values;
- `stage`: the one pass over the file (cells checked, people de-duplicated, rows grouped by
  household on disk), then the plan of each household against the registry: what is refused,
  what would change;
- `promote`: the plan made again on the registry as it is, and written in one transaction.

Nothing here is imported by `feeds` but `columns`, so the pipeline can import the rest.
"""

CODE = "national"
