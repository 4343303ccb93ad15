"""The synthetic province generator: valid ledgers, the structure asked for, the same graph for the same seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import orggraph as og
from orggraph.compare import graph_differences
from orggraph.synthetic import Ratios, generate

AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def province():
    """About 240 communities: large enough for the ratios to settle, small enough to build in a blink."""
    return generate(streets=20, seed=7)


def _parents(g, kind: str, column: str) -> pd.Series:
    f = g.nodes(kind)
    return f[column]


def _current_posts(g) -> pd.DataFrame:
    p = g.edges("HOLDS_POST")
    t = pd.Timestamp(AS_OF)
    ok = (p["start"].isna() | (p["start"] <= t)) & (p["end"].isna() | (p["end"] > t))
    return p[ok]


# --------------------------------------------------------------------------- validity


def test_written_ledger_reads_back_without_problems_and_equal(tmp_path):
    g = generate(streets=3, seed=11)
    out = g.write_ledger(tmp_path / "ledger")
    assert og.check_ledger(out).empty
    back = og.read_ledger(out)
    assert graph_differences(g, back) == []
    # every kind of node and edge the generator makes survives the trip
    counts = back.backend.counts()
    for name in ("District", "Street", "Community", "Grid", "Area", "PartyOrg", "Unit", "Cadre",
                 "CONTAINS", "SUBORDINATE_TO", "HOLDS_POST", "COVERS", "REPORTS_TO", "LIAISES", "ADJACENT"):
        assert counts[name] > 0, name


def test_path_writes_the_ledger(tmp_path):
    g = generate(streets=1, seed=2, path=tmp_path / "out")
    assert (tmp_path / "out" / "posts.csv").exists()
    assert og.read_ledger(tmp_path / "out").equals(g)


def test_attributes_have_the_schema_types(province):
    assert str(province.nodes("Community")["households"].dtype) == "Int64"
    assert str(province.nodes("Cadre")["party_member"].dtype) == "boolean"
    posts = province.edges("HOLDS_POST")
    assert str(posts["start"].dtype).startswith("datetime64")
    assert posts["start"].notna().all()
    assert (posts["start"] <= pd.Timestamp(AS_OF)).all()
    ended = posts["end"].notna()
    assert (posts.loc[ended, "end"] > posts.loc[ended, "start"]).all()


def test_no_phone_numbers(province):
    assert province.nodes("Cadre")["phone"].isna().all()


# --------------------------------------------------------------------------- structure and ratios


def test_territory_counts_follow_the_means(province):
    comms = province.nodes("Community")
    grids = province.nodes("Grid")
    areas = province.nodes("Area")
    assert len(province.nodes("Street")) == 20
    assert len(province.nodes("District")) == 2  # 10 streets per district
    assert 11 <= len(comms) / 20 <= 13
    assert 7.5 <= len(grids) / len(comms) <= 8.5
    assert 2.8 <= len(areas) / len(grids) <= 3.2
    hh = grids["households"].astype(float)
    assert 280 <= hh.median() <= 320


def test_two_committees_seven_posts_each_and_forty_percent_cross_appointed(province):
    posts = _current_posts(province)
    party = province.nodes("PartyOrg")
    units = province.nodes("Unit")
    comm_party = party[party["level"].isin(["committee", "general_branch"]) & party["unit_id"].isna()]
    rcs = units[(units["kind"] == "residents_committee") & units["territory_id"].str.startswith("c")]
    committee_roles = ["secretary", "deputy_secretary", "member", "director", "deputy_director"]
    held = posts[posts["role"].isin(committee_roles)]
    in_party = held[held["target"].isin(comm_party["id"])]
    in_rc = held[held["target"].isin(rcs["id"])]
    assert in_party.groupby("target").size().eq(7).all()
    assert in_rc.groupby("target").size().eq(7).all()
    # 交叉任职率 over the 两委 people, counted by hand: people in both ÷ people in either
    party_comm = dict(zip(comm_party["id"], comm_party["territory_id"]))
    rc_comm = dict(zip(rcs["id"], rcs["territory_id"]))
    a = set(zip(in_party["target"].map(party_comm), in_party["source"]))
    b = set(zip(in_rc["target"].map(rc_comm), in_rc["source"]))
    rate = len(a & b) / len(a | b)
    assert rate == pytest.approx(0.4, abs=0.03)
    # and the audit agrees with the count
    head = province.audit(as_of=AS_OF).headline.set_index("indicator")
    assert head.loc["cross_appointment_rate", "numerator"] == len(a & b)
    assert head.loc["cross_appointment_rate", "denominator"] == len(a | b)


def test_coverage_and_boundary_ratios(province):
    head = province.audit(as_of=AS_OF).headline.set_index("indicator")
    assert head.loc["compound_org_coverage_rate", "value"] == pytest.approx(0.5, abs=0.03)
    assert head.loc["grid_worker_rate", "value"] == pytest.approx(0.95, abs=0.02)
    assert head.loc["one_shoulder_share", "value"] == pytest.approx(0.6, abs=0.08)
    areas = len(province.nodes("Area"))
    assert head.loc["unassigned_areas", "value"] / areas == pytest.approx(0.01, abs=0.005)
    assert head.loc["contested_areas", "value"] / areas == pytest.approx(0.01, abs=0.005)
    # about half the compound branches' secretaries are the grid worker: branches hang off the community committee
    party = province.nodes("PartyOrg")
    branches = party[(party["level"] == "branch") & party["unit_id"].isna()]
    assert branches["parent_id"].isin(party.loc[party["level"].isin(["committee", "general_branch"]), "id"]).all()


def test_unassigned_areas_hang_off_the_street_and_contested_ones_have_two_claims(province):
    areas = province.nodes("Area")
    on_street = areas["parent_id"].str.startswith("s")
    report = province.unassigned_areas()
    unassigned = set(report.loc[report["status"] == "unassigned", "id"])
    assert unassigned == set(areas.loc[on_street, "id"])
    contested = report[report["status"] == "contested"]
    assert contested["claimants"].map(len).eq(2).all()


def test_ratios_are_adjustable():
    g = generate(streets=5, seed=3, communities_per_street=4, grids_per_community=2, compounds_per_grid=5,
                 compound_branch=1.0, grids_without_worker=0.0, cross_appointment=0.0, one_shoulder=0.0,
                 unassigned=0.0, contested=0.0)
    head = g.audit(as_of=AS_OF).headline.set_index("indicator")
    assert head.loc["compound_org_coverage_rate", "value"] == 1.0
    assert head.loc["grid_worker_rate", "value"] == 1.0
    assert head.loc["cross_appointment_rate", "numerator"] == 0
    assert head.loc["one_shoulder_share", "value"] == 0.0
    assert head.loc["unassigned_areas", "value"] == 0 and head.loc["contested_areas", "value"] == 0
    assert 3 <= len(g.nodes("Community")) / 5 <= 5


# --------------------------------------------------------------------------- determinism and arguments


def test_same_seed_same_graph_other_seed_other_graph():
    a, b, c = generate(streets=2, seed=5), generate(streets=2, seed=5), generate(streets=2, seed=6)
    assert graph_differences(a, b) == []
    for kind in ("Cadre", "Area"):
        pd.testing.assert_frame_equal(a.nodes(kind), b.nodes(kind))
    assert graph_differences(a, c) != []


def test_bad_arguments():
    with pytest.raises(TypeError, match="unknown ratio"):
        generate(streets=1, grids_per_comunity=3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        generate(streets=1, compound_branch=1.5)
    with pytest.raises(ValueError, match="positive"):
        generate(streets=1, grids_per_community=0)
    with pytest.raises(ValueError, match="streets"):
        generate(streets=0)
    with pytest.raises(ValueError, match="whole number"):
        Ratios(committee_posts=2.5)
    assert np.isclose(Ratios().cross_appointment, 0.4)


# --------------------------------------------------------------------------- streamed writing (XXL)


def test_streamed_ledger_is_valid_with_unique_sorted_ids_across_chunks(tmp_path):
    from orggraph.synthetic import write_ledger_streamed

    # 5 streets in chunks of 2 (whole districts of 1 street): three chunks, the last one smaller
    counts = write_ledger_streamed(tmp_path / "l", streets=5, seed=3, chunk_streets=2, streets_per_district=1)
    assert og.check_ledger(tmp_path / "l").empty
    g = og.read_ledger(tmp_path / "l")
    assert counts["Street"] == 5 and counts["District"] == 5
    for kind, n in counts.items():
        ids = g.nodes(kind)["id"]
        assert len(ids) == n and ids.is_unique
        # one width across chunks: the ids sort in creation order
        assert ids.str.len().nunique() == 1 and ids.is_monotonic_increasing
    # every street has its communities, every community its two committees and its people
    comms = g.nodes("Community")
    assert comms["street_id"].nunique() == 5
    assert set(g.edges("MEMBER_OF")["source"]) <= set(g.nodes("Cadre")["id"])
    people = g.nodes("Cadre")
    assert people["birth_date"].notna().any() and people["education"].notna().any()
    r = g.audit(as_of=AS_OF).headline.set_index("indicator")
    assert 0.2 < r.loc["cross_appointment_rate", "value"] < 0.6


def test_streamed_chunks_draw_from_their_own_seeds(tmp_path):
    from orggraph.synthetic import write_ledger_streamed

    write_ledger_streamed(tmp_path / "a", streets=4, seed=1, chunk_streets=2, streets_per_district=1)
    write_ledger_streamed(tmp_path / "b", streets=4, seed=1, chunk_streets=2, streets_per_district=1)
    write_ledger_streamed(tmp_path / "c", streets=4, seed=2, chunk_streets=2, streets_per_district=1)
    a, b, c = (sorted(p.name for p in (tmp_path / x).glob("*.csv")) for x in "abc")
    assert a == b == c
    assert all((tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in a)
    assert any((tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes() for n in a)


def test_streamed_bad_arguments(tmp_path):
    from orggraph.synthetic import write_ledger_streamed

    with pytest.raises(ValueError, match="chunk_streets"):
        write_ledger_streamed(tmp_path, streets=2, chunk_streets=0)
    with pytest.raises(TypeError, match="unknown ratio"):
        write_ledger_streamed(tmp_path, streets=2, nonsense=1)
