"""Neo4j implementations of :mod:`orggraph.queries.boundaries` (治理真空带, 交界区域管辖主体).

Claimants, streets, neighbours, governing bodies and ``inherited`` are computed
in the database; the client sorts the id lists and the rows.
"""

from __future__ import annotations

import pandas as pd

from .. import cypher
from ._common import frame, sorted_list, text

_UNASSIGNED = ["id", "label", "name", "kind", "households", "status", "claimants", "street_id",
               "adjacent_communities", "governing_bodies", "inherited"]
_ZONES = ["id", "name", "households", "street_id", "status", "claimants", "adjacent_communities", "governing_bodies"]


def _finish(f: pd.DataFrame, text_cols, sort) -> pd.DataFrame:
    for c in text_cols:
        f[c] = text(f[c])
    f["households"] = pd.array(pd.to_numeric(pd.Series(list(f["households"]), dtype=object)), dtype="Int64")
    for c in ("claimants", "adjacent_communities", "governing_bodies"):
        f[c] = pd.Series([sorted_list(v) for v in f[c]], dtype=object)
    return f.sort_values(sort).reset_index(drop=True)


class BoundariesMixin:
    def unassigned_areas(self, *, within, as_of) -> pd.DataFrame:
        f = frame(self.runner, cypher.UNASSIGNED_AREAS, _UNASSIGNED, within=within, as_of=as_of)
        f["inherited"] = f["inherited"].astype(bool)
        return _finish(f, ["id", "label", "name", "kind", "status", "street_id"], ["status", "id"])

    def boundary_zones(self, *, within, as_of) -> pd.DataFrame:
        f = frame(self.runner, cypher.BOUNDARY_ZONES, _ZONES, within=within, as_of=as_of)
        return _finish(f, ["id", "name", "status", "street_id"], ["id"])
