"""Neo4j implementation of :mod:`orggraph.queries.chains` (组织链条).

One statement walks the chain level by level for every area in scope (the
levels and their territory kinds are parameters; the statement is unrolled for
up to five levels): the depth reached and the community and street of the best
path come back per area; ``expected``, ``complete`` and the first missing link
are derived on the client from those rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ....errors import QueryNotSupportedError
from ....queries.chains import LEVEL_TERRITORY, LEVEL_ZH
from .. import cypher
from .... import rules
from ._common import frame, int64, text

class ChainsMixin:
    def chain_breaks(self, *, chain, within, as_of) -> pd.DataFrame:
        if self.absent_structure(as_of):  # the chain statement does not leave dated structure out yet
            raise QueryNotSupportedError(
                f"as_of={as_of}: some dated territories, bodies or structural links (start/end) did not exist that "
                "day, and the neo4j chain statement does not leave them out yet; query g.to_memory()"
            )
        n = cypher.CHAIN_MAX
        levels = [list(rules.COMMUNITY_PARTY_LEVELS) if lv == rules.COMMUNITY_PARTY_SELECTOR else [lv] for lv in chain] + [[]] * (n - len(chain))
        territories = [LEVEL_TERRITORY[lv] for lv in chain] + [""] * (n - len(chain))
        f = frame(
            self.runner, cypher.CHAIN_BREAKS, ["area_id", "area_name", "kind", "community_id", "street_id", "depth"],
            within=within, levels=levels, territories=territories,
        )
        at_compound = sum(LEVEL_TERRITORY[lv] in rules.CHAIN_LEVELS_AT_COMPOUND for lv in chain)
        kind = text(f["kind"])
        expected = np.where(kind == rules.COMPOUND, at_compound, len(chain)).astype("int64")
        reached = np.minimum(int64(f["depth"]), expected).astype("int64")
        complete = reached == expected
        missing = np.array([None if ok else chain[r] for ok, r in zip(complete, reached)], dtype=object)
        out = pd.DataFrame(
            {
                "area_id": pd.Series(text(f["area_id"]), dtype=object),
                "area_name": pd.Series(text(f["area_name"]), dtype=object),
                "kind": pd.Series(kind, dtype=object),
                "community_id": pd.Series(text(f["community_id"]), dtype=object),
                "street_id": pd.Series(text(f["street_id"]), dtype=object),
            }
        )
        out["expected"] = expected
        out["reached"] = reached
        out["complete"] = complete.astype(bool)
        out["first_missing"] = pd.Series(missing, dtype=object)
        out["missing_zh"] = pd.Series([None if m is None else LEVEL_ZH[m] for m in missing], dtype=object)
        return out.sort_values("area_id").reset_index(drop=True)
