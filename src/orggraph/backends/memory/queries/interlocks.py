"""In-memory implementations of :mod:`orggraph.queries.interlocks`.

Everything runs on the store's integer node codes (:meth:`TableStore.codes`):
the current posts are the ``HOLDS_POST`` edge codes filtered by date and by a
boolean scope mask over codes; the held pairs (person, body) are deduplicated
by sorting integer keys; the projection onto bodies enumerates, for each
person holding ``k(p) ≥ 2`` bodies, only the ``k(p)(k(p)−1)/2`` pairs that
exist, and groups them by a sort of integer keys. Ids are compared as strings
only to order the people and bodies that take part (one stable sort of their
ids), and are decoded only for the rows returned.

At a province's scale most of the time left goes to building the result
itself: a Python list per row (``people``, ``body_ids``, ``roles``) and a
string object per cell. The lists are built in C (:func:`_lists`) and a body's
id, name and kind are converted to a ``str`` column once per body rather than
once per row (:func:`_column`).
"""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd

from . import _common as c

_BODY_LABELS = ("PartyOrg", "Unit", "Grid")
_KIND_COLUMN = {"PartyOrg": "level", "Unit": "kind", "Grid": None}


def _scope_mask(store, within, selectors) -> np.ndarray:
    """Boolean per code, true for the bodies in scope; one extra ``False`` at the end, so code −1 looks up ``False``.

    In scope: with ``within=None`` every party organisation, unit and grid;
    otherwise the bodies covering a territory of ``within``'s subtree
    (``CONTAINS*``) and the grids in it. ``selectors`` then keeps only the
    bodies of the selected kinds.
    """
    kind = store.codes()[1]
    grid = c.KIND["Grid"]
    if within is None:
        mask = np.append(np.isin(kind, [c.KIND[label] for label in _BODY_LABELS]), False)
    else:
        inside = c.scope_flags(store, within)
        mask = c.covering_flags(store, inside)
        mask[:-1] |= inside[:-1] & (kind == grid)
    if selectors is not None:
        chosen = np.zeros(len(mask), dtype=bool)
        for s in selectors:
            chosen |= c.kind_flags(store, "Grid") if s == "grid" else c.selector_flags(store, s)
        mask &= chosen
    return mask


def _held(store, within, selectors, as_of) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Current posts in bodies in scope, one per post: codes ``(cadre, body)`` and the rows of the ``HOLDS_POST`` table."""
    src, dst = store.edge_codes("HOLDS_POST")
    rows = c.current_post_rows(store, as_of)
    rows = rows[_scope_mask(store, within, selectors)[dst[rows]] & (src[rows] >= 0)]
    return src[rows], dst[rows], rows


def _distinct_pairs(cadre: np.ndarray, body: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (cadre, body) code pairs, sorted by cadre code then body code."""
    pb = c.distinct(cadre * n + body)
    return pb // n, pb % n


