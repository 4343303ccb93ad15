"""Staffing norms (配置标准): the Norms object, its TOML file, and check_norms on a hand-built graph."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orggraph as og
from orggraph.queries.norms import COLUMNS, Norms, NormsError, Range

from fixtures.graphs import build_stations

AS_OF = "2023-06-30"


# --------------------------------------------------------------------------- Norms


def test_defaults_are_the_sources():
    n = Norms.default()
    assert n == Norms()
    assert n.grid_households == 300 and n.grid_households_tolerance == Fraction(1, 3)
    assert n.grid_households_range == Range(200.0, 400.0)  # 300 × (1 ± 1/3), exactly
    assert n.households_per_zone_manager == Range(300, 400)
    assert n.workstation_staff == Range(10, 20)
    assert n.workstation_population == Range(7000, 20000)
    assert n.grid_worker_min == 1
    assert n.bounds() == {
        "grid_households": (200.0, 400.0),
        "grid_workers": (1.0, math.inf),
        "households_per_zone_manager": (300.0, 400.0),
        "workstation_population": (7000.0, 20000.0),
        "workstation_staff": (10.0, 20.0),
    }


def test_to_dict_round_trips_and_matches_the_bundled_file():
    from importlib import resources

    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    bundled = tomllib.loads(resources.files("orggraph").joinpath("data/norms.toml").read_text(encoding="utf-8"))
    assert Norms.default().to_dict() == bundled
    custom = Norms(grid_households=250, grid_households_tolerance="1/5", workstation_staff=(8, 25), grid_worker_min=2)
    assert Norms.from_dict(custom.to_dict()) == custom
    assert custom.grid_households_range == Range(200.0, 300.0)


def test_from_toml_partial_file_keeps_other_defaults(tmp_path):
    path = tmp_path / "norms.toml"
    path.write_text('[workstation_staff]\nmaximum = 25\n\n[grid_households]\ntolerance = 0.25\n', encoding="utf-8")
    n = Norms.from_toml(path)
    assert n.workstation_staff == Range(10, 25)
    assert n.grid_households_tolerance == Fraction(1, 4)
    assert n.grid_households_range == Range(225.0, 375.0)
    assert n.workstation_population == Norms().workstation_population


@pytest.mark.parametrize(
    "text, message",
    [
        ("[workstation_staf]\nminimum = 1\n", "unknown norms section 'workstation_staf'"),
        ("[workstation_staff]\nmin = 1\n", r"unknown norms key workstation_staff\.'min'"),
        ("[workstation_staff]\nminimum = 30\n", "minimum 30 is above maximum 20"),
        ("[grid_households]\ntolerance = \"a third\"\n", "not a number or fraction"),
        ("[grid_households]\ntolerance = 2\n", r"outside 0 … 1"),
        ("[grid_workers]\nminimum = 1.5\n", "not a whole number"),
        ("[grid_workers]\nminimum = -1\n", "negative"),
        ("[workstation_population]\nminimum = true\n", "not a finite number"),
        ("workstation_staff = 3\n", "must be a table"),
        ("[workstation_staff\n", "not valid TOML"),
    ],
)
def test_bad_norms_files(tmp_path, text, message):
    path = tmp_path / "norms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NormsError, match=message):
        Norms.from_toml(path)


def test_norms_error_is_a_value_error():
    with pytest.raises(ValueError):
        Norms(workstation_staff=(20, 10))
    assert issubclass(NormsError, og.OrgGraphError)


def test_norms_is_frozen():
    with pytest.raises(AttributeError):
        Norms().grid_households = 200  # type: ignore[misc]


# --------------------------------------------------------------------------- check_norms




@pytest.fixture
def stations(on_backend):
    """The graph of :func:`fixtures.graphs.build_stations` on the test's backend."""
    return on_backend("stations", build_stations)


def rows(v: pd.DataFrame, *cols) -> list[tuple]:
    v = v.astype(object).where(v.notna(), None)
    return [tuple(r) for r in v[list(cols or ["rule", "entity_id", "measured"])].values.tolist()]


def test_check_norms(stations):
    v = stations.check_norms(as_of=AS_OF)
    assert list(v.columns) == COLUMNS
    assert rows(v) == [
        # size 200–400 (inclusive): g2 450, g5 401, g6 199; g1 300 and g4 200 pass; g3 unknown, not judged
        ("grid_households", "g2", 450.0),
        ("grid_households", "g5", 401.0),
        ("grid_households", "g6", 199.0),
        # g2 has nobody; g4's worker left on as_of. g5 has p4 (twice) and p5; g1 has p1 and z1
        ("grid_workers", "g2", 0.0),
        ("grid_workers", "g4", 0.0),
        # ws1: (900 + 700) / 2 zone managers (z3 left) = 800 > 400
        # ws2: c3's 1200 / 4 = 300: passes. ws3: c4's households unknown, not judged
        # ws4: 900 households, no zone manager → inf
        ("households_per_zone_manager", "ws1", 800.0),
        ("households_per_zone_manager", "ws4", math.inf),
        # ws1: 2500 + 5000 = 7500 passes; ws2 3600 (through its grid g4 in c3); ws3 unknown; ws4 2500
        ("workstation_population", "ws2", 3600.0),
        ("workstation_population", "ws4", 2500.0),
        # ws1: k1, z1, z2, m1..m7 = 10 passes (z1's two posts count once, z3 left);
        # ws2: 4 + 17 = 21 > 20; ws3 and ws4: nobody
        ("workstation_staff", "ws2", 21.0),
        ("workstation_staff", "ws3", 0.0),
        ("workstation_staff", "ws4", 0.0),
    ]
    assert v["measured"].dtype == "float64" and v["minimum"].dtype == "float64"
    assert rows(v, "entity_id", "label", "minimum", "maximum", "community_id", "street_id")[:6] == [
        ("g2", "Grid", 200.0, 400.0, "c1", "s1"),
        ("g5", "Grid", 200.0, 400.0, "c3", "s2"),
        ("g6", "Grid", 200.0, 400.0, "c2", "s1"),
        ("g2", "Grid", 1.0, math.inf, "c1", "s1"),
        ("g4", "Grid", 1.0, math.inf, "c3", "s2"),
        ("ws1", "Unit", 300.0, 400.0, "c1", "s1"),  # serves c1 and c2: placed in c1
    ]
    assert v.loc[v["entity_id"] == "ws3", ["community_id", "street_id"]].values.tolist() == [["c4", "s1"]]
    assert v.loc[v["rule"] == "workstation_staff", "zh"].iloc[0] == "工作站工作人员(人)"
    assert v.loc[v["entity_id"] == "ws2", "entity_name"].iloc[0] == "第二工作站"


