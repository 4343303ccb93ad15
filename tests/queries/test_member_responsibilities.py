"""member_responsibilities (党员联系户 / 党员责任区, seed 003) on a hand-built street, on both backends.

The street of :func:`build_responsibilities` (tests/fixtures/graphs.py): s1 (district d1) has three communities. At 2024-06-30:

* 安宁 c1: grid g1 holds compounds a1 (200 households; buildings b1 60, b2 80, b3 60) and a2 (100; buildings
  b4 50, b5 50); compound a3 (150) hangs directly under c1. Responsibilities: m1 (party member) 责任区 a1 and
  联系户 b4; m2 (party member) 联系户 b1; m3 (no flag, a current membership in po1 since 2015) 联系户 a3; m4 (no
  flag, membership 2010–2020: not a party member any more) 联系户 a2 — left out.
  members m1, m2, m3 → 3; 联系户 m1, m2, m3 → 3; 责任区 m1 → 1. Top-level areas a1, a2, a3 → 450 households.
  Covered: a1 (so b1, b2, b3), b4, a3. Households covered once: a1 200 + b4 50 (its compound a2 is not covered)
  + a3 150 = 400 → 400/450. Compounds a1, a3 of 3; buildings b1–b4 of 5.
* 和平 c2: compound a4 (300; building b6 100); m5 (party member) 责任区 = the whole community c2 → a4 and b6
  covered: 300/300, 1 of 1 compound, 1 of 1 building; members 1 (责任区).
* 东风 c3: nothing (shares NaN: 不适用).

At 2019-06-30 m4 is still a member: c1 has 4 members, a2 is covered too (so b4 counts inside it, b5 is covered)
→ 450/450, 3 of 3 compounds, 5 of 5 buildings.
"""

from __future__ import annotations

import math

import pytest

from fixtures.graphs import build_responsibilities

AS_OF = "2024-06-30"


@pytest.fixture
def g(on_backend):
    return on_backend("responsibilities", build_responsibilities)


def _row(r, key):
    return r.set_index(r.columns[0]).loc[key]


def test_per_community(g):
    r = g.member_responsibilities(as_of=AS_OF)
    assert list(r["community_id"]) == ["c1", "c2", "c3"]
    c1 = _row(r, "c1")
    assert (c1["members"], c1["liaison_members"], c1["zone_members"]) == (3, 3, 1)
    assert (c1["households"], c1["households_covered"]) == (450, 400)
    assert c1["household_coverage"] == pytest.approx(400 / 450)
    assert (c1["compounds"], c1["compounds_covered"], c1["buildings"], c1["buildings_covered"]) == (3, 2, 5, 4)
    assert c1["compound_coverage"] == pytest.approx(2 / 3) and c1["building_coverage"] == pytest.approx(0.8)
    c2 = _row(r, "c2")
    assert (c2["members"], c2["liaison_members"], c2["zone_members"]) == (1, 0, 1)
    assert (c2["households"], c2["households_covered"], c2["household_coverage"]) == (300, 300, 1.0)
    assert (c2["compound_coverage"], c2["building_coverage"]) == (1.0, 1.0)
    c3 = _row(r, "c3")
    assert (c3["members"], c3["households"], c3["compounds"]) == (0, 0, 0)
    assert math.isnan(c3["household_coverage"]) and math.isnan(c3["compound_coverage"])


def test_membership_is_read_at_as_of(g):
    c1 = _row(g.member_responsibilities(as_of="2019-06-30"), "c1")
    assert (c1["members"], c1["liaison_members"]) == (4, 4)
    assert (c1["households_covered"], c1["household_coverage"]) == (450, 1.0)
    assert (c1["compounds_covered"], c1["buildings_covered"]) == (3, 5)


def test_rolled_up_from_counts(g):
    s = _row(g.member_responsibilities(by="street", as_of=AS_OF), "s1")
    assert (s["communities"], s["members"], s["liaison_members"], s["zone_members"]) == (3, 4, 3, 2)
    assert (s["households"], s["households_covered"]) == (750, 700)
    assert s["household_coverage"] == pytest.approx(700 / 750)
    assert (s["compounds"], s["compounds_covered"], s["buildings"], s["buildings_covered"]) == (4, 3, 6, 5)
    d = _row(g.member_responsibilities(by="district", as_of=AS_OF), "d1")
    assert (d["members"], d["households_covered"]) == (4, 700)


def test_within_a_community(g):
    r = g.member_responsibilities(within="c2", as_of=AS_OF)
    assert list(r["community_id"]) == ["c2"] and r["households_covered"].tolist() == [300]


def test_bad_by(g):
    with pytest.raises(ValueError, match="by="):
        g.member_responsibilities(by="grid", as_of=AS_OF)
