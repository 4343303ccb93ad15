"""Re-cutting boundaries (调整社区规模): split a community, move areas, assign an unassigned or contested area."""

from __future__ import annotations

import pandas as pd

from ... import rules
from ...errors import ScenarioError
from ...schema import EDGE_TYPES, ENUMS
from .._edit import Edit, dedupe_edges, ids_list
from ._common import ancestors, dissolve, largest_remainder, shift_counts, unit_kinds
from ._registry import Outcome, operation

__all__ = ["split_community", "move_areas", "assign_area"]

_PART_KEYS = {"id", "name", "territories", "rest", "kind", "households", "population", "claims", "bodies"}


@operation
def split_community(
    edit: Edit,
    source: str,
    parts: list,
    create_bodies=rules.TWO_COMMITTEES,
    dissolve_units=("residents_committee", "supervisory_committee"),
) -> Outcome:
    """Split a community into new ones (拆分社区, 8 → 12 in 栖霞; 17 → 29 居委会 in 东城).

    ``source`` is removed; each part becomes a new community of the same street
    and kind. Each part lists the territories it takes:

    * every grid and area directly inside ``source`` goes to exactly one part
      (listed under ``territories``, or to the part marked ``rest: true``);
    * a grid's areas go with the grid, unless an area is listed for another
      part: it then leaves the grid and sits directly in that part (a boundary
      cutting through an old grid; :func:`regrid` can re-grid the parts after).

    Bodies: ``source``'s own party organisation and its units of the kinds in
    ``dissolve_units`` are dissolved (posts end at the scenario date; the record
    keeps ``end`` (the date, 撤销日期) and ``merged_into`` = the new bodies, ';'-separated).
    Each part gets the bodies named in ``create_bodies`` (``committee``: a party
    organisation of the source's level under the source's parent; unit kinds:
    a unit such as its 居委会), with no posts yet; the dissolved bodies'
    subordinates (compound branches …) answer to the new body of the part that
    holds their territory. Every other body covering ``source``, and every
    report and liaison to it, goes to each part, unless a part lists its id
    under ``claims`` (then to that part only). Neighbours of ``source``
    (ADJACENT) become neighbours of every part, and the parts are neighbours.

    Households and population of ``source`` are shared among the parts in
    proportion to the households of the areas each holds (their sum is kept
    exactly), unless a part gives its own.

    Parameters
    ----------
    source : str
        The community to split.
    parts : list of dict
        Each with ``id`` and ``name`` (new), ``territories`` (grid and area ids)
        and optionally ``rest`` (true: takes what no part lists), ``kind``,
        ``households``, ``population``, ``claims`` (ids of bodies, reporters or
        liaising cadres attached to ``source`` that go to this part only) and
        ``bodies`` (a dict naming the new bodies: ``{"committee": {"id": …,
        "name": …}, "residents_committee": {…}}``; default ids
        ``<part>-po`` and ``<part>-rc``; ``covers``: further territories of the
        part the body covers, such as the 500+ compound whose own 居委会 it is).
    create_bodies : list of str
        ``committee`` and/or unit kinds to set up in every part.
    dissolve_units : list of str
        Unit kinds of ``source`` dissolved with it.

    Raises
    ------
    ScenarioError
        An unknown or taken id, a territory outside ``source`` or listed twice,
        a territory of ``source`` no part takes, or a malformed part.
    """
    edit.require(source, "Community", "source")
    if not isinstance(parts, list) or not parts:
        raise ScenarioError("parts: give a non-empty list of parts, each a table with id, name and territories")
    kinds_dissolved = unit_kinds(dissolve_units, "dissolve_units")
    creates = [c if c == rules.COMMUNITY_PARTY_SELECTOR else unit_kinds(c, "create_bodies")[0] for c in
               ([create_bodies] if isinstance(create_bodies, str) else list(create_bodies))]
    ids, rest_part = [], None
    for i, part in enumerate(parts, 1):
        if not isinstance(part, dict):
            raise ScenarioError(f"parts[{i}]: a table with id, name and territories is needed, got {part!r}")
        unknown = sorted(set(part) - _PART_KEYS)
        if unknown:
            raise ScenarioError(f"parts[{i}]: unknown key(s) {unknown}; known: {', '.join(sorted(_PART_KEYS))}")
        for key in ("id", "name"):
            if not isinstance(part.get(key), str) or not part[key]:
                raise ScenarioError(f"parts[{i}]: '{key}' must be a non-empty text")
        if part.get("rest"):
            if rest_part is not None:
                raise ScenarioError(f"parts: only one part can take the rest ({rest_part!r} and {part['id']!r} do)")
            rest_part = part["id"]
        ids.append(part["id"])
    ids_list(ids, "parts (ids)")
    taken = [i for i in ids if edit.exists(i)]
    if taken:
        raise ScenarioError(f"parts: id(s) already in the graph: {taken[:5]} (a part gets a new id)")

    # --- which part takes each territory of the source
    contains = edit.edges("CONTAINS")
    subtree = edit.subtree([source])
    direct = list(pd.unique(contains.loc[contains["source"] == source, "target"]))
    owner: dict[str, str] = {}
    for part in parts:
        terr = part.get("territories", [])
        terr = ids_list(terr, f"parts[{part['id']}].territories") if terr else []
        edit.require(terr, ("Grid", "Area"), f"parts[{part['id']}].territories")
        outside = [t for t in terr if t not in subtree or t == source]
        if outside:
            raise ScenarioError(f"parts[{part['id']}].territories: {outside[:5]} not inside community {source!r}")
        twice = [t for t in terr if t in owner]
        if twice:
            raise ScenarioError(f"territory {twice[0]!r} is listed in two parts ({owner[twice[0]]!r} and {part['id']!r})")
        owner.update({t: part["id"] for t in terr})
    missing = [t for t in direct if t not in owner]
    if missing and rest_part is None:
        raise ScenarioError(f"territories of {source!r} that no part takes: {missing[:8]}{' …' if len(missing) > 8 else ''}"
                            " (list them, or mark one part with rest = true)")
    owner.update({t: rest_part for t in missing})

    # every territory of the subtree: its part (a listed one, or inherited from its container)
    inner = contains[contains["source"].isin(subtree) & contains["target"].isin(subtree)]
    first_claim = inner.drop_duplicates("target", keep="first")
    parent_of = dict(zip(first_claim["target"], first_claim["source"]))
    part_of: dict[str, str] = {}

    def part_for(t):
        seen = []
        while t not in owner and t != source and t in parent_of and t not in seen:
            seen.append(t)
            t = parent_of[t]
        return owner.get(t)

    for t in subtree:
        if t != source:
            part_of[t] = part_for(t)
    # a listed territory whose container goes to another part leaves that container
    detach = [t for t in owner if t not in direct and part_of.get(parent_of.get(t)) != owner[t]]

    # --- counts: shared in proportion to the households of each part's top-level areas
    areas = edit.nodes("Area").set_index("id")
    sub_kinds = edit.kinds(list(subtree))
    grid_ids = set(sub_kinds.index[sub_kinds == "Grid"])
    weights = {p: 0.0 for p in ids}
    for t, p in part_of.items():
        if t in areas.index:
            container = source if t in detach else parent_of.get(t)
            if container == source or container in grid_ids:
                h = areas.at[t, "households"]
                weights[p] += 0.0 if pd.isna(h) else float(h)
    row = edit.node_row("Community", source)
    counts = {}
    for col in ("households", "population"):
        total = row.get(col)
        if total is None or pd.isna(total):
            counts[col] = {p: (int(weights[p]) if col == "households" and any(weights.values()) else pd.NA) for p in ids}
        else:
            counts[col] = dict(zip(ids, largest_remainder(int(total), [weights[p] for p in ids])))

    # --- bodies of the source
    cov = edit.covering([source])
    own_bodies = {sel: edit.bodies_matching(cov["source"], sel) for sel in (rules.COMMUNITY_PARTY_SELECTOR,) + kinds_dissolved}
    dissolved = [b for bodies in own_bodies.values() for b in bodies]
    street = edit.primary_parent([source], ("Street",)).iloc[0]
    party = edit.nodes("PartyOrg").set_index("id")
    sub = edit.edges("SUBORDINATE_TO")
    new_bodies: dict[str, dict[str, str]] = {p: {} for p in ids}
    po_records, unit_records, new_ids, covers_extra = [], [], [], []
    for part in parts:
        pid, pname = part["id"], part["name"]
        names = part.get("bodies") or {}
        if not isinstance(names, dict):
            raise ScenarioError(f"parts[{pid}].bodies: a table such as {{committee = {{id = …, name = …}}}} is needed")
        for sel in creates:
            spec = names.get(sel) or {}
            old = own_bodies.get(sel, [])
            if sel == rules.COMMUNITY_PARTY_SELECTOR:
                level = party.at[old[0], "level"] if old else rules.COMMUNITY_PARTY_LEVELS[0]
                bid = spec.get("id") or edit.new_id(f"{pid}-po", taken=new_ids)
                rec = {"id": bid, "name": spec.get("name") or f"{pname}{ENUMS['party_level'].values[level][0]}",
                       "level": level, "territory_id": pid}
                up = sub.loc[sub["source"] == old[0], "target"] if old else []
                if len(up):
                    rec["parent_id"] = up.iloc[0]
                po_records.append(rec)
            else:
                short = "rc" if sel == rules.RESIDENTS_COMMITTEE else sel
                bid = spec.get("id") or edit.new_id(f"{pid}-{short}", taken=new_ids)
                rec = {"id": bid, "name": spec.get("name") or f"{pname}{ENUMS['unit_kind'].values[sel][0]}",
                       "kind": sel, "territory_id": pid}
                up = sub.loc[sub["source"] == old[0], "target"] if old else []
                if len(up):
                    rec["parent_id"] = up.iloc[0]
                unit_records.append(rec)
            extra_cover = spec.get("covers") or []
            if extra_cover:
                extra_cover = ids_list(extra_cover, f"parts[{pid}].bodies.{sel}.covers")
                stray = [t for t in extra_cover if part_of.get(t) != pid]
                if stray:
                    raise ScenarioError(f"parts[{pid}].bodies.{sel}.covers: {stray[:5]} not territories of part {pid!r}")
                covers_extra.extend((bid, t) for t in extra_cover)
            new_ids.append(bid)
            new_bodies[pid][sel] = bid
    claims: dict[str, str] = {}
    for part in parts:
        for c in part.get("claims", []) or []:
            if c in claims:
                raise ScenarioError(f"{c!r} is claimed by two parts ({claims[c]!r} and {part['id']!r})")
            claims[c] = part["id"]

    # --- write: new communities and bodies
    kind = row.get("kind")
    comm_records = []
    for part in parts:
        pid = part["id"]
        rec = {"id": pid, "name": part["name"], "kind": part.get("kind", kind), "split_from": source}
        if isinstance(street, str):
            rec["street_id"] = street
        for col in ("households", "population"):
            value = part.get(col, counts[col][pid])
            if value is not pd.NA:
                rec[col] = value
        comm_records.append(rec)
    edit.add_nodes("Community", comm_records)
    edit.add_nodes("PartyOrg", po_records)
    edit.add_nodes("Unit", unit_records)
    if covers_extra:
        edit.add_edges("COVERS", pd.DataFrame(covers_extra, columns=["source", "target"]))

    # territories: the source's claims go to the parts; detached areas leave their container
    c = edit.edges("CONTAINS").copy(deep=False)
    src = c["source"].copy()
    hit = (c["source"] == source) & c["target"].isin(list(owner))
    src[hit] = c.loc[hit, "target"].map(owner)
    if detach:
        dmask = c["target"].isin(detach) & c["source"].isin(subtree)
        src[dmask] = c.loc[dmask, "target"].map(owner)
    c["source"] = src
    edit.put_edges("CONTAINS", dedupe_edges("CONTAINS", c, touched=set(ids)))
    if detach:
        hh = areas["households"]
        moves = [(t, [parent_of[t]], []) for t in detach if parent_of[t] in grid_ids and not pd.isna(hh.get(t))]
        _grid_households(edit, moves, hh)

    # subordinates of dissolved bodies answer to the new body of the part holding their territory
    sub = edit.edges("SUBORDINATE_TO")
    children = sub[sub["target"].isin(dissolved) & ~sub["source"].isin(dissolved)]
    if len(children):
        where = edit.edges("COVERS")
        where = where[where["source"].isin(children["source"])].drop_duplicates("source")
        child_part = dict(zip(where["source"], where["target"].map(part_of.get)))
        sel_of = {b: sel for sel, bodies in own_bodies.items() for b in bodies}
        new_target = []
        for s_, t_ in zip(children["source"], children["target"]):
            p = child_part.get(s_)
            p = p if isinstance(p, str) else claims.get(s_, ids[0])
            new_target.append(new_bodies[p].get(sel_of[t_], t_))
        sub = sub.copy(deep=False)
        tgt = sub["target"].copy()
        tgt[children.index] = new_target
        sub["target"] = tgt
        edit.put_edges("SUBORDINATE_TO", sub)
    successors = {}
    for sel, bodies in own_bodies.items():
        succ = ";".join(new_bodies[p][sel] for p in ids if sel in new_bodies[p]) or None
        successors.update({b: succ for b in bodies})
    ended = dissolve(edit, successors, repoint=False)

    # everything else attached to the source goes to every part (or the claiming part)
    spread = {}
    for type, column in (("COVERS", "target"), ("REPORTS_TO", "target"), ("LIAISES", "target")):
        spread[type] = _spread(edit, type, column, source, ids, claims)
    adj = edit.edges("ADJACENT")
    _spread(edit, "ADJACENT", "source", source, ids, {})
    _spread(edit, "ADJACENT", "target", source, ids, {})
    if len(ids) > 1 and ((adj["source"] == source) | (adj["target"] == source)).any():
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        edit.add_edges("ADJACENT", pd.DataFrame(pairs, columns=["source", "target"]))
    edit.remove_nodes("Community", [source])

    summary = {
        "split": {source: ids},
        "territories": {p: sorted(t for t, q in owner.items() if q == p) for p in ids},
        "detached_areas": sorted(detach),
        "new_bodies": new_bodies,
        "dissolved": sorted(dissolved),
        "posts_ended": ended,
        "households": {p: (None if counts["households"][p] is pd.NA else int(counts["households"][p])) for p in ids},
        "shared_with_every_part": {k: v for k, v in spread.items() if v},
    }
    return Outcome(summary)


