"""chain_breaks (组织链条 街道党工委—社区党委—小区党支部—楼栋党小组—党员中心户) on small hand-built graphs.

Expected values are worked out by hand in the comments; a hypothesis property compares the
vectorised implementation with a brute-force reading of the definition (evaluate every choice of
street, community and compound, keep the best) on random graphs.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orggraph as og
from orggraph import rules
from orggraph.errors import NodeNotFound, QueryNotSupportedError
from orggraph.queries._base import conform, normalize_as_of
from orggraph.queries.chains import CHAIN, LEVEL_TERRITORY, LEVEL_ZH, check_chain, expected_levels

from fixtures.graphs import build_chain_variants, build_chains

COLUMNS = ["area_id", "area_name", "kind", "community_id", "street_id", "expected", "reached", "complete",
           "first_missing", "missing_zh"]




@pytest.fixture
def graph(on_backend):
    """The graph of :func:`fixtures.graphs.build_chains` on the test's backend."""
    return on_backend("chains", build_chains)


def table(df: pd.DataFrame) -> dict[str, tuple]:
    return {r["area_id"]: (r["expected"], r["reached"], r["first_missing"]) for r in df.to_dict("records")}


def test_default_chain(graph):
    r = graph.chain_breaks()
    assert list(r.columns) == COLUMNS
    assert r["area_id"].tolist() == sorted(r["area_id"])
    assert r["expected"].dtype == "int64" and r["reached"].dtype == "int64" and r["complete"].dtype == bool
    # compounds expect 3 levels (党工委, 社区党委, 小区党支部), buildings all 5
    assert table(r) == {
        "a1": (3, 3, None),                 # w1 ⊃ s1, p1 ⊃ c1 → w1, br1 ⊃ a1 → p1
        "a2": (3, 2, "branch"),             # ub2 is a unit's branch: no 小区党支部
        "a3": (3, 3, None),                 # 党总支 p2 stands for the community's committee
        "a4": (3, 3, None),                 # contested c1/c3: through c1 (w1, p1, br4) all three
        "a5": (3, 1, "committee"),          # p3 answers to nobody: the chain stops at w1
        "a6": (3, 0, "working_committee"),  # s2 has no working committee (p4 → w1 does not help)
        "a7": (3, 1, "committee"),          # unassigned: w1 covers s1, but no community
        "b11": (5, 5, None),
        "b12": (5, 4, "household"),
        "b13": (5, 3, "group"),             # gr13 hangs off p1, not off br1
        "b14": (5, 3, "group"),             # h14 without a group
        "b21": (5, 2, "branch"),            # gr21 → ub2, which is not reached
        "b8": (5, 2, "branch"),             # no compound: the 小区党支部 level cannot be reached
    }
    by = {row["area_id"]: row for row in r.to_dict("records")}
    assert by["b11"]["complete"] and by["a1"]["complete"] and not by["b12"]["complete"]
    assert by["b12"]["missing_zh"] == "党员中心户" and by["a2"]["missing_zh"] == "小区党支部"
    assert by["a6"]["missing_zh"] == "街道党工委" and by["b13"]["missing_zh"] == "楼栋党小组"
    assert by["a1"]["missing_zh"] is None and by["a1"]["first_missing"] is None
    assert by["a5"]["missing_zh"] == "社区党委"


def test_location_columns(graph):
    by = {row["area_id"]: row for row in graph.chain_breaks().to_dict("records")}
    # the community and street on the deepest chain: a4 through c1 (not c3, though c3 is its parent)
    assert (by["a4"]["community_id"], by["a4"]["street_id"]) == ("c1", "s1")
    # no community level reached: the smallest claimant, and its street
    assert (by["a5"]["community_id"], by["a5"]["street_id"]) == ("c3", "s1")
    assert (by["a6"]["community_id"], by["a6"]["street_id"]) == ("c4", "s2")
    # unassigned: no community; the street that contains it
    assert by["a7"]["community_id"] is None and by["a7"]["street_id"] == "s1"
    assert by["b21"]["kind"] == "building" and by["b21"]["area_name"] == "b21名"


