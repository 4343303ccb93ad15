"""The backend contract: what every engine behind :class:`orggraph.OrgGraph` implements.

A backend stores the typed graph and answers queries. The public query
functions in :mod:`orggraph.queries` own the signatures, docstrings and argument
checks; they hand normalised arguments to the backend method of the same name
and check that the result has the defined columns. Two backends exist:
``"memory"`` (in memory: columnar tables, with a networkx graph built on
demand) and ``"neo4j"`` (Cypher through the official driver).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import pandas as pd

__all__ = ["Backend"]


class Backend(ABC):
    """Abstract engine. Query methods are named after the queries in :mod:`orggraph.queries`."""

    name: ClassVar[str]

    # ---------------------------------------------------------------- reading
    @abstractmethod
    def nodes(self, kind: str) -> pd.DataFrame:
        """Nodes of ``kind`` with their attributes and reference columns."""

    @abstractmethod
    def edges(self, type: str) -> pd.DataFrame:
        """Edges of ``type``: ``source``, ``target`` and the edge attributes."""

    @abstractmethod
    def kinds_of(self, ids) -> pd.Series:
        """The node kind of each id (missing for unknown ids), indexed by id."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Number of nodes per kind and edges per type."""

    def describe(self) -> str:
        return self.name
