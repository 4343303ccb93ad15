"""交叉任职率 and 一肩挑 on hand-built fixtures, the arithmetic written out; hypothesis properties."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orggraph as og

from fixtures.graphs import build_two_streets
from fixtures.strategies import graph_from, ledgers

AS_OF = "2022-01-01"




@pytest.fixture
def g(on_backend):
    """The graph of :func:`fixtures.graphs.build_two_streets` on the test's backend."""
    return on_backend("two_streets", build_two_streets)


def _rows(frame, key):
    return {r[key]: r for r in frame.to_dict("records")}


def test_two_committee_rate_by_community(g):
    r = _rows(g.cross_appointment_rate(as_of=AS_OF), "community_id")
    # c1: P1 = {p1, p2, p3}, R1 = {p1, p2, p4, p5} (p5's P1 post ended, p6's roles are not committee roles)
    #     members = |{p1..p5}| = 5, both = {p1, p2} = 2 → 2/5
    assert (r["c1"]["members"], r["c1"]["cross_appointed"], r["c1"]["rate"]) == (5, 2, 0.4)
    # c2: P2 = {p8}, R2 = {p9}; BP is a compound's 大党委, not c2's party organisation → 0/2
    assert (r["c2"]["members"], r["c2"]["cross_appointed"], r["c2"]["rate"]) == (2, 0, 0.0)
    # c3: nobody → NaN, never 0 or an error
    assert r["c3"]["members"] == 0 and math.isnan(r["c3"]["rate"])
    assert r["c1"]["street_id"] == "s1" and r["c1"]["community_name"] == "安宁社区"


def test_as_of_before_the_post_ended(g):
    r = _rows(g.cross_appointment_rate(as_of="2021-01-01"), "community_id")
    # on 2021-01-01 p5 still holds P1 too: both = {p1, p2, p5} → 3/5
    assert (r["c1"]["members"], r["c1"]["cross_appointed"]) == (5, 3)
    # on the end date itself the post is no longer held (half-open)
    r = _rows(g.cross_appointment_rate(as_of="2021-06-30"), "community_id")
    assert r["c1"]["cross_appointed"] == 2
    # before anybody started: nothing
    r = _rows(g.cross_appointment_rate(as_of="2019-06-01"), "community_id")
    # only p5's P1 post (from 2019-01-01) is current → members 1, both 0
    assert (r["c1"]["members"], r["c1"]["cross_appointed"]) == (1, 0)


def test_all_roles(g):
    r = _rows(g.cross_appointment_rate(roles="all", as_of=AS_OF), "community_id")
    # p6 now counts in P1 (part_time_member) and R1 (staff): members 6, both {p1, p2, p6} = 3
    assert (r["c1"]["members"], r["c1"]["cross_appointed"]) == (6, 3)


def test_three_committee_form(g):
    r = _rows(g.cross_appointment_rate(("committee", "residents_committee", "owners_committee"), as_of=AS_OF), "community_id")
    # c1 adds O1 = {p2, p7} (O1 covers compound a1, inside c1): members {p1..p5, p7} = 6;
    # in ≥2 kinds: p1 (P,R), p2 (P,R,O) = 2 → 2/6
    assert (r["c1"]["members"], r["c1"]["cross_appointed"]) == (6, 2)
    assert r["c1"]["rate"] == pytest.approx(1 / 3)


def test_chinese_body_names(g):
    a = g.cross_appointment_rate(("党委", "居委会"), as_of=AS_OF)
    b = g.cross_appointment_rate(as_of=AS_OF)
    pd.testing.assert_frame_equal(a, b)


def test_rollups_sum_counts(g):
    s = _rows(g.cross_appointment_rate(by="street", as_of=AS_OF), "street_id")
    # s1 = c1 + c2: members 5 + 2 = 7, both 2 + 0 = 2 → 2/7 (the mean of rates would be 0.2)
    assert (s["s1"]["communities"], s["s1"]["members"], s["s1"]["cross_appointed"]) == (2, 7, 2)
    assert s["s1"]["rate"] == pytest.approx(2 / 7)
    # c3 has neither body: not applicable (不适用), left out of the roll-ups and counted in left_out
    assert s["s2"]["members"] == 0 and math.isnan(s["s2"]["rate"])
    assert (s["s1"]["left_out"], s["s2"]["communities"], s["s2"]["left_out"]) == (0, 0, 1)
    d = g.cross_appointment_rate(by="district", as_of=AS_OF)
    assert d[["district_id", "communities", "left_out", "members", "cross_appointed"]].values.tolist() == [["d1", 2, 1, 7, 2]]