def test_contested_area_reports_the_best_claimant(on_backend):
    # break c1's side for a4: br4 hangs off p3 (c3's committee, which answers to nobody)
    g = on_backend("chains-br4-p3", lambda: build_chains(br4_parent="p3"))
    by = {row["area_id"]: row for row in g.chain_breaks().to_dict("records")}
    # through c1: w1, p1, then br4 is not under p1 → 2; through c3: w1, then p3 not under w1 → 1. Best: 2 via c1
    assert (by["a4"]["reached"], by["a4"]["first_missing"], by["a4"]["community_id"]) == (2, "branch", "c1")


def test_custom_chains(graph):
    # 胶河: 党工委—党总支—党支部
    r = table(graph.chain_breaks(("working_committee", "general_branch", "branch")))
    assert r["a3"] == (3, 3, None)
    assert r["a1"] == (3, 1, "general_branch")  # p1 is a 社区党委, not a 党总支
    assert r["b11"] == (3, 1, "general_branch")  # buildings: the same three levels
    # Chinese level names
    zh = graph.chain_breaks(("党工委", "社区党委", "党支部"))
    assert table(zh) == {k: v for k, v in table(graph.chain_breaks(("working_committee", "committee", "branch"))).items()}
    # without the branch: a building outside any compound can be examined
    nb = table(graph.chain_breaks(("working_committee", "committee", "group", "household")))
    assert nb["b8"] == (4, 3, "household")  # w1, p1, gr8 → p1
    assert nb["a1"] == (2, 2, None)         # a compound now expects only the street and community levels
    assert nb["b11"] == (4, 2, "group")     # gr11 hangs off br1, which is not in this chain
    # group and household may come in either order (both at the building)
    hg = table(graph.chain_breaks(("working_committee", "committee", "branch", "household", "group")))
    assert hg["b14"] == (5, 4, "group")     # h14 → br1 is now the fourth link
    assert hg["b11"] == (5, 3, "household")  # h11 hangs off gr11, not off br1
    # a chain of building levels only: compounds expect nothing and are complete
    only = table(graph.chain_breaks(("group", "household")))
    assert only["a1"] == (0, 0, None) and only["b11"] == (2, 2, None) and only["b13"] == (2, 1, "household")


def test_prefix_chains_cut_reached(graph):
    full = table(graph.chain_breaks())
    for k in range(1, len(CHAIN) + 1):
        part = table(graph.chain_breaks(CHAIN[:k]))
        for area, (exp, reached, _) in part.items():
            assert reached == min(full[area][1], exp)


@pytest.mark.parametrize(
    "chain, message",
    [
        ((), "empty"),
        (("working_committee", "nope"), "unknown party level"),
        (("branch", "branch"), "twice"),
        (("branch", "committee"), "top down"),
        (("committee", "general_branch"), "already includes"),
        ((1, 2), "unknown party level"),
        (5, "sequence"),
    ],
)
def test_chain_validation(graph, chain, message):
    with pytest.raises(ValueError, match=message):
        graph.chain_breaks(chain)


def test_check_chain_accepts_a_single_level_and_aliases():
    assert check_chain("党小组") == ("group",)
    assert check_chain(["大工委", "党总支", "支部"]) == ("working_committee", "general_branch", "branch")
    assert set(LEVEL_TERRITORY) == set(LEVEL_ZH)


def _chains_and_an_empty_community() -> og.OrgGraph:
    g = build_chains()
    g.add_node("Community", "c9", name="空社区", street_id="s2")
    return g


def test_within_and_empty_scopes(graph):
    assert graph.chain_breaks(within="c1")["area_id"].tolist() == ["a1", "a2", "a4", "b11", "b12", "b13", "b14", "b21", "b8"]
    assert graph.chain_breaks(within="s2")["area_id"].tolist() == ["a6"]
    assert graph.chain_breaks(within="a2")["area_id"].tolist() == ["a2", "b21"]
    # a street's compounds include the unassigned one it contains directly
    assert "a7" in set(graph.chain_breaks(within="s1")["area_id"])
    # values do not depend on the scope
    full = graph.chain_breaks().set_index("area_id")
    part = graph.chain_breaks(within="c3").set_index("area_id")
    pd.testing.assert_frame_equal(part, full.loc[part.index])
    empty = graph.chain_breaks(within="g1").iloc[0:0]
    assert list(empty.columns) == COLUMNS
    with pytest.raises(NodeNotFound):
        graph.chain_breaks(within="nowhere")


