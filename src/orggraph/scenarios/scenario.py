"""The :class:`Scenario`: a branch of a baseline graph where restructurings are tried (what-if 改革推演)."""

from __future__ import annotations

import datetime as _dt
import inspect
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import QueryNotSupportedError, ScenarioError
from ..graph import OrgGraph
from ._edit import Edit, as_date
from .ops import OPERATIONS, bind, plain

__all__ = ["Scenario", "Step"]


@dataclass(frozen=True)
class Step:
    """One applied operation: its name, its parameters (as recorded in a scenario file) and what it did.

    ``summary`` is a dict of counts and id mappings; ``details`` a table where the
    operation has one (``regrid``: the new grids).
    """

    op: str
    params: dict
    summary: dict = field(default_factory=dict)
    details: pd.DataFrame | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_short(v)}" for k, v in self.params.items())
        return f"<Step {self.op}({args})>"


def _short(v) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "…"


class Scenario:
    """A what-if branch of a baseline graph (改革推演): operations change the scenario, never the baseline.

    Create one with :meth:`orggraph.OrgGraph.scenario`. The scenario's
    :attr:`graph` starts as a copy of the baseline that shares its tables (no
    data is copied: tables are never modified in place); each operation
    rebuilds only the tables it changes. ``s.graph`` is a full
    :class:`~orggraph.OrgGraph`: every query and the audit run on it unchanged.

    Each operation is validated before it changes anything (an invalid one
    raises :class:`~orggraph.ScenarioError` and leaves the scenario as it was),
    recorded in :attr:`log` with its parameters, and can be undone
    (:meth:`undo`). :meth:`to_file` saves the operations (JSON or TOML);
    :meth:`from_file` loads them and :meth:`replay` runs them on another graph.

    Parameters
    ----------
    baseline : OrgGraph or None
        The graph to branch from (in memory; for a Neo4j database, branch from
        ``connect(...).to_memory(within=...)``). None for a scenario read
        from a file and not yet replayed.
    name : str
        A name for the scenario.
    date : date or str, optional
        The date the changes take effect (posts of dissolved bodies end then,
        new posts start then). Default: today.
    description : str
        Free text, saved with the operations.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.load_sample("shijiu")
    >>> s = g.scenario("振兴并入东升", date="2021-12-05")
    >>> step = s.merge_communities(["sj-c08"], into="sj-c01")
    >>> len(s.graph.nodes("Community")), len(g.nodes("Community"))
    (22, 23)
    >>> s.log[["operation", "summary"]].iloc[0]["operation"]
    'merge_communities'
    >>> _ = s.undo()
    >>> len(s.graph.nodes("Community"))
    23
    """

    def __init__(self, baseline=None, name: str = "scenario", date=None, description: str = ""):
        if not isinstance(name, str) or not name:
            raise ScenarioError(f"name: give a non-empty text, not {name!r}")
        self.name = name
        self.date: _dt.date = _dt.date.today() if date is None else as_date(date, "date")
        self.description = description or ""
        self._baseline = None
        self._graph = None
        self._steps: list[Step] = []
        self._history: list = []
        self._planned: list[tuple[str, dict]] = []
        if baseline is not None:
            self._bind(baseline)

    def _bind(self, baseline) -> None:
        from ..backends.memory import MemoryBackend

        try:
            store = baseline.store
        except QueryNotSupportedError:
            raise QueryNotSupportedError(
                "scenarios run in memory: extract the region first, e.g. "
                "og.connect(...).to_memory(within=street_id).scenario(...) (see docs/scenarios.md)"
            ) from None
        except AttributeError:
            raise ScenarioError(f"baseline: give an OrgGraph, not {type(baseline).__name__}") from None
        self._baseline = baseline
        self._baseline_version = store.version
        self._graph = OrgGraph(MemoryBackend(store.copy()))

    # ------------------------------------------------------------ state
    @property
    def baseline(self):
        """The graph the scenario branches from (never changed by it)."""
        self._check_bound()
        return self._baseline

    @property
    def graph(self):
        """The graph with the scenario's changes: an :class:`~orggraph.OrgGraph` (live: it follows undo)."""
        self._check_bound()
        return self._graph

    @property
    def bound(self) -> bool:
        """Whether the scenario has a graph (False for one read from a file and not yet replayed)."""
        return self._graph is not None

    def _check_bound(self) -> None:
        if self._graph is None:
            raise ScenarioError(f"scenario {self.name!r} has no graph yet: run it on one with s.replay(graph)")

    @property
    def steps(self) -> tuple[Step, ...]:
        """The applied operations, oldest first."""
        return tuple(self._steps)

    @property
    def operations(self) -> list[tuple[str, dict]]:
        """``[(operation, parameters), …]``: what :meth:`to_file` saves."""
        if self._graph is None:
            return [(op, dict(p)) for op, p in self._planned]
        return [(s.op, dict(s.params)) for s in self._steps]

    @property
    def log(self) -> pd.DataFrame:
        """One row per applied operation: ``step`` (1, 2 …), ``operation``, ``parameters`` (dict), ``summary`` (dict)."""
        rows = [(i + 1, s.op, dict(s.params), dict(s.summary)) for i, s in enumerate(self._steps)]
        return pd.DataFrame(rows, columns=["step", "operation", "parameters", "summary"])

    def __len__(self) -> int:
        return len(self._steps) if self._graph is not None else len(self._planned)

    def __repr__(self) -> str:
        state = f"{len(self._steps)} step(s)" if self._graph is not None else f"{len(self._planned)} planned step(s), no graph"
        return f"<Scenario {self.name!r} on {self.date.isoformat()}: {state}>"

    # ------------------------------------------------------------ operations
    def apply(self, op: str, /, **params) -> Step:
        """Apply operation ``op`` with ``params`` (what the named methods such as :meth:`merge_communities` call).

        Raises
        ------
        ScenarioError
            An unknown operation or parameter, or parameters the graph does not
            allow; the scenario is left unchanged.
        """
        self._check_bound()
        recorded = bind(op, params)
        backend = self._graph.backend
        before = backend.store
        work = before.copy()
        edit = Edit(work, self.date)
        edit.base_dir = getattr(self, "_base_dir", None)  # where a relative table file of hire/elect is looked up
        outcome = OPERATIONS[op].func(edit, **recorded)
        edit.commit()
        work.version = before.version + 1
        self._history.append(before)
        backend.store = work
        step = Step(op, {**recorded, **plain(outcome.resolved)}, plain(outcome.summary), outcome.details)
        self._steps.append(step)
        return step

    def undo(self) -> Step:
        """Revert the last operation exactly (the graph is the one before it); returns the removed step."""
        self._check_bound()
        if not self._steps:
            raise ScenarioError(f"scenario {self.name!r} has nothing to undo")
        self._graph.backend.store = self._history.pop()
        return self._steps.pop()

    # ------------------------------------------------------------ files and replay
    def to_dict(self) -> dict:
        """The scenario as plain data: ``name``, ``date``, ``description`` and ``operations``."""
        from .io import scenario_dict

        return scenario_dict(self.name, self.date, self.description, self.operations)

    def to_file(self, path: str | Path) -> Path:
        """Save the operations as JSON (``.json``) or TOML (``.toml``), to replay them later."""
        from .io import write_scenario

        return write_scenario(self.to_dict(), path)

    @classmethod
    def from_dict(cls, data: dict, baseline=None) -> "Scenario":
        """A scenario from :meth:`to_dict` data; replayed on ``baseline`` when given."""
        from .io import parse_scenario

        name, date, description, ops = parse_scenario(data)
        plan = cls(None, name, date, description)
        plan._planned = ops
        return plan.replay(baseline) if baseline is not None else plan

    @classmethod
    def from_file(cls, path: str | Path, baseline=None) -> "Scenario":
        """Load a scenario file (JSON or TOML); replay it on ``baseline`` when given.

        Without a baseline the scenario holds its operations only; run them
        with :meth:`replay`.
        """
        from .io import read_scenario

        try:
            plan = cls.from_dict(read_scenario(path))
            plan._base_dir = str(Path(path).resolve().parent)  # table files beside the scenario (hire, elect)
            return plan.replay(baseline) if baseline is not None else plan
        except ScenarioError as exc:
            raise ScenarioError(f"{path}: {exc}") from None

    def replay(self, graph, *, name: str | None = None, date=None) -> "Scenario":
        """Run this scenario's operations on another graph (another dataset, a newer ledger).

        Returns a new scenario branching from ``graph``. Stops with a
        :class:`~orggraph.ScenarioError` naming the step when an operation
        cannot run there (an id it needs no longer exists …).
        """
        new = Scenario(graph, name or self.name, date if date is not None else self.date, self.description)
        new._base_dir = getattr(self, "_base_dir", None)
        ops = self.operations
        for i, (op, params) in enumerate(ops):
            try:
                new.apply(op, **params)
            except ScenarioError as exc:
                raise ScenarioError(f"replay of scenario {self.name!r} stopped at step {i + 1} of {len(ops)} ({op}): {exc}") from None
        return new

    def compare(self, *, as_of=None, within: str | None = None, norms=None):
        """:func:`orggraph.compare` of the baseline and this scenario."""
        from .comparison import compare

        return compare(self.baseline, self, as_of=as_of, within=within, norms=norms)


def _op_method(name: str):
    op = OPERATIONS[name]

    def method(self, *args, **kwargs):
        try:
            bound = op.signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise ScenarioError(f"{name}: {exc}") from None
        params = dict(bound.arguments)
        for p in op.signature.parameters.values():  # **attrs (add_cadre …) are recorded as plain parameters
            if p.kind is inspect.Parameter.VAR_KEYWORD:
                params.update(params.pop(p.name, {}))
        return self.apply(name, **params)

    method.__name__ = name
    method.__qualname__ = f"Scenario.{name}"
    method.__doc__ = (op.doc + "\n\nReturns\n-------\nStep\n    The applied step (also in :attr:`Scenario.log`).")
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    method.__signature__ = op.signature.replace(parameters=[self_param, *op.signature.parameters.values()], return_annotation="Step")
    return method


for _name in OPERATIONS:
    setattr(Scenario, _name, _op_method(_name))
del _name
