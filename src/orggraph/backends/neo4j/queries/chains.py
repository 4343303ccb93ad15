"""Neo4j implementation of :mod:`orggraph.queries.chains` (组织链条)."""

from __future__ import annotations

import pandas as pd

from ....errors import QueryNotSupportedError


class ChainsMixin:
    def chain_breaks(self, *, chain, within, as_of) -> pd.DataFrame:
        raise QueryNotSupportedError("chain_breaks is not implemented in Cypher yet (neo4j backend)")
