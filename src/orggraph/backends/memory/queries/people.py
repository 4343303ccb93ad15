"""In-memory implementations of :mod:`orggraph.queries.people` (班子结构, 党员数, 双报到, 任期).

Each method returns the primitive rows the public query defines
(``LEADERSHIP_PEOPLE``, ``MEMBERSHIP_ORGS`` …); the final columns are computed
there, once for both backends. Selection and joins run on the store's integer
codes (:mod:`._common`); ids are decoded for the rows returned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .... import rules
from . import _common as c
from .appointments import _current_posts, _names, _scope_codes, _selector_pairs
from .coverage import Scope, location, nodes_where, place


def _current_memberships(store, as_of) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Current ``MEMBER_OF`` edges: code arrays ``(cadre, party_org)`` and the row of each in the edge table."""
    e = store.edge_frame("MEMBER_OF")
    rows = np.flatnonzero(rules.current_mask(e["start"], e["end"], as_of))
    src, dst = store.edge_codes("MEMBER_OF")
    return src[rows], dst[rows], rows


def _party(store, cadres: np.ndarray, as_of) -> np.ndarray:
    """Whether each of ``cadres`` is a party member: ``party_member`` true or a current membership."""
    flag = store.node_frame("Cadre")["party_member"].fillna(False).astype(bool).to_numpy()
    rows = c.node_rows(store, "Cadre", cadres)
    out = np.where(rows >= 0, flag[np.maximum(rows, 0)] if len(flag) else False, False)
    member, _, _ = _current_memberships(store, as_of)
    return out | c.flags(store, member)[cadres]


def _cadre_column(store, name: str, cadres: np.ndarray) -> np.ndarray:
    values = store.node_frame("Cadre")[name].to_numpy(dtype=object)
    return c.take(values, c.node_rows(store, "Cadre", cadres), None)


