"""Re-gridding (重新划分网格): a community's areas re-partitioned into grids of about 300 households (栖霞)."""

from __future__ import annotations

import math
from collections import deque
from fractions import Fraction

import pandas as pd

from ...errors import ScenarioError
from .._edit import Edit, dedupe_edges
from ._common import largest_remainder, post_rows
from ._registry import Outcome, operation

__all__ = ["regrid", "DETAIL_COLUMNS"]

DETAIL_COLUMNS = ["grid_id", "name", "households", "areas", "compound_area", "contiguous", "within_tolerance"]
#: roles that follow their grid's households to the new grid
GRID_ROLES = ("grid_leader", "grid_worker")
_DIRECT = "\0direct"  # the group of areas held by the community itself


def _tolerance(value) -> float:
    if value is None:
        from ...queries.norms import Norms

        return float(Norms.default().grid_households_tolerance)
    try:
        tol = float(Fraction(str(value)))
    except (ValueError, ZeroDivisionError):
        raise ScenarioError(f"tolerance={value!r}: give a number or a fraction such as '1/3'") from None
    if not 0 <= tol < 1:
        raise ScenarioError(f"tolerance={value!r} must lie between 0 and 1")
    return tol


@operation
def regrid(
    edit: Edit,
    community: str,
    target_households: int = 300,
    tolerance=None,
    keep=(),
    reassign_workers: bool = True,
) -> Outcome:
    """Re-partition a community's areas into grids near a target size (以每300户为基础划分网格).

    The community gets ``round(H / target_households)`` grids (at least one),
    ``H`` being the households of the areas it and its grids hold directly
    (compounds, villages, governed boundary zones; buildings go with their
    compound). An area larger than ``target × (1 + tolerance)`` (a 500+
    compound) hangs directly in the community and is overlaid by its own grids
    (``round(h / target)`` of them, at least enough to stay within the
    tolerance), which share its households and carry ``compound_area``, as in
    the samples. The other areas are shared among the remaining grids by
    growing one region at a time up to the households left per grid left,
    always adding a neighbour of the region, so grids stay contiguous where the
    data say what is next to what: areas are neighbours when an ADJACENT edge
    links them, when they sat in the same old grid, or in two old grids linked
    by ADJACENT (areas the community held directly count as one old grid).
    When a region has no neighbour left and is still well short of its share,
    it takes the next area in order (that grid is reported as not contiguous).

    The community's old grids (except ``keep``) are removed with their posts;
    with ``reassign_workers``, each old grid's current grid leaders and grid
    workers get the same post, from the scenario date, in the new grid that
    took most of its households. New grids are ``<community>-g01`` …, named
    ``<community name>第1网格`` …; they are ADJACENT where their areas are.

    Parameters
    ----------
    community : str
        The community to re-grid.
    target_households : int
        Households per grid (300 in 栖霞).
    tolerance : float or str, optional
        Allowed relative deviation (default: the staffing norm's, 1/3: 200–400).
    keep : list of str
        Grids of the community to leave as they are (with the areas they hold).
    reassign_workers : bool
        Move grid workers to the new grids (default true).

    Returns
    -------
    Outcome
        ``summary``: ``grids`` (the new count), ``households_min``, ``_max``,
        ``_mean``, ``_std``, ``outside_tolerance``, ``non_contiguous``,
        ``old_grids``, ``workers_reassigned``; ``details``: one row per new grid
        (``grid_id, name, households, areas, compound_area, contiguous,
        within_tolerance``).

    Raises
    ------
    ScenarioError
        An unknown id, a community without areas, a target below 1, a tolerance
        outside [0, 1), or a kept id that is not a grid of the community.
    """
    edit.require(community, "Community", "community")
    if isinstance(target_households, bool) or not isinstance(target_households, (int, float)) or target_households < 1:
        raise ScenarioError(f"target_households={target_households!r}: give a number of households of at least 1")
    tol = _tolerance(tolerance)
    target = float(target_households)
    keep = [keep] if isinstance(keep, str) else list(keep or [])

    contains = edit.edges("CONTAINS")
    subtree = edit.subtree([community])
    sub_kinds = edit.kinds(list(subtree))
    grids_in = [g for g in subtree if sub_kinds[g] == "Grid"]
    bad_keep = [k for k in keep if k not in grids_in]
    if bad_keep:
        raise ScenarioError(f"keep: {bad_keep[:5]} not grids of community {community!r}")
    old_grids = [g for g in grids_in if g not in keep]
    holders = [community] + old_grids
    claims = contains[contains["source"].isin(holders)]
    area_ids = set(edit.nodes("Area")["id"])
    claims = claims[claims["target"].isin(area_ids)]
    areas = list(dict.fromkeys(claims["target"]))
    if not areas:
        raise ScenarioError(f"community {community!r} holds no areas to grid")
    hh_all = edit.nodes("Area").set_index("id")["households"]
    hh = {a: (0 if pd.isna(hh_all.get(a)) else int(hh_all.get(a))) for a in areas}
    group = {}
    for src, tgt in zip(claims["source"], claims["target"]):
        if tgt not in group or group[tgt] == _DIRECT:
            group[tgt] = src if src != community else _DIRECT
    total = sum(hh.values())
    n_total = max(1, int(math.floor(total / target + 0.5)))
    limit = target * (1 + tol)
    big = {a: max(int(math.floor(hh[a] / target + 0.5)), math.ceil(hh[a] / limit)) for a in areas if hh[a] > limit}
    rest = [a for a in areas if a not in big]
    m = max(n_total - sum(big.values()), 1 if rest else 0)

    # --- neighbours: explicit ADJACENT between areas, same old grid, adjacent old grids
    adj = edit.edges("ADJACENT")
    local = set(areas) | set(old_grids)
    adj = adj[adj["source"].isin(local) & adj["target"].isin(local)]
    area_adj: dict[str, set] = {}
    grid_adj: dict[str, set] = {}
    for a, b in zip(adj["source"], adj["target"]):
        if a in area_ids and b in area_ids:
            area_adj.setdefault(a, set()).add(b)
            area_adj.setdefault(b, set()).add(a)
        elif a in old_grids and b in old_grids:
            grid_adj.setdefault(a, set()).add(b)
            grid_adj.setdefault(b, set()).add(a)
    members: dict[str, list] = {}
    for a in areas:
        members.setdefault(group[a], []).append(a)

    def neighbours(a):
        g = group[a]
        out = set(area_adj.get(a, ())) | set(members[g])
        for g2 in grid_adj.get(g, ()):
            out |= set(members.get(g2, ()))
        out.discard(a)
        return out

    # --- order: old grids breadth-first over their adjacency, areas in claim order, the community's own last
    order_groups, seen = [], set()
    grid_list = [g for g in dict.fromkeys(group[a] for a in areas) if g != _DIRECT]
    for start in grid_list:
        if start in seen:
            continue
        queue = deque([start])
        seen.add(start)
        while queue:
            g = queue.popleft()
            order_groups.append(g)
            for g2 in sorted(grid_adj.get(g, ())):
                if g2 in members and g2 not in seen:
                    seen.add(g2)
                    queue.append(g2)
    if _DIRECT in members:
        order_groups.append(_DIRECT)
    rank = {a: i for i, a in enumerate(a for g in order_groups for a in members[g])}

    # --- grow regions
    regions: list[list[str]] = []
    left = sorted(rest, key=rank.get)
    unassigned = set(left)
    for i in range(m):
        if not unassigned:
            break
        if i == m - 1:
            regions.append(sorted(unassigned, key=rank.get))
            unassigned.clear()
            break
        goal = sum(hh[a] for a in unassigned) / (m - i)
        seed = min(unassigned, key=rank.get)
        region, size = [seed], hh[seed]
        unassigned.discard(seed)
        frontier = neighbours(seed) & unassigned
        while size < goal and unassigned:
            if not frontier:
                # no known neighbour left: jump to the next area in order when that brings the grid nearer
                # its goal (the grid is then reported as not contiguous)
                nxt = min(unassigned, key=rank.get)
                if abs(size + hh[nxt] - goal) >= abs(size - goal):
                    break
                region.append(nxt)
                size += hh[nxt]
                unassigned.discard(nxt)
                frontier = neighbours(nxt) & unassigned
                continue
            nxt = min(frontier, key=rank.get)
            if abs(size + hh[nxt] - goal) > abs(size - goal):
                best = min(frontier, key=lambda a: (abs(size + hh[a] - goal), rank[a]))
                if abs(size + hh[best] - goal) >= abs(size - goal):
                    break
                nxt = best
            region.append(nxt)
            size += hh[nxt]
            unassigned.discard(nxt)
            frontier = (frontier | neighbours(nxt)) & unassigned
        regions.append(region)

    # --- the new grids
    name = edit.node_row("Community", community)["name"]
    removed = set(old_grids)
    taken = [i for i in (f"{community}-g{j:02d}" for j in range(1, len(regions) + sum(big.values()) + 1))
             if edit.exists(i) and i not in removed]
    if taken:
        raise ScenarioError(f"new grid id(s) already in the graph: {taken[:5]}")
    records, container = [], {}
    j = 0
    for a in sorted(big, key=rank.get):
        shares = largest_remainder(hh[a], [1.0] * big[a])
        for share in shares:
            j += 1
            gid = f"{community}-g{j:02d}"
            records.append({"id": gid, "name": f"{name}第{j}网格", "community_id": community, "households": share,
                            "compound_area": a, "_areas": [], "_groups": {group[a]}})
        container[a] = community
    for region in regions:
        j += 1
        gid = f"{community}-g{j:02d}"
        records.append({"id": gid, "name": f"{name}第{j}网格", "community_id": community,
                        "households": sum(hh[a] for a in region), "_areas": region, "_groups": {group[a] for a in region}})
        container.update({a: gid for a in region})

    # posts to carry over: each old grid's leaders and workers go to the new grid taking most of its households
    carried = []
    if reassign_workers and old_grids:
        posts = edit.current_posts(old_grids, roles=GRID_ROLES)
        if len(posts):
            share: dict[str, dict[str, int]] = {}
            for rec in records:
                for a in rec["_areas"]:
                    g = group[a]
                    share.setdefault(g, {}).setdefault(rec["id"], 0)
                    share[g][rec["id"]] += hh[a]
                if rec.get("compound_area"):
                    g = group[rec["compound_area"]]
                    share.setdefault(g, {}).setdefault(rec["id"], 0)
                    share[g][rec["id"]] += rec["households"]
            position = {rec["id"]: i for i, rec in enumerate(records)}
            dest = {g: max(d.items(), key=lambda kv: (kv[1], -position[kv[0]]))[0] for g, d in share.items()}
            for (grid, role), rows in posts.groupby(["target", "role"], sort=False):
                if grid in dest:
                    carried.append(post_rows(rows["source"], dest[grid], role, edit.date))

    # adjacency of the new grids: shared or adjacent old groups, explicit area adjacency; old grids' outside neighbours
    new_adj = set()
    for x in range(len(records)):
        for y in range(x + 1, len(records)):
            gx, gy = records[x]["_groups"], records[y]["_groups"]
            near = bool(gx & gy) or any(g2 in grid_adj.get(g1, ()) for g1 in gx for g2 in gy)
            if not near:
                ax, ay = set(records[x]["_areas"]), set(records[y]["_areas"])
                near = any(area_adj.get(a, set()) & ay for a in ax)
            if near:
                new_adj.add((records[x]["id"], records[y]["id"]))
    all_adj = edit.edges("ADJACENT")
    outside = all_adj[(all_adj["source"].isin(old_grids) & ~all_adj["target"].isin(local))
                      | (all_adj["target"].isin(old_grids) & ~all_adj["source"].isin(local))]
    for a, b in zip(outside["source"], outside["target"]):
        g, other = (a, b) if a in removed else (b, a)
        for rec in records:
            if g in rec["_groups"]:
                new_adj.add((rec["id"], other))

    # --- write: claims move in place (a contested area keeps its other claim second), old grids go, new grids come
    c = edit.edges("CONTAINS").copy(deep=False)
    hit = c["source"].isin(holders) & c["target"].isin(list(container))
    src = c["source"].copy()
    src[hit] = c.loc[hit, "target"].map(container)
    c["source"] = src
    edit.put_edges("CONTAINS", dedupe_edges("CONTAINS", c, touched=set(container.values())))
    old_posts = int(edit.edges("HOLDS_POST")["target"].isin(old_grids).sum())
    edit.remove_nodes("Grid", old_grids)
    edit.add_nodes("Grid", [{k: v for k, v in r.items() if not k.startswith("_")} for r in records])
    if carried:
        edit.add_edges("HOLDS_POST", pd.concat(carried, ignore_index=True))
    if new_adj:
        edit.add_edges("ADJACENT", pd.DataFrame(sorted(new_adj), columns=["source", "target"]))

    # --- report
    lo, hi = target * (1 - tol), target * (1 + tol)
    rows = []
    for rec in records:
        region = rec["_areas"]
        contiguous = True if not region else _connected(region, neighbours)
        rows.append((rec["id"], rec["name"], rec["households"], len(region) if region else 1, rec.get("compound_area"),
                     contiguous, lo <= rec["households"] <= hi))
    details = pd.DataFrame(rows, columns=DETAIL_COLUMNS)
    sizes = details["households"].astype(float)
    summary = {
        "community": community,
        "grids": len(details),
        "households": int(total),
        "households_min": int(sizes.min()),
        "households_max": int(sizes.max()),
        "households_mean": round(float(sizes.mean()), 1),
        "households_std": round(float(sizes.std(ddof=0)), 1),
        "outside_tolerance": int((~details["within_tolerance"]).sum()),
        "non_contiguous": int((~details["contiguous"]).sum()),
        "old_grids": len(old_grids),
        "old_grid_posts_removed": old_posts,
        "workers_reassigned": int(sum(len(f) for f in carried)),
    }
    return Outcome(summary, details)


def _connected(region: list[str], neighbours) -> bool:
    inside = set(region)
    seen = {region[0]}
    stack = [region[0]]
    while stack:
        a = stack.pop()
        for b in neighbours(a) & inside:
            if b not in seen:
                seen.add(b)
                stack.append(b)
    return len(seen) == len(inside)
