"""In-memory implementations of :mod:`orggraph.queries.appointments`.

Computed on the store's integer codes (:meth:`TableStore.codes`): the bodies of
each selector are a boolean mask over codes, posts are filtered on their body
code before any text column is read, and people are counted per community by
sorting integer keys. Ids are decoded only for the rows returned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ....queries._base import rate, rollup
from .... import rules
from . import _common as c


# --------------------------------------------------------------------------- code-based building blocks


def _selector_pairs(store, selector: str) -> tuple[np.ndarray, np.ndarray]:
    """Code pairs ``(body, community)`` for the bodies a selector names (not deduplicated, any order).

    The 两委 selectors: COVERS edges from a body of the selector to a community.
    Any other: a body of the selector covering a territory of the community
    closure (:func:`_common.community_closure`): the community or one it contains.
    """
    bodies = c.selector_flags(store, selector)
    body, territory = store.edge_codes("COVERS")
    sel = bodies[body]
    body, territory = body[sel], territory[sel]
    if selector in rules.COMMUNITY_LEVEL_SELECTORS:
        ok = c.kind_flags(store, "Community")[territory]
        return body[ok], territory[ok]
    t, comm = c.community_closure(store)
    near = c.flags(store, territory)[t]  # closure pairs of covered territories only, then the join is small
    i, j = c.join_codes(territory, t[near])
    return body[i], comm[near][j]


def _current_posts(store, as_of, roles, bodies: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Current posts held in a body of the flags ``bodies`` (:func:`_common.current_post_rows`):
    code arrays ``(cadre, body)`` and the role of each; only those of ``roles`` unless None."""
    rows = c.current_post_rows(store, as_of, bodies)
    role = store.edge_frame("HOLDS_POST")["role"].to_numpy()[rows]
    if roles is not None:
        ok = pd.Series(role, dtype=object).isin(list(roles)).to_numpy(dtype=bool)
        rows, role = rows[ok], role[ok]
    cadre, body = store.edge_codes("HOLDS_POST")
    return cadre[rows], body[rows], role


def _names(store, kind: str, codes: np.ndarray) -> np.ndarray:
    """The ``name`` of each node of ``kind`` in ``codes`` (NaN for -1 or a node of another kind)."""
    values = store.node_frame(kind)["name"].to_numpy(dtype=object)
    return c.take(values, c.node_rows(store, kind, codes), np.nan)


def _scope_codes(store, within: str | None, kind: str) -> np.ndarray:
    """Codes of the nodes of ``kind`` inside ``within`` (all when None), in table order."""
    codes = store.node_codes(kind)
    inside = c.scope_flags(store, within)
    return codes if inside is None else codes[inside[codes]]


def _street_ids(store, comms: np.ndarray) -> np.ndarray:
    """The ``street_id`` of each community of ``comms`` (NaN for none)."""
    return c.decode(store, c.ref_codes(store, "Community", "street_id", comms), np.nan)


def _rollup(store, per: pd.DataFrame, comms: np.ndarray, by: str, sums, out: str, num: str, den: str) -> pd.DataFrame:
    """The street or district of each community (codes ``comms``, the rows of ``per``), then the shared roll-up."""
    street = c.ref_codes(store, "Community", "street_id", comms)
    group, kind = (street, "Street") if by == "street" else (c.ref_codes(store, "Street", "district_id", street), "District")
    f = per.assign(group=c.decode(store, group, np.nan), group_name=_names(store, kind, group))
    return rollup(f, by, list(sums), out, num, den)


# --------------------------------------------------------------------------- the queries


class AppointmentsMixin:
    def cross_appointment_rate(self, *, bodies, by, roles, within, as_of) -> pd.DataFrame:
        store = self.store
        n = c.size(store)
        comms = _scope_codes(store, within, "Community")
        pairs = [_selector_pairs(store, k) for k in bodies]
        any_body = c.flags(store, np.concatenate([b for b, _ in pairs]))
        cadre, body, _ = _current_posts(store, as_of, roles, any_body)
        pair_body = np.concatenate([b for b, _ in pairs])
        pair_comm = np.concatenate([m for _, m in pairs])
        pair_kind = np.concatenate([np.full(len(b), k, dtype=np.int64) for k, (b, _) in enumerate(pairs)])
        i, j = c.join_codes(body, pair_body)
        # distinct (community, person, body kind), sorted: one run per (community, person)
        keys = c.distinct((pair_comm[j] * n + cadre[i]) * len(bodies) + pair_kind[j])
        person = keys // len(bodies)
        start = np.flatnonzero(np.r_[True, person[1:] != person[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
        kinds = np.diff(np.r_[start, len(keys)])
        community = person[start] // n
        members = np.bincount(community, minlength=n + 1)
        cross = np.bincount(community, weights=kinds >= 2, minlength=n + 1).astype(np.int64)
        per = pd.DataFrame({"community_id": c.decode(store, comms, np.nan)})
        per["community_name"] = _names(store, "Community", comms)
        per["street_id"] = _street_ids(store, comms)
        per["members"] = members[comms].astype("int64")
        per["cross_appointed"] = cross[comms]
        per["rate"] = rate(per["cross_appointed"], per["members"])
        if by == "community":
            return per.sort_values("community_id").reset_index(drop=True)
        return _rollup(store, per, comms, by, ["members", "cross_appointed"], "rate", "cross_appointed", "members")

    def one_shoulder(self, *, by, within, as_of) -> pd.DataFrame:
        store = self.store
        n = c.size(store)
        comms = _scope_codes(store, within, "Community")
        position = np.full(n + 1, -1, dtype=np.int64)
        position[comms] = np.arange(len(comms))
        heads = [(_selector_pairs(store, rules.COMMUNITY_PARTY_SELECTOR), rules.SECRETARY),
                 (_selector_pairs(store, rules.RESIDENTS_COMMITTEE), rules.DIRECTOR)]
        cadre, body, role = _current_posts(
            store, as_of, [r for _, r in heads], c.flags(store, np.concatenate([pb for (pb, _), _ in heads]))
        )
        lists, keys = [], []
        for (pb, pc), wanted in heads:
            sel = role == wanted
            i, j = c.join_codes(body[sel], pb)
            pos = position[pc[j]]
            key = c.distinct(pos[pos >= 0] * n + cadre[sel][i][pos >= 0])  # distinct (community, person) in scope
            keys.append(key)
            lists.append(pd.Series(c.id_lists(store, key // n, key % n, len(comms)), dtype=object))
        both = np.intersect1d(keys[0], keys[1], assume_unique=True) // n
        per = pd.DataFrame({"community_id": c.decode(store, comms, np.nan)})
        per["community_name"] = _names(store, "Community", comms)
        per["street_id"] = _street_ids(store, comms)
        per["secretaries"] = lists[0]
        per["directors"] = lists[1]
        shoulder = np.zeros(len(comms), dtype=bool)
        shoulder[both] = True
        per["one_shoulder"] = shoulder
        order = np.argsort(per["community_id"].to_numpy(dtype=object), kind="stable")
        per = per.iloc[order].reset_index(drop=True)
        if by == "community":
            return per
        counts = per.assign(one_shoulder=per["one_shoulder"].astype("int64"))
        return _rollup(store, counts, comms[order], by, ["one_shoulder"], "share", "one_shoulder", "communities")
