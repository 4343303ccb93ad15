"""Population below the community: roll-ups, the ledger's consistency warning, the grid norm in people."""

from __future__ import annotations

import numpy as np
import pytest

import orggraph as og
from orggraph.geo.population import population_rollup
from orggraph.queries.norms import Norms, NormsError


@pytest.fixture
def g():
    """c1 (3,000 people) with g1 and g2 (1,000 of its own); g1 holds a1 (no figure; buildings 300 + 400) and a2 (500);
    g2 holds a3 (no figure, no buildings); c1 holds a big compound a4 overlaid by g2 (compound_area) and a zone z1 (80)."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="街道")
    g.add_node("Community", "c1", name="甲社区", street_id="s1", population=3000, registered_population=2000)
    g.add_node("Grid", "g1", name="第1网格", community_id="c1")
    g.add_node("Grid", "g2", name="第2网格", community_id="c1", population=1000, compound_area="a4")
    g.add_node("Area", "a1", name="一小区", kind="compound", parent_id="g1")
    g.add_node("Area", "b1", name="1号楼", kind="building", parent_id="a1", population=300)
    g.add_node("Area", "b2", name="2号楼", kind="building", parent_id="a1", population=400)
    g.add_node("Area", "a2", name="二小区", kind="compound", parent_id="g1", population=500)
    g.add_node("Area", "a3", name="三小区", kind="compound", parent_id="g2")
    g.add_node("Area", "a4", name="大小区", kind="compound", parent_id="c1", population=900)
    g.add_node("Area", "z1", name="交界区域", kind="boundary_zone", parent_id="c1", population=80)
    return g


def test_rollup_by_hand(g):
    r = population_rollup(g).set_index("id")
    # g1 = a1 (300 + 400) + a2 (500) = 1,200, every part known
    assert r.loc["g1", ["rolled_up", "parts", "complete"]].tolist() == [1200.0, 2, True]
    # g2: a3 has no figure: the sum of what is known, not complete; g2's own figure stands
    assert r.loc["g2", ["own", "parts", "complete"]].tolist() == [1000.0, 1, False]
    assert np.isnan(r.loc["g2", "rolled_up"])
    # c1 = g1 (1,200, rolled up) + g2 (1,000, its own) + z1 (80); a4 is overlaid by g2, its people are g2's
    assert r.loc["c1", ["own", "rolled_up", "parts", "complete", "difference"]].tolist() == [3000.0, 2280.0, 3, True, 720.0]
    reg = population_rollup(g, "registered_population").set_index("id")
    assert reg.loc["c1", "own"] == 2000 and np.isnan(reg.loc["c1", "rolled_up"])
    with pytest.raises(ValueError, match="column="):
        population_rollup(g, "households")


def test_the_ledger_warns_where_a_community_differs_from_its_rollup(g, tmp_path):
    g.add_node("PartyOrg", "po1", name="甲社区党委", level="committee", territory_id="c1")
    path = g.write_ledger(tmp_path / "ledger")
    problems = og.check_ledger(path)
    pop = problems[problems["column"] == "population"]
    assert pop[["file", "row", "value"]].values.tolist() == [["communities.csv", 2, "3000"]]
    assert "differs from the sum over its grids and areas (2280) by more than 5%" in pop["problem"].iloc[0]
    assert (pop["severity"] == "warning").all()
    # within 5 %: no warning
    g2 = og.read_ledger(path)
    frame = g2.store.node_frame("Community").copy()
    frame["population"] = frame["population"].astype("Int64") * 0 + 2350
    g2.store.replace_nodes("Community", frame, rows=np.arange(len(frame)))
    from orggraph.ledger.consistency import consistency_warnings

    assert not (consistency_warnings(g2)["column"] == "population").any()


def test_grid_size_norm_in_people(g, tmp_path):
    g.add_node("Grid", "g3", name="第3网格", community_id="c1", population=1500, households=450)
    n = Norms(grid_households=1000, grid_households_tolerance="1/5", grid_unit="people")
    v = g.check_norms(n, as_of="2024-01-01")
    size = v[v["rule"] == "grid_population"]
    # 800 … 1,200 people: g3 (1,500) is over; g2 (1,000) is in; g1 has no figure of its own and is not judged
    assert size[["entity_id", "measured", "minimum", "maximum", "zh"]].values.tolist() == [["g3", 1500.0, 800.0, 1200.0, "网格规模(人)"]]
    assert "grid_households" not in set(v["rule"])
    toml = tmp_path / "norms.toml"
    toml.write_text('[grid_households]\ntarget = 1000\ntolerance = "1/5"\nunit = "people"\n', encoding="utf-8")
    got = g.check_norms(toml, as_of="2024-01-01")
    assert got[got["rule"] == "grid_population"]["entity_id"].tolist() == ["g3"]
    assert Norms.from_toml(toml).to_dict()["grid_households"]["unit"] == "people"
    with pytest.raises(NormsError, match="unit"):
        Norms(grid_unit="families")
    # the default stays households: g3's 450 households are over 400
    v = g.check_norms(as_of="2024-01-01")
    assert v.loc[v["rule"] == "grid_households", "entity_id"].tolist() == ["g3"] and "grid_population" not in set(v["rule"])
