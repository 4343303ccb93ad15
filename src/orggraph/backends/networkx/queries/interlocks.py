"""In-memory implementations of :mod:`orggraph.queries.interlocks`.

Everything is a table operation: the held pairs (person, body) are filtered
to the scope, self-merged on the person (people with a single body are dropped
first, so only the ``Σ k(p)(k(p)−1)/2`` pairs that exist are ever built) and
grouped by body pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ....scope import descendants
from . import _common as c

_BODY_LABELS = ("PartyOrg", "Unit", "Grid")


def _body_info(store) -> pd.DataFrame:
    """Every body and grid: index id; columns ``name``, ``label``, ``kind`` (level, unit kind or ``grid``)."""

    def build():
        parts = []
        for label, kind_col in (("PartyOrg", "level"), ("Unit", "kind"), ("Grid", None)):
            f = store.node_frame(label)
            if not len(f):
                continue
            kind = f[kind_col].to_numpy(dtype=object) if kind_col else np.full(len(f), "grid", dtype=object)
            parts.append(
                pd.DataFrame(
                    {"name": f["name"].to_numpy(dtype=object), "label": label, "kind": kind},
                    index=pd.Index(f["id"].to_numpy(dtype=object), dtype=object),
                )
            )
        if not parts:
            return pd.DataFrame({"name": [], "label": [], "kind": []}, dtype=object, index=pd.Index([], dtype=object))
        out = pd.concat(parts)
        return out.astype(object).where(out.notna(), None)

    return store.cached("interlock_body_info", build)


def _scope_bodies(store, within, selectors) -> pd.Index:
    """Ids of the bodies in scope: covering a territory of ``within``'s subtree, or grids in it."""
    info = _body_info(store)
    if within is None:
        ids = info.index
    else:
        territories = descendants(store, [within])
        cov = store.edge_frame("COVERS")
        covering = pd.Index(pd.unique(cov.loc[cov["target"].isin(territories), "source"].to_numpy(dtype=object)), dtype=object)
        grids = info.index[(info["label"] == "Grid").to_numpy() & info.index.isin(territories)]
        ids = covering.union(grids)
    if selectors is not None:
        chosen = c.empty_index()
        for s in selectors:
            part = info.index[(info["label"] == "Grid").to_numpy()] if s == "grid" else c.bodies_of(store, s)
            chosen = chosen.union(pd.Index(part, dtype=object))
        ids = ids[ids.isin(chosen)]
    return pd.Index(ids, dtype=object)


def _held(store, within, selectors, as_of) -> pd.DataFrame:
    """Current posts in bodies in scope: ``cadre``, ``body``, ``role`` (one row per post)."""
    posts = c.current_posts(store, as_of)
    scope = _scope_bodies(store, within, selectors)
    return posts[posts["body"].isin(scope)].reset_index(drop=True)


def _side(info: pd.DataFrame, ids: np.ndarray, side: str) -> dict:
    rows = info.reindex(pd.Index(ids, dtype=object))
    return {
        f"body_{side}_name": rows["name"].to_numpy(dtype=object),
        f"body_{side}_label": rows["label"].to_numpy(dtype=object),
        f"body_{side}_kind": rows["kind"].to_numpy(dtype=object),
    }


def _coded(held: pd.DataFrame):
    """Integer codes of ``cadre`` and ``body`` whose order is the order of the ids (factorised sorted)."""
    cadre, cadres = pd.factorize(held["cadre"].to_numpy(dtype=object), sort=True)
    body, bodies = pd.factorize(held["body"].to_numpy(dtype=object), sort=True)
    return cadre.astype(np.int64), np.asarray(cadres, dtype=object), body.astype(np.int64), np.asarray(bodies, dtype=object)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting: numpy 2's hash-based ``np.unique`` takes ~100× longer on large int64 keys."""
    out = np.sort(values)
    return out[np.r_[True, out[1:] != out[:-1]]] if len(out) else out


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets and lengths of the runs of equal values in sorted ``keys``."""
    if not len(keys):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, np.diff(np.r_[starts, len(keys)])


def _split(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Object array of Python lists: ``values[start:start+length]`` for each run."""
    flat = values.tolist()
    out = np.empty(len(starts), dtype=object)
    out[:] = [flat[i : i + n] for i, n in zip(starts.tolist(), lengths.tolist())]
    return out