def _grid_households(edit: Edit, moves, hh) -> None:
    """Take detached areas' households off the grids they left."""
    delta: dict[str, int] = {}
    for area, (grid,), _ in moves:
        delta[grid] = delta.get(grid, 0) + int(hh[area])
    f = edit.nodes("Grid").set_index("id")
    vals = {g: max(int(f.at[g, "households"]) - d, 0) for g, d in delta.items() if not pd.isna(f.at[g, "households"])}
    if vals:
        edit.set_attrs("Grid", list(vals), households=pd.Series(vals))


def _spread(edit: Edit, type: str, column: str, source: str, parts: list[str], claims: dict) -> int:
    """Edges of ``type`` whose ``column`` is ``source``: one copy per part (or to the claiming part), in place.

    Returns the number of edges copied to every part.
    """
    e = edit.edges(type)
    hit = (e[column] == source).to_numpy()
    if not hit.any():
        return 0
    other = "source" if column == "target" else "target"
    rows = e[hit]
    claimed = rows[other].map(claims)
    expanded = []
    shared = 0
    for idx, (own, other_id) in enumerate(zip(claimed, rows[other])):
        targets = [own] if isinstance(own, str) else parts
        if not isinstance(own, str):
            shared += 1
        block = rows.iloc[[idx] * len(targets)].copy()
        block[column] = targets
        expanded.append(block)
    new = pd.concat(expanded)
    out = pd.concat([e[~hit], new]).sort_index(kind="stable")
    edit.put_edges(type, dedupe_edges(type, out.reset_index(drop=True), touched=set(parts)))
    return shared