def _subordinate_pairs(store, orgs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct code pairs ``(org, below)``: ``below`` is ``org`` or subordinate to it (``SUBORDINATE_TO*``).

    Breadth-first on int64 keys (:func:`_common._levels`, which ends on cycles), one join per level.
    """
    n = c.size(store)
    src, dst = store.edge_codes("SUBORDINATE_TO")  # child -> parent
    ok = (src >= 0) & (dst >= 0)
    order = np.argsort(dst[ok], kind="stable")  # sorted once: each level looks its parents up
    src, dst = src[ok][order], dst[ok][order]

    def expand(keys):  # the edges whose parent is the lower end of a key
        lo, hi = np.searchsorted(dst, keys % n, "left"), np.searchsorted(dst, keys % n, "right")
        count = hi - lo
        at = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        return np.repeat(keys // n * n, count) + src[at]

    keys = np.concatenate(c._levels(c.distinct(orgs * n + orgs), expand))
    return keys // n, keys % n


def _status_counts(store, org_key: np.ndarray, cadre: np.ndarray, full: np.ndarray, orgs: np.ndarray):
    """Per org of ``orgs``: distinct people full (any full membership) and probationary (no full one)."""
    n = c.size(store)
    key = org_key * n + cadre
    every, with_full = c.distinct(key), c.distinct(key[full])
    is_full = c.lookup(with_full, np.ones(len(with_full), dtype=bool), every, False) if len(every) else np.zeros(0, bool)

    def per_org(keys):
        return np.bincount(keys // n, minlength=n + 1)[orgs].astype(np.int64)

    return per_org(every[is_full]), per_org(every[~is_full])


def _community_places(store, comm: np.ndarray) -> pd.DataFrame:
    """For each community code: its id and name, its street's and its district's (object columns)."""
    street = c.ref_codes(store, "Community", "street_id", comm)
    district = c.ref_codes(store, "Street", "district_id", street)
    return pd.DataFrame({
        "community_id": c.decode(store, comm), "community_name": _names(store, "Community", comm),
        "street_id": c.decode(store, street), "street_name": _names(store, "Street", street),
        "district_id": c.decode(store, district), "district_name": _names(store, "District", district),
    }, dtype=object)


class PeopleMixin:
    def leadership_profile(self, *, bodies, roles, within, as_of) -> pd.DataFrame:
        store = self.store
        comms = _scope_codes(store, within, "Community")
        pairs = [_selector_pairs(store, s) for s in bodies]
        cadre, body, _ = _current_posts(store, as_of, roles, c.flags(store, np.concatenate([b for b, _ in pairs])))
        parts = []
        for sel, (pb, pc) in zip(bodies, pairs):
            i, j = c.join_codes(body, pb)
            parts.append(pd.DataFrame({"comm": pc[j], "cadre": cadre[i], "body": sel}))
        held = pd.concat(parts, ignore_index=True).drop_duplicates()
        held = held[c.flags(store, comms)[held["comm"].to_numpy()]]
        empty = np.setdiff1d(comms, held["comm"].to_numpy())
        held = pd.concat([held, pd.DataFrame({"comm": empty, "cadre": -1, "body": None})], ignore_index=True)
        comm, who = held["comm"].to_numpy(dtype=np.int64), held["cadre"].to_numpy(dtype=np.int64)
        out = _community_places(store, comm).assign(cadre_id=c.decode(store, who),
                                                    body=held["body"].to_numpy(dtype=object))
        for col in ("gender", "birth_year", "education"):
            out[col] = _cadre_column(store, col, who)
        births = np.append(store.node_frame("Cadre")["birth_date"].to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT"))
        out["birth_date"] = pd.Series(births[c.node_rows(store, "Cadre", who)], dtype="datetime64[ns]")
        out["party"] = np.where(who >= 0, _party(store, who, as_of), False)
        return out

    def party_membership(self, *, within, as_of) -> pd.DataFrame:
        store = self.store
        orgs = Scope(store, within).bodies(nodes_where(store, "PartyOrg"))
        member, org, rows = _current_memberships(store, as_of)
        e = store.edge_frame("MEMBER_OF")
        full = (e["status"].to_numpy(dtype=object)[rows] != "probationary")
        central = e["central_household"].fillna(False).astype(bool).to_numpy()[rows]
        own_full, own_prob = _status_counts(store, org, member, full, orgs)
        ch = pd.DataFrame({"org": org[central], "cadre": member[central]}).drop_duplicates().groupby("org").size()
        top, below = _subordinate_pairs(store, orgs)
        i, j = c.join_codes(below, org)
        tot_full, tot_prob = _status_counts(store, top[i], member[j], full[j], orgs)
        comm, street = place(store, orgs, bodies=True)
        where = location(store, comm, street)
        frame = store.node_frame("PartyOrg")
        r = c.node_rows(store, "PartyOrg", orgs)
        return pd.DataFrame({
            "party_org_id": c.decode(store, orgs), "party_org_name": c.take(frame["name"].to_numpy(dtype=object), r),
            "level": c.take(frame["level"].to_numpy(dtype=object), r),
            **where,
            "full": own_full, "probationary": own_prob,
            "central_households": ch.reindex(orgs, fill_value=0).to_numpy(dtype=np.int64),
            "total_full": tot_full, "total_probationary": tot_prob,
        })

    def supervisory_conflicts(self, *, within, as_of) -> pd.DataFrame:

        store = self.store
        sup = Scope(store, within).bodies(nodes_where(store, "Unit", "kind", "supervisory_committee"))
        cadre, body, _ = _current_posts(store, as_of, None, c.flags(store, sup))
        two = np.concatenate([_selector_pairs(store, s)[0] for s in ("committee", "residents_committee")])
        on_two, _, _ = _current_posts(store, as_of, rules.COMMITTEE_ROLES, c.flags(store, two))
        bad = c.flags(store, on_two)[cadre]
        pairs = pd.DataFrame({"unit": body[bad], "cadre": cadre[bad]}).drop_duplicates()
        units, who = pairs["unit"].to_numpy(dtype=np.int64), pairs["cadre"].to_numpy(dtype=np.int64)
        comm, street = place(store, units, bodies=True)
        return pd.DataFrame({
            "unit_id": c.decode(store, units), "unit_name": _names(store, "Unit", units),
            "cadre_id": c.decode(store, who), "community_id": c.decode(store, comm), "street_id": c.decode(store, street),
        }, dtype=object)

    def member_reports(self, *, within, as_of) -> pd.DataFrame:
        store = self.store
        cad = store.node_frame("Cadre")
        codes = store.node_codes("Cadre")
        has_unit = cad["work_unit_id"].notna().to_numpy(dtype=bool)
        who = codes[has_unit]
        who = who[_party(store, who, as_of)]
        unit = store.code_of(_cadre_column(store, "work_unit_id", who))
        home = store.code_of(_cadre_column(store, "residence_id", who))
        scope = Scope(store, within)
        units_in = c.flags(store, scope.bodies(nodes_where(store, "Unit")))
        home_in = np.ones(len(home), dtype=bool) if scope.inside is None else scope.inside[home] & (home >= 0)
        # communities that are or contain each residence
        t, comm = c.community_closure(store)
        i, j = c.join_codes(home, t)
        homes = c.id_lists(store, i, comm[j], len(who))
        rep_src, rep_dst = store.edge_codes("REPORTS_TO")
        ok = rules.current_mask(store.edge_frame("REPORTS_TO")["date"], None, as_of)
        ok &= c.kind_flags(store, "Community")[rep_dst]
        position = np.full(c.size(store) + 1, -1, dtype=np.int64)
        position[who] = np.arange(len(who))
        pos = position[rep_src[ok]]
        reps = c.id_lists(store, pos[pos >= 0], rep_dst[ok][pos >= 0], len(who))
        return pd.DataFrame({
            "cadre_id": c.decode(store, who), "work_unit_id": c.decode(store, unit),
            "unit_in_scope": units_in[unit], "residence_in_scope": home_in,
            "residence_communities": pd.Series(homes, dtype=object).to_numpy(),
            "reported_communities": pd.Series(reps, dtype=object).to_numpy(),
        })

    def term_expiry(self, *, within, as_of) -> pd.DataFrame:
        store = self.store
        scope = Scope(store, within)
        parts = []
        for label, kind_col in (("PartyOrg", "level"), ("Unit", "kind")):
            frame = store.node_frame(label)
            has = frame["term_start"].notna().to_numpy(dtype=bool)
            codes = scope.bodies(store.node_codes(label)[has])
            r = c.node_rows(store, label, codes)
            comm, street = place(store, codes, bodies=True)
            parts.append(pd.DataFrame({
                "body_id": c.decode(store, codes), "body_name": c.take(frame["name"].to_numpy(dtype=object), r),
                "label": label, "kind": c.take(frame[kind_col].to_numpy(dtype=object), r),
                "term_start": c.take(frame["term_start"].to_numpy(dtype=object), r),
                "term_years": c.take(frame["term_years"].to_numpy(dtype=object), r),
                "term_no": c.take(frame["term_no"].to_numpy(dtype=object), r),
                "community_id": c.decode(store, comm), "street_id": c.decode(store, street),
            }))
        return pd.concat(parts, ignore_index=True)

    def member_responsibilities(self, *, within, as_of) -> dict[str, pd.DataFrame]:
        store = self.store
        comms = _scope_codes(store, within, "Community")
        terr, comm = c.community_closure(store)
        mine = c.flags(store, comms)[comm]
        terr, comm = terr[mine], comm[mine]
        # responsibilities of party members (RESPONSIBLE_FOR: cadre -> area, grid or community)
        src, dst = store.edge_codes("RESPONSIBLE_FOR")
        kind = store.edge_frame("RESPONSIBLE_FOR")["kind"].to_numpy(dtype=object)
        ok = (src >= 0) & (dst >= 0)
        ok[ok] = _party(store, src[ok], as_of)
        src, dst, kind = src[ok], dst[ok], kind[ok]
        i, j = c.join_codes(dst, terr)
        people = pd.DataFrame({"community_id": c.decode(store, comm[j]), "cadre_id": c.decode(store, src[i]),
                               "kind": kind[i]}, dtype=object).drop_duplicates()
        # areas: covered when a target is the area or contains it; top when no area contains it
        inside, _ = c.contains_closure(store, c.distinct(dst))
        covered = c.flags(store, inside)
        is_area = c.kind_flags(store, "Area")
        e_src, e_dst = store.edge_codes("CONTAINS")  # container -> contained
        both = (e_src >= 0) & (e_dst >= 0) & is_area[e_src] & is_area[e_dst]
        inner = c.flags(store, e_dst[both])
        parent_covered = c.flags(store, e_dst[both & covered[e_src]])
        at = is_area[terr]
        area, where = terr[at], comm[at]
        frame = store.node_frame("Area")
        rows = c.node_rows(store, "Area", area)
        areas = pd.DataFrame({
            "community_id": c.decode(store, where), "area_id": c.decode(store, area),
            "kind": c.take(frame["kind"].to_numpy(dtype=object), rows),
            "households": c.take(frame["households"].to_numpy(dtype=object), rows),
            "top": ~inner[area], "covered": covered[area], "parent_covered": parent_covered[area],
        })
        return {"communities": _community_places(store, comms), "people": people, "areas": areas}
