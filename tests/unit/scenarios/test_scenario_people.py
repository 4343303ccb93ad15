"""Scenario operations on people (#17): add_cadre, add_unit, appoint of new people, elect (换届)."""

from __future__ import annotations


import pandas as pd
import pytest

import orggraph as og
from orggraph.errors import ScenarioError

from fixtures.graphs import build_people

DAY = "2024-09-15"


def test_add_cadre_and_appoint_them():
    g = build_people()
    s = g.scenario("新人", date=DAY)
    s.add_cadre("n1", name="新人甲", gender="女", birth_date="1996年3月", education="本科")
    s.appoint("n1", "rc1", "委员")
    r = s.graph.leadership_profile(as_of=DAY).set_index("community_id").loc["c1"]
    # before: 7 members, 2 women; n1 (28, 本科, a woman) joins the 居委会
    assert (r["members"], r["women"], r["under_35"], r["college_or_above"]) == (8, 3, 2, 4)
    assert "no_under_35:residents_committee" not in list(r["flags"])
    assert s.graph.node("n1")["education"] == "bachelor"


def test_add_cadre_refuses_a_taken_id_and_hides_personal_values():
    s = build_people().scenario("x", date=DAY)
    with pytest.raises(ScenarioError, match="already"):
        s.add_cadre("p1", name="重复")
    with pytest.raises(ScenarioError) as err:
        s.add_cadre("n2", name="王五", birth_date="1990-13")
    assert "1990-13" not in str(err.value) and "王五" not in str(err.value)
    with pytest.raises(ScenarioError, match="unknown column"):
        s.add_cadre("n3", name="赵六", shoe_size=42)
    assert len(s) == 0


def test_add_unit_then_appoint():
    s = build_people().scenario("设监委会", date=DAY)
    step = s.add_unit("supervisory_committee", "c2", term_start=DAY)
    unit = step.params["id"]
    assert s.graph.node(unit)["name"] == "和平社区居务监督委员会"
    s.appoint("x1", unit, "director")
    # x1 is on no 两委: no avoidance violation for the new committee
    v = s.graph.check_norms(as_of=DAY)
    assert unit not in set(v["entity_id"])


def test_elect_replaces_the_banzi_in_one_step():
    g = build_people()
    s = g.scenario("居委会换届", date=DAY)
    table = pd.DataFrame({
        "人员编号": ["p1", "p4", "n1", "n2", "n3"],
        "职务": ["主任", "副主任", "委员", "委员", "委员"],
        "姓名": [None, None, "新甲", "新乙", "新丙"],
        "性别": [None, None, "女", "男", "女"],
        "出生年月": [None, None, "1995-02", "1992.11", "1988年1月"],
        "学历": [None, None, "本科", "大专", "硕士"],
    })
    step = s.elect("rc1", table)
    # old 居委会 班子: p1, p4, p5, p7 (p8 is staff and stays); new: p1, p4 and three new people
    assert step.summary["posts_ended"] == 4 and step.summary["new_people"] == 3 and step.summary["elected"] == 5
    # before at 2024-09-15: p1 54, p4 49, p5 44, p7 unknown → mean 49; 1 woman (p4); 本科: p1
    assert step.summary["before"] == {"members": 4, "women": 1, "under_35": 0, "mean_age": 49.0, "college_or_above": 1}
    # after: p1 54, p4 49, n1 29, n2 31, n3 36 → mean 39.8; women p4, n1, n3; under 35: n1, n2; 大专+: p1, n1, n2, n3
    assert step.summary["after"] == {"members": 5, "women": 3, "under_35": 2, "mean_age": 39.8, "college_or_above": 4}
    rc1 = s.graph.node("rc1")
    assert rc1["term_start"] == pd.Timestamp(DAY) and rc1["term_no"] == 12
    # rc1's term (2021-09-15 + 3 years) ran out on the day of the election; the new one runs to 2027
    assert g.term_expiry(as_of=DAY)["body_id"].tolist() == ["po1", "rc1"]
    assert s.graph.term_expiry(as_of=DAY)["body_id"].tolist() == ["po1"]
    posts = s.graph.edges("HOLDS_POST")
    staff = posts[(posts["source"] == "p8") & (posts["target"] == "rc1")]
    assert staff["end"].isna().all()  # staff posts are not elected
    ended = posts[(posts["source"] == "p5") & (posts["target"] == "rc1")]
    assert (ended["end"] == pd.Timestamp(DAY)).all()
    # the baseline is untouched
    assert g.leadership_profile(as_of=DAY).set_index("community_id").loc["c1", "members"] == 7


