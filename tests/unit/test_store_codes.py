"""The integer codes the in-memory store keeps beside its tables.

Invariant, whatever happened to the store: every node row's code decodes to its
id and has its kind; every edge endpoint's code decodes to the endpoint's id
when that id is a node, and is -1 when it is not; a copy changed afterwards
leaves the original as it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orggraph.backends.memory.store import TableStore, _typed
from orggraph.schema import NODE_KINDS


def full(kind: str, rows: list[dict]) -> pd.DataFrame:
    """Rows with every attribute column typed, as the unvalidated (trusted) path expects."""
    return _typed(NODE_KINDS[kind].attrs, pd.DataFrame(rows), kind)


def check_codes(store: TableStore) -> None:
    ids, kind = store.codes()
    ids = ids.to_numpy(dtype=object)
    live: dict[str, str] = {}
    for k in NODE_KINDS:
        f = store.node_frame(k)
        codes = store.node_codes(k)
        assert len(codes) == len(f)
        assert list(ids[codes]) == list(f["id"])
        assert (kind[codes] == list(NODE_KINDS).index(k)).all()
        live.update(dict.fromkeys(f["id"], k))
    assert int((kind >= 0).sum()) == len(live)  # no code of a node that is gone
    assert pd.Index(ids).is_unique
    for t in ("CONTAINS", "COVERS", "ADJACENT"):
        f = store.edge_frame(t)
        for col, codes in zip(("source", "target"), store.edge_codes(t)):
            assert len(codes) == len(f)
            for value, code in zip(f[col], codes):
                if value in live:
                    assert ids[code] == value
                else:
                    assert code == -1
    for i, k in list(live.items())[:5]:
        assert store.has(i) and store.kinds_of([i]).iloc[0] == k
    assert not store.has("no-such-id")


def small_store() -> TableStore:
    s = TableStore()
    s.add_nodes("Street", [{"id": "s1", "name": "街道一"}, {"id": "s2", "name": "街道二"}])
    s.add_nodes("Community", [{"id": f"c{i}", "name": f"社区{i}", "street_id": "s1" if i < 3 else "s2"} for i in range(5)])
    s.add_nodes("Area", [{"id": f"a{i}", "name": f"小区{i}", "kind": "compound", "parent_id": f"c{i % 5}"} for i in range(8)])
    return s


def test_codes_after_building():
    s = small_store()
    check_codes(s)
    src, dst = s.edge_codes("CONTAINS")
    ids = s.codes()[0]
    assert list(ids[src[:2]]) == ["s1", "s1"] and list(ids[dst[:2]]) == ["c0", "c1"]


def test_remove_and_readd_a_node():
    s = small_store()
    s.remove_nodes(["c1", "a3"])
    check_codes(s)
    assert s.code_of(["c1"])[0] == -1
    s.add_node("Community", "c1", name="社区1", street_id="s2")
    check_codes(s)
    assert s.kinds_of(["c1"]).iloc[0] == "Community"


def test_unvalidated_edges_to_a_later_node_get_its_code():
    s = TableStore()
    s.add_edges("CONTAINS", pd.DataFrame({"source": ["s9"], "target": ["c9"]}), validate=False)
    assert list(s.edge_codes("CONTAINS")[0]) == [-1]
    s.add_nodes("Street", full("Street", [{"id": "s9", "name": "后加"}]), validate=False)
    s.add_nodes("Community", [{"id": "c9", "name": "后加"}])
    check_codes(s)


def test_unvalidated_repeated_ids_share_one_code():
    s = TableStore()
    s.add_nodes("Street", full("Street", [{"id": "s1", "name": "一"}, {"id": "s1", "name": "一（重复）"}]), validate=False)
    s.add_nodes("Community", full("Community", [{"id": "c1", "name": "社区"}]), validate=False)
    codes = s.node_codes("Street")
    assert codes[0] == codes[1]
    assert pd.Index(s.codes()[0]).is_unique
    assert s.kinds_of(["s1", "c1"]).tolist() == ["Street", "Community"]


def test_copy_shares_codes_and_stays_independent():
    s = small_store()
    c = s.copy()
    assert c.edge_codes("CONTAINS")[0] is s.edge_codes("CONTAINS")[0]  # shared, not recomputed
    c.remove_nodes(["s2"])
    c.add_node("Community", "c-new", name="新社区", street_id="s1")
    check_codes(c)
    check_codes(s)
    assert s.has("s2") and not s.has("c-new") and not c.has("s2")


def test_replace_nodes_and_edges():
    s = small_store()
    com = s.node_frame("Community")
    s.replace_nodes("Community", pd.concat([com[com["id"] != "c4"], pd.DataFrame([{"id": "c5", "name": "社区5"}])]))
    e = s.edge_frame("CONTAINS")
    s.replace_edges("CONTAINS", e[(e["source"] != "c4") & (e["target"] != "c4")])
    check_codes(s)
    assert not s.has("c4") and s.kinds_of(["c5"]).iloc[0] == "Community"


OPS = st.lists(
    st.tuples(st.sampled_from(["add", "add_unvalidated", "edge", "remove", "copy", "replace"]), st.integers(0, 11)),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_codes_stay_right_through_any_sequence_of_changes(ops):
    stores = [small_store()]
    for op, i in ops:
        s = stores[-1]
        if op == "add" and not s.has(f"x{i}"):
            s.add_node("Area", f"x{i}", name="区", kind="compound", parent_id="c0")
        elif op == "add_unvalidated" and not s.has(f"x{i}"):
            s.add_nodes("Area", full("Area", [{"id": f"x{i}", "name": "区", "kind": "building"}]), validate=False)
        elif op == "edge":
            s.add_edges("CONTAINS", pd.DataFrame({"source": [f"c{i % 5}"], "target": [f"x{i}"]}), validate=False)
        elif op == "remove":
            s.remove_nodes([f"x{i}", f"a{i}"])
        elif op == "copy":
            stores.append(s.copy())
        elif op == "replace":
            a = s.node_frame("Area")
            s.replace_nodes("Area", a[a["id"] != f"a{i}"])
            e = s.edge_frame("CONTAINS")
            s.replace_edges("CONTAINS", e[e["target"] != f"a{i}"])
    for s in stores:
        check_codes(s)


@pytest.mark.parametrize("n", [0, 1])
def test_empty_look_ups(n):
    s = small_store() if n else TableStore()
    assert s.code_of([]).dtype == np.int64 and len(s.code_of([])) == 0
    assert list(s.code_of(["nope"])) == [-1]


@pytest.mark.parametrize(
    "sample, file",
    [("shijiu", "cun_gai_ju_merger.toml"), ("dongcheng", "ju_zhan_fen_she.toml"), ("qixia", "recut_and_regrid.json")],
)
def test_codes_after_the_shipped_scenarios(sample, file):
    """Scenario edits hand the store the rows they kept, so their codes are reused: they must still be right."""
    import orggraph as og

    base = og.load_sample(sample) if sample == "shijiu" else og.read_ledger(og.sample_path(sample) / "before")
    s = og.Scenario.from_file(og.sample_path(sample) / "scenarios" / file, base)
    check_codes(s.graph.store)
    check_codes(base.store)
    s.undo()
    check_codes(s.graph.store)


def test_trusted_codes_and_an_adopted_index():
    """A caller that resolved the ids already (the ledger reader) hands over its codes and its id index."""
    s = TableStore()
    s.add_nodes("Street", full("Street", [{"id": "s1", "name": "一"}, {"id": "s2", "name": "二"}]), validate=False)
    s.add_nodes("Community", full("Community", [{"id": "c1", "name": "社区"}]), validate=False)
    s.add_edges("CONTAINS", pd.DataFrame({"source": ["s2"], "target": ["c1"]}), validate=False,
                codes=(np.array([1]), np.array([2])))
    with pytest.raises(ValueError):
        s.adopt_index(pd.Index(["s1", "c1", "s2"]))  # not in code order
    s.adopt_index(pd.Index(["s1", "s2", "c1"]))
    check_codes(s)
    with pytest.raises(ValueError):
        s.add_edges("CONTAINS", pd.DataFrame({"source": ["s1"], "target": ["c1"]}), validate=False, codes=(np.array([0]), np.array([])))
