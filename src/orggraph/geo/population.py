"""Population below the community (网格人口): roll-ups from areas to grids to communities.

``population`` (常住人口, resident population) and ``registered_population``
(户籍人口) may be given on areas, grids and communities. :func:`population_rollup`
sums them upwards and sets each grid's and community's own figure beside the
sum of the figures below it:

* an area's figure is its own, else the sum of its child areas' (a compound
  from its buildings);
* a grid's roll-up is the sum of the areas recorded in it (``CONTAINS``,
  direct children) and of its 二级网格 (sub-grids);
* a community's roll-up is the sum of its grids (top-level ones) and of the
  areas recorded directly under it, except a large compound that grids
  overlay (``compound_area`` on the grids): its people are the grids' already.

A roll-up is ``complete`` when every part below has a figure; only complete
roll-ups are compared with the own figure (a missing figure is not a zero).
The consistency check of the ledger (:mod:`orggraph.ledger.consistency`)
warns where the two differ by more than :data:`TOLERANCE`.

Backend-neutral: it reads ``g.nodes`` and ``g.edges("CONTAINS")`` only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["population_rollup", "population_differences", "ROLLUP_COLUMNS", "TOLERANCE", "POPULATION_COLUMNS"]

#: relative difference between a figure and its roll-up above which the ledger check warns (5 %)
TOLERANCE = 0.05
POPULATION_COLUMNS = ("population", "registered_population")
ROLLUP_COLUMNS = ["level", "id", "name", "column", "own", "rolled_up", "parts", "complete", "difference"]


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame["id"].to_numpy(dtype=object))
    return pd.Series(pd.to_numeric(frame[column].astype(object), errors="coerce").to_numpy(dtype=float),
                     index=frame["id"].to_numpy(dtype=object))


def _sum_children(parent: pd.Series, value: pd.Series, parents) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per parent: sum of the children's values, number of children, and whether all have a value."""
    f = pd.DataFrame({"parent": parent.to_numpy(dtype=object), "v": value.reindex(parent.index).to_numpy(dtype=float)})
    grouped = f.groupby("parent")["v"]
    total = grouped.sum(min_count=1).reindex(parents)
    count = grouped.size().reindex(parents).fillna(0).astype(int)
    missing = set(f.loc[f["v"].isna(), "parent"])
    allset = pd.Series(~pd.Index(parents, dtype=object).isin(missing), index=parents)
    return total, count, allset