def test_before_posts_end(stations):
    # on 2022-06-30 z3 is still a zone manager at ws1: 1600 / 3 ≈ 533; p3 still works on g4
    v = stations.check_norms(as_of="2022-06-30")
    got = dict(((r, e), m) for r, e, m in rows(v))
    assert got[("households_per_zone_manager", "ws1")] == pytest.approx(1600 / 3)
    assert ("grid_workers", "g4") not in got
    # ws1 staff: k1, z1, z2, z3, m1..m7 = 11, within 10–20
    assert ("workstation_staff", "ws1") not in got


def test_within_street(stations):
    v = stations.check_norms(within="s2", as_of=AS_OF)
    # grids g4, g5 (in c3); stations covering a territory in s2: ws2 (covers g4)
    assert rows(v) == [
        ("grid_households", "g5", 401.0),
        ("grid_workers", "g4", 0.0),
        ("workstation_population", "ws2", 3600.0),
        ("workstation_staff", "ws2", 21.0),
    ]


def _stations_and_an_empty_street() -> og.OrgGraph:
    g = build_stations()
    g.add_node("Street", "s9", name="空街道")
    return g


def test_within_an_empty_territory(on_backend):
    stations = on_backend("stations+s9", _stations_and_an_empty_street)
    v = stations.check_norms(within="s9", as_of=AS_OF)
    assert len(v) == 0 and list(v.columns) == COLUMNS


def test_custom_norms(stations, tmp_path):
    # staff 0–25: nobody violates; grid size exactly 450 (tolerance 0): every grid with known households but g2
    relaxed = {"workstation_staff": {"minimum": 0, "maximum": 25}, "grid_households": {"target": 450, "tolerance": 0}}
    v = stations.check_norms(relaxed, as_of=AS_OF)
    assert "workstation_staff" not in set(v["rule"])
    assert v.loc[v["rule"] == "grid_households", "entity_id"].tolist() == ["g1", "g4", "g5", "g6"]
    path = tmp_path / "n.toml"
    path.write_text("[grid_workers]\nminimum = 2\n", encoding="utf-8")
    # at least two workers: g1 (p1, z1) and g5 (p4, p5) pass; g2, g4 have 0; g3 and g6 have 1 (p2)
    w = stations.check_norms(str(path), as_of=AS_OF)
    assert w.loc[w["rule"] == "grid_workers", "entity_id"].tolist() == ["g2", "g3", "g4", "g6"]
    assert stations.check_norms(Norms.from_toml(path), as_of=AS_OF).equals(w)
    with pytest.raises(TypeError):
        stations.check_norms(42)
    with pytest.raises(NormsError, match="'maximun'"):
        stations.check_norms({"workstation_staff": {"maximun": 3}})


def _empty_station() -> og.OrgGraph:
    g = og.OrgGraph()
    g.add_node("Community", "c", name="空社区", households=0, population=0)
    g.add_node("Unit", "w", name="站", kind="workstation", territory_id="c")
    return g


def test_zero_households_and_no_manager_is_not_judged(on_backend):
    v = on_backend("empty_station", _empty_station).check_norms()
    # 0 households / 0 zone managers: not judged; population 0 < 7000 and staff 0 < 10 are
    assert rows(v) == [("workstation_population", "w", 0.0), ("workstation_staff", "w", 0.0)]
    assert v["community_id"].tolist() == ["c", "c"] and v["street_id"].isna().all()


@settings(max_examples=15, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 800)), min_size=1, max_size=8), st.integers(1, 600), st.fractions(0, 1))
def test_grid_size_violations_are_exactly_the_grids_outside(households, target, tolerance):
    g = og.OrgGraph()
    g.add_nodes("Grid", pd.DataFrame({"id": [f"g{i}" for i in range(len(households))], "name": "网格", "households": households}))
    norms = Norms(grid_households=target, grid_households_tolerance=tolerance)
    v = g.check_norms(norms)
    got = v.loc[v["rule"] == "grid_households", "entity_id"].tolist()
    lo, hi = target * (1 - tolerance), target * (1 + tolerance)  # exact fractions
    expected = sorted(f"g{i}" for i, hh in enumerate(households) if hh is not None and not lo <= hh <= hi)
    assert got == expected
    # every grid lacks a worker
    assert v.loc[v["rule"] == "grid_workers", "entity_id"].tolist() == sorted(f"g{i}" for i in range(len(households)))
    assert ((v["measured"] < v["minimum"]) | (v["measured"] > v["maximum"])).all()
