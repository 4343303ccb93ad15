"""In-memory implementation of :mod:`orggraph.queries.chains` (组织链条).

One pass per level of the chain, each a pair of merges over all areas at once:
``candidates(area, territory) ⋈ COVERS(org, territory)`` gives the
organisations of the level that lead one of the area's territories, and
``paths(area, org) ⋈ SUBORDINATE_TO(child → org)`` keeps those hanging off an
organisation reached at the level above. The paths carry the street and the
community they run through, so the best one can be reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ....queries.chains import LEVEL_TERRITORY, LEVEL_ZH
from . import _common as c
from .boundaries import coded_pairs, id_codes, id_rank, street_of
from ....scope import descendants

_AREA_KINDS = ("compound", "building")
# territories a compound has; a building has all four
_COMPOUND_TERRITORIES = ("street", "community", "compound")


def _candidates(store, area_code: np.ndarray, is_building: np.ndarray, territory: str, size: int) -> pd.DataFrame:
    """Pairs ``area, territory`` (int64 codes): the territories of type ``territory`` of each area."""
    if territory in ("street", "community"):
        pairs = coded_pairs(store, territory)
        mine = np.zeros(size + 1, dtype=bool)
        mine[area_code] = True
        pairs = pairs[mine[pairs["territory"].to_numpy()]]
        return pd.DataFrame({"area": pairs["territory"].to_numpy(), "territory": pairs[territory].to_numpy()})
    buildings = area_code[is_building]
    if territory == "compound":
        compounds = area_code[~is_building]
        pairs = coded_pairs(store, "compound")
        mine = np.zeros(size + 1, dtype=bool)
        mine[buildings] = True
        pairs = pairs[mine[pairs["territory"].to_numpy()]]
        return pd.DataFrame(
            {
                "area": np.concatenate([compounds, pairs["territory"].to_numpy()]),
                "territory": np.concatenate([compounds, pairs["compound"].to_numpy()]),
            }
        )
    return pd.DataFrame({"area": buildings, "territory": buildings})


def _orgs(party: pd.DataFrame, level: str) -> pd.Index:
    """Territorial party organisations (no ``unit_id``) of a chain level."""
    levels = c.COMMUNITY_PARTY_LEVELS if level == "committee" else (level,)
    ok = party["level"].isin(levels) & party["unit_id"].isna()
    return pd.Index(party.loc[ok, "id"], dtype=object)


class ChainsMixin:
    def chain_breaks(self, *, chain, within, as_of) -> pd.DataFrame:
        store = self.store
        areas = store.node_frame("Area")
        areas = areas[areas["kind"].isin(_AREA_KINDS)]
        if within is not None:
            areas = areas[areas["id"].isin(descendants(store, [within]))]
        areas = areas.sort_values("id").reset_index(drop=True)
        ids = pd.Index(areas["id"], dtype=object)

        # ids as integer codes in id order (merges on int64 are ~10x faster than on text, and
        # ordering the codes orders the ids, which gives the smallest-id tie-break for free)
        order = id_codes(store)
        none = len(order)

        def enc(values) -> np.ndarray:
            return order.get_indexer(np.asarray(values, dtype=object)).astype(np.int64)

        area_code = enc(ids)  # ascending, as ids are sorted
        is_building = areas["kind"].to_numpy() == "building"
        party = store.node_frame("PartyOrg")
        cov_s, cov_t = store.edge_codes("COVERS")
        covers = pd.DataFrame({"org": id_rank(store, cov_s), "territory": id_rank(store, cov_t)})
        sub_s, sub_t = store.edge_codes("SUBORDINATE_TO")
        subordinate = pd.DataFrame({"child": id_rank(store, sub_s), "org": id_rank(store, sub_t)})

        depth = np.zeros(len(ids), dtype=np.int64)
        best_street = np.full(len(ids), none, dtype=np.int64)
        best_community = np.full(len(ids), none, dtype=np.int64)
        paths = None  # area, org, street, community: the organisations reached at the current level
        for k, level in enumerate(chain):
            territory = LEVEL_TERRITORY[level]
            lead = covers[covers["org"].isin(enc(_orgs(party, level)))]
            hits = _candidates(store, area_code, is_building, territory, none).merge(lead, on="territory")
            if k == 0:
                step = hits.assign(street=none, community=none)
            else:
                step = paths.merge(subordinate, on="org")[["area", "child", "street", "community"]]
                # one int64 key (area, org) joins faster than two columns
                step["key"] = step["area"] * (none + 1) + step["child"]
                hits["key"] = hits["area"] * (none + 1) + hits["org"]
                step = step.drop(columns="area").merge(hits, on="key")
            if territory in ("street", "community"):
                step[territory] = step["territory"]
            paths = step[["area", "org", "street", "community"]].drop_duplicates()
            if not len(paths):
                break
            # the deepest path so far: smallest community, then street, among ties (missing last)
            top = paths.sort_values(["area", "community", "street"]).drop_duplicates("area")
            at = np.searchsorted(area_code, top["area"].to_numpy())
            depth[at] = k + 1
            best_street[at] = top["street"].to_numpy()
            best_community[at] = top["community"].to_numpy()

        def dec(codes: np.ndarray) -> pd.Series:
            known = codes < none
            out = np.full(len(codes), None, dtype=object)
            out[known] = order.to_numpy(dtype=object)[codes[known]]
            return pd.Series(out, index=ids, dtype=object)

        levels = np.array(chain, dtype=object)
        at_compound = int(sum(LEVEL_TERRITORY[lv] in _COMPOUND_TERRITORIES for lv in chain))
        expected = np.where(areas["kind"].to_numpy() == "compound", at_compound, len(chain)).astype("int64")
        reached = np.minimum(depth, expected).astype("int64")
        complete = reached == expected
        missing = np.full(len(ids), None, dtype=object)
        missing[~complete] = levels[reached[~complete]]
        missing_zh = pd.Series(missing, dtype=object).map(LEVEL_ZH)
        missing_zh = missing_zh.astype(object).where(missing_zh.notna(), None).to_numpy()

        claimed = coded_pairs(store, "community")
        mine = np.zeros(none + 1, dtype=bool)
        mine[area_code] = True
        claimed = claimed[mine[claimed["territory"].to_numpy()]]
        first = claimed.sort_values(["territory", "community"]).drop_duplicates("territory")
        fallback = best_community.copy()
        at = np.searchsorted(area_code, first["territory"].to_numpy())
        fallback[at] = np.minimum(fallback[at], first["community"].to_numpy())
        # the community on the deepest path, else the smallest claimant
        community = dec(np.where(best_community < none, best_community, fallback))
        street = dec(best_street)
        street = street.where(street.notna(), street_of(store, ids, community))

        def clean(s: pd.Series) -> np.ndarray:
            s = s.astype(object)
            return s.where(s.notna(), None).to_numpy()

        text = {
            "area_id": ids.to_numpy(),
            "area_name": areas["name"].to_numpy(dtype=object),
            "kind": areas["kind"].to_numpy(dtype=object),
            "community_id": clean(community),
            "street_id": clean(street),
        }
        out = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in text.items()})
        out["expected"] = expected
        out["reached"] = reached
        out["complete"] = complete.astype(bool)
        out["first_missing"] = pd.Series(missing, dtype=object)
        out["missing_zh"] = pd.Series(missing_zh, dtype=object)
        return out
