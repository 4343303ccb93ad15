"""What-if restructurings (改革推演): scenarios branching from a baseline graph.

>>> import orggraph as og
>>> s = og.load_sample("shijiu").scenario("撤并", date="2021-12-05")
>>> _ = s.merge_communities(["sj-c08", "sj-c10"], into="sj-c01")
>>> len(s.graph.nodes("Community"))
21

See :class:`Scenario` for the operations, :func:`compare` for the diff of a
scenario against its baseline, and ``docs/scenarios.md`` for worked examples.
"""

from __future__ import annotations

from ..errors import ScenarioError
from ..graph import extension
from .comparison import Comparison, compare
from .ops import OPERATIONS
from .scenario import Scenario, Step


@extension("scenario")
def _branch(g, name: str, date=None, description: str = "") -> Scenario:
    """``OrgGraph.scenario``: a scenario branching from ``g``."""
    return Scenario(g, name, date=date, description=description)


#: :func:`compare` under a name that no module shares (``orggraph.compare`` is also a module)
compare_scenarios = compare

__all__ = ["Scenario", "Step", "compare", "compare_scenarios", "Comparison", "OPERATIONS", "ScenarioError"]