def test_within(g):
    r = g.cross_appointment_rate(within="s1", as_of=AS_OF)
    assert r["community_id"].tolist() == ["c1", "c2"]
    r = g.cross_appointment_rate(within="c3", as_of=AS_OF)
    assert r["community_id"].tolist() == ["c3"] and r["members"].tolist() == [0]
    r = g.cross_appointment_rate(within="a1", as_of=AS_OF)  # a compound holds no community
    assert r.empty and list(r.columns) == ["community_id", "community_name", "street_id", "members", "cross_appointed",
                                           "base", "rate", "denominator", "applicable", "reason"]


def test_bad_arguments(g):
    with pytest.raises(ValueError):
        g.cross_appointment_rate(("committee",))
    with pytest.raises(ValueError):
        g.cross_appointment_rate(("committee", "nonsense"))
    with pytest.raises(ValueError):
        g.cross_appointment_rate(by="province")
    with pytest.raises(ValueError):
        g.cross_appointment_rate(roles=("emperor",))
    with pytest.raises(og.NodeNotFound):
        g.cross_appointment_rate(within="nowhere")
    with pytest.raises(og.SchemaError):
        g.cross_appointment_rate(within="p1")
    with pytest.raises(ValueError):
        g.cross_appointment_rate(as_of="not a date")


def test_one_shoulder(g):
    r = _rows(g.one_shoulder(as_of=AS_OF), "community_id")
    assert r["c1"]["secretaries"] == ["p1"] and r["c1"]["directors"] == ["p1"] and r["c1"]["one_shoulder"]
    assert r["c2"]["secretaries"] == ["p8"] and r["c2"]["directors"] == ["p9"] and not r["c2"]["one_shoulder"]
    # c3 has no party organisation and no 居委会: 一肩挑 does not apply (NA, never False)
    assert r["c3"]["secretaries"] == [] and pd.isna(r["c3"]["one_shoulder"]) and not r["c3"]["applicable"]
    s = _rows(g.one_shoulder(by="street", as_of=AS_OF), "street_id")
    # s1: 1 of 2 communities → 0.5; s2: its only community is n/a → no community counted, share NaN, 1 left out
    assert (s["s1"]["communities"], s["s1"]["one_shoulder"], s["s1"]["share"]) == (2, 1, 0.5)
    assert (s["s2"]["communities"], s["s2"]["left_out"]) == (0, 1) and math.isnan(s["s2"]["share"])


# ---------------------------------------------------------------- properties

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _graph(tables):
    with tempfile.TemporaryDirectory() as d:
        return graph_from(tables, Path(d))


@SETTINGS
@given(ledgers(hostile=False), st.dates(min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2025-01-01").date()))
def test_rates_are_in_unit_interval_and_rollups_add_up(tables, day):
    g = _graph(tables)
    per = g.cross_appointment_rate(roles="all", as_of=day)
    rates = per["rate"].dropna()
    assert ((rates >= 0) & (rates <= 1)).all()
    assert (per["cross_appointed"] <= per["members"]).all()
    # NaN exactly where the figure does not apply (a body missing) or its base is empty
    assert per["rate"].isna().tolist() == ((per["members"] == 0) | ~per["applicable"]).tolist()
    # a street's roll-up equals the query run on that street, over its applicable communities
    streets = g.cross_appointment_rate(by="street", roles="all", as_of=day)
    for row in streets.itertuples():
        inside = g.cross_appointment_rate(within=row.street_id, roles="all", as_of=day)
        ok = inside[inside["applicable"]]
        assert (row.members, row.cross_appointed, row.communities, row.left_out) == (
            ok["members"].sum(), ok["cross_appointed"].sum(), len(ok), len(inside) - len(ok))


@SETTINGS
@given(ledgers(hostile=False), st.data())
def test_adding_a_cross_appointment_never_lowers_the_rate(tables, data):
    g = _graph(tables)
    before = g.cross_appointment_rate(as_of=AS_OF).set_index("community_id")
    pairs = []
    for c in before.index:
        party = [po["id"] for po in tables["party_orgs"] if po.get("territory_id") == c and po["level"] in ("committee", "general_branch")]
        rcs = [u["id"] for u in tables["units"] if u.get("territory_id") == c and u["kind"] == "residents_committee"]
        if party and rcs:
            pairs.append((c, party[0], rcs[0]))
    if not pairs:
        return
    c, po, rc = data.draw(st.sampled_from(pairs))
    h = g.copy()
    h.add_node("Cadre", "new-person", name="新人")
    h.add_edge("HOLDS_POST", "new-person", po, role="member", start="2020-01-01")
    h.add_edge("HOLDS_POST", "new-person", rc, role="member", start="2020-01-01")
    after = h.cross_appointment_rate(as_of=AS_OF).set_index("community_id")
    old = before.loc[c, "rate"]
    assert after.loc[c, "cross_appointed"] == before.loc[c, "cross_appointed"] + 1
    assert after.loc[c, "rate"] >= (0 if math.isnan(old) else old)
    # nothing else moved
    others = before.index.drop(c)
    pd.testing.assert_frame_equal(before.loc[others], after.loc[others])
