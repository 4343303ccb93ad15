"""split_community, move_areas and assign_area on the hand-built street."""

from __future__ import annotations

import pandas as pd
import pytest

import orggraph as og
from fixtures.scenario_town import DAY, claims_on, posts_of


def test_split_shares_territory_bodies_and_counts(town):
    s = town.scenario("split", date=DAY)
    step = s.split_community("A", [
        {"id": "A1", "name": "东区", "territories": ["gA1", "z1"]},
        {"id": "A2", "name": "西区", "territories": ["gA2"]},
    ])
    g = s.graph
    comm = g.nodes("Community").set_index("id")
    assert "A" not in comm.index
    # households by the areas each part holds: 300 (aA1 + z1 with 0) and 300; population 1500 shared alike
    assert comm.loc[["A1", "A2"], "households"].tolist() == [300, 300]
    assert comm.loc[["A1", "A2"], "population"].tolist() == [750, 750]
    assert comm.loc["A1", "street_id"] == "s1" and comm.loc["A1", "kind"] == "urban"
    assert g.nodes("Grid").set_index("id").loc[["gA1", "gA2"], "community_id"].tolist() == ["A1", "A2"]
    # z1 stays contested: A1 first (its place), B second
    assert claims_on(g, "z1") == ["A1", "B"]
    # new bodies: a 党委 (A's level) under the working committee and a 居委会 per part, no posts yet
    po = g.nodes("PartyOrg").set_index("id")
    assert po.loc["A1-po", ["level", "territory_id", "parent_id"]].tolist() == ["committee", "A1", "wc"]
    assert po.loc["A2-po", "name"] == "西区党委"
    assert g.nodes("Unit").set_index("id").loc["A2-rc", ["kind", "territory_id"]].tolist() == ["residents_committee", "A2"]
    assert step.summary["new_bodies"] == {"A1": {"committee": "A1-po", "residents_committee": "A1-rc"},
                                          "A2": {"committee": "A2-po", "residents_committee": "A2-rc"}}
    # A's bodies dissolved: posts ended, record kept
    assert (posts_of(g, "poA")["end"] == pd.Timestamp(DAY)).all()
    assert po.loc["poA", "merged_into"] == "A1-po;A2-po"
    # neighbours: A–B becomes A1–B and A2–B, and the parts are neighbours
    adj = {tuple(sorted(p)) for p in g.edges("ADJACENT")[["source", "target"]].values.tolist()}
    assert adj == {("A1", "B"), ("A2", "B"), ("B", "C"), ("A1", "A2")}


def test_split_detaches_an_area_listed_for_another_part(town):
    s = town.scenario("split", date=DAY)
    step = s.split_community("A", [
        {"id": "A1", "name": "东区", "territories": ["gA1", "z1"]},
        {"id": "A2", "name": "西区", "rest": True, "territories": ["aA1"]},
    ])
    g = s.graph
    assert step.summary["detached_areas"] == ["aA1"]
    assert claims_on(g, "aA1") == ["A2"]
    assert g.nodes("Grid").set_index("id").loc["gA1", "households"] == 0  # aA1's 300 left gA1
    comm = g.nodes("Community").set_index("id")
    assert comm.loc[["A1", "A2"], "households"].tolist() == [0, 600]


def test_split_claims_and_spread(town):
    s = town.scenario("split", date=DAY)
    s.split_community("B", [
        {"id": "B1", "name": "甲", "territories": ["gB1"], "claims": ["ruX", "p1"]},
        {"id": "B2", "name": "乙", "territories": ["z1"]},
    ])
    g = s.graph
    cov = g.edges("COVERS")
    # claimed ids: the resident unit covers and reports to B1 only; p1 liaises with B1 only
    assert set(cov.loc[cov["source"] == "ruX", "target"]) == {"B1"}
    assert g.edges("REPORTS_TO")[["source", "target"]].values.tolist() == [["ruX", "B1"]]
    assert g.edges("LIAISES")[["source", "target"]].values.tolist() == [["p1", "B1"]]
    # unclaimed cooperative covers both parts; the compound branch answers to the new committee of the part holding bC
    assert set(cov.loc[cov["source"] == "coopB", "target"]) == {"B1", "B2"}
    assert g.nodes("PartyOrg").set_index("id").loc["brB", "parent_id"] == "B1-po"
    # the new committee takes B's level (党总支)
    assert g.nodes("PartyOrg").set_index("id").loc["B2-po", "level"] == "general_branch"


