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
from types import ModuleType as _ModuleType

from . import graph as _graph
from .graph import OrgGraph
from .connect import connect  # light (the driver loads on connecting); eager, as the module shares its name
from . import compare as _compare_module  # the module first: `import orggraph.compare` keeps working

# The parts behind these names load when first used (PEP 562 ``__getattr__`` below), so that
# ``import orggraph`` costs little more than pandas: reading a ledger loads the ledger package,
# ``og.Scenario`` the scenarios, ``g.nx`` networkx.
_LAZY = {
    "read_ledger": "ledger",
    "write_ledger": "ledger",
    "check_ledger": "ledger",
    "read_roster": "ledger.roster",
    "list_samples": "samples",
    "load_sample": "samples",
    "sample_path": "samples",
    "sample_deviations": "samples",
    "Scenario": "scenarios",
    "compare_scenarios": "scenarios",
}

# the OrgGraph methods implemented by higher layers: the module that registers each (graph.extension)
_graph.provided_by("scenario", f"{__name__}.scenarios")
_graph.provided_by("write_ledger", f"{__name__}.ledger")
_graph.provided_by("to_neo4j", f"{__name__}.connect")


class _CallableModule(_ModuleType):
    """The module ``orggraph.compare`` (graph_differences …) that can also be called as
    :func:`orggraph.scenarios.compare` (``og.compare(baseline, scenario)``).

    ``orggraph.compare`` was a module before scenarios existed; replacing the package
    attribute by a function would break ``import orggraph.compare`` (the attribute wins)
    and ``og.compare.graph_differences``. Giving the module a callable class keeps every
    spelling working; the scenarios load on the first call.
    """

    def __call__(self, baseline, scenario, **kwargs):
        from .scenarios import compare as compare_scenarios

        return compare_scenarios(baseline, scenario, **kwargs)


_compare_module.__class__ = _CallableModule
#: ``orggraph.compare(baseline, scenario)`` compares a scenario with its baseline; the same object is
#: the module ``orggraph.compare`` (``graph_differences`` …), made callable so both spellings work
compare = _compare_module

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
    """The public names of the parts that load on first use (:data:`_LAZY`), and the sub-modules (``og.plot``,
    ``og.report``, ``og.synthetic``, ``og.samples`` …) on first use (matplotlib loads only when plotting)."""
    import importlib
    import importlib.util

    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")  # a sub-module: og.plot, og.samples …
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