def test_elect_from_a_file_and_replay(tmp_path):
    path = tmp_path / "new_rc.csv"
    path.write_text("cadre_id,role,name,gender,birth_date,education\np2,director,,,,\nn1,member,新甲,女,1995-02,本科\n",
                    encoding="utf-8")
    g = build_people()
    s = g.scenario("换届", date=DAY)
    s.elect("rc1", str(path))
    s.to_file(tmp_path / "s.toml")
    again = og.Scenario.from_file(tmp_path / "s.toml", g)
    assert again.graph.equals(s.graph)


def test_elect_refuses_bad_tables():
    s = build_people().scenario("x", date=DAY)
    with pytest.raises(ScenarioError, match="role"):
        s.elect("rc1", [{"cadre_id": "p1"}])
    with pytest.raises(ScenarioError, match="name"):
        s.elect("rc1", [{"cadre_id": "zz", "role": "member"}])
    with pytest.raises(ScenarioError, match="role"):
        s.elect("rc1", [{"cadre_id": "p1", "role": "大王"}])
    with pytest.raises(ScenarioError, match="no row for 'rc1'"):
        s.elect("rc1", [{"cadre_id": "p1", "role": "member", "body_id": "po1"}])
    assert len(s) == 0


def test_elect_takes_its_own_rows_of_a_table_for_several_bodies():
    s = build_people().scenario("换届", date=DAY)
    table = [{"cadre_id": "p4", "body_id": "rc1", "role": "director", "start": "2024-10-01"},
             {"cadre_id": "p1", "body_id": "po1", "role": "secretary"}]
    step = s.elect("rc1", table)
    # only p4's row is rc1's; the old 班子 (p1, p4, p5, p7) ends; after, on 2024-10-01: p4 alone
    assert step.summary["elected"] == 1 and step.summary["posts_ended"] == 4
    assert step.summary["after"]["members"] == 1
    assert s.graph.node("rc1")["term_start"] == pd.Timestamp("2024-10-01")


def test_compare_shows_the_banzi_before_and_after():
    g = build_people()
    s = g.scenario("居委会换届", date=DAY)
    s.elect("rc1", [{"cadre_id": "p1", "role": "director"},
                    {"cadre_id": "n1", "role": "member", "name": "新甲", "gender": "女", "birth_date": "1995-02",
                     "education": "本科"}])
    c = og.compare(g, s)
    got = c.leadership.set_index("measure")
    # 两委 of c1 at 2024-09-15 before: p1..p7 (ages 54, 34 — p2 born 1990-08-15, 36, 49, 44, 39, ?);
    # after: p4, p5, p7 leave the 居委会, n1 (29) joins → p1, p2, p3, p6 (on the 党委) and n1
    assert got.loc["members", ["before", "after"]].tolist() == [7, 5]
    assert "women" not in got.index  # p4 leaves, n1 joins: 2 before and after, so not listed
    assert got.loc["under_35", ["before", "after"]].tolist() == [1, 2]  # p2 (34), then n1 too
    # mean age: (54+34+36+49+44+39)/6 = 42.67 → (54+34+36+39+29)/5 = 38.4
    assert got.loc["mean_age", "before"] == pytest.approx(256 / 6) and got.loc["mean_age", "after"] == pytest.approx(38.4)
    assert set(c.leadership["community_id"]) == {"c1"}


def test_hire_from_rows_and_from_a_file_beside_the_scenario(tmp_path):
    g = build_people()
    s = g.scenario("配备", date=DAY)
    step = s.hire([{"cadre_id": "h1", "body_id": "sc1", "role": "member", "name": "新监委"},
                   {"cadre_id": "p2", "body_id": "rc1", "role": "委员", "start": "2024-10-01"}])
    assert step.summary == {"posts": 2, "new_people": 1, "bodies": 2}
    posts = s.graph.edges("HOLDS_POST")
    assert posts.loc[(posts["source"] == "p2") & (posts["target"] == "rc1"), "start"].tolist() == [pd.Timestamp("2024-10-01")]
    # a scenario file naming a table file: looked up beside the scenario file, wherever it is run from
    folder = tmp_path / "scen"
    folder.mkdir()
    (folder / "hires.csv").write_text("人员编号,任职单位,职务,姓名\nh2,rc1,委员,新委员\n", encoding="utf-8")
    (folder / "s.toml").write_text(f'name = "配备"\ndate = "{DAY}"\n[[operations]]\nop = "hire"\ntable = "hires.csv"\n',
                                   encoding="utf-8")
    again = og.Scenario.from_file(folder / "s.toml", g)
    assert "h2" in again.graph and again.graph.node("h2")["name"] == "新委员"
    with pytest.raises(ScenarioError, match="body_id"):
        s.hire([{"cadre_id": "h3", "role": "member", "name": "无单位"}])
    with pytest.raises(ScenarioError, match="unknown id"):
        s.hire([{"cadre_id": "h3", "body_id": "nowhere", "role": "member", "name": "无单位"}])
