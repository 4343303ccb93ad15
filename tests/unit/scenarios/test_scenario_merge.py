"""merge_communities on the hand-built street, and the 石臼 merger on the shijiu sample."""

from __future__ import annotations

import pandas as pd
import pytest

import orggraph as og
from fixtures.scenario_town import DAY, claims_on, posts_of

END = pd.Timestamp(DAY)


def test_merge_moves_territory_and_counts(town):
    s = town.scenario("merge", date=DAY)
    step = s.merge_communities(["B"], into="A")
    g = s.graph
    comm = g.nodes("Community").set_index("id")
    assert list(comm.index) == ["A", "C"]
    # 600 + 300 households, 1500 + 900 people
    assert comm.loc["A", ["households", "population"]].tolist() == [900, 2400]
    assert comm.loc["A", "merged_from"] == "B"
    assert g.nodes("Grid").set_index("id").loc["gB1", "community_id"] == "A"
    # z1 was claimed by A and B: now by A once (no longer contested)
    assert claims_on(g, "z1") == ["A"]
    assert step.summary["merged"] == {"B": "A"}


def test_merge_dissolves_bodies_and_ends_their_posts(town):
    s = town.scenario("merge", date=DAY)
    step = s.merge_communities("B", into="A")
    g = s.graph
    assert step.summary["dissolved"] == {"poB": "poA", "rcB": "rcA"}
    # A has no 居务监督委员会: B's is transferred and now covers A
    assert step.summary["transferred"] == ["svB"]
    assert g.nodes("Unit").set_index("id").loc["svB", "territory_id"] == "A"
    for body in ("poB", "rcB"):
        p = posts_of(g, body)
        assert len(p) == 2 and (p["end"] == END).all()
    po = g.nodes("PartyOrg").set_index("id")
    assert po.loc["poB", "merged_into"] == "poA" and po.loc["poB", "end"] == pd.Timestamp(DAY)
    assert pd.isna(po.loc["poB", "territory_id"])  # covers nothing any more
    # B's compound branch and the cooperative's party branch now answer to A's committee
    assert po.loc["brB", "parent_id"] == "poA" and po.loc["poCoop", "parent_id"] == "poA"
    # 4 posts ended (p2, p3 on poB and rcB); 3 grid posts + 2 committee members created
    assert step.summary["posts_ended"] == 4 and step.summary["posts_created"] == 5


def test_cooperative_becomes_second_level_grid(town):
    s = town.scenario("merge", date=DAY)
    s.merge_communities("B", into="A")
    g = s.graph
    grid = g.nodes("Grid").set_index("id").loc["coopB-grid"]
    # inside A and inside gB1 (the grid holding B's village bV): a 二级网格
    assert (grid["community_id"], grid["parent_grid_id"], grid["cooperative_id"]) == ("A", "gB1", "coopB")
    assert g.nodes("Unit").set_index("id").loc["coopB", "territory_id"] == "coopB-grid"
    # 理事长 → 网格长, the other board members → 网格员, part-time from the scenario date
    p = posts_of(g, "coopB-grid")
    assert list(zip(p["source"], p["role"])) == [("p4", "grid_leader"), ("p5", "grid_worker"), ("p6", "grid_worker")]
    assert (p["start"] == END).all() and p["part_time"].all()
    # the cooperative's party committee members sit on A's committee
    members = posts_of(g, "poA")
    assert set(members.loc[members["role"] == "member", "source"]) == {"p4", "p5"}


def test_reports_liaisons_adjacency_follow(town):
    s = town.scenario("merge", date=DAY)
    s.merge_communities("B", into="A")
    g = s.graph
    assert g.edges("REPORTS_TO")[["source", "target"]].values.tolist() == [["ruX", "A"]]
    assert g.edges("LIAISES")[["source", "target"]].values.tolist() == [["p1", "A"]]
    # A–B and B–C become A–A (dropped) and A–C
    assert g.edges("ADJACENT")[["source", "target"]].values.tolist() == [["A", "C"]]
    assert g.nodes("Unit").set_index("id").loc["ruX", "territory_id"] == "A"


def test_merge_without_cooperative_grid_and_with_transition(town):
    s = town.scenario("merge", date=DAY)
    s.merge_communities("B", into="A", keep_cooperatives_as_grids=False, cooperative_members_join_committee=False,
                        transition_until="2022-06-30")
    g = s.graph
    assert "coopB-grid" not in g
    assert g.nodes("Unit").set_index("id").loc["coopB", "territory_id"] == "A"
    # p2 and p3 held posts in the dissolved bodies: transitional staff posts in rcA until 2022-06-30
    t = posts_of(g, "rcA")
    t = t[t["start"] == END]
    assert list(t["source"]) == ["p2", "p3"] and (t["end"] == pd.Timestamp("2022-06-30")).all()


