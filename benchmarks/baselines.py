"""The three baseline queries, written twice more for the benchmark: naive NetworkX loops and a numpy floor.

1. 交叉任职率 per community (两委, committee roles, current posts): ``members`` and ``cross_appointed``;
2. compounds without a party branch and grids without a grid worker (覆盖空白);
3. unassigned and contested grids and areas (治理真空带, 交界争议区域).

:func:`naive` works the way a straightforward NetworkX user would: loop over the
nodes of ``g.nx`` and follow edges one at a time. :func:`floor` is a hand-written
numpy version on integer-coded edge arrays (:func:`prepare` codes them once,
timed apart): nothing in orggraph can be much faster than it. :func:`library`
runs orggraph's own queries. :func:`answers` reduces each result to the same
comparable form, so the benchmark checks that all three agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orggraph.queries.appointments import COMMITTEE_ROLES

COMMUNITY_LEVELS = ("committee", "general_branch")


# --------------------------------------------------------------------------- orggraph


def library(g, as_of):
    """The three queries through orggraph's public API."""
    rates = g.cross_appointment_rate(as_of=as_of)
    gaps = g.coverage_gaps(as_of=as_of)
    areas = g.unassigned_areas(as_of=as_of)
    return {
        "cross": {r.community_id: (int(r.members), int(r.cross_appointed)) for r in rates.itertuples(index=False)},
        "compounds_without_org": set(gaps["compounds_without_org"]["area_id"]),
        "grids_without_worker": set(gaps["grids_without_worker"]["grid_id"]),
        "status": dict(zip(areas["id"], areas["status"])),
    }


# --------------------------------------------------------------------------- naive NetworkX


def _current(e: dict, t: pd.Timestamp) -> bool:
    start, end = e.get("start"), e.get("end")
    return (start is None or start <= t) and (end is None or end > t)


def naive(G, as_of):
    """Per-node loops over a :class:`networkx.MultiDiGraph` (``g.nx``)."""
    t = pd.Timestamp(as_of)
    roles = set(COMMITTEE_ROLES)
    nodes = G.nodes
    cross: dict = {}
    no_branch, no_worker, status = set(), set(), {}
    for n, d in G.nodes(data=True):
        label = d["label"]
        if label == "Community":
            party, rc = set(), set()
            for body, _, e in G.in_edges(n, data=True):
                if e["type"] != "COVERS":
                    continue
                b = nodes[body]
                if b["label"] == "PartyOrg" and b.get("level") in COMMUNITY_LEVELS and b.get("unit_id") is None:
                    into = party
                elif b["label"] == "Unit" and b.get("kind") == "residents_committee":
                    into = rc
                else:
                    continue
                for person, _, p in G.in_edges(body, data=True):
                    if p["type"] == "HOLDS_POST" and p.get("role") in roles and _current(p, t):
                        into.add(person)
            cross[n] = (len(party | rc), len(party & rc))
        elif label == "Grid" or label == "Area":
            if label == "Grid":
                if not any(
                    p["type"] == "HOLDS_POST" and p.get("role") == "grid_worker" and _current(p, t)
                    for _, _, p in G.in_edges(n, data=True)
                ):
                    no_worker.add(n)
            elif d.get("kind") == "compound":
                if not any(
                    e["type"] == "COVERS" and nodes[b]["label"] == "PartyOrg" and nodes[b].get("level") == "branch"
                    and nodes[b].get("unit_id") is None
                    for b, _, e in G.in_edges(n, data=True)
                ):
                    no_branch.add(n)
            # claimants: the communities above it along CONTAINS
            claimants, seen, todo = set(), {n}, [n]
            while todo:
                cur = todo.pop()
                for parent, _, e in G.in_edges(cur, data=True):
                    if e["type"] != "CONTAINS" or parent in seen:
                        continue
                    seen.add(parent)
                    if nodes[parent]["label"] == "Community":
                        claimants.add(parent)
                    else:
                        todo.append(parent)
            if len(claimants) != 1:
                status[n] = "unassigned" if not claimants else "contested"
    return {"cross": cross, "compounds_without_org": no_branch, "grids_without_worker": no_worker, "status": status}


# --------------------------------------------------------------------------- numpy floor