@operation
def move_areas(edit: Edit, areas, to: str) -> Outcome:
    """Move areas or grids to another territory (调整区域归属): a compound to another grid or community ….

    Every claim on a moved territory (its CONTAINS edges: the primary one and,
    for a contested area, the second) is replaced by one from ``to``. Its
    households move with it: the containers it leaves (grid, community, street)
    lose them and those it joins gain them; a community's and a street's
    population shift too, at the population per household of the community left.

    Parameters
    ----------
    areas : str or list of str
        Area (小区, 楼栋, 交界区域 …) or grid ids.
    to : str
        The territory that will contain them (a grid, community, area or street).

    Raises
    ------
    ScenarioError
        An unknown id; ``to`` not a territory, or one that cannot contain such a
        territory (a grid inside an area …); ``to`` being one of the moved
        territories or inside one of them.
    """
    items = ids_list(areas, "areas")
    edit.require(items, ("Area", "Grid"), "areas")
    to_kind = edit.require_territory(to, "to")
    kinds = edit.kinds(items)
    wrong = [(i, kinds[i]) for i in items if not EDGE_TYPES["CONTAINS"].allows(to_kind, kinds[i])]
    if wrong:
        raise ScenarioError(f"to: a {to_kind} cannot contain a {wrong[0][1]} ({wrong[0][0]!r})")
    inside = edit.subtree(items)
    if to in inside:
        raise ScenarioError(f"to: {to!r} is {'one of the moved territories' if to in items else 'inside a moved territory'}")
    moved = _move(edit, items, to)
    return Outcome({"moved": moved, "to": to})


