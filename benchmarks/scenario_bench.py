"""Scenario benchmark: time and memory of operations, undo and re-audit, on xiaonan and a synthetic province.

    python benchmarks/scenario_bench.py                 # xiaonan + 1,000 streets (~1M nodes)
    python benchmarks/scenario_bench.py --streets 100   # a smaller synthetic graph

Reports, per case: the operation's time, the memory of the tables the
scenario holds that the baseline does not share (what undo keeps alive), the
undo time, and the audit time (within the street, and of the whole graph).
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import orggraph as og


def table_bytes(frames) -> int:
    return int(sum(f.memory_usage(index=True, deep=False).sum() for f in frames))


def unshared_bytes(scenario) -> int:
    """Bytes of the scenario's current tables that are not the baseline's own objects."""
    base_n, base_e = scenario.baseline.backend.store.tables()
    base = {id(f) for f in [*base_n.values(), *base_e.values()]}
    cur_n, cur_e = scenario.graph.backend.store.tables()
    return table_bytes(f for f in [*cur_n.values(), *cur_e.values()] if id(f) not in base)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def case(label: str, g, sources, into, street, as_of) -> dict:
    n_nodes = len(g)
    s, t_branch = timed(lambda: g.scenario("bench", date=as_of))
    step, t_op = timed(lambda: s.merge_communities(sources, into=into))
    extra = unshared_bytes(s)
    _, t_audit_street = timed(lambda: s.graph.audit(within=street, as_of=as_of))
    _, t_audit_all = timed(lambda: s.graph.audit(as_of=as_of))
    _, t_undo = timed(s.undo)
    base_n, base_e = g.backend.store.tables()
    return {
        "case": label, "nodes": n_nodes, "merged": len(sources), "branch_s": round(t_branch, 4), "merge_s": round(t_op, 3),
        "undo_s": round(t_undo, 5), "audit_street_s": round(t_audit_street, 2), "audit_all_s": round(t_audit_all, 2),
        "baseline_MB": round(table_bytes([*base_n.values(), *base_e.values()]) / 1e6, 1),
        "scenario_extra_MB": round(extra / 1e6, 1), "posts_ended": step.summary["posts_ended"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--streets", type=int, default=1000, help="streets of the synthetic province (default 1000: ~1M nodes)")
    args = ap.parse_args()
    rows = []
    g = og.load_sample("xiaonan")
    comm = g.nodes("Community")
    street = comm["street_id"].iloc[0]
    mine = comm.loc[comm["street_id"] == street, "id"].tolist()
    rows.append(case("xiaonan", g, mine[1:4], mine[0], street, "2022-01-01"))
    from orggraph.synthetic import generate

    big, t_gen = timed(lambda: generate(streets=args.streets, seed=1))
    print(f"synthetic graph of {args.streets} streets: {len(big):,} nodes in {t_gen:.1f} s")
    comm = big.nodes("Community")
    street = comm["street_id"].iloc[0]
    mine = comm.loc[comm["street_id"] == street, "id"].tolist()
    if len(mine) < 11:
        extra = comm.loc[comm["street_id"] != street, "id"].tolist()
        mine = mine + extra[: 11 - len(mine)]
    rows.append(case(f"synthetic {args.streets} streets", big, mine[1:11], mine[0], street, "2024-06-30"))
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