def _id_order(store, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(ordered, rank)``: the ``distinct`` codes in the string order of their ids, and a look-up
    array over all codes giving each one's position in ``ordered`` (meaningful only at ``distinct``).

    One stable sort of the ids concerned. Codes follow the order in which nodes
    were added; when that is id order (a ledger sorted by id), the sort (a
    run-detecting merge sort) is close to linear.
    """
    ids = store.codes()[0].to_numpy(dtype=object)
    ordered = distinct[np.argsort(ids[distinct], kind="stable")]
    rank = np.empty(len(ids), dtype=np.int64)
    rank[ordered] = np.arange(len(ordered))
    return ordered, rank


def _body_attrs(store, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(order, name, label, kind)`` of the bodies ``codes``, grouped by label: the arrays are aligned with ``codes[order]``.

    ``kind`` is the party level, unit kind or ``"grid"``; the values are as
    stored (NaN in all three for a code that is not a body). Each label's
    values are taken from its table straight into a slice of the output.
    """
    kinds = store.codes()[1][codes]
    order = np.argsort(kinds, kind="stable")
    kinds, codes = kinds[order], codes[order]
    name, label, kind = (np.full(len(codes), np.nan, dtype=object) for _ in range(3))
    for value in _BODY_LABELS:
        at = c.KIND[value]
        lo, hi = np.searchsorted(kinds, at, "left"), np.searchsorted(kinds, at, "right")
        if lo == hi:
            continue
        f = store.node_frame(value)
        rows = c.node_rows(store, value, codes[lo:hi])
        np.take(f["name"].to_numpy(dtype=object), rows, out=name[lo:hi])
        column = _KIND_COLUMN[value]
        if column:
            np.take(f[column].to_numpy(dtype=object), rows, out=kind[lo:hi])
        else:
            kind[lo:hi] = "grid"
        label[lo:hi] = value
    return order, name, label, kind


def _present(codes: np.ndarray, n: int) -> np.ndarray:
    """The distinct values of ``codes`` (codes below ``n``), sorted: a mark per code instead of a sort."""
    mark = np.zeros(n, dtype=bool)
    mark[codes] = True
    return np.flatnonzero(mark)


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets and lengths of the runs of equal values in sorted ``keys``."""
    if not len(keys):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, np.diff(np.r_[starts, len(keys)])


def _lists(values: np.ndarray, index: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Object array of Python lists: ``values[index[start:start+length]]`` for each run.

    Runs of equal length ``m`` are gathered into one ``(count, m)`` array whose
    ``tolist()`` builds their lists in C. The cyclic garbage collector is paused
    meanwhile: every new list is GC-tracked, and at a few hundred thousand lists
    the collections they trigger (each traversing the tracked objects of the
    whole process) cost more than the building itself. The lists hold only ids
    or roles and cannot form a cycle; the collector's state is restored afterwards.
    """
    out = np.empty(len(starts), dtype=object)
    if not len(starts):
        return out
    narrow = lengths.astype(np.uint16) if lengths.max() < 2**16 else lengths
    by_length = np.argsort(narrow, kind="stable")  # a radix sort on 16-bit keys
    firsts, counts = _runs(lengths[by_length])
    enabled = gc.isenabled()
    gc.disable()
    try:
        for first, count in zip(firsts.tolist(), counts.tolist()):
            rows = by_length[first : first + count]
            m = int(lengths[rows[0]])
            block = values[index[starts[rows, None] + np.arange(m)]].tolist()
            out[rows] = np.fromiter(block, dtype=object, count=count)
    finally:
        if enabled:
            gc.enable()
    return out


def _column(values: np.ndarray):
    """The column array :class:`pandas.DataFrame` makes of ``values`` once each missing value is ``None``.

    That is ``str`` when every value is a string or missing (the usual case: then
    how a value is missing makes no difference and nothing is rewritten), else
    ``object``. Taking rows of it gives the column the frame would make of those
    rows, as long as the rows cover every value; so a body's id, name and kind
    are converted once rather than once per row they appear in.
    """
    column = pd.Series(values, copy=False).array
    if isinstance(column.dtype, pd.StringDtype):
        return column
    values = values.copy()
    values[pd.isna(values)] = None
    return pd.Series(values, copy=False).array


def _within_runs(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)``, ``i < j``, of every pair of elements inside the same run (runs of ``lengths``, laid end to end).

    In order of ``i`` then ``j``: ``Σ m(m−1)/2`` pairs over the run lengths ``m``.
    """
    total = int(lengths.sum())
    later = np.repeat(np.cumsum(lengths), lengths) - np.arange(1, total + 1)  # elements after i in its run
    i = np.repeat(np.arange(total), later)
    # j runs from i + 1 on: position in the output minus where i's pairs start, plus i + 1
    j = np.arange(len(i)) - np.repeat(np.cumsum(later) - later - np.arange(1, total + 1), later)
    return i, j


class InterlocksMixin:
    def interlocks(self, *, weighting, bodies, min_shared, within, as_of) -> pd.DataFrame:
        store = self.store
        ids = store.codes()[0].to_numpy(dtype=object)
        n = max(len(ids), 1)
        cadre, body, _ = _held(store, within, bodies, as_of)
        cadre, body = _distinct_pairs(cadre, body, n)
        size = np.bincount(body, minlength=n)  # |people(b)|, by body code
        k = np.bincount(cadre, minlength=n)  # k(p), by cadre code
        multi = k[cadre] >= 2
        cadre, body = cadre[multi], body[multi]
        # people and bodies taking part, in the string order of their ids
        first, count = _runs(cadre)  # one run per person
        people, prank = _id_order(store, cadre[first])
        linked, brank = _id_order(store, _present(body, n))
        nb = max(len(linked), 1)
        # every pair of bodies of a person, as ranks: a < b in id order
        i, j = _within_runs(count)
        ranks = brank[body]
        a, b = np.minimum(ranks[i], ranks[j]), np.maximum(ranks[i], ranks[j])
        p = prank[cadre[i]]
        # group by body pair, the people of a pair in id order
        np_ = max(len(people), 1)
        if nb * nb * np_ < 2**62:
            key = np.sort((a * nb + b) * np_ + p)
            ab, p = key // np_, key % np_
            a, b = ab // nb, ab % nb
        else:
            order = np.lexsort((p, b, a))
            a, b, p = a[order], b[order], p[order]
            ab = a * nb + b
        starts, shared = _runs(ab)
        a, b = a[starts], b[starts]
        shared_f = shared.astype("float64")
        na, nbb = size[linked[a]].astype("float64"), size[linked[b]].astype("float64")
        if weighting is None:
            weight = shared_f
        elif weighting == "jaccard":
            weight = shared_f / (na + nbb - shared_f)
        elif weighting == "cosine":
            weight = shared_f / np.sqrt(na * nbb)
        else:  # newman: Σ 1/(k(p) − 1) over the shared people
            contrib = 1.0 / (k[people[p]].astype("float64") - 1.0)
            weight = np.add.reduceat(contrib, starts) if len(starts) else np.empty(0, dtype="float64")
        if min_shared > 1:
            keep = shared >= min_shared
            starts, shared, a, b, weight = starts[keep], shared[keep], a[keep], b[keep], weight[keep]
        people_lists = _lists(ids, people[p], starts, shared)
        # body columns: each body of the rows converted once, then taken per row
        used = np.zeros(nb, dtype=bool)
        used[a] = used[b] = True
        used = np.flatnonzero(used)
        order, name, label, kind = _body_attrs(store, linked[used])
        used = used[order]
        at = np.empty(nb, dtype=np.int64)  # rank -> position in the body columns
        at[used] = np.arange(len(used))
        columns = {"": ids[linked[used]], "_name": name, "_label": label, "_kind": kind}
        columns = {suffix: _column(values) for suffix, values in columns.items()}
        sides = {
            f"body_{side}{suffix}": values.take(at[r])
            for side, r in (("a", a), ("b", b))
            for suffix, values in columns.items()
        }
        return pd.DataFrame(
            {
                **sides,
                "shared": shared.astype("int64"),
                "people": people_lists,
                "weight": np.asarray(weight, dtype="float64"),
            },
            copy=False,
        )

    def connectors(self, *, top, min_posts, within, as_of) -> pd.DataFrame:
        store = self.store
        ids = store.codes()[0].to_numpy(dtype=object)
        n = max(len(ids), 1)
        cadre, body, rows = _held(store, within, None, as_of)
        posts = np.bincount(cadre, minlength=n)
        pc, pbody = _distinct_pairs(cadre, body, n)
        bodies = np.bincount(pc, minlength=n)
        candidates = pc[np.r_[True, pc[1:] != pc[:-1]]] if len(pc) else pc
        candidates = candidates[bodies[candidates] >= min_posts]
        if top is not None and len(candidates) > top:
            # only those ranking at least as high as the top-th on (bodies, posts) can be among the first top
            score = bodies[candidates] * (int(posts.max()) + 1) + posts[candidates]
            candidates = candidates[score >= np.partition(score, len(score) - top)[len(score) - top]]
        # bodies desc, posts desc, id asc
        _, crank = _id_order(store, candidates)  # distinct
        chosen = candidates[np.lexsort((crank[candidates], -posts[candidates], -bodies[candidates]))]
        if top is not None:
            chosen = chosen[:top]
        rank = np.full(n + 1, -1, dtype=np.int64)
        rank[chosen] = np.arange(len(chosen))
        # body lists: distinct pairs of the chosen people, ordered by rank then body id
        sel = rank[pc] >= 0
        r, bb = rank[pc[sel]], pbody[sel]
        linked, brank = _id_order(store, _present(bb, n))
        nb = max(len(linked), 1)
        key = np.sort(r * nb + brank[bb])
        starts, lengths = _runs(key // nb)
        body_lists = _lists(ids, linked[key % nb], starts, lengths)
        # role lists: distinct roles per chosen person, sorted
        role = store.edge_frame("HOLDS_POST")["role"].to_numpy(dtype=object)
        mine = np.flatnonzero(rank[cadre] >= 0)
        role_code, role_values = pd.factorize(role[rows[mine]], sort=True)
        has = role_code >= 0
        nr = max(len(role_values), 1)
        rkey = c.distinct(rank[cadre[mine[has]]] * nr + role_code[has])
        count = np.bincount(rkey // nr, minlength=len(chosen))
        role_lists = _lists(np.asarray(role_values, dtype=object), rkey % nr, np.cumsum(count) - count, count)
        # names: the Cadre table's rows of the chosen codes (NaN for a code that is not a Cadre)
        names = c.take(store.node_frame("Cadre")["name"].to_numpy(dtype=object), c.node_rows(store, "Cadre", chosen), np.nan)
        return pd.DataFrame(
            {
                "cadre_id": ids[chosen],
                "name": names,
                "posts": posts[chosen].astype("int64"),
                "bodies": bodies[chosen].astype("int64"),
                "body_ids": body_lists,
                "roles": role_lists,
            },
            copy=False,
        )
