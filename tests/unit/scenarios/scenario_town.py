"""A small hand-built street for the scenario tests (every expected value is worked out by hand in the tests)."""

from __future__ import annotations

import orggraph as og

DAY = "2021-12-05"


def build_town() -> og.OrgGraph:
    """Street s1 with communities A (urban), B (converted, with a cooperative) and C.

    Territories (households): A 600 = aA1 300 (in gA1) + aA2 300 (in gA2); zone z1 (0) in A, also
    claimed by B (contested); B 300 = bV village 200 + bC compound 100, both in gB1; C 200 = cC1 (in gC1);
    z2 unassigned (the street contains it). ADJACENT: A–B, B–C.
    """
    g = og.OrgGraph()
    g.add_node("District", "d1", name="区")
    g.add_node("Street", "s1", name="街道", district_id="d1", households=1100, population=2900)
    g.add_node("Community", "A", name="中盛社区", kind="urban", street_id="s1", households=600, population=1500)
    g.add_node("Community", "B", name="振兴社区", kind="converted", street_id="s1", households=300, population=900)
    g.add_node("Community", "C", name="碧海社区", kind="urban", street_id="s1", households=200, population=500)
    for gid, comm, hh in (("gA1", "A", 300), ("gA2", "A", 300), ("gB1", "B", 300), ("gC1", "C", 200)):
        g.add_node("Grid", gid, name=gid, community_id=comm, households=hh)
    for aid, kind, parent, hh in (("aA1", "compound", "gA1", 300), ("aA2", "compound", "gA2", 300),
                                  ("bV", "village", "gB1", 200), ("bC", "compound", "gB1", 100),
                                  ("cC1", "compound", "gC1", 200), ("z1", "boundary_zone", "A", 0)):
        g.add_node("Area", aid, name=aid, kind=kind, parent_id=parent, households=hh)
    g.add_node("Area", "z2", name="z2", kind="boundary_zone", households=0)
    g.add_edge("CONTAINS", "s1", "z2")
    g.add_edge("CONTAINS", "B", "z1")
    g.add_node("PartyOrg", "wc", name="街道党工委", level="working_committee", territory_id="s1")
    g.add_node("PartyOrg", "poA", name="中盛社区党委", level="committee", territory_id="A", parent_id="wc")
    g.add_node("PartyOrg", "poB", name="振兴社区党总支", level="general_branch", territory_id="B", parent_id="wc")
    g.add_node("PartyOrg", "poC", name="碧海社区党委", level="committee", territory_id="C", parent_id="wc")
    g.add_node("PartyOrg", "brB", name="小区党支部", level="branch", territory_id="bC", parent_id="poB")
    g.add_node("Unit", "rcA", name="中盛居委会", kind="residents_committee", territory_id="A")
    g.add_node("Unit", "rcB", name="振兴居委会", kind="residents_committee", territory_id="B")
    g.add_node("Unit", "svB", name="振兴居务监督委员会", kind="supervisory_committee", territory_id="B")
    g.add_node("Unit", "coopB", name="振兴股份经济合作社", kind="cooperative", territory_id="B")
    g.add_node("Unit", "ruX", name="驻区单位", kind="resident_unit", territory_id="B")
    g.add_node("PartyOrg", "poCoop", name="合作社党支部", level="branch", unit_id="coopB", parent_id="poB")
    g.add_node("PartyOrg", "poRU", name="驻区单位党支部", level="branch", unit_id="ruX")
    for i in range(1, 11):
        g.add_node("Cadre", f"p{i}", name=f"人{i}", party_member=True)
    posts = [("p1", "poA", "secretary"), ("p1", "rcA", "director"), ("p2", "poB", "secretary"), ("p2", "rcB", "director"),
             ("p3", "poB", "member"), ("p3", "rcB", "staff"), ("p4", "coopB", "director"), ("p4", "poCoop", "secretary"),
             ("p5", "coopB", "member"), ("p5", "poCoop", "member"), ("p6", "coopB", "deputy_director"),
             ("p7", "gB1", "grid_worker"), ("p8", "rcA", "staff"), ("p9", "gA1", "grid_worker"), ("p10", "poRU", "secretary")]
    for cadre, body, role in posts:
        g.add_edge("HOLDS_POST", cadre, body, role=role, start="2018-05-01")
    g.add_edge("REPORTS_TO", "ruX", "B", date="2020-03-01")
    g.add_edge("LIAISES", "p1", "B", start="2019-01-01")
    g.add_edge("ADJACENT", "A", "B")
    g.add_edge("ADJACENT", "B", "C")
    return g


def posts_of(g, body: str):
    e = g.edges("HOLDS_POST")
    return e[e["target"] == body].sort_values(["source", "role"]).reset_index(drop=True)


def claims_on(g, territory: str) -> list[str]:
    c = g.edges("CONTAINS")
    return list(c.loc[c["target"] == territory, "source"])