class Coded:
    """The graph as integer-coded numpy arrays (node codes in ``ids``; kinds and attributes as codes)."""

    KINDS = ("District", "Street", "Community", "Grid", "Area", "PartyOrg", "Unit", "Cadre")

    def __init__(self, g):
        store = g._store
        frames = {k: store.node_frame(k) for k in self.KINDS}
        self.ids = np.concatenate([f["id"].to_numpy(dtype=object) for f in frames.values()])
        self.index = pd.Index(self.ids)
        self.kind = np.concatenate([np.full(len(f), i, dtype=np.int8) for i, f in enumerate(frames.values())])
        n = len(self.ids)
        self.n = n
        off = np.cumsum([0] + [len(f) for f in frames.values()])
        self.offset = dict(zip(self.KINDS, off[:-1]))

        def flag(kind, mask):
            out = np.zeros(n, dtype=bool)
            out[self.offset[kind] : self.offset[kind] + len(mask)] = np.asarray(mask, dtype=bool)
            return out

        party, units, areas = frames["PartyOrg"], frames["Unit"], frames["Area"]
        self.community_party = flag("PartyOrg", party["level"].isin(COMMUNITY_LEVELS) & party["unit_id"].isna())
        self.branch = flag("PartyOrg", (party["level"].eq("branch").fillna(False) & party["unit_id"].isna()))
        self.rc = flag("Unit", units["kind"].eq("residents_committee").fillna(False))
        self.compound = flag("Area", areas["kind"].eq("compound").fillna(False))
        self.e = {}
        for t in ("CONTAINS", "COVERS", "HOLDS_POST"):
            f = store.edge_frame(t)
            self.e[t] = (self.index.get_indexer(f["source"].to_numpy(dtype=object)),
                         self.index.get_indexer(f["target"].to_numpy(dtype=object)))
        posts = store.edge_frame("HOLDS_POST")
        self.start = posts["start"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        self.end = posts["end"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        role_codes, self.roles = pd.factorize(posts["role"])
        self.role = role_codes.astype(np.int16)


def prepare(g) -> Coded:
    return Coded(g)


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: numpy 2's hash-based ``np.unique`` is far slower on int64 keys)."""
    out = np.sort(values)
    return out[np.r_[True, out[1:] != out[:-1]]] if len(out) else out


def floor(c: Coded, as_of):
    """The three queries in numpy on the coded arrays."""
    n = c.n
    t = pd.Timestamp(as_of).value
    nat = np.iinfo(np.int64).min
    cur = ((c.start == nat) | (c.start <= t)) & ((c.end == nat) | (c.end > t))
    ps, pt = c.e["HOLDS_POST"]
    cs, ct = c.e["COVERS"]
    is_comm = c.kind == 2
    # (1) the community each 两委 body covers (a body covering several: one row each)
    committee_roles = np.isin(c.role, [i for i, r in enumerate(c.roles) if r in COMMITTEE_ROLES])
    keep = cur & committee_roles
    pcad, pbody = ps[keep], pt[keep]
    parts = []
    for k, is_body in ((0, c.community_party), (1, c.rc)):
        sel = is_body[cs] & is_comm[ct]
        body, comm = cs[sel], ct[sel]
        order = np.argsort(body, kind="stable")
        body, comm = body[order], comm[order]
        lo = np.searchsorted(body, pbody, "left")
        hi = np.searchsorted(body, pbody, "right")
        cnt = hi - lo
        rows = np.repeat(np.arange(len(pbody)), cnt)
        at = np.repeat(lo - np.r_[0, np.cumsum(cnt)[:-1]], cnt) + np.arange(cnt.sum())
        parts.append(((comm[at].astype(np.int64) * n + pcad[rows]) * 2 + k))
    keys = _unique(np.concatenate(parts))
    pair, first = np.unique(keys // 2, return_index=True)  # keys are sorted: runs of one pair
    kinds = np.diff(np.r_[first, len(keys)])
    comm_of = pair // n
    members = np.bincount(comm_of, minlength=n)
    cross = np.bincount(comm_of, weights=kinds >= 2, minlength=n).astype(np.int64)
    comms = np.flatnonzero(is_comm)
    # (2) compounds without a branch, grids without a grid worker
    has_branch = np.zeros(n, dtype=bool)
    has_branch[ct[c.branch[cs]]] = True
    has_worker = np.zeros(n, dtype=bool)
    worker = np.flatnonzero(np.asarray(c.roles) == "grid_worker")
    if len(worker):
        has_worker[pt[cur & (c.role == worker[0])]] = True
    no_branch = np.flatnonzero(c.compound & ~has_branch)
    no_worker = np.flatnonzero((c.kind == 3) & ~has_worker)
    # (3) claimant communities of every grid and area: walk down CONTAINS from the communities
    s, d = c.e["CONTAINS"]
    order = np.argsort(s, kind="stable")
    s, d = s[order], d[order]
    node, root = comms.astype(np.int64), comms.astype(np.int64)
    found = []
    while len(node):
        lo, hi = np.searchsorted(s, node, "left"), np.searchsorted(s, node, "right")
        cnt = hi - lo
        at = np.repeat(lo - np.r_[0, np.cumsum(cnt)[:-1]], cnt) + np.arange(cnt.sum())
        key = _unique(d[at].astype(np.int64) * n + np.repeat(root, cnt))
        for known in found:  # pairs reached by an earlier level (several paths)
            if len(key) and len(known):
                pos = np.minimum(np.searchsorted(known, key), len(known) - 1)
                key = key[known[pos] != key]
        found.append(key)
        node, root = key // n, key % n
    pairs = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    claims = np.bincount(pairs // n, minlength=n)
    ga = (c.kind == 3) | (c.kind == 4)
    unassigned = np.flatnonzero(ga & (claims == 0))
    contested = np.flatnonzero(ga & (claims >= 2))
    return {
        "cross": dict(zip(c.ids[comms].tolist(), zip(members[comms].tolist(), cross[comms].tolist()))),
        "compounds_without_org": set(c.ids[no_branch].tolist()),
        "grids_without_worker": set(c.ids[no_worker].tolist()),
        "status": {**dict.fromkeys(c.ids[unassigned].tolist(), "unassigned"),
                   **dict.fromkeys(c.ids[contested].tolist(), "contested")},
    }


def disagreements(a: dict, b: dict) -> list[str]:
    """Where two answers differ (empty when they agree)."""
    out = []
    for key in ("cross", "compounds_without_org", "grids_without_worker", "status"):
        if a[key] != b[key]:
            x, y = a[key], b[key]
            if isinstance(x, dict):
                diff = [k for k in set(x) | set(y) if x.get(k) != y.get(k)]
            else:
                diff = sorted(set(x) ^ set(y))
            out.append(f"{key}: {len(diff)} differ, e.g. {sorted(map(str, diff))[:3]}")
    return out