@pytest.mark.parametrize("kwargs, message", [
    (dict(sources=["A"], into="A"), "into itself"),
    (dict(sources=["B", "nope"], into="A"), "unknown id"),
    (dict(sources=["gB1"], into="A"), "not a Community"),
    (dict(sources=["B", "B"], into="A"), "listed twice"),
    (dict(sources=[], into="A"), "empty"),
    (dict(sources=["B"], into="A", transition_until="2020-01-01"), "must be after"),
    (dict(sources=["B"], into="A", dissolve_units=["居委"]), "not a unit kind"),
])
def test_invalid_merge_changes_nothing(town, kwargs, message):
    s = town.scenario("merge", date=DAY)
    before = s.graph.backend.store
    with pytest.raises(og.ScenarioError, match=message):
        s.merge_communities(**kwargs)
    assert s.graph.backend.store is before and len(s.log) == 0
    assert s.graph.equals(town)


def test_shijiu_merger_reproduces_the_source():
    """Seed 000: 9 村改居 communities merged into 4 city communities; cooperatives as 二级网格; party members on the city committees."""
    g = og.load_sample("shijiu")
    path = og.sample_path("shijiu") / "scenarios" / "cun_gai_ju_merger.toml"
    s = og.Scenario.from_file(path, g)
    after = s.graph
    before_comm = g.at("2021-12-01").nodes("Community")
    merged = before_comm[before_comm["merge_into"].notna()]
    assert len(merged) == 9  # 撤销振兴、隆华等9个“村改居”社区
    comm = after.at(s.date).nodes("Community")
    assert len(comm) == 7 and set(merged["id"]).isdisjoint(comm["id"])
    # households and areas conserved
    assert comm["households"].sum() == before_comm["households"].sum()
    assert set(after.nodes("Area")["id"]) == set(g.nodes("Area")["id"])
    # every cooperative of a merged community is a 二级网格 of its city community
    units = g.nodes("Unit")
    coops = units[(units["kind"] == "cooperative") & units["territory_id"].isin(merged["id"])]
    assert len(coops) == 9  # 九个股份经济合作社
    grids = after.nodes("Grid").set_index("cooperative_id")
    for coop in coops.itertuples():
        grid = grids.loc[coop.id]
        assert grid["community_id"] == merged.set_index("id").loc[coop.territory_id, "merge_into"]
        assert isinstance(grid["parent_grid_id"], str)  # a 二级网格: inside one of the former community's grids
        workers = posts_of(after, grid["id"])
        assert {"grid_leader"} <= set(workers["role"])  # 理事长 as 网格长
    # 合作社党组织成员兼任城市社区党委委员: every current committee member of a merged cooperative's party
    # organisation holds a current post on the city community's party committee
    party = g.nodes("PartyOrg")
    day = pd.Timestamp(s.date)
    posts = after.edges("HOLDS_POST")
    current = posts[(posts["start"] <= day) & (posts["end"].isna() | (posts["end"] > day))]
    for coop in coops.itertuples():
        coop_orgs = party.loc[party["unit_id"] == coop.id, "id"]
        members = set(current.loc[current["target"].isin(coop_orgs) & current["role"].isin(["secretary", "deputy_secretary", "member"]), "source"])
        target = merged.set_index("id").loc[coop.territory_id, "merge_into"]
        committee = party.loc[(party["territory_id"] == target) & party["level"].isin(["committee", "general_branch"]), "id"].iloc[0]
        on_committee = set(current.loc[current["target"] == committee, "source"])
        assert members and members <= on_committee
    # the baseline is untouched
    assert len(g.at("2021-12-01").nodes("Community")) == 16


