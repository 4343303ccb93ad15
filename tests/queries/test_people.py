"""The people queries (#17) on a hand-built graph, on both backends; every expected value worked out by hand.

The graph is :func:`build_people` of tests/fixtures/graphs.py. At 2024-06-30:

* 安宁社区 c1: the 两委 are po1 (社区党委) and rc1 (居委会). Current 班子 posts: p1 (secretary and director),
  p2, p3, p6 on po1; p4, p5, p7 on rc1 — 7 people. p8 is staff (not a 班子 role), p9's post ended in 2020.
  Women p2, p4 → 2. Ages: p1 1970-03 → 54, p2 1990-08-15 → 33 (the only one under 35), p3 born 1988 (taken as
  1 July 1988) → 35, p4 1975-05 → 49, p5 1980-01 → 44, p6 born 1985 → 38 (1 July 1985; 38 on 30 June 2024),
  p7 unknown → 6 known ages summing to 253. 大专+: p1 本科, p2 大专, p6 硕士 → 3. On rc1: p1, p4, p5, p7 → 4, of
  them party members p1 (flag) and p5 (a current membership) → 2. Nobody under 35 on rc1 → flagged.
* 和平社区 c2 has no 两委 at all.
"""

from __future__ import annotations

import math

import pytest

from fixtures.graphs import build_people

AS_OF = "2024-06-30"


def _people():
    return build_people()


@pytest.fixture
def g(on_backend):
    return on_backend("people", _people)


def test_leadership_profile_of_a_seven_person_liangwei(g):
    r = g.leadership_profile(as_of=AS_OF).set_index("community_id")
    c1 = r.loc["c1"]
    assert (c1["members"], c1["women"], c1["under_35"]) == (7, 2, 1)
    assert c1["women_share"] == pytest.approx(2 / 7) and c1["under_35_share"] == pytest.approx(1 / 7)
    assert c1["age_known"] == 6 and c1["mean_age"] == pytest.approx(253 / 6)
    assert c1["college_or_above"] == 3 and c1["college_share"] == pytest.approx(3 / 7)
    assert (c1["rc_members"], c1["party_members_on_rc"]) == (4, 2) and c1["party_share_on_rc"] == 0.5
    assert list(c1["flags"]) == ["no_under_35:residents_committee"]
    c2 = r.loc["c2"]
    assert c2["members"] == 0 and math.isnan(c2["women_share"]) and math.isnan(c2["mean_age"])
    assert list(c2["flags"]) == ["empty:committee", "empty:residents_committee"]


def test_leadership_profile_rolls_up_counts(g):
    s = g.leadership_profile(by="street", as_of=AS_OF).iloc[0]
    assert (s["street_id"], s["communities"], s["members"], s["women"], s["under_35"], s["flagged"]) == ("s1", 2, 7, 2, 1, 2)
    assert s["mean_age"] == pytest.approx(253 / 6)
    d = g.leadership_profile(by="district", as_of=AS_OF).iloc[0]
    assert (d["district_id"], d["members"]) == ("d1", 7)
    # ages move with as_of: a year earlier p2 (32) and p3 (34, born 1988) are both under 35
    assert g.leadership_profile(as_of="2023-06-30").set_index("community_id").loc["c1", "under_35"] == 2


def test_party_membership_per_organisation(g):
    r = g.party_membership(as_of=AS_OF).set_index("party_org_id")
    # br1: q1, q2 full, q3 probationary (since 2024-01-01)
    assert tuple(r.loc["br1", ["full", "probationary", "members"]]) == (2, 1, 3)
    # br2: p5 (党员中心户), q4, q5 full; q6 moved out in 2023, q7 only from 2025
    assert tuple(r.loc["br2", ["full", "probationary", "central_households"]]) == (3, 0, 1)
    # po1 holds no membership itself; with its two branches 5 full + 1 probationary
    assert tuple(r.loc["po1", ["full", "members", "total_full", "total_members"]]) == (0, 0, 5, 6)
    assert tuple(r.loc["gb1", ["members", "total_members"]]) == (0, 51)
    assert r.loc["br3", "community_id"] == "c2" and r.loc["br1", "community_id"] == "c1"