def _move(edit: Edit, items: list[str], to: str) -> list[str]:
    c = edit.edges("CONTAINS")
    claims = c[c["target"].isin(items)]
    already = set(claims.loc[claims["source"] == to, "target"]) - set(claims.loc[claims["source"] != to, "target"])
    items = [i for i in items if i not in already]
    if not items:
        return []
    old = ancestors(edit, items)
    to_chain = [to] + ancestors(edit, [to])[to]
    edit.drop_edges("CONTAINS", c["target"].isin(items).to_numpy())
    edit.add_edges("CONTAINS", pd.DataFrame({"source": [to] * len(items), "target": items}))
    shift_counts(edit, [(i, old[i], to_chain) for i in items])
    return items


@operation
def assign_area(edit: Edit, area: str, community: str) -> Outcome:
    """Give an unassigned or contested area one governing community (厘清交界区域管辖主体, 孝南).

    The area's claims are replaced by one from ``community`` (or from a grid
    inside it); the area gets the attribute ``assigned_on`` (the scenario date).

    Parameters
    ----------
    area : str
        An area that no community governs (治理真空带) or that two claim (交界争议区域).
    community : str
        The community (or a grid of the community) that will govern it.

    Raises
    ------
    ScenarioError
        An unknown id, ``community`` not a community or grid, or an area
        already governed by exactly one community (use :func:`move_areas`).
    """
    edit.require(area, "Area", "area")
    edit.require(community, ("Community", "Grid"), "community")
    claimants = edit.containing(area, "Community")
    if len(claimants) == 1:
        raise ScenarioError(f"area {area!r} is already governed by community {claimants[0]!r}; use move_areas to move it")
    status = "unassigned" if not claimants else "contested"
    _move(edit, [area], community)
    edit.set_attrs("Area", [area], assigned_on=edit.date.isoformat())
    return Outcome({"area": area, "was": status, "claimed_by": claimants, "assigned_to": community})