def test_shijiu_replay_ends_in_the_documents_state():
    """Every figure seed 000 states, checked on the end state of the replay (ledger batches 1–2 + the scenario).

    Stated and checked: 原有的16个“村改居”社区; 实行“三个批次”; 撤销振兴、隆华等9个 (新批复), 原中盛社区、原华林社区
    among them; 九个原“村改居”社区与相应城市社区签署交接书, 碧海社区、幸福社区 receiving; 全面完成 (none left);
    股份经济合作社作为二级网格融入城市社区, 合作社理事会成员兼任网格长、网格员; 撤并后由股份经济合作社党组织成员
    兼任城市社区党委委员; 为九个股份经济合作社党组织揭牌. Not data, so not checked: 4个阶段、16个步骤, 五统一.
    """
    g = og.load_sample("shijiu")
    s = og.Scenario.from_file(og.sample_path("shijiu") / "scenarios" / "cun_gai_ju_merger.toml", g)
    end = s.graph.at(s.date)
    start = g.at("2021-07-19")  # before batch 1
    comm0 = start.nodes("Community")
    converted = set(comm0.loc[comm0["kind"] == "converted", "id"])
    assert len(converted) == 16  # 原有的16个“村改居”社区
    comm = end.nodes("Community")
    assert (comm["kind"] == "converted").sum() == 0 and len(comm) == 7  # 全面完成: only the 7 city communities remain
    # 三个批次: the 16 end on three dates, 4 + 3 in the ledger, the 9 on the meeting's day
    ended = s.graph.nodes("Community").set_index("id")["end"].reindex(sorted(converted))
    by_day = ended.dropna().dt.strftime("%Y-%m-%d").value_counts().to_dict()
    assert by_day == {"2021-07-20": 4, "2021-09-26": 3}
    third = [c for c in converted if c not in s.graph.nodes("Community")["id"].values]
    assert len(third) == 9 and str(s.date) == "2021-12-05"
    names = comm0.set_index("id")["name"]
    assert {"振兴社区", "隆华社区", "中盛社区", "华林社区"} <= set(names[third])  # 原中盛社区、原华林社区 among the 9
    assert {"中盛社区", "华林社区"}.isdisjoint(comm["name"])
    assert {"碧海社区", "幸福社区"} <= set(comm["name"])
    # every former 村改居 community's territory now lies in a city community
    areas0 = start.edges("CONTAINS")
    moved = set(areas0.loc[areas0["source"].isin(converted), "target"])
    contains = end.edges("CONTAINS")
    parents = contains[contains["target"].isin(moved)].groupby("target")["source"].apply(set)
    assert len(parents) == len(moved) and all(p <= set(comm["id"]) for p in parents)
    # 股份经济合作社作为二级网格融入城市社区: all 16 cooperatives, each a grid of a city community with a 网格长
    units = end.nodes("Unit")
    coops = set(units.loc[units["kind"] == "cooperative", "id"])
    assert len(coops) == 16
    grids = end.nodes("Grid")
    cg = grids[grids["cooperative_id"].notna()]
    assert set(cg["cooperative_id"]) == coops and len(cg) == 16 and set(cg["community_id"]) <= set(comm["id"])
    cov = end.edges("COVERS")
    assert set(cov.loc[cov["source"].isin(coops), "target"]) == set(cg["id"])
    posts = end.edges("HOLDS_POST")
    day = pd.Timestamp(s.date)
    current = posts[(posts["start"] <= day) & (posts["end"].isna() | (posts["end"] > day))]
    assert set(current.loc[current["role"] == "grid_leader", "target"]) >= set(cg["id"])  # 理事会成员兼任网格长
    # 党组织揭牌: the 16 cooperatives' party organisations exist and answer to a city community's party organisation,
    # nine of them those of the 9 communities handed over on the day
    party = end.nodes("PartyOrg")
    coop_orgs = party[party["unit_id"].isin(coops)]
    assert len(coop_orgs) == 16
    units0 = start.nodes("Unit").set_index("id")
    of_third = coop_orgs[coop_orgs["unit_id"].map(units0["territory_id"]).isin(third)]
    assert len(of_third) == 9  # 为九个股份经济合作社党组织揭牌
    city_orgs = set(party.loc[party["territory_id"].isin(comm["id"]) & party["level"].isin(["committee", "general_branch"]), "id"])
    sub = end.edges("SUBORDINATE_TO")
    up = sub[sub["source"].isin(coop_orgs["id"])].groupby("source")["target"].apply(set)
    assert len(up) == 16 and all(t <= city_orgs for t in up)
    # 撤并后由股份经济合作社党组织成员兼任城市社区党委委员: each cooperative's party committee sits on the city org it answers to
    for org, targets in up.items():
        members = set(current.loc[(current["target"] == org) & current["role"].isin(["secretary", "deputy_secretary", "member"]), "source"])
        seated = set(current.loc[current["target"].isin(targets), "source"])
        assert members and members <= seated