def test_within_an_empty_community(on_backend):
    assert on_backend("chains+c9", _chains_and_an_empty_community).chain_breaks(within="c9").empty


def test_as_of_has_no_effect(graph):
    pd.testing.assert_frame_equal(graph.chain_breaks(as_of="1990-01-01"), graph.chain_breaks())
    with pytest.raises(ValueError):
        graph.chain_breaks(as_of="31/31/2020")


# --------------------------------------------------------------------------- random graphs against the definition

LEVELS_FOR = {"Street": ["working_committee"], "Community": ["committee", "general_branch"],
              "compound": ["branch", "general_branch", "committee"], "building": ["group", "household"]}


@st.composite
def chain_graphs(draw):
    nodes: dict[str, list[dict]] = {"Street": [], "Community": [], "Area": [], "PartyOrg": []}
    contains, covers, subordinate = [], [], []
    streets = [f"s{i}" for i in range(draw(st.integers(1, 2)))]
    nodes["Street"] = [{"id": s, "name": s} for s in streets]
    comms = [f"c{i}" for i in range(draw(st.integers(0, 3)))]
    for c in comms:
        nodes["Community"].append({"id": c, "name": c})
        contains.append((draw(st.sampled_from(streets)), c))
    compounds, buildings = [], []
    for i in range(draw(st.integers(0, 4))):
        a = f"a{i}"
        compounds.append(a)
        nodes["Area"].append({"id": a, "name": a, "kind": "compound"})
        contains.append((draw(st.sampled_from(streets + comms)), a))
        for c in draw(st.lists(st.sampled_from(comms), max_size=1)) if comms else []:
            contains.append((c, a))  # a contest
    for i in range(draw(st.integers(0, 5))):
        b = f"b{i}"
        buildings.append(b)
        nodes["Area"].append({"id": b, "name": b, "kind": "building"})
        contains.append((draw(st.sampled_from(compounds + comms + streets)), b))
    orgs: list[str] = []
    by_level: dict[str, list[str]] = {}
    above = {"working_committee": [], "committee": ["working_committee"], "general_branch": ["working_committee"],
             "branch": ["committee", "general_branch"], "group": ["branch"], "household": ["group", "branch"]}
    territories = [(s, "Street") for s in streets] + [(c, "Community") for c in comms] + \
        [(a, "compound") for a in compounds] + [(b, "building") for b in buildings]
    for t, kind in territories:
        for level in LEVELS_FOR[kind]:
            # a compound's organisation is mostly a branch, sometimes a 党总支 or a 小区党委 (any holds the link)
            counts = [0, 1, 1, 2] if level == "branch" else [0, 0, 0, 1] if kind == "compound" else [0, 1, 1, 1]
            for _ in range(draw(st.sampled_from(counts))):
                o = f"o{len(orgs)}"
                unit = draw(st.sampled_from([None, None, None, "u"]))
                nodes["PartyOrg"].append({"id": o, "name": o, "level": level, "unit_id": unit})
                covers.append((o, t))
                # mostly an organisation of the level above (the chain), sometimes any (a wrong link)
                likely = [x for lv in above[level] for x in by_level.get(lv, [])]
                pool = likely * 3 + orgs
                n_parents = draw(st.sampled_from([0, 1, 1, 1, 1, 2]))
                for parent in draw(st.lists(st.sampled_from(pool), min_size=n_parents, max_size=n_parents)) if pool else []:
                    subordinate.append((o, parent))
                orgs.append(o)
                by_level.setdefault(level, []).append(o)
    g = og.OrgGraph()
    g.add_node("Unit", "u", name="物业", kind="property_company")
    for kind, recs in nodes.items():
        if recs:
            g.add_nodes(kind, pd.DataFrame(recs))
    for etype, pairs in (("CONTAINS", contains), ("COVERS", covers), ("SUBORDINATE_TO", subordinate)):
        if pairs:
            g.add_edges(etype, pd.DataFrame(pairs, columns=["source", "target"]))
    chain = draw(st.sampled_from([CHAIN, ("working_committee", "general_branch", "branch"),
                                  ("committee", "branch", "household"), ("working_committee", "committee", "group")]))
    return g, chain


