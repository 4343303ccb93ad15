"""撤并: merging communities into another (村改居社区并入城市社区, 石臼)."""

from __future__ import annotations

import pandas as pd

from ... import rules
from ...errors import ScenarioError
from .._edit import Edit, as_date, household_sum, ids_list
from ._common import add_counts, append_list_attr, dissolve, post_rows, unit_kinds
from ._registry import Outcome, operation

__all__ = ["merge_communities"]

#: roles of a cooperative's 理事会 and what they become in its 二级网格 (理事会成员兼任网格长、网格员)
BOARD_TO_GRID = {"director": "grid_leader", "deputy_director": "grid_worker", "member": "grid_worker"}


@operation
def merge_communities(
    edit: Edit,
    sources,
    into: str,
    keep_cooperatives_as_grids: bool = True,
    cooperative_members_join_committee: bool = True,
    transition_until=None,
    dissolve_units=("residents_committee", "supervisory_committee"),
) -> Outcome:
    """Merge communities into another (社区撤并): 撤销 ``sources``, 并入 ``into``.

    What moves, what ends, what is created:

    * **Territory.** Every grid and area of a source community moves to
      ``into`` (its CONTAINS edges now start there); the sources' households and
      population are added to ``into``. The source communities are removed; an
      area claimed by a source and by ``into`` is no longer contested.
    * **Bodies.** Each source's own party organisation (社区党委/党总支, covering
      the community) and its units of the kinds in ``dissolve_units`` (居委会 and
      居务监督委员会 by default) are dissolved: their posts end at the scenario
      date, they stop covering anything, and they stay in the graph as a record
      with ``end`` (the date, 撤销日期) and ``merged_into`` (the body of ``into`` that takes
      over). Their subordinate bodies (compound branches, the cooperative's party
      organisation …) now answer to that body. When ``into`` has no body of that
      kind, the source's body is transferred instead: it covers ``into``.
      Every other body covering a source (resident units, 业委会 of a source's
      compounds keep covering their compound) now covers ``into``; 双报到
      reports and liaisons to a source go to ``into``.
    * **Cooperatives (股份经济合作社).** With ``keep_cooperatives_as_grids``, each
      cooperative of a source becomes a 二级网格 of ``into`` (治理融合): a new
      grid (id ``<cooperative>-grid``, attribute ``cooperative_id``) inside
      ``into`` and inside the source's grid holding most of its village
      households, which the cooperative now covers; its 理事会 members become the
      grid's 网格长 (the 理事长, ``director``) and 网格员 (current posts, from the
      scenario date, part-time). Otherwise the cooperative covers ``into``.
    * **Party members (党建融合).** With ``cooperative_members_join_committee``,
      the current committee members of a cooperative's party organisation
      (secretary, deputy secretary, member) become part-time members (委员) of
      ``into``'s party organisation.
    * **Transition (过渡期).** With ``transition_until`` (a date), everyone holding
      a current post in a dissolved body gets a ``staff`` post in ``into``'s
      residents' committee from the scenario date to that date.
    * **Lineage.** ``into`` gets ``merged_from`` (the source ids, ';'-separated);
      the step's summary maps each source to ``into``.

    Parameters
    ----------
    sources : str or list of str
        Community ids to dissolve.
    into : str
        The community they join (not one of ``sources``).
    keep_cooperatives_as_grids, cooperative_members_join_committee : bool
        See above (both on by default, as in 石臼).
    transition_until : date or str, optional
        End of the transitional posts (after the scenario date).
    dissolve_units : list of str
        Unit kinds of a source that are dissolved with it (Chinese names accepted).

    Raises
    ------
    ScenarioError
        An unknown id, an id that is not a community, ``into`` among the
        sources, a source listed twice, or a transition date not after the
        scenario date.
    """
    sources = ids_list(sources, "sources")
    if not isinstance(into, str):
        raise ScenarioError(f"into: give one community id, not {into!r}")
    if into in sources:
        raise ScenarioError(f"cannot merge community {into!r} into itself")
    edit.require(sources, "Community", "sources")
    edit.require(into, "Community", "into")
    kinds_dissolved = unit_kinds(dissolve_units, "dissolve_units")
    if "cooperative" in kinds_dissolved and keep_cooperatives_as_grids:
        raise ScenarioError("dissolve_units: a cooperative cannot both be dissolved and kept as a 二级网格")
    until = None
    if transition_until is not None:
        until = as_date(transition_until, "transition_until")
        if until <= edit.date:
            raise ScenarioError(f"transition_until={until.isoformat()} must be after the scenario date {edit.date.isoformat()}")

    # --- classify the bodies covering each source (all reads happen before any write)
    cov = edit.covering(sources)
    selectors = (rules.COMMUNITY_PARTY_SELECTOR,) + kinds_dissolved
    counterpart = {sel: edit.community_body(into, sel) for sel in selectors}
    successors: dict[str, str | None] = {}
    transferred: list[str] = []
    for source in sources:
        own = cov.loc[cov["target"] == source, "source"]
        for sel in selectors:
            for body in edit.bodies_matching(own, sel):
                if body in successors or body in transferred:
                    continue
                if counterpart[sel] is None:
                    counterpart[sel] = body
                    transferred.append(body)
                else:
                    successors[body] = counterpart[sel]
    committee = counterpart[rules.COMMUNITY_PARTY_SELECTOR]
    residents_committee = counterpart.get(rules.RESIDENTS_COMMITTEE)
    if until is not None and residents_committee is None:
        raise ScenarioError(f"transition_until: community {into!r} has no residents' committee (居委会) to hold transitional posts")
    coops = edit.bodies_matching(cov["source"], "cooperative") if keep_cooperatives_as_grids else []
    coops = [c for c in coops if c not in successors]

    # people in dissolved bodies (before their posts end), for transitional posts
    leaving = edit.current_posts(list(successors))["source"] if until is not None else pd.Series([], dtype=object)

    # --- cooperatives as 二级网格
    coop_grid: dict[str, str] = {}
    new_posts = []
    if coops:
        contains = edit.edges("CONTAINS")
        grids = edit.nodes("Grid")
        areas = edit.nodes("Area")
        units = edit.nodes("Unit").set_index("id")
        records = []
        for coop in coops:
            home = cov.loc[cov["source"] == coop, "target"]
            home = [h for h in home if h in sources][:1]
            parent = _home_grid(edit, contains, grids, areas, home[0]) if home else None
            gid = edit.new_id(f"{coop}-grid", taken=coop_grid.values())
            coop_grid[coop] = gid
            rec = {"id": gid, "name": f"{units.at[coop, 'name']}二级网格", "community_id": into, "cooperative_id": coop}
            if parent is not None:
                rec["parent_grid_id"] = parent
            records.append(rec)
        edit.add_nodes("Grid", records)
        board = edit.current_posts(coops, roles=list(BOARD_TO_GRID))
        for (coop, role), people in board.groupby(["target", "role"], sort=False)["source"]:
            new_posts.append(post_rows(people, coop_grid[coop], BOARD_TO_GRID[role], edit.date, part_time=True))
    if cooperative_members_join_committee and committee is not None:
        coop_units = edit.bodies_matching(cov["source"], "cooperative")
        party = edit.nodes("PartyOrg")
        coop_party = party.loc[party["unit_id"].isin(coop_units), "id"]
        members = edit.current_posts(coop_party, roles=rules.PARTY_COMMITTEE_ROLES)["source"]
        already = edit.current_posts([committee])["source"]
        members = members[~members.isin(already)]
        if len(members):
            new_posts.append(post_rows(members, committee, "member", edit.date, part_time=True))
    if until is not None and len(leaving):
        new_posts.append(post_rows(leaving, residents_committee, "staff", edit.date, end=until))

    # --- territory: children move, claims on the sources go
    contains = edit.edges("CONTAINS")
    edit.drop_edges("CONTAINS", contains["target"].isin(sources).to_numpy())
    mapping = {s: into for s in sources}
    moved = edit.retarget("CONTAINS", "source", mapping)
    # --- bodies
    ended = dissolve(edit, successors)
    if coop_grid:
        c = edit.edges("COVERS")
        hit = c["source"].isin(list(coop_grid)) & c["target"].isin(sources)
        if hit.any():
            c = c.copy(deep=False)
            tgt = c["target"].copy()
            tgt[hit] = c.loc[hit, "source"].map(coop_grid)
            c["target"] = tgt
            edit.put_edges("COVERS", c)
    edit.retarget("COVERS", "target", mapping)
    edit.retarget("REPORTS_TO", "target", mapping)
    edit.retarget("LIAISES", "target", mapping)
    edit.retarget("ADJACENT", "source", mapping, dedupe=False)
    edit.retarget("ADJACENT", "target", mapping)
    if new_posts:
        edit.add_edges("HOLDS_POST", pd.concat(new_posts, ignore_index=True))

    # --- counts and lineage, then the sources go
    comm = edit.nodes("Community")
    src = comm[comm["id"].isin(sources)]
    add_counts(edit, into, household_sum(src["households"]), household_sum(src["population"]))
    append_list_attr(edit, "Community", into, "merged_from", sources)
    edit.remove_nodes("Community", sources)

    summary = {
        "merged": {s: into for s in sources},
        "dissolved": successors,
        "transferred": transferred,
        "cooperative_grids": coop_grid,
        "territories_moved": moved,
        "posts_ended": ended,
        "posts_created": int(sum(len(f) for f in new_posts)),
    }
    return Outcome(summary)


def _home_grid(edit: Edit, contains, grids, areas, community: str) -> str | None:
    """The grid of ``community`` holding most households of its natural villages (自然村); else its largest grid."""
    own = contains.loc[contains["source"] == community, "target"]
    own = own[own.isin(grids["id"])]
    if not len(own):
        return None
    inside = contains[contains["source"].isin(own)]
    villages = areas[areas["kind"] == "village"][["id", "households"]]
    hits = inside.merge(villages, left_on="target", right_on="id")
    if len(hits):
        sums = hits.groupby("source", sort=False)["households"].sum(min_count=1).fillna(0)
        return str(sums.idxmax())
    sizes = grids.set_index("id")["households"].reindex(own).fillna(0)
    return str(sizes.idxmax())
