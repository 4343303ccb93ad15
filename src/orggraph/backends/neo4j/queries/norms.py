"""Neo4j implementation of :mod:`orggraph.queries.norms` (配置标准).

Grids are filtered in the database (only those breaking a grid rule come back);
work stations come back with their sums and head counts (one row per station in
scope) and are judged on the client, where ``households ÷ managers`` may be
``inf`` (no manager) or undefined (0 ÷ 0).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import cypher
from ._common import frame, text

_COLUMNS = ["rule", "label", "entity_id", "entity_name", "measured", "community_id", "street_id"]


def _outside(measured: pd.Series, lo: float, hi: float) -> np.ndarray:
    m = measured.astype("float64")
    return (m.notna() & ((m < lo) | (m > hi))).to_numpy(dtype=bool)


def _rows(frame: pd.DataFrame, rule: str, label: str, measured: pd.Series, bounds) -> pd.DataFrame:
    lo, hi = bounds[rule]
    bad = _outside(measured, lo, hi)
    f = frame[bad]
    return pd.DataFrame(
        {
            "rule": rule,
            "label": label,
            "entity_id": text(f["entity_id"]),
            "entity_name": text(f["entity_name"]),
            "measured": measured.to_numpy(dtype="float64")[bad],
            "community_id": text(f["community_id"]),
            "street_id": text(f["street_id"]),
        },
        columns=_COLUMNS,
    )


def _float(values) -> pd.Series:
    return pd.Series(pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce"), dtype="float64")


def _bound(v: float):
    return None if math.isinf(v) else float(v)


class NormsMixin:
    def check_norms(self, *, bounds, within, as_of) -> pd.DataFrame:
        hh_lo, hh_hi = bounds["grid_households"]
        w_lo, w_hi = bounds["grid_workers"]
        grids = frame(
            self.runner, cypher.NORMS_GRIDS,
            ["entity_id", "entity_name", "households", "workers", "community_id", "street_id"],
            within=within, as_of=as_of, households_min=float(hh_lo), households_max=float(hh_hi),
            workers_min=float(w_lo), workers_max=_bound(w_hi),
        ).reset_index(drop=True)
        stations = frame(
            self.runner, cypher.NORMS_STATIONS,
            ["entity_id", "entity_name", "communities", "households", "with_households", "population",
                     "with_population", "staff", "managers", "community_id", "street_id"],
            within=within, as_of=as_of,
        ).reset_index(drop=True)
        parts = [
            _rows(grids, "grid_households", "Grid", _float(grids["households"]), bounds),
            _rows(grids, "grid_workers", "Grid", _float(grids["workers"]), bounds),
        ]
        n = _float(stations["communities"])
        hh = _float(stations["households"]).where(_float(stations["with_households"]) == n, np.nan)
        pop = _float(stations["population"]).where(_float(stations["with_population"]) == n, np.nan)
        managers = _float(stations["managers"])
        with np.errstate(divide="ignore", invalid="ignore"):
            per_manager = pd.Series(hh.to_numpy() / managers.to_numpy(), dtype="float64")
        for rule, measured in (
            ("households_per_zone_manager", per_manager),
            ("workstation_population", pop),
            ("workstation_staff", _float(stations["staff"])),
        ):
            parts.append(_rows(stations, rule, "Unit", measured, bounds))
        out = pd.concat(parts, ignore_index=True)
        return out.sort_values(["rule", "entity_id"]).reset_index(drop=True)