class InterlocksMixin:
    def interlocks(self, *, weighting, bodies, min_shared, within, as_of) -> pd.DataFrame:
        store = self.store
        held = _held(store, within, bodies, as_of)
        cadre, cadres, body, body_ids = _coded(held)
        nb = max(len(body_ids), 1)
        # distinct (person, body) pairs, sorted by person then body
        pb = _sorted_unique(cadre * nb + body)
        cadre, body = pb // nb, pb % nb
        size = np.bincount(body, minlength=len(body_ids))  # |people(b)|
        k = np.bincount(cadre, minlength=len(cadres))  # k(p)
        multi = k[cadre] >= 2
        left = pd.DataFrame({"cadre": cadre[multi], "body": body[multi]})
        both = left.merge(left, on="cadre", suffixes=("_a", "_b"))
        both = both[(both["body_a"] < both["body_b"]).to_numpy()]
        a, b, p = (both[col].to_numpy(dtype=np.int64) for col in ("body_a", "body_b", "cadre"))
        order = np.lexsort((p, b, a))
        a, b, p = a[order], b[order], p[order]
        starts, shared = _runs(a * nb + b)
        a, b = a[starts], b[starts]
        shared_f = shared.astype("float64")
        na, nbb = size[a].astype("float64"), size[b].astype("float64")
        if weighting is None:
            weight = shared_f
        elif weighting == "jaccard":
            weight = shared_f / (na + nbb - shared_f)
        elif weighting == "cosine":
            weight = shared_f / np.sqrt(na * nbb)
        else:  # newman: Σ 1/(k(p) − 1) over the shared people
            contrib = 1.0 / (k[p].astype("float64") - 1.0)
            weight = np.add.reduceat(contrib, starts) if len(starts) else np.empty(0, dtype="float64")
        keep = shared >= min_shared
        starts, shared, a, b, weight = starts[keep], shared[keep], a[keep], b[keep], weight[keep]
        people = _split(cadres[p], starts, shared)
        info = _body_info(store)
        ida, idb = body_ids[a], body_ids[b]
        return pd.DataFrame(
            {
                "body_a": ida,
                **_side(info, ida, "a"),
                "body_b": idb,
                **_side(info, idb, "b"),
                "shared": shared.astype("int64"),
                "people": people,
                "weight": np.asarray(weight, dtype="float64"),
            }
        )

    def connectors(self, *, top, min_posts, within, as_of) -> pd.DataFrame:
        store = self.store
        held = _held(store, within, None, as_of)
        cadre, cadres, body, body_ids = _coded(held)
        nb = max(len(body_ids), 1)
        posts = np.bincount(cadre, minlength=len(cadres))
        pb = _sorted_unique(cadre * nb + body)
        bodies = np.bincount(pb // nb, minlength=len(cadres))
        chosen = np.flatnonzero(bodies >= min_posts)
        # bodies desc, posts desc, id asc (codes follow the order of the ids)
        chosen = chosen[np.lexsort((chosen, -posts[chosen], -bodies[chosen]))]
        if top is not None:
            chosen = chosen[:top]
        rank = np.full(len(cadres), -1, dtype=np.int64)
        rank[chosen] = np.arange(len(chosen))
        # body lists: distinct pairs of the chosen people, ordered by rank then body id
        pc, pbody = pb // nb, pb % nb
        sel = rank[pc] >= 0
        r, bb = rank[pc[sel]], pbody[sel]
        order = np.lexsort((bb, r))
        starts, lengths = _runs(r[order])
        body_lists = _split(body_ids[bb[order]], starts, lengths)
        # role lists: distinct roles per chosen person, sorted
        roles = held.assign(rank=rank[cadre])[["rank", "role"]]
        roles = roles[(roles["rank"].to_numpy() >= 0) & roles["role"].notna().to_numpy()].drop_duplicates()
        roles = roles.sort_values(["rank", "role"], kind="stable")
        rstarts, rlengths = _runs(roles["rank"].to_numpy(dtype=np.int64))
        role_lists = pd.Series(_split(roles["role"].to_numpy(dtype=object), rstarts, rlengths), index=roles["rank"].to_numpy()[rstarts], dtype=object)
        role_lists = role_lists.reindex(np.arange(len(chosen))).map(lambda v: v if isinstance(v, list) else [])
        ids = cadres[chosen]
        return pd.DataFrame(
            {
                "cadre_id": ids,
                "name": c.names(store, "Cadre").reindex(pd.Index(ids, dtype=object)).to_numpy(dtype=object),
                "posts": posts[chosen].astype("int64"),
                "bodies": bodies[chosen].astype("int64"),
                "body_ids": body_lists,
                "roles": role_lists.to_numpy(dtype=object),
            }
        )