def brute_force(g: og.OrgGraph, chain) -> dict[str, tuple]:
    """Evaluate each area against every (street, community, compound) choice; keep the best."""
    kind = dict(zip(g.nodes()["id"], g.nodes()["label"]))
    area_kind = dict(zip(g.nodes("Area")["id"], g.nodes("Area")["kind"]))
    comm_street = dict(zip(g.nodes("Community")["id"], g.nodes("Community")["street_id"]))
    parents: dict[str, set] = {}
    for s, t in zip(g.edges("CONTAINS")["source"], g.edges("CONTAINS")["target"]):
        parents.setdefault(t, set()).add(s)

    def ancestors(x):
        out, todo = set(), [x]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in out:
                    out.add(p)
                    todo.append(p)
        return out

    po = g.nodes("PartyOrg")
    level = dict(zip(po["id"], po["level"]))
    in_unit = {o for o, u in zip(po["id"], po["unit_id"]) if isinstance(u, str)}
    covers: dict[str, set] = {}
    for o, t in zip(g.edges("COVERS")["source"], g.edges("COVERS")["target"]):
        covers.setdefault(t, set()).add(o)
    up: dict[str, set] = {}
    for o, p in zip(g.edges("SUBORDINATE_TO")["source"], g.edges("SUBORDINATE_TO")["target"]):
        up.setdefault(o, set()).add(p)

    def fits(o, lv):
        ok = level[o] in rules.chain_level_orgs(lv)
        return ok and o not in in_unit

    out = {}
    for a, ak in area_kind.items():
        anc = ancestors(a)
        cand = {
            "street": sorted(x for x in anc if kind[x] == "Street") or [None],
            "community": sorted(x for x in anc if kind[x] == "Community") or [None],
            "compound": [a] if ak == "compound" else (sorted(x for x in anc if area_kind.get(x) == "compound") or [None]),
            "building": [a] if ak == "building" else [None],
        }
        expected = len(chain) if ak == "building" else sum(LEVEL_TERRITORY[lv] != "building" for lv in chain)
        best = None
        for s, c, cp in itertools.product(cand["street"], cand["community"], cand["compound"]):
            terr = {"street": s, "community": c, "compound": cp, "building": cand["building"][0]}
            reached, prev = 0, None
            for lv in chain:
                t = terr[LEVEL_TERRITORY[lv]]
                here = {o for o in covers.get(t, ()) if fits(o, lv)} if t is not None else set()
                if prev is not None:
                    here = {o for o in here if up.get(o, set()) & prev}
                if not here:
                    break
                prev, reached = here, reached + 1
            used = [LEVEL_TERRITORY[lv] for lv in chain[:reached]]
            none = "\uffff"
            key = (-reached, c if "community" in used else none, s if "street" in used else none)
            if best is None or key < best[0]:
                best = (key, reached)
        (neg, c_used, s_used), reached = best
        reached = min(reached, expected)
        community = c_used if c_used != "\uffff" else (cand["community"][0])
        street = s_used if s_used != "\uffff" else (comm_street.get(community) if community else cand["street"][0])
        missing = chain[reached] if reached < expected else None
        out[a] = (expected, reached, missing, community, street)
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain_graphs())
def test_chain_breaks_match_the_definition(case):
    g, chain = case
    r = g.chain_breaks(chain)
    got = {x["area_id"]: (x["expected"], x["reached"], x["first_missing"], x["community_id"], x["street_id"])
           for x in r.to_dict("records")}
    assert got == brute_force(g, chain)
    assert (r["reached"] <= r["expected"]).all() and (r["reached"] >= 0).all()
    assert (r["complete"] == (r["reached"] == r["expected"])).all()


def test_registry():
    from orggraph.queries import QUERIES

    assert QUERIES["chain_breaks"].columns[""] == COLUMNS
    assert hasattr(og.OrgGraph().backend, "chain_breaks")


# --------------------------------------------------------------------------- 网格党支部, 小区党委, villages, dates


