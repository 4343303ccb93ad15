"""The indicators as organisation departments compute them, hand-worked, on both backends.

Denominators named, "not applicable" instead of 0 %, compound organisations of any
level, eligible compounds and obliged units, statutory sizes. Every expected value
below is worked out by hand from the fixture and the definition (docs/queries/).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import orggraph as og
from orggraph.queries.norms import NormsError

AS_OF = "2023-06-30"


def build_town() -> og.OrgGraph:
    """Two streets, three communities.

    c1 (s1): 社区党委 P1, 居委会 R1 (4 members: flagged, 5–9)
        P1 班子: x1 secretary, x2 member, x3 member                 → 3
        R1:      x1 director, x4 member, x5 member, x6 deputy_director → 4
        both: x1 (一肩挑); union x1..x6 = 6
        compounds: a1, a2 managed by 物业 pc1 (a1 has 小区党支部 b1), a3 and a4 unmanaged, no organisation
    c2 (s1): 社区党总支 P2 (y1 secretary, y2 member), NO 居委会 → 两委 figures not applicable
    c3 (s2): 社区党委 P3 (z1 secretary, z2 member), 居委会 R3 (z1 director, z2..z5 member → 5)
        both: z1, z2; union z1..z5 = 5
        compound a5 led by a 小区党委 K5 (level committee) only
    resident units: u1 (own party org PU1, reports through it), u2 (own party org PU2, no report),
        u3 (no party org, reports); ledger column district_level: u1, u3 yes
    """
    g = og.OrgGraph()
    g.add_node("District", "d1", name="区")
    g.add_node("Street", "s1", name="东街道", district_id="d1")
    g.add_node("Street", "s2", name="西街道", district_id="d1")
    g.add_node("Community", "c1", name="一社区", street_id="s1", kind="urban")
    g.add_node("Community", "c2", name="二社区", street_id="s1", kind="rural")
    g.add_node("Community", "c3", name="三社区", street_id="s2", kind="urban")
    for a in ("a1", "a2", "a3", "a4"):
        g.add_node("Area", a, name=f"小区{a}", kind="compound", parent_id="c1")
    g.add_node("Area", "a5", name="小区a5", kind="compound", parent_id="c3")
    g.add_node("PartyOrg", "W1", name="东街道党工委", level="working_committee", territory_id="s1")
    g.add_node("PartyOrg", "P1", name="一社区党委", level="committee", territory_id="c1", parent_id="W1")
    g.add_node("PartyOrg", "P2", name="二社区党总支", level="general_branch", territory_id="c2")
    g.add_node("PartyOrg", "P3", name="三社区党委", level="committee", territory_id="c3")
    g.add_node("PartyOrg", "b1", name="a1党支部", level="branch", territory_id="a1", parent_id="P1")
    g.add_node("PartyOrg", "K5", name="a5小区党委", level="committee", territory_id="a5")
    g.add_node("Unit", "R1", name="一居委会", kind="residents_committee", territory_id="c1")
    g.add_node("Unit", "R3", name="三居委会", kind="residents_committee", territory_id="c3")
    g.add_node("Unit", "pc1", name="物业", kind="property_company", territory_id="a1")
    g.add_edge("COVERS", "pc1", "a2")
    g.add_node("Unit", "u1", name="单位1", kind="resident_unit", territory_id="c1", district_level=True)
    g.add_node("Unit", "u2", name="单位2", kind="resident_unit", territory_id="c1", district_level=False)
    g.add_node("Unit", "u3", name="单位3", kind="resident_unit", territory_id="c3", district_level=True)
    g.add_node("PartyOrg", "PU1", name="单位1党支部", level="branch", unit_id="u1")
    g.add_node("PartyOrg", "PU2", name="单位2党支部", level="branch", unit_id="u2")
    g.add_edge("REPORTS_TO", "PU1", "c1", date="2022-01-01")
    g.add_edge("REPORTS_TO", "u3", "c3", date="2022-01-01")
    people = ["x1", "x2", "x3", "x4", "x5", "x6", "y1", "y2", "z1", "z2", "z3", "z4", "z5"]
    for p in people:
        g.add_node("Cadre", p, name=f"人{p}")
    posts = [
        ("x1", "P1", "secretary"), ("x2", "P1", "member"), ("x3", "P1", "member"),
        ("x1", "R1", "director"), ("x4", "R1", "member"), ("x5", "R1", "member"), ("x6", "R1", "deputy_director"),
        ("y1", "P2", "secretary"), ("y2", "P2", "member"),
        ("z1", "P3", "secretary"), ("z2", "P3", "member"),
        ("z1", "R3", "director"), ("z2", "R3", "member"), ("z3", "R3", "member"), ("z4", "R3", "member"),
        ("z5", "R3", "member"),
    ]
    for who, body, role in posts:
        g.add_edge("HOLDS_POST", who, body, role=role, start="2021-01-01")
    # 业委会: O1 (compound a1 of c1) with x2 (a P1 member) and w1; O3 (a5 of c3) with w2 only
    g.add_node("Unit", "O1", name="a1业委会", kind="owners_committee", territory_id="a1")
    g.add_node("Unit", "O3", name="a5业委会", kind="owners_committee", territory_id="a5")
    # grids of c1: G1 with a full-time 网格员, G2 with a part-time (兼职) one
    g.add_node("Grid", "G1", name="网格1", community_id="c1", households=300)
    g.add_node("Grid", "G2", name="网格2", community_id="c1", households=300)
    for p in ("w1", "w2", "gw1", "gw2"):
        g.add_node("Cadre", p, name=f"人{p}")
    for who, body, role in (("x2", "O1", "member"), ("w1", "O1", "director"), ("w2", "O3", "director")):
        g.add_edge("HOLDS_POST", who, body, role=role, start="2021-01-01")
    # a building inside grid G1, a boundary zone under c1 in no grid
    g.add_node("Area", "B1", name="1号楼", kind="building", parent_id="G1", ready=False)
    g.add_node("Area", "B2", name="2号楼", kind="building", parent_id="a1", ready=True)
    g.add_node("Area", "Z1", name="交界区域", kind="boundary_zone", parent_id="c1")
    # a grid of 100 households in the rural community c2 (the 300-household norm is urban), staffed
    g.add_node("Grid", "G3", name="网格3", community_id="c2", households=100)
    g.add_node("Cadre", "gw3", name="人gw3")
    g.add_edge("HOLDS_POST", "gw3", "G3", role="grid_worker", start="2021-01-01")
    g.add_edge("HOLDS_POST", "gw1", "G1", role="grid_worker", start="2021-01-01", part_time=False)
    g.add_edge("HOLDS_POST", "gw2", "G2", role="grid_worker", start="2021-01-01", part_time=True)
    return g


@pytest.fixture
def town(on_backend):
    return on_backend("indicators_town", build_town)


def _by(frame, key):
    return {r[key]: r for r in frame.to_dict("records")}


# --------------------------------------------------------------------------- 交叉任职率: denominators, n/a


@pytest.mark.parametrize("denominator,base", [("union", {"c1": 6, "c3": 5}), ("party", {"c1": 3, "c3": 2}),
                                              ("residents_committee", {"c1": 4, "c3": 5})])
def test_cross_appointment_denominators(town, denominator, base):
    r = _by(town.cross_appointment_rate(as_of=AS_OF, denominator=denominator), "community_id")
    cross = {"c1": 1, "c3": 2}
    for c in ("c1", "c3"):
        assert r[c]["applicable"] and r[c]["cross_appointed"] == cross[c] and r[c]["base"] == base[c]
        assert r[c]["rate"] == pytest.approx(cross[c] / base[c])
        assert r[c]["denominator"] == denominator
    # c2 has no 居委会: not applicable, NaN (never 0), the reason named
    assert not r["c2"]["applicable"] and math.isnan(r["c2"]["rate"]) and "居委会" in r["c2"]["reason"]
    # district: c1 + c3 summed, c2 left out
    d = town.cross_appointment_rate(by="district", as_of=AS_OF, denominator=denominator).iloc[0]
    assert (d["communities"], d["left_out"], d["cross_appointed"]) == (2, 1, 3)
    assert d["base"] == base["c1"] + base["c3"] and d["rate"] == pytest.approx(3 / d["base"])
    assert d["denominator"] == denominator
    # street s1: only c1 counted; c2 left out
    s = _by(town.cross_appointment_rate(by="street", as_of=AS_OF, denominator=denominator), "street_id")
    assert (s["s1"]["communities"], s["s1"]["left_out"], s["s1"]["base"]) == (1, 1, base["c1"])


def test_cross_appointment_denominator_needs_the_body(town):
    with pytest.raises(ValueError, match="denominator"):
        town.cross_appointment_rate(("committee", "owners_committee"), denominator="residents_committee")
    with pytest.raises(ValueError, match="denominator"):
        town.cross_appointment_rate(denominator="everyone")


def test_one_shoulder_not_applicable(town):
    r = _by(town.one_shoulder(as_of=AS_OF), "community_id")
    assert bool(r["c1"]["one_shoulder"]) and bool(r["c3"]["one_shoulder"])
    assert pd.isna(r["c2"]["one_shoulder"]) and not r["c2"]["applicable"]
    d = town.one_shoulder(by="district", as_of=AS_OF).iloc[0]
    assert (d["communities"], d["left_out"], d["one_shoulder"], d["share"]) == (2, 1, 2, 1.0)


# --------------------------------------------------------------------------- 组建率 / 覆盖率


def _rates(report):
    r = report.rates
    return {i: (int(n), int(d)) for i, n, d in zip(r["indicator"], r["numerator"], r["denominator"])}


def test_compound_formation_and_coverage(town):
    # within c1: two 物业小区 (a1 with a branch, a2 without), two others (a3, a4) without
    report = town.coverage_gaps(within="c1", as_of=AS_OF)
    assert report.eligible_compounds == "managed"
    r = _rates(report)
    assert r["compound_org_formation_rate"] == (1, 2)
    assert r["compound_org_coverage_rate"] == (1, 4)
    t = report["compounds_without_org"]
    assert t[["area_id", "eligible"]].values.tolist() == [["a2", True], ["a3", False], ["a4", False]]
    # every compound eligible: formation = coverage
    assert _rates(town.coverage_gaps(within="c1", as_of=AS_OF, eligible_compounds="all"))[
        "compound_org_formation_rate"] == (1, 4)


def test_compound_led_by_a_committee_is_covered(town):
    report = town.coverage_gaps(as_of=AS_OF)
    # a5 is led by a 小区党委 only: it is not listed as a compound without an organisation
    assert "a5" not in set(report["compounds_without_org"]["area_id"])
    assert _rates(report)["compound_org_coverage_rate"] == (2, 5)  # a1 (branch), a5 (小区党委)


def build_town_with_members() -> og.OrgGraph:
    """The town with where its party members live: 3 full members in a1, 2 full and 1 probationary in a2
    (probationary members do not count: 正式党员三人以上), 3 full members in a3, one of them in a
    building of a3; no member records a residence elsewhere."""
    g = build_town()
    g.add_node("Area", "a3b", name="a3一号楼", kind="building", parent_id="a3")
    homes = [("m1", "a1", "full"), ("m2", "a1", "full"), ("m3", "a1", None), ("m4", "a2", "full"),
             ("m5", "a2", "full"), ("m6", "a2", "probationary"), ("m7", "a3", "full"), ("m8", "a3", "full"),
             ("m9", "a3b", "full")]
    for cid, home, status in homes:
        g.add_node("Cadre", cid, name=f"党员{cid}", residence_id=home)
        g.add_edge("MEMBER_OF", cid, "P1", **({"status": status} if status else {}))
    return g


def test_eligible_compounds_where_three_full_members_live(on_backend):
    g = on_backend("town_with_members", build_town_with_members)
    report = g.coverage_gaps(within="c1", as_of=AS_OF)
    # every full member records a residence: the default is the members' frame
    assert report.eligible_compounds == "members>=3"
    # eligible: a1 (3 full, one with an empty status) and a3 (2 + 1 in its building); a2 has 2 full only.
    # a1 has its branch b1, a3 has none: 组建率 1/2; 覆盖率 stays over all four compounds of c1: 1/4
    r = _rates(report)
    assert r["compound_org_formation_rate"] == (1, 2)
    assert r["compound_org_coverage_rate"] == (1, 4)
    t = report["compounds_without_org"]
    assert t[["area_id", "eligible"]].values.tolist() == [["a2", False], ["a3", True], ["a4", False]]


def test_eligible_compounds_options(town):
    with pytest.raises(og.SchemaError, match="needs memberships"):
        town.coverage_gaps(as_of=AS_OF, eligible_compounds="members>=3")
    with pytest.raises(ValueError, match="no_such_column"):
        town.coverage_gaps(as_of=AS_OF, eligible_compounds="no_such_column")


def test_unit_reports_over_the_obliged(town):
    report = town.coverage_gaps(as_of=AS_OF)
    # default: units with their own party organisation (u1, u2); u1 reports → 1/2
    assert report.obliged_units == "own_party_org"
    r = _rates(report)
    assert r["unit_report_rate"] == (1, 2)
    assert r["unit_report_coverage_rate"] == (2, 3)  # u1, u3 of u1..u3
    t = report["units_not_reporting"]
    assert t[["unit_id", "obliged"]].values.tolist() == [["u2", True]]
    # a ledger column names the obliged set: u1 and u3, both report → 2/2
    col = town.coverage_gaps(as_of=AS_OF, obliged_units="district_level")
    assert col.obliged_units == "district_level" and _rates(col)["unit_report_rate"] == (2, 2)


def test_grid_workers_full_time_and_part_time(town):
    r = _rates(town.coverage_gaps(within="c1", as_of=AS_OF))
    # G1 has a full-time 网格员, G2 only a part-time one: 专职 1/2, 兼职 1/2
    assert r["grid_worker_rate"] == (1, 2) and r["part_time_grid_worker_rate"] == (1, 2)
    assert town.coverage_gaps(within="c1", as_of=AS_OF)["grids_without_worker"]["grid_id"].tolist() == ["G2"]


# --------------------------------------------------------------------------- 三委: 两委 members on the 业委会


def test_owners_committee_overlap(town):
    r = _by(town.owners_committee_overlap(as_of=AS_OF), "community_id")
    # c1: O1 has x2, a member of P1's 班子 → 1 of 1 业委会; members x2, w1 → 1 of 2
    assert [r["c1"][k] for k in ("owners_committees", "with_committee_member", "share", "members",
                                 "committee_members", "member_share")] == [1, 1, 1.0, 2, 1, 0.5]
    # c3: O3 has only w2 → 0 of 1; c2 has no 业委会: shares NaN
    assert [r["c3"][k] for k in ("owners_committees", "with_committee_member", "members", "committee_members")] == [1, 0, 1, 0]
    assert r["c3"]["share"] == 0.0 and math.isnan(r["c2"]["share"]) and math.isnan(r["c2"]["member_share"])
    d = town.owners_committee_overlap(by="district", as_of=AS_OF).iloc[0]
    assert [d[k] for k in ("communities", "owners_committees", "with_committee_member", "members", "committee_members")] == [
        3, 2, 1, 3, 1]
    assert d["share"] == 0.5 and d["member_share"] == pytest.approx(1 / 3)


# --------------------------------------------------------------------------- statutory sizes


def test_statutory_size(town):
    v = town.check_norms(as_of=AS_OF)
    sizes = v[v["rule"] == "statutory_size"]
    # R1 has 4 members (5–9): flagged; R3 has 5: fine. P1 has 3, P2 2, P3 2 (党委/党总支 5–9 / 5–7): flagged.
    # b1, K5, PU1, PU2 have no 班子 post recorded: not judged.
    assert sizes[["entity_id", "measured", "minimum", "maximum"]].values.tolist() == [
        ["P1", 3.0, 5.0, 9.0], ["P2", 2.0, 5.0, 7.0], ["P3", 2.0, 5.0, 9.0], ["R1", 4.0, 5.0, 9.0]]
    assert sizes.set_index("entity_id").loc["R1", "community_id"] == "c1"


def test_grid_coverage(town):
    v = town.check_norms(as_of=AS_OF)
    gaps = v[v["rule"] == "grid_coverage"]
    # c1 records grid membership (B1's parent is the grid G1): its compounds a1..a4, B2 (in a1) and the zone
    # Z1 lie in no grid; c3 records none (no area of it in a grid), so a5 is not judged
    assert gaps["entity_id"].tolist() == ["B2", "Z1", "a1", "a2", "a3", "a4"]
    assert (gaps["measured"] == 0).all() and (gaps["minimum"] == 1).all()
    assert gaps.set_index("entity_id").loc["Z1", "community_id"] == "c1"
    inside = town.check_norms(within="c3", as_of=AS_OF)
    assert inside.loc[inside["rule"] == "grid_coverage", "entity_id"].tolist() == []


def test_rural_profile_leaves_the_grid_size_norm_out(town):
    # G3 (100 households, 200–400 expected) is in the rural community c2: the rural profile does not apply it
    v = town.check_norms(as_of=AS_OF)
    assert "G3" not in set(v.loc[v["rule"] == "grid_households", "entity_id"])
    strict = town.check_norms({"profiles": {"rural": []}}, as_of=AS_OF)
    assert strict.loc[strict["rule"] == "grid_households", "entity_id"].tolist() == ["G3"]
    with pytest.raises(NormsError, match="unknown rules"):
        town.check_norms({"profiles": {"rural": ["no_such_rule"]}}, as_of=AS_OF)


def test_chain_levels_over_eligible_buildings(town):
    # B2 (in a1, c1, s1): 党工委 W1 — 社区党委 P1 (under W1) — 小区党支部 b1 (under P1), no 党小组 → 3 levels;
    # B1 (in grid G1 of c1, in no compound): W1, P1, then no compound whose branch it could hang off → 2
    report = town.audit(within="s1", as_of=AS_OF)
    levels = report["chain_levels"]
    assert levels[["level", "reached", "buildings"]].values.tolist() == [
        ["working_committee", 2, 2], ["committee", 2, 2], ["branch", 1, 2], ["group", 0, 2], ["household", 0, 2]]
    ready = town.audit(within="s1", as_of=AS_OF, eligible_buildings="ready")
    assert ready["chain_levels"]["reached"].tolist() == [1, 1, 1, 0, 0]
    h = ready.headline.set_index("indicator").loc["chain_completeness"]
    assert (h["numerator"], h["denominator"]) == (0, 1) and "ready" in h["definition"]


# --------------------------------------------------------------------------- the audit headline


def test_audit_headline_not_applicable(town):
    report = town.audit(within="c2", as_of=AS_OF)
    h = report.headline.set_index("indicator")
    for name in ("cross_appointment_rate", "one_shoulder_share"):
        assert not h.loc[name, "applicable"] and math.isnan(h.loc[name, "value"])
    assert "不适用 (n/a)" in repr(report)
    whole = town.audit(as_of=AS_OF).headline.set_index("indicator")
    assert (whole.loc["cross_appointment_rate", "numerator"], whole.loc["cross_appointment_rate", "denominator"]) == (3, 11)
    assert whole.loc["cross_appointment_rate", "definition"].startswith("denominator=union")
    assert "1 communities n/a" in whole.loc["cross_appointment_rate", "definition"]
    assert (whole.loc["compound_org_formation_rate", "numerator"], whole.loc["compound_org_formation_rate", "denominator"]) == (1, 2)
    assert list(whole.columns) == ["zh", "measure", "value", "numerator", "denominator", "definition", "applicable"]
    assert (whole.loc["owners_committee_overlap_share", "numerator"], whole.loc["owners_committee_overlap_share", "denominator"]) == (1, 2)
