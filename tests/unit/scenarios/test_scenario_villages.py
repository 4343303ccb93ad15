"""form_community (社区化, seed 003): a hand-built zone, and the shipped 胶河 replay checked against the document.

Seed 003 (区委社区化管理服务实施意见): 成立立柱社区、塔桥社区、下泊社区和柏乡社区等四个社区。每个社区设立一个党总支部,
下设功能型党支部。社区党总支书记由区工管委领导班子成员兼任;党总支副书记由区机关干部和社区内一名村党支部书记担任;
委员由其他现任村党支部书记担任。同时,设立胶河马铃薯专业合作社党总支 … 以社区为单位成立社区服务队,每个服务队设民事
调解组、环境卫生组、公益事业组、服务组、农村财务管理组、党员志愿组等6个工作组。
"""

from __future__ import annotations

import pandas as pd
import pytest

import orggraph as og
from fixtures.ledgers import ledger_graph
from orggraph.scope import closure

DAY = "2021-04-01"
GROUPS = ["民事调解组", "环境卫生组", "公益事业组", "服务组", "农村财务管理组", "党员志愿组"]


def _current(g, day=DAY):
    p = g.edges("HOLDS_POST")
    t = pd.Timestamp(day)
    return p[(p["start"].isna() | (p["start"] <= t)) & (p["end"].isna() | (p["end"] > t))]


# --------------------------------------------------------------------------- a hand-built zone

ZONE = {
    "districts": [{"id": "d1", "name": "某市"}],
    "streets": [{"id": "s1", "name": "某经济区", "district_id": "d1"}],
    "grids": [{"id": "g1", "name": "甲村网格", "community_id": "", "households": 100},
              {"id": "g2", "name": "乙村网格", "community_id": "", "households": 60}],
    "areas": [{"id": "v1", "name": "甲村", "kind": "village", "parent_id": "g1", "households": 100},
              {"id": "v2", "name": "乙村", "kind": "village", "parent_id": "g2", "households": 60},
              {"id": "v3", "name": "丙村", "kind": "village", "parent_id": "", "households": 40}],
    "contains": [{"parent_id": "s1", "child_id": "g1"}, {"parent_id": "s1", "child_id": "g2"},
                 {"parent_id": "s1", "child_id": "v3"}],
    "party_orgs": [{"id": "wc", "name": "工委", "level": "working_committee", "parent_id": "", "territory_id": "s1"},
                   {"id": "b1", "name": "甲村党支部", "level": "branch", "parent_id": "wc", "territory_id": "v1"},
                   {"id": "b2", "name": "乙村党支部", "level": "branch", "parent_id": "wc", "territory_id": "v2"},
                   {"id": "b3", "name": "丙村党支部", "level": "branch", "parent_id": "wc", "territory_id": "v3"}],
    "cadres": [{"id": f"p{i}", "name": f"人员{i}", "party_member": "true"} for i in range(1, 6)],
    "posts": [{"cadre_id": "p1", "body_id": "wc", "role": "member", "start": "2015-01-01"},
              {"cadre_id": "p2", "body_id": "b1", "role": "secretary", "start": "2015-01-01"},
              {"cadre_id": "p3", "body_id": "b2", "role": "secretary", "start": "2015-01-01"},
              {"cadre_id": "p4", "body_id": "b3", "role": "secretary", "start": "2015-01-01", "end": "2017-06-30"},
              {"cadre_id": "p5", "body_id": "b3", "role": "secretary", "start": "2017-07-01"}],
}


def test_form_community_on_a_hand_built_zone():
    g = ledger_graph(ZONE)
    s = g.scenario("社区化", date=DAY)
    s.form_community(["g1", "g2"], id="c1", name="新社区", secretary="p1", deputies=["p2"])
    h = s.graph
    # the community holds the two grids (and their villages) with their 160 households; 丙村 stays outside
    c = h.edges("CONTAINS")
    assert set(c.loc[c["source"] == "c1", "target"]) == {"g1", "g2"}
    assert set(c.loc[c["target"] == "v3", "source"]) == {"s1"}
    comm = h.nodes("Community").set_index("id")
    assert comm.at["c1", "households"] == 160 and comm.at["c1", "kind"] == "rural" and comm.at["c1", "street_id"] == "s1"
    # 党总支 under the 工委, the two villages' branches under it, 丙村's still under the 工委
    party = h.nodes("PartyOrg").set_index("id")
    assert party.at["c1-po", "level"] == "general_branch" and party.at["c1-po", "parent_id"] == "wc"
    assert party.at["c1-po", "name"] == "新社区党总支" and party.at["c1-po", "territory_id"] == "c1"
    assert party.loc[["b1", "b2", "b3"], "parent_id"].tolist() == ["c1-po", "c1-po", "wc"]
    # 班子: secretary p1, deputy p2 (a village secretary), member p3 (the other village secretary), all part-time
    posts = _current(h)
    mine = posts[posts["target"] == "c1-po"]
    assert dict(zip(mine["source"], mine["role"])) == {"p1": "secretary", "p2": "deputy_secretary", "p3": "member"}
    assert mine["part_time"].all() and (mine["start"] == pd.Timestamp(DAY)).all()
    # service team with the six groups
    units = h.nodes("Unit").set_index("id")
    assert units.at["c1-st", "name"] == "新社区服务队" and units.at["c1-st", "kind"] == "service_team"
    groups = units[units["parent_id"] == "c1-st"]
    assert groups["name"].tolist() == [f"新社区服务队{x}" for x in GROUPS]
    # the baseline is untouched; undo gives it back
    assert len(g.nodes("Community")) == 0
    s.undo()
    assert s.graph.equals(g)


