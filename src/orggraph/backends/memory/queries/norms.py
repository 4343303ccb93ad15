"""In-memory implementation of :mod:`orggraph.queries.norms`.

On integer node codes (:mod:`._common`), with the scope, post and location helpers of :mod:`.coverage`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .... import rules
from ._common import KIND, ancestor_pairs, decode, distinct, flags, kinds, node_rows
from .coverage import Posts, Scope, count_distinct, floats, frame, nodes_where, place


def _outside(measured: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """True where ``measured`` is known and outside ``[lo, hi]`` (inf counts as above)."""
    return ~np.isnan(measured) & ((measured < lo) | (measured > hi))


def _community_sum(store, body: np.ndarray, community: np.ndarray, name: str, codes: np.ndarray) -> np.ndarray:
    """Sum of attribute ``name`` over each body's communities (pairs ``body, community``) for each of ``codes``.

    NaN when one of them has it missing; 0 with none.
    """
    each = distinct(codes)
    at = np.searchsorted(each, body)  # every body of the pairs is one of codes
    value = floats(store, "Community", name, community)
    missing = np.isnan(value)
    total = np.bincount(at, weights=np.where(missing, 0.0, value), minlength=len(each))
    unknown = np.bincount(at[missing], minlength=len(each)) > 0
    return np.where(unknown, np.nan, total)[np.searchsorted(each, codes)]


class NormsMixin:
    def check_norms(self, *, bounds, within, as_of) -> pd.DataFrame:
        store = self.store
        scope = Scope(store, within)
        posts = Posts(store, as_of)
        found = []  # (rule, label, codes, measured) of the violations

        def judge(rule, label, codes, measured):
            bad = _outside(measured, *bounds[rule])
            found.append((rule, label, codes[bad], measured[bad]))

        grids = scope.kind("Grid")
        judge("grid_households", "Grid", grids, floats(store, "Grid", "households", grids))
        gw = posts.role(rules.GRID_WORKER, flags(store, grids)[posts.body])
        judge("grid_workers", "Grid", grids, count_distinct(store, posts.body[gw], posts.cadre[gw], grids).astype("float64"))

        stations = scope.bodies(nodes_where(store, "Unit", "kind", rules.WORKSTATION))
        # each station with the territories it covers and everything containing them: its communities and streets
        cov_src, cov_dst = store.edge_codes("COVERS")
        at = flags(store, stations)[cov_src]
        station, up = ancestor_pairs(store, cov_src[at], cov_dst[at])
        is_comm = kinds(store)[up] == KIND["Community"]
        hh = _community_sum(store, station[is_comm], up[is_comm], "households", stations)
        pop = _community_sum(store, station[is_comm], up[is_comm], "population", stations)
        zm = posts.role(rules.ZONE_MANAGER, flags(store, stations)[posts.body])
        managers = count_distinct(store, posts.body[zm], posts.cadre[zm], stations)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_manager = hh / managers
        staff = count_distinct(store, posts.body, posts.cadre, stations).astype("float64")
        judge("households_per_zone_manager", "Unit", stations, per_manager)
        judge("workstation_population", "Unit", stations, pop)
        judge("workstation_staff", "Unit", stations, staff)

        # location: one placement per family, ids and names decoded for the violations only
        parts = []
        for label in ("Grid", "Unit"):
            rows = [f for f in found if f[1] == label]
            codes = np.concatenate([f[2] for f in rows])
            comm, street = place(store, codes, bodies=label == "Unit")
            names = store.node_frame(label)["name"].to_numpy(dtype=object)
            parts.append(
                frame(
                    {
                        "rule": np.repeat(np.array([f[0] for f in rows], dtype=object), [len(f[2]) for f in rows]),
                        "label": np.full(len(codes), label, dtype=object),
                        "entity_id": decode(store, codes),
                        "entity_name": names[node_rows(store, label, codes)],
                        "measured": np.concatenate([f[3] for f in rows]).astype("float64"),
                        "community_id": decode(store, comm),
                        "street_id": decode(store, street),
                    }
                )
            )
        out = pd.concat(parts, ignore_index=True)
        return out.sort_values(["rule", "entity_id"]).reset_index(drop=True)