@pytest.mark.parametrize("parts, message", [
    ([{"id": "A1", "name": "x", "territories": ["gA1"]}], "no part takes"),
    ([{"id": "A1", "name": "x", "territories": ["gA1", "gA2", "z1"]}, {"id": "A2", "name": "y", "territories": ["gA1"]}], "two parts"),
    ([{"id": "A1", "name": "x", "territories": ["gA1", "gA2", "z1", "gC1"]}], "not inside"),
    ([{"id": "B", "name": "x", "rest": True}], "already in the graph"),
    ([{"id": "A1", "name": "x", "rest": True, "colour": "red"}], "unknown key"),
    ([], "non-empty list"),
])
def test_invalid_split_changes_nothing(town, parts, message):
    s = town.scenario("split", date=DAY)
    with pytest.raises(og.ScenarioError, match=message):
        s.split_community("A", parts)
    assert s.graph.equals(town) and len(s.log) == 0


def test_move_area_shifts_households_and_population(town):
    s = town.scenario("move", date=DAY)
    s.move_areas(["aA1"], to="gC1")
    g = s.graph
    assert claims_on(g, "aA1") == ["gC1"]
    grids = g.nodes("Grid").set_index("id")
    assert grids.loc[["gA1", "gC1"], "households"].tolist() == [0, 500]
    comm = g.nodes("Community").set_index("id")
    # 300 households leave A (1500/600 = 2.5 people each: 750 people) and join C
    assert comm.loc[["A", "C"], "households"].tolist() == [300, 500]
    assert comm.loc[["A", "C"], "population"].tolist() == [750, 1250]
    assert g.nodes("Street").loc[0, "households"] == 1100  # same street


def test_move_contested_area_replaces_both_claims(town):
    s = town.scenario("move", date=DAY)
    s.move_areas("z1", to="C")
    assert claims_on(s.graph, "z1") == ["C"]


@pytest.mark.parametrize("areas, to, message", [
    (["aA1"], "poA", "not a territory"),
    (["aA1"], "nope", "unknown id"),
    (["gA1"], "aA2", "cannot contain a Grid"),
    (["gA1"], "gA1", "one of the moved"),
    (["gA1"], "aA1", "cannot contain"),
    (["poA"], "A", "not a Area or Grid"),
])
def test_invalid_move_changes_nothing(town, areas, to, message):
    s = town.scenario("move", date=DAY)
    with pytest.raises(og.ScenarioError, match=message):
        s.move_areas(areas, to=to)
    assert s.graph.equals(town)


def test_move_into_own_descendant_is_refused(town):
    town.add_node("Area", "bA1", name="1号楼", kind="building", parent_id="aA1")
    s = town.scenario("move", date=DAY)
    with pytest.raises(og.ScenarioError, match="inside a moved territory"):
        s.move_areas("aA1", to="bA1")


def test_assign_unassigned_and_contested_areas(town):
    s = town.scenario("assign", date=DAY)
    step = s.assign_area("z2", "C")
    assert step.summary["was"] == "unassigned" and claims_on(s.graph, "z2") == ["C"]
    step = s.assign_area("z1", "A")
    assert step.summary["was"] == "contested" and step.summary["claimed_by"] == ["A", "B"]
    assert claims_on(s.graph, "z1") == ["A"]
    assert s.graph.nodes("Area").set_index("id").loc["z1", "assigned_on"] == DAY
    r = s.graph.audit(as_of=DAY).headline.set_index("indicator")
    assert r.loc["unassigned_areas", "value"] == 0 and r.loc["contested_areas", "value"] == 0


def test_assign_governed_area_is_refused(town):
    s = town.scenario("assign", date=DAY)
    with pytest.raises(og.ScenarioError, match="already governed by community 'C'"):
        s.assign_area("cC1", "A")
