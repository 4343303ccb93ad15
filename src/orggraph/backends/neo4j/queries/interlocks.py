"""Neo4j implementations of :mod:`orggraph.queries.interlocks` (交叉任职网络, 一人多职).

The bipartite projection, the weights and the thresholds are computed in the
database; the client only sorts the ``people`` / ``body_ids`` / ``roles`` lists.
"""

from __future__ import annotations

import pandas as pd

from .. import cypher
from ._common import frame, int64, sorted_list, text

_INTERLOCK_COLUMNS = [
    "body_a", "body_a_name", "body_a_label", "body_a_kind",
    "body_b", "body_b_name", "body_b_label", "body_b_kind", "shared", "people", "weight",
]
_CONNECTOR_COLUMNS = ["cadre_id", "name", "posts", "bodies", "body_ids", "roles"]


class InterlocksMixin:
    def interlocks(self, *, weighting, bodies, min_shared, within, as_of) -> pd.DataFrame:
        f = frame(
            self.runner, cypher.INTERLOCKS, _INTERLOCK_COLUMNS,
            weighting=weighting, bodies=None if bodies is None else list(bodies), min_shared=min_shared,
            within=within, as_of=as_of,
        )
        for c in _INTERLOCK_COLUMNS:
            if c not in ("shared", "people", "weight"):
                f[c] = text(f[c])
        f["shared"] = int64(f["shared"])
        f["people"] = pd.Series([sorted_list(v) for v in f["people"]], dtype=object)
        f["weight"] = f["weight"].astype("float64")
        return f.sort_values(["body_a", "body_b"]).reset_index(drop=True)

    def connectors(self, *, top, min_posts, within, as_of) -> pd.DataFrame:
        params = dict(min_posts=min_posts, within=within, as_of=as_of, bodies=None)
        if top is None:
            f = frame(self.runner, cypher.CONNECTORS, _CONNECTOR_COLUMNS, **params)
        else:
            f = frame(self.runner, cypher.CONNECTORS_TOP, _CONNECTOR_COLUMNS, top=top, **params)
        f["cadre_id"] = text(f["cadre_id"])
        f["name"] = text(f["name"])
        f["posts"] = int64(f["posts"])
        f["bodies"] = int64(f["bodies"])
        f["body_ids"] = pd.Series([sorted_list(v) for v in f["body_ids"]], dtype=object)
        f["roles"] = pd.Series([sorted_list(v) for v in f["roles"]], dtype=object)
        order = sorted(range(len(f)), key=lambda i: (-f["bodies"].iloc[i], -f["posts"].iloc[i], f["cadre_id"].iloc[i]))
        return f.iloc[order].reset_index(drop=True)
