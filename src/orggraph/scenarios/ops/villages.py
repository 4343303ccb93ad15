"""社区化: a rural community formed over existing villages (胶河, seed 003)."""

from __future__ import annotations

import pandas as pd

from ... import rules
from ...errors import ScenarioError
from .._edit import Edit, ids_list
from ._common import post_rows
from ._registry import Outcome, operation
from .boundaries import _move

__all__ = ["form_community", "SERVICE_GROUPS"]

#: the six working groups of a community service team (seed 003: 每个服务队设 … 等6个工作组)
SERVICE_GROUPS = ("民事调解组", "环境卫生组", "公益事业组", "服务组", "农村财务管理组", "党员志愿组")


@operation
def form_community(
    edit: Edit,
    territories,
    id: str,
    name: str,
    street: str | None = None,
    kind: str = "rural",
    party_org: str | None = None,
    party_org_name: str | None = None,
    secretary: str | None = None,
    deputies=(),
    members_from_village_secretaries: bool = True,
    service_team: str | None = None,
    service_groups=SERVICE_GROUPS,
    functional_branches=(),
) -> Outcome:
    """Form a community over existing villages (社区化管理服务, 胶河): 党总支, its village branches, a service team.

    Seed 003: 成立立柱社区 … 每个社区设立一个党总支部 … 社区党总支书记由区工管委领导班子成员兼任;
    党总支副书记由区机关干部和社区内一名村党支部书记担任; 委员由其他现任村党支部书记担任 … 以社区为单位成立
    社区服务队, 每个服务队设民事调解组、环境卫生组、公益事业组、服务组、农村财务管理组、党员志愿组等6个工作组.

    * A community ``id`` (``kind`` rural) is set up in ``street`` (default: the street now containing the
      first territory) and ``territories`` (grids, villages 自然村/行政村, compounds) move into it with their
      households (as :func:`move_areas`).
    * A 党总支 (``general_branch``, id ``party_org``, default ``<id>-po``) leads the community and answers to
      the street's 党工委; every party branch of a village inside the community (level ``branch`` covering a
      village area) becomes subordinate to it.
    * Posts start on the scenario date, all part-time (兼任): ``secretary`` (书记), ``deputies`` (副书记),
      and, with ``members_from_village_secretaries``, every current secretary of those village branches not
      already named becomes 委员.
    * ``functional_branches`` (功能型党支部: 下设功能型党支部): each ``{"id", "name"}`` (or a name: id
      ``<party_org>-fb<n>``) a branch leading the community, subordinate to the 党总支.
    * A service team (服务队, unit ``service_team`` in the community, id ``service_team``, default
      ``<id>-st``) with one group per name of ``service_groups`` (units ``service_team`` whose parent is the
      team, named team name + group name; ids ``<team>-1`` …).

    Parameters
    ----------
    territories : str or list of str
        Grids and areas (villages, compounds) the community takes.
    id, name : str
        The new community's id and name (立柱社区 …).
    street : str, optional
        The street (街道 / 经济区) it belongs to.
    kind : str
        Community kind (default ``rural`` 农村社区).
    party_org, party_org_name : str, optional
        Id and name of the 党总支 (default ``<id>-po``, name + 党总支).
    secretary : str, optional
        Cadre id of the 党总支 secretary (a member of the 工委/管委 leadership in 胶河).
    deputies : list of str
        Cadre ids of the deputy secretaries.
    members_from_village_secretaries : bool
        The other current village branch secretaries become 委员 (default true).
    service_team : str, optional
        Id of the service team (default ``<id>-st``); ``service_groups`` empty: no team.
    service_groups : list of str
        The team's working groups (default the six of seed 003, :data:`SERVICE_GROUPS`).
    functional_branches : list of dict or str
        Functional branches (功能型党支部) to set up under the 党总支.

    Raises
    ------
    ScenarioError
        An unknown or taken id, a territory that is not a grid or area, a street that is not a street,
        territories in different streets, a secretary or deputy who is not a cadre.
    """
    items = ids_list(territories, "territories")
    edit.require(items, ("Grid", "Area"), "territories")
    for taken in (id, party_org, service_team):
        if taken is not None and edit.exists(taken):
            raise ScenarioError(f"id already in the graph: {taken!r}")
    streets = edit.nodes("Street")["id"]
    c = edit.edges("CONTAINS")
    if street is None:
        up = items[0]
        for _ in range(10):
            parents = c.loc[c["target"] == up, "source"]
            if not len(parents):
                break
            up = parents.iloc[0]
            if up in set(streets):
                street = up
                break
        if street is None:
            raise ScenarioError(f"street: {items[0]!r} lies in no street; name the street")
    edit.require(street, "Street", "street")
    deps = ids_list(deputies, "deputies") if deputies else []
    people = [p for p in [secretary, *deps] if p is not None]
    if people:
        edit.require(people, "Cadre", "secretary and deputies")

    # the street's party working committee (党工委), which the 党总支 answers to
    party = edit.nodes("PartyOrg")
    covers = edit.edges("COVERS")
    wc_ids = set(party.loc[(party["level"] == "working_committee").fillna(False).to_numpy(dtype=bool), "id"])
    wc = covers.loc[covers["source"].isin(wc_ids) & (covers["target"] == street), "source"]
    edit.add_nodes("Community", [{"id": id, "name": name, "street_id": street, "kind": kind, "households": 0}])
    moved = _move(edit, items, id)

    po = party_org or f"{id}-po"
    rec = {"id": po, "name": party_org_name or f"{name}党总支", "level": "general_branch", "territory_id": id}
    if len(wc):
        rec["parent_id"] = wc.iloc[0]
    edit.add_nodes("PartyOrg", [rec])

    # the village branches inside the community answer to the new 党总支
    inside = set(edit.subtree([id]))
    areas = edit.nodes("Area")
    villages = set(areas.loc[(areas["kind"] == rules.VILLAGE).fillna(False).to_numpy(dtype=bool) & areas["id"].isin(inside), "id"])
    party = edit.nodes("PartyOrg")
    covers = edit.edges("COVERS")
    branch_ids = set(party.loc[(party["level"] == "branch").fillna(False).to_numpy(dtype=bool) & party["unit_id"].isna().to_numpy(), "id"])
    branches = sorted(set(covers.loc[covers["source"].isin(branch_ids) & covers["target"].isin(villages), "source"]))
    sub = edit.edges("SUBORDINATE_TO")
    edit.drop_edges("SUBORDINATE_TO", sub["source"].isin(branches).to_numpy())
    edit.add_edges("SUBORDINATE_TO", pd.DataFrame({"source": branches, "target": [po] * len(branches)}))

    fbs = [fb if isinstance(fb, dict) else {"name": fb} for fb in (functional_branches or [])]
    fb_recs = [{"id": fb.get("id") or f"{po}-fb{i}", "name": fb["name"], "level": "branch", "territory_id": id,
                "parent_id": po, "subkind": "functional"} for i, fb in enumerate(fbs, 1)]
    if fb_recs:
        edit.add_nodes("PartyOrg", fb_recs)

    # 班子: all part-time (兼任)
    posts = []
    if secretary is not None:
        posts.append(post_rows([secretary], po, "secretary", edit.day, part_time=True))
    if deps:
        posts.append(post_rows(deps, po, "deputy_secretary", edit.day, part_time=True))
    members = []
    if members_from_village_secretaries and branches:
        cur = edit.current_posts(branches, roles=["secretary"])
        members = sorted(set(cur["source"]) - set(people))
        if members:
            posts.append(post_rows(members, po, "member", edit.day, part_time=True))
    for frame in posts:
        edit.add_edges("HOLDS_POST", frame)

    team, groups = None, []
    if service_groups:
        team = service_team or f"{id}-st"
        team_name = f"{name}服务队"
        groups = [{"id": f"{team}-{i}", "name": f"{team_name}{g}", "kind": "service_team", "territory_id": id,
                   "parent_id": team} for i, g in enumerate(service_groups, 1)]
        taken = [g["id"] for g in groups if edit.exists(g["id"])]
        if taken:
            raise ScenarioError(f"id already in the graph: {taken[0]!r}")
        edit.add_nodes("Unit", [{"id": team, "name": team_name, "kind": "service_team", "territory_id": id}])
        edit.add_nodes("Unit", groups)
    return Outcome({"community": id, "moved": len(moved), "villages": len(villages), "party_org": po,
                    "village_branches": len(branches), "members": len(members), "service_team": team,
                    "groups": len(groups), "functional_branches": len(fb_recs)},
                   resolved={"party_org": po, "service_team": team})