def test_form_community_refuses_bad_input_and_changes_nothing():
    g = ledger_graph(ZONE)
    s = g.scenario("社区化", date=DAY)
    with pytest.raises(og.ScenarioError, match="territories"):
        s.form_community(["g1", "nowhere"], id="c1", name="新社区")
    with pytest.raises(og.ScenarioError, match="already"):
        s.form_community(["g1"], id="g2", name="新社区")
    with pytest.raises(og.ScenarioError, match="Cadre"):
        s.form_community(["g1"], id="c1", name="新社区", secretary="b1")
    assert s.graph.equals(g) and not len(s.log)


# --------------------------------------------------------------------------- the shipped 胶河 replay


@pytest.fixture(scope="module")
def replay():
    before = og.load_sample("jiaohe", "before")
    s = og.Scenario.from_file(og.sample_path("jiaohe") / "scenarios" / "shequhua.json", before)
    return before, s.graph


def test_jiaohe_before_has_no_community(replay):
    before, _ = replay
    assert len(before.nodes("Community")) == 0
    units = before.nodes("Unit")
    assert not (units["kind"] == "service_team").any()


def test_jiaohe_replay_reaches_the_document(replay):
    _, g = replay
    comms = g.nodes("Community")
    # 成立立柱社区、塔桥社区、下泊社区和柏乡社区等四个社区
    assert sorted(comms["name"]) == sorted(["立柱社区", "塔桥社区", "下泊社区", "柏乡社区"])
    assert (comms["kind"] == "rural").all()
    party = g.nodes("PartyOrg").set_index("id")
    units = g.nodes("Unit").set_index("id")
    posts = _current(g)
    wc = party.index[party["level"] == "working_committee"].tolist()
    assert len(wc) == 1
    leadership = set(posts.loc[posts["target"].isin(wc) & (posts["role"] != "part_time_member"), "source"]) | set(
        posts.loc[posts["target"].isin(units.index[units["subkind"] == "management_committee"]), "source"])
    offices = units.index[units["subkind"] == "office"]
    office_people = set(posts.loc[posts["target"].isin(offices), "source"])
    areas = g.nodes("Area").set_index("id")
    contains = g.edges("CONTAINS")
    for c in comms["id"]:
        # 每个社区设立一个党总支部, answering to the 工委
        gb = party[(party["territory_id"] == c) & (party["level"] == "general_branch") & party["unit_id"].isna()]
        assert len(gb) == 1 and gb["parent_id"].iloc[0] == wc[0]
        po = gb.index[0]
        # the villages of the community and their branches, all subordinate to the 党总支
        inside = set(closure(contains, [c]))
        villages = {a for a in inside if a in areas.index and areas.at[a, "kind"] == "village"}
        branches = party[(party["level"] == "branch") & party["territory_id"].isin(villages)]
        assert len(villages) >= 5 and len(branches) == len(villages)
        assert (branches["parent_id"] == po).all()
        village_secretaries = set(posts.loc[posts["target"].isin(branches.index) & (posts["role"] == "secretary"), "source"])
        mine = posts[posts["target"] == po]
        roles = mine.groupby("role")["source"].agg(set).to_dict()
        # 书记由区工管委领导班子成员兼任
        assert len(roles["secretary"]) == 1 and roles["secretary"] <= leadership
        # 副书记由区机关干部和社区内一名村党支部书记担任
        assert len(roles["deputy_secretary"]) == 2
        assert len(roles["deputy_secretary"] & village_secretaries) == 1
        assert len(roles["deputy_secretary"] & office_people) == 1
        # 委员由其他现任村党支部书记担任
        assert roles["member"] == village_secretaries - roles["deputy_secretary"]
        assert mine["part_time"].all()
        # 社区服务队, 6个工作组
        team = units[(units["territory_id"] == c) & (units["kind"] == "service_team") & units["parent_id"].isna()]
        assert len(team) == 1
        groups = units[units["parent_id"] == team.index[0]]
        assert [n.removeprefix(team["name"].iloc[0]) for n in groups["name"]] == GROUPS
    # 胶河马铃薯专业合作社党总支 (there before, still there)
    coop = units.index[units["name"] == "胶河马铃薯专业合作社"]
    assert ((party["unit_id"] == coop[0]) & (party["level"] == "general_branch")).sum() == 1


def test_jiaohe_replay_matches_the_sample(replay):
    _, g = replay
    after = og.load_sample("jiaohe")
    assert sorted(g.nodes("Community")["id"]) == sorted(after.nodes("Community")["id"])
    # every village branch answers to the same 党总支 as in the sample, and every grid lies in the same community
    for kind, col in (("PartyOrg", "parent_id"), ("Grid", "community_id")):
        mine = g.nodes(kind).set_index("id")[col]
        theirs = after.nodes(kind).set_index("id")[col]
        villages = theirs.index[theirs.isin(after.nodes("Community")["id"]) | theirs.str.startswith("jh-po-c", na=False)]
        assert mine.reindex(villages).equals(theirs.reindex(villages))
    # the 党总支 班子 of the sample as it stands (secretary and deputies from it; members = the village secretaries)
    mine, theirs = _current(g, "2022-01-01"), _current(after, "2022-01-01")
    for po in ("jh-po-c01", "jh-po-c02", "jh-po-c03", "jh-po-c04"):
        a = set(zip(mine.loc[mine["target"] == po, "source"], mine.loc[mine["target"] == po, "role"]))
        b = set(zip(theirs.loc[theirs["target"] == po, "source"], theirs.loc[theirs["target"] == po, "role"]))
        assert {r for r in a if r[1] != "member"} == {r for r in b if r[1] != "member"}