def population_rollup(g, column: str = "population") -> pd.DataFrame:
    """Roll ``population`` (常住人口) or ``registered_population`` (户籍人口) up from areas to grids to communities.

    Returns
    -------
    pandas.DataFrame
        ``level`` (``grid`` or ``community``), ``id``, ``name``, ``column``,
        ``own`` (the node's figure, NaN when not given), ``rolled_up`` (the
        sum below it, NaN when nothing below has a figure), ``parts`` (parts
        below), ``complete`` (every part has a figure), ``difference`` = own −
        rolled_up. One row per grid and per community.

    Examples
    --------
    >>> import orggraph as og
    >>> from orggraph.geo.population import population_rollup
    >>> g = og.OrgGraph()
    >>> g.add_node("Community", "c1", name="甲社区", population=2000)
    >>> g.add_node("Grid", "g1", name="第1网格", community_id="c1")
    >>> g.add_node("Area", "a1", name="一小区", kind="compound", parent_id="g1", population=800)
    >>> g.add_node("Area", "a2", name="二小区", kind="compound", parent_id="g1", population=900)
    >>> population_rollup(g)[["level", "id", "own", "rolled_up", "difference"]].values.tolist()
    [['grid', 'g1', nan, 1700.0, nan], ['community', 'c1', 2000.0, 1700.0, 300.0]]
    """
    if column not in POPULATION_COLUMNS:
        raise ValueError(f"column={column!r}: use one of {', '.join(POPULATION_COLUMNS)}")
    areas, grids, comms = g.nodes("Area"), g.nodes("Grid"), g.nodes("Community")
    # the primary parent of each area is its ledger parent_id
    area_parent = pd.Series(areas["parent_id"].to_numpy(dtype=object), index=areas["id"].to_numpy(dtype=object))
    parents = pd.unique(area_parent.dropna())
    kind = pd.Series(g.backend.kinds_of(list(parents)).to_numpy(dtype=object), index=pd.Index(parents, dtype=object))
    own_area = _num(areas, column)
    # effective area figure, bottom-up: own, else the sum of its child areas (iterate to the depth of nesting)
    eff = own_area.copy()
    child_areas = area_parent[area_parent.map(kind).eq("Area")]
    for _ in range(8):
        total, _, _ = _sum_children(child_areas, eff, eff.index)
        new = eff.where(own_area.notna(), total)
        if new.equals(eff):
            break
        eff = new
    rows = []
    # grids: direct child areas and sub-grids (sub-grids first, as their figure counts in the parent)
    grid_own = _num(grids, column)
    in_grid = area_parent[area_parent.map(kind).eq("Grid")]
    a_total, a_count, a_all = _sum_children(in_grid, eff, grid_own.index)
    sub = pd.Series(grids["parent_grid_id"].to_numpy(dtype=object), index=grids["id"].to_numpy(dtype=object)).dropna()
    grid_eff = grid_own.where(grid_own.notna(), a_total)
    s_total, s_count, s_all = _sum_children(sub, grid_eff, grid_own.index)
    g_roll = a_total.add(s_total, fill_value=0).where(a_total.notna() | s_total.notna())
    g_parts = a_count + s_count
    g_complete = a_all & s_all & (g_parts > 0)
    grid_eff = grid_own.where(grid_own.notna(), g_roll)
    for i, name in zip(grids["id"], grids["name"]):
        rows.append(("grid", i, name, column, grid_own[i], g_roll[i], int(g_parts[i]), bool(g_complete[i])))
    # communities: top-level grids and the areas recorded directly under the community
    top = grids[grids["parent_grid_id"].isna()]
    grid_comm = pd.Series(top["community_id"].to_numpy(dtype=object), index=top["id"].to_numpy(dtype=object)).dropna()
    overlaid = set(grids["compound_area"].dropna()) if "compound_area" in grids.columns else set()
    in_comm = area_parent[area_parent.map(kind).eq("Community") & ~area_parent.index.isin(overlaid)]
    comm_own = _num(comms, column)
    gt, gc, ga = _sum_children(grid_comm, grid_eff, comm_own.index)
    at, ac, aa = _sum_children(in_comm, eff, comm_own.index)
    c_roll = gt.add(at, fill_value=0).where(gt.notna() | at.notna())
    c_parts = gc + ac
    c_complete = ga & aa & (c_parts > 0)
    for i, name in zip(comms["id"], comms["name"]):
        rows.append(("community", i, name, column, comm_own[i], c_roll[i], int(c_parts[i]), bool(c_complete[i])))
    out = pd.DataFrame(rows, columns=ROLLUP_COLUMNS[:-1])
    out["own"] = out["own"].astype("float64")
    out["rolled_up"] = out["rolled_up"].astype("float64")
    out["difference"] = out["own"] - out["rolled_up"]
    return out


def population_differences(g, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Rows of :func:`population_rollup` (both columns) whose own figure and complete roll-up differ by more than ``tolerance``."""
    parts = []
    below = [g.nodes(k) for k in ("Grid", "Area")]
    if not any(c in f.columns and f[c].notna().any() for f in below for c in POPULATION_COLUMNS):
        return pd.DataFrame(columns=ROLLUP_COLUMNS)  # no figure below the community: nothing to compare, at no cost
    for column in POPULATION_COLUMNS:
        r = population_rollup(g, column)
        judged = r["complete"] & r["own"].notna() & r["rolled_up"].notna()
        off = (r["difference"].abs() > tolerance * r["own"].abs()) & judged
        parts.append(r[off])
    return pd.concat(parts, ignore_index=True)