@pytest.fixture
def variants(on_backend):
    """The graph of :func:`fixtures.graphs.build_chain_variants` on the test's backend."""
    return on_backend("chain-variants", build_chain_variants)


def _at(g, day, chain=CHAIN) -> pd.DataFrame:
    """``chain_breaks(as_of=day)``; on a backend whose ``at()`` refuses dated structure (the Neo4j backend until
    its statements all honour dates), the backend's chain statement itself, which does honour them."""
    try:
        return g.chain_breaks(chain, as_of=day)
    except QueryNotSupportedError:
        raw = g.backend.chain_breaks(chain=check_chain(chain), within=None, as_of=normalize_as_of(day))
        return conform(raw, COLUMNS, "chain_breaks")


def test_grid_branch_compound_committee_and_village_chains(variants):
    r = _at(variants, "2025-06-30")
    # compounds expect 3 levels, buildings 5, villages 4 (党工委, 党总支, 村党支部, 村党小组)
    assert table(r) == {
        "a1": (3, 3, None),                 # no own organisation, but its grid g1 has the 网格党支部 gb1 → p1
        "a2": (3, 3, None),                 # 小区党委 pc2 → p1
        "a3": (3, 3, None),                 # 联合支部 jb covers a3 …
        "a4": (3, 3, None),                 # … and a4
        "a5": (3, 3, None),                 # 党总支 gb5 → p1
        "a6": (3, 2, "branch"),             # 小区党委 pc6 answers to nobody
        "a7": (3, 3, None),                 # br7 founded 2025-01-01
        "a8": (3, 2, "branch"),             # br8's link to p1 ended 2025-01-01
        "b1": (5, 5, None),                 # 社区党委—网格党支部—楼栋党小组—党员中心户: w1, p1, gb1, gr1, h1
        "b2": (5, 4, "household"),          # gb1 through g1 ⊃ a1 ⊃ b2, gr2; no 党员中心户
        "b3": (5, 5, None),                 # w1, p1, 小区党委 pc2, gr3, h3
        "v1": (4, 4, None),                 # w1, 党总支 p2, 村党支部 vb1, 村党小组 vg1
        "v2": (4, 3, "group"),              # no 村党小组
        "v3": (4, 2, "branch"),             # no 村党支部
    }
    by = {row["area_id"]: row for row in r.to_dict("records")}
    assert by["v2"]["missing_zh"] == "村党小组" and by["v3"]["missing_zh"] == "村党支部"
    assert by["a6"]["missing_zh"] == "小区党支部" and by["v1"]["kind"] == "village"
    assert (by["v1"]["community_id"], by["v1"]["street_id"]) == ("c2", "s1")
    # 胶河's chain: 党工委—党总支—党支部; villages then expect the three levels
    jh = table(_at(variants, "2025-06-30", ("working_committee", "general_branch", "branch")))
    assert jh["v1"] == (3, 3, None) and jh["v2"] == (3, 3, None) and jh["v3"] == (3, 2, "branch")
    assert jh["a1"] == (3, 1, "general_branch")  # p1 is a 社区党委, not a 党总支
    # a chain naming the household before the group: a village expects no 村党小组 then
    hg = table(_at(variants, "2025-06-30", ("working_committee", "committee", "branch", "household", "group")))
    assert hg["v2"] == (3, 3, None)


def test_dated_structure(variants):
    before = table(_at(variants, "2024-12-31"))
    assert before["a7"] == (3, 2, "branch")  # br7 not yet founded
    assert before["a8"] == (3, 3, None)      # br8 still answered to p1
    on = table(_at(variants, "2025-01-01"))
    assert on["a7"] == (3, 3, None) and on["a8"] == (3, 2, "branch")  # the half-open rule on the first day
    assert {k: v for k, v in before.items() if k not in ("a7", "a8")} == {k: v for k, v in on.items() if k not in ("a7", "a8")}


def test_expected_levels():
    kinds = ["compound", "building", "village"]
    assert expected_levels(kinds, CHAIN).tolist() == [3, 5, 4]
    assert expected_levels(kinds, ("working_committee", "general_branch", "branch")).tolist() == [3, 3, 3]
    assert expected_levels(kinds, ("working_committee", "committee", "group", "household")).tolist() == [2, 4, 3]
