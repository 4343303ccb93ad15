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

from fixtures.graphs import build_people

AS_OF = "2024-06-30"


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
    # ids are pseudonymised too: the store keeps the ledger's order, so rows pair by position
    p = g.pseudonymize("salt").store.node_frame("Cadre").set_axis(list(g.store.node_frame("Cadre")["id"]))
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
