"""The registry of scenario operations: name → function, parameters, domain.

An operation is a function ``op(edit, **params) -> Outcome`` defined once in
one of the domain modules (``merge``, ``boundaries``, ``stations``, ``regrid``,
``staffing``). It validates its parameters against the graph before it
changes anything, then records its changes in the :class:`~orggraph.scenarios._edit.Edit`.
Its parameters are plain data (ids, lists, dicts, numbers, ISO dates), so a
scenario file can hold them and replay them.
"""

from __future__ import annotations

import datetime as _dt
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from ...errors import ScenarioError

__all__ = ["Operation", "Outcome", "OPERATIONS", "operation", "bind", "plain"]


@dataclass
class Outcome:
    """What an operation did: a JSON-able ``summary``, an optional ``details`` table,
    and ``resolved`` parameters it chose itself (generated ids), recorded so a
    replay makes the same choices."""

    summary: dict = field(default_factory=dict)
    details: pd.DataFrame | None = None
    resolved: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    name: str
    func: Callable
    signature: inspect.Signature
    domain: str

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""


OPERATIONS: dict[str, Operation] = {}


def operation(func: Callable) -> Callable:
    """Register ``func`` (first parameter: the edit) as a scenario operation named after it."""
    sig = inspect.signature(func)
    params = list(sig.parameters.values())[1:]
    OPERATIONS[func.__name__] = Operation(func.__name__, func, sig.replace(parameters=params), func.__module__.rsplit(".", 1)[-1])
    return func


def bind(name: str, params: dict) -> dict:
    """Check ``params`` against operation ``name``; return them as plain data (for the log and files)."""
    if name not in OPERATIONS:
        raise ScenarioError(f"unknown operation {name!r}; known: {', '.join(sorted(OPERATIONS))}")
    sig = OPERATIONS[name].signature
    try:
        sig.bind(**params)
    except TypeError as exc:
        raise ScenarioError(f"{name}: {exc}") from None
    return {k: plain(v) for k, v in params.items()}


def plain(value: Any) -> Any:
    """``value`` as JSON-able data: tuples → lists, dates → ISO strings, numpy scalars → Python."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):  # a table of rows (elect's new 班子): recorded as a list of rows
        rows = value.astype(object).where(value.notna(), None).to_dict("records")
        return [{str(k): plain(v) for k, v in r.items()} for r in rows]
    if isinstance(value, (list, tuple, set, frozenset, pd.Index, pd.Series, np.ndarray)):
        return [plain(v) for v in (sorted(value) if isinstance(value, (set, frozenset)) else value)]
    raise ScenarioError(f"parameter value {value!r} ({type(value).__name__}) cannot be recorded: use ids, numbers, text, dates, lists or dicts")
