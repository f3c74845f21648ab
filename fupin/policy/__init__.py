"""Policy numbers as dated, cited data, and the Chinese working-day calendar.

A plain package, not a Django app (the screening engine reads it too): `param(name, on=…,
province=…)` answers a parameter's value on a day from `data/parameters.yaml`, each value
citing the document it comes from; `workdays` counts working days with the State Council's
public holidays and adjusted working days (chinesecalendar, plus `data/holidays.yaml` for a
year the package does not know yet). Code never hard-codes a threshold: it asks here.
"""

from fupin.policy.parameters import (
    ParameterUnknown,
    ParameterValue,
    all_parameters,
    param,
    param_value,
    province_of,
)

__all__ = [
    "ParameterUnknown",
    "ParameterValue",
    "all_parameters",
    "param",
    "param_value",
    "province_of",
]
