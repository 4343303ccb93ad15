"""orggraph: grassroots governance organisations (基层治理, 党建) as a typed graph.

>>> import orggraph as og
>>> g = og.OrgGraph()
>>> g.add_node("Street", "s1", name="石臼街道")
>>> len(g)
1
"""

from __future__ import annotations

from .errors import (
    BackendError,
    LedgerError,
    NodeNotFound,
    OrgGraphError,
    QueryNotSupportedError,
    ScenarioError,
    SchemaError,
)
from .graph import OrgGraph
from .connect import connect
from .ledger import check_ledger, read_ledger, write_ledger
from .ledger.roster import read_roster
from .samples import list_samples, load_sample, sample_deviations, sample_path
from . import compare as _compare_module  # the module first: `import orggraph.compare` keeps working
from .scenarios import Scenario, compare_scenarios
from .scenarios.comparison import make_callable as _make_callable

#: ``orggraph.compare(baseline, scenario)`` compares a scenario with its baseline; the same object is
#: the module ``orggraph.compare`` (``graph_differences`` …), made callable so both spellings work
compare = _make_callable(_compare_module)

__version__ = "0.1.0"

__all__ = [
    "OrgGraph",
    "connect",
    "read_ledger",
    "write_ledger",
    "check_ledger",
    "read_roster",
    "list_samples",
    "load_sample",
    "sample_deviations",
    "sample_path",
    "Scenario",
    "compare",
    "compare_scenarios",
    "OrgGraphError",
    "LedgerError",
    "SchemaError",
    "NodeNotFound",
    "QueryNotSupportedError",
    "BackendError",
    "ScenarioError",
    "__version__",
]


def __getattr__(name: str):
    """``og.plot``, ``og.report``, ``og.synthetic`` and ``og.queries`` on first use (matplotlib loads only when plotting)."""
    if name in ("plot", "report", "synthetic", "queries", "privacy"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
