"""Neo4j implementation of :mod:`orggraph.queries.chains` (组织链条).

One statement walks the chain level by level for every area in scope (the
levels and their territory kinds are parameters; the statement is unrolled for
up to five levels), on the structure existing at ``$as_of`` (dated areas,
containments, organisations, ``COVERS`` and ``SUBORDINATE_TO`` links outside
it are left out, :func:`orggraph.rules.exists_mask`): the depth reached and the
community and street of the best path come back per area; ``expected``,
``complete`` and the first missing link are derived on the client by
:func:`orggraph.queries.chains.chain_columns`, as for the in-memory backend.
"""

from __future__ import annotations

import pandas as pd

from ....queries.chains import LEVEL_TERRITORY, chain_columns
from .. import cypher
from .... import rules
from ._common import frame, int64, text

class ChainsMixin:
    def chain_breaks(self, *, chain, within, as_of) -> pd.DataFrame:
        n = cypher.CHAIN_MAX
        levels = [list(rules.chain_level_orgs(lv)) for lv in chain] + [[]] * (n - len(chain))
        territories = [LEVEL_TERRITORY[lv] for lv in chain] + [""] * (n - len(chain))
        f = frame(
            self.runner, cypher.CHAIN_BREAKS, ["area_id", "area_name", "kind", "community_id", "street_id", "depth"],
            within=within, levels=levels, territories=territories, as_of=as_of,
        )
        kind = text(f["kind"])
        out = pd.DataFrame(
            {
                "area_id": pd.Series(text(f["area_id"]), dtype=object),
                "area_name": pd.Series(text(f["area_name"]), dtype=object),
                "kind": pd.Series(kind, dtype=object),
                "community_id": pd.Series(text(f["community_id"]), dtype=object),
                "street_id": pd.Series(text(f["street_id"]), dtype=object),
            }
        )
        for name, values in chain_columns(kind, int64(f["depth"]), chain).items():
            out[name] = values
        return out.sort_values("area_id").reset_index(drop=True)
