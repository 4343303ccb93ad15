"""In-memory implementation of :mod:`orggraph.queries.norms`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _common as c
from .coverage import Scope, int_column, locate_bodies, locate_territories, node_attr

_COLUMNS = ["rule", "label", "entity_id", "entity_name", "measured", "community_id", "street_id"]


def _outside(measured: pd.Series, lo: float, hi: float) -> np.ndarray:
    """True where ``measured`` is known and outside ``[lo, hi]`` (inf counts as above)."""
    m = measured.astype("float64")
    return (m.notna() & ((m < lo) | (m > hi))).to_numpy(dtype=bool)


def _violations(store, rule: str, label: str, ids: pd.Index, measured: pd.Series, bounds, locate) -> pd.DataFrame:
    lo, hi = bounds[rule]
    bad = _outside(measured, lo, hi)
    ids = ids[bad]
    where = locate(store, ids)
    return pd.DataFrame(
        {
            "rule": rule,
            "label": label,
            "entity_id": ids.to_numpy(dtype=object),
            "entity_name": c.names(store, label).reindex(ids).to_numpy(dtype=object),
            "measured": measured.to_numpy(dtype="float64")[bad],
            "community_id": where["community_id"].to_numpy(dtype=object),
            "street_id": where["street_id"].to_numpy(dtype=object),
        },
        columns=_COLUMNS,
    )


def _people(posts: pd.DataFrame, ids: pd.Index) -> pd.Series:
    """Distinct cadres per body for each of ``ids`` (0 when none), float64."""
    sel = posts[posts["body"].isin(ids)].drop_duplicates(["body", "cadre"])
    return sel.groupby("body").size().reindex(ids).fillna(0).astype("float64")


def _community_sum(pairs: pd.DataFrame, values: pd.Series, ids: pd.Index) -> pd.Series:
    """Sum of ``values`` over each body's communities; NaN when one of them is missing; 0 with none."""
    v = pairs.assign(value=values.reindex(pd.Index(pairs["community"], dtype=object)).to_numpy(dtype="float64"))
    total = v.groupby("body")["value"].sum(min_count=0).reindex(ids).fillna(0.0)
    unknown = v.loc[v["value"].isna(), "body"]
    return total.where(~total.index.isin(unknown), np.nan).astype("float64")


class NormsMixin:
    def check_norms(self, *, bounds, within, as_of) -> pd.DataFrame:
        store = self.store
        scope = Scope(store, within)
        posts = c.current_posts(store, as_of)
        parts = []

        grids = scope.kind("Grid")
        grid_hh = int_column(node_attr(store, "Grid", "households")).reindex(grids).astype("float64")
        parts.append(_violations(store, "grid_households", "Grid", grids, grid_hh, bounds, locate_territories))
        workers = _people(posts[posts["role"] == "grid_worker"], grids)
        parts.append(_violations(store, "grid_workers", "Grid", grids, workers, bounds, locate_territories))

        stations = scope.bodies(c.bodies_of(store, "workstation"))
        bc = c.body_community(store)
        bc = bc[bc["body"].isin(stations)]
        hh = _community_sum(bc, int_column(node_attr(store, "Community", "households")).astype("float64"), stations)
        pop = _community_sum(bc, int_column(node_attr(store, "Community", "population")).astype("float64"), stations)
        managers = _people(posts[posts["role"] == "zone_manager"], stations)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_manager = pd.Series(hh.to_numpy() / managers.to_numpy(), index=stations, dtype="float64")
        staff = _people(posts, stations)
        for rule, measured in (
            ("households_per_zone_manager", per_manager),
            ("workstation_population", pop),
            ("workstation_staff", staff),
        ):
            parts.append(_violations(store, rule, "Unit", stations, measured, bounds, locate_bodies))

        out = pd.concat(parts, ignore_index=True)
        return out.sort_values(["rule", "entity_id"]).reset_index(drop=True)
