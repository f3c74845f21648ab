"""Work each long-running process does once when it starts (`fupin serve`, `fupin worker` …).

Apps register a callable in their `AppConfig.ready()`; the processes that start call
`run_all()` before doing anything else. The datahub's is the sweep that marks batches left
behind by a killed process as failed.
"""

from __future__ import annotations

from collections.abc import Callable

_HOOKS: list[Callable[[], object]] = []


def register(hook: Callable[[], object]) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def run_all() -> None:
    for hook in _HOOKS:
        hook()
