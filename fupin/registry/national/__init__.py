"""The registry in the national 防返贫监测信息系统 layout (a), （自定义）监测对象信息.

- `layout`: the columns, once, for every file fupin writes or reads in this layout;
- `writer`: a household's facts ▸ one row per person (the registry export and the 监测对象台账);
- `export`: the registry's households as those facts, for `fupin export national`, the page
  and the API;
- `load`: rows of a national file ▸ checked against the registry ▸ written in bulk, audited
  (used by the data hub's `national` source).
"""