def test_party_membership_rolled_up(g):
    c = g.party_membership(by="community", as_of=AS_OF).set_index("community_id")
    assert tuple(c.loc["c1", ["party_orgs", "full", "probationary", "members", "central_households"]]) == (3, 5, 1, 6, 1)
    assert tuple(c.loc["c2", ["party_orgs", "full", "members"]]) == (3, 51, 51)
    s = g.party_membership(by="street", as_of=AS_OF).iloc[0]
    assert tuple(s[["street_id", "party_orgs", "full", "probationary", "members"]]) == ("s1", 6, 56, 1, 57)


def test_check_norms_branch_setting_and_supervisory_avoidance(g):
    v = g.check_norms(as_of=AS_OF)
    v = v[v["rule"].isin(["branch_setting", "supervisory_avoidance"])]  # the people rules (others: their own tests)
    got = sorted(zip(v["rule"], v["entity_id"], v["measured"], v["minimum"], v["maximum"]))
    assert got == [
        ("branch_setting", "br1", 2.0, 3.0, math.inf),  # 2 full + 1 probationary: below 3 full
        ("branch_setting", "br3", 0.0, 3.0, math.inf),
        ("branch_setting", "br4", 51.0, 0.0, 50.0),  # more than 50
        ("branch_setting", "po1", 6.0, 100.0, math.inf),  # a 党委 below 100 (gb1 has 51 ≥ 50: fine)
        ("supervisory_avoidance", "sc1", 1.0, 0.0, 0.0),  # p4 (居委会委员) on the 监委会; p8 is staff, x1 not on 两委
    ]
    assert set(v.loc[v["entity_id"] == "sc1", "community_id"]) == {"c1"}


def test_member_reports_by_unit(g):
    r = g.member_reports(as_of=AS_OF).set_index("unit_id")
    # u1: w1 (lives in a2 ⊂ c2, reported to c2), w2 (lives in a1 ⊂ c1, reported to c2), w3 (not reported);
    # w4 is no party member
    assert tuple(r.loc["u1", ["obliged", "reported", "reported_at_residence"]]) == (3, 2, 1)
    assert r.loc["u1", "report_rate"] == pytest.approx(2 / 3) and r.loc["u1", "residence_rate"] == pytest.approx(1 / 3)
    # u2: w5 reported only in 2025, w6 reported (undated) to c2 where they live
    assert tuple(r.loc["u2", ["obliged", "reported", "reported_at_residence"]]) == (2, 1, 1)


def test_member_reports_by_community_and_within(g):
    r = g.member_reports(by="community", as_of=AS_OF).set_index("community_id")
    assert tuple(r.loc["c1", ["obliged", "reported", "reported_at_residence"]]) == (2, 1, 0)
    assert tuple(r.loc["c2", ["obliged", "reported", "reported_at_residence"]]) == (3, 2, 2)
    assert list(g.member_reports(within="c1", as_of=AS_OF)["unit_id"]) == ["u1"]
    assert list(g.member_reports(by="community", within="c1", as_of=AS_OF)["community_id"]) == ["c1"]


def test_term_expiry(g):
    r = g.term_expiry(as_of=AS_OF)
    assert r[["body_id", "status", "months_overdue"]].values.tolist() == [["po1", "expired", 0]]  # 2019-06-01 + 5
    r = g.term_expiry(3, as_of=AS_OF)
    assert r[["body_id", "status", "months_overdue"]].values.tolist() == [["po1", "expired", 0], ["rc1", "due", -3]]
    assert str(r.loc[1, "expires"]) == "2024-09-15" and r.loc[1, "term_no"] == 11 and r.loc[1, "term_years"] == 3
    assert g.term_expiry(120, within="c2", as_of=AS_OF)["body_id"].tolist() == ["gb1"]  # 2021-07-01 + 5
