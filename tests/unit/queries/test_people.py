"""People (#17): the ledger forms of birth dates and genders, ages, and the hand-built graph of the people queries.

The queries themselves are checked on both backends in tests/conformance/test_people.py,
on :func:`build_people` below; the expected values are worked out by hand there.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import orggraph as og
from orggraph import _types
from orggraph.errors import SchemaError
from orggraph.queries.people import ages

AS_OF = "2024-06-30"


def build_people() -> og.OrgGraph:
    """A street with two communities: a 7-person 两委 in c1, branches with memberships, 双报到, terms."""
    g = og.OrgGraph()
    g.add_node("District", "d1", name="甲区")
    g.add_node("Street", "s1", name="东街道", district_id="d1")
    g.add_node("Community", "c1", name="安宁社区", street_id="s1")
    g.add_node("Community", "c2", name="和平社区", street_id="s1")
    g.add_node("Area", "a1", name="一号小区", kind="compound", parent_id="c1")
    g.add_node("Area", "a2", name="二号小区", kind="compound", parent_id="c2")
    g.add_node("PartyOrg", "po1", name="安宁社区党委", level="committee", territory_id="c1", term_start="2019-06-01", term_years=5)
    g.add_node("PartyOrg", "br1", name="一号小区党支部", level="branch", parent_id="po1", territory_id="a1")
    g.add_node("PartyOrg", "br2", name="安宁第二支部", level="branch", parent_id="po1", territory_id="c1")
    g.add_node("PartyOrg", "gb1", name="和平社区党总支", level="general_branch", territory_id="c2", term_start="2021-07-01")
    g.add_node("PartyOrg", "br3", name="二号小区党支部", level="branch", parent_id="gb1", territory_id="a2")
    g.add_node("PartyOrg", "br4", name="和平第二支部", level="branch", parent_id="gb1", territory_id="a2")
    g.add_node("Unit", "rc1", name="安宁居委会", kind="residents_committee", territory_id="c1",
               term_start="2021-09-15", term_years=3, term_no=11)
    g.add_node("Unit", "sc1", name="安宁居务监督委员会", kind="supervisory_committee", territory_id="c1")
    g.add_node("Unit", "u1", name="区卫健局", kind="resident_unit", territory_id="c1")
    g.add_node("Unit", "u2", name="区税务局", kind="resident_unit", territory_id="c2")
    people = [
        # id, gender, birth_date, birth_year, education, party_member
        ("p1", "男", "1970-03", None, "本科", True),
        ("p2", "女", "1990-08-15", None, "大专", True),
        ("p3", "male", None, 1988, "高中", True),
        ("p4", "女", "1975年5月", None, "senior_high", False),
        ("p5", "男", "1980.01", None, "中专", False),
        ("p6", "男", None, 1985, "硕士研究生", True),
        ("p7", "男", None, None, None, False),
        ("p8", "女", "1995-01-01", None, "本科", False),
        ("p9", "女", "1996-01-01", None, "本科", True),
        ("x1", "男", "1960-01-01", None, "初中", True),
    ]
    for pid, gender, bd, by, edu, party in people:
        g.add_node("Cadre", pid, name=f"人员{pid}", gender=gender, birth_date=bd, birth_year=by, education=edu,
                   party_member=party)
    posts = [
        ("p1", "po1", "secretary", "2021-09-15", None), ("p1", "rc1", "director", "2021-09-15", None),
        ("p2", "po1", "deputy_secretary", "2021-09-15", None), ("p3", "po1", "member", None, None),
        ("p6", "po1", "member", "2021-09-15", None), ("p4", "rc1", "member", "2021-09-15", None),
        ("p5", "rc1", "deputy_director", "2021-09-15", None), ("p7", "rc1", "member", "2021-09-15", None),
        ("p8", "rc1", "staff", "2021-09-15", None),  # not a 班子 role
        ("p9", "po1", "member", "2016-09-15", "2020-01-01"),  # ended
        ("p4", "sc1", "member", "2021-09-15", None),  # a 两委 member on the 监委会
        ("x1", "sc1", "director", "2021-09-15", None), ("p8", "sc1", "member", "2021-09-15", None),
    ]
    for cadre, body, role, start, end in posts:
        g.add_edge("HOLDS_POST", cadre, body, role=role, start=start, end=end)
    for pid in ("q1", "q2", "q3", "q4", "q5", "q6", "q7"):
        g.add_node("Cadre", pid, name=f"党员{pid}")
    members = [
        ("q1", "br1", "正式党员", None, None, None), ("q2", "br1", "full", "2010-01-01", None, None),
        ("q3", "br1", "预备党员", "2024-01-01", None, None),
        ("p5", "br2", None, "2000-01-01", None, True), ("q4", "br2", "full", None, None, False),
        ("q5", "br2", "full", None, None, None),
        ("q6", "br2", "full", "2000-01-01", "2023-01-01", None),  # moved out
        ("q7", "br2", "probationary", "2025-01-01", None, None),  # not yet
    ]
    for i in range(1, 52):
        g.add_node("Cadre", f"r{i:02d}", name=f"党员r{i}")
        members.append((f"r{i:02d}", "br4", "full", None, None, None))
    for cadre, org, status, start, end, central in members:
        g.add_edge("MEMBER_OF", cadre, org, status=status, start=start, end=end, central_household=central)
    # 在职党员: where they work, live and reported
    workers = [("w1", "u1", "a2", True), ("w2", "u1", "a1", True), ("w3", "u1", "c1", True), ("w4", "u1", "c1", False),
               ("w5", "u2", "a2", True), ("w6", "u2", "c2", True)]
    for pid, unit, home, party in workers:
        g.add_node("Cadre", pid, name=f"在职{pid}", party_member=party, work_unit_id=unit, residence_id=home)
    for who, comm, date in (("w1", "c2", "2024-01-01"), ("w2", "c2", "2024-01-01"), ("w4", "c1", "2024-01-01"),
                            ("w5", "c2", "2025-01-01"), ("w6", "c2", None)):
        g.add_edge("REPORTS_TO", who, comm, date=date)
    return g


# --------------------------------------------------------------------------- ledger forms


def test_birth_dates_in_every_ledger_form():
    raw = pd.Series(["1985-06", "1985.06", "1985年6月", "1985/6", "1985-06-15", "31203", "1985年06月15日", None, "85年"])
    parsed, bad = _types.parse(raw, "month")
    assert [None if pd.isna(v) else v.date() for v in parsed] == [
        dt.date(1985, 6, 1), dt.date(1985, 6, 1), dt.date(1985, 6, 1), dt.date(1985, 6, 1), dt.date(1985, 6, 15),
        dt.date(1985, 6, 5), dt.date(1985, 6, 15), None, None,
    ]
    assert bad.tolist() == [False] * 8 + [True]


def test_genders_and_education_normalised():
    g = build_people()
    cad = g.nodes("Cadre").set_index("id")
    assert cad.loc[["p1", "p2", "p3"], "gender"].tolist() == ["male", "female", "male"]
    assert cad.loc[["p1", "p2", "p5", "p6"], "education"].tolist() == ["bachelor", "college", "vocational", "master"]
    assert cad.loc["p4", "birth_date"] == pd.Timestamp("1975-05-01")


def test_a_bad_birth_date_is_refused_without_showing_it():
    g = og.OrgGraph()
    with pytest.raises(SchemaError) as err:
        g.add_node("Cadre", "p1", name="张三", birth_date="1985-13")
    assert "1985-13" not in str(err.value) and "张三" not in str(err.value)


def test_ages_at_as_of():
    day = dt.date(2024, 6, 30)
    got = ages(pd.Series([pd.Timestamp("1990-06-30"), pd.Timestamp("1990-07-01"), None, None]),
               pd.Series([None, None, 1989, None]), day)
    # born on as_of's day 34 years before: 34; a day later: 33; 1989 only = 1 July 1989: 34; unknown: NaN
    assert got[:3].tolist() == [34.0, 33.0, 34.0] and pd.isna(got[3])


def test_ledger_round_trip_keeps_people(tmp_path):
    g = build_people()
    g.write_ledger(tmp_path / "ledger")
    back = og.read_ledger(tmp_path / "ledger")
    assert len(back.edges("MEMBER_OF")) == len(g.edges("MEMBER_OF"))
    cad = back.nodes("Cadre").set_index("id")
    assert cad.loc["p4", "birth_date"] == pd.Timestamp("1975-05-01")
    assert cad.loc["w1", "residence_id"] == "a2" and cad.loc["w1", "work_unit_id"] == "u1"
    assert back.nodes("Unit").set_index("id").loc["rc1", "term_no"] == 11


def test_pseudonymize_drops_birth_dates_and_ethnicity_but_keeps_the_year():
    g = build_people()
    g.add_node("Cadre", "e1", name="民族甲", birth_date="1979-11-20", ethnicity="回族")
    p = g.pseudonymize("salt").nodes("Cadre").set_index("id")
    assert p["birth_date"].isna().all() and p["ethnicity"].isna().all()
    assert p.loc["e1", "birth_year"] == 1979 and p.loc["p2", "birth_year"] == 1990


def test_every_sample_has_people():
    """Samples carry memberships, birth dates and education; 孝南's 4,643 members 双报到 where they live (seed 002)."""
    for name in og.list_samples():
        g = og.load_sample(name)
        cad = g.nodes("Cadre")
        assert cad["birth_date"].notna().all() and cad["education"].notna().all(), name
        assert len(g.edges("MEMBER_OF")) > 0.8 * cad["party_member"].sum(), name
        assert g.term_expiry(120, as_of="2022-01-01")["body_id"].size > 0, name
    r = og.load_sample("xiaonan").member_reports(as_of="2022-01-01")
    assert r["obliged"].sum() == r["reported"].sum() == 4643
    assert 0.8 * 4643 < r["reported_at_residence"].sum() < 4643


def test_within_keeps_the_members_of_included_organisations():
    g = build_people()
    sub = g.within("c2")
    assert {"r01", "r51"} <= set(sub.nodes("Cadre")["id"])  # members of br4 (a2 ⊂ c2), no posts
    assert "q1" not in sub  # a member of br1 in c1
    assert len(sub.edges("MEMBER_OF")) == 51
