"""In-memory implementations of :mod:`orggraph.queries.appointments`."""

from __future__ import annotations

import pandas as pd

from ....queries._base import rate, rollup
from . import _common as c


def _body_kinds(store, bodies) -> pd.DataFrame:
    """``body, community, bkind`` for every body kind of ``bodies``."""
    parts = [c.selector_community(store, k).assign(bkind=k) for k in bodies]
    return pd.concat(parts, ignore_index=True)


def _rollup(store, per: pd.DataFrame, by: str, sums: list[str], out: str, num: str, den: str) -> pd.DataFrame:
    """The street or district of each community, then the shared roll-up from counts."""
    groups = c.community_groups(store, pd.Index(per["community_id"]), by)
    f = per.assign(group=groups["group"].to_numpy(), group_name=groups["group_name"].to_numpy())
    return rollup(f, by, sums, out, num, den)


class AppointmentsMixin:
    def cross_appointment_rate(self, *, bodies, by, roles, within, as_of) -> pd.DataFrame:
        store = self.store
        comms = c.scope_ids(store, within, "Community")
        posts = c.current_posts(store, as_of, roles)
        held = posts.merge(_body_kinds(store, bodies), on="body")
        held = held[held["community"].isin(comms)]
        kinds_per_person = held.drop_duplicates(["community", "cadre", "bkind"]).groupby(["community", "cadre"]).size()
        members = kinds_per_person.groupby(level="community").size()
        cross = (kinds_per_person >= 2).groupby(level="community").sum()
        per = pd.DataFrame({"community_id": comms.to_numpy()})
        per["community_name"] = c.names(store, "Community").reindex(comms).to_numpy()
        per["street_id"] = c.ref(store, "Community", "street_id").reindex(comms).to_numpy()
        per["members"] = members.reindex(comms).fillna(0).astype("int64").to_numpy()
        per["cross_appointed"] = cross.reindex(comms).fillna(0).astype("int64").to_numpy()
        per["rate"] = rate(per["cross_appointed"], per["members"])
        if by == "community":
            return per.sort_values("community_id").reset_index(drop=True)
        return _rollup(store, per, by, ["members", "cross_appointed"], "rate", "cross_appointed", "members")

    def one_shoulder(self, *, by, within, as_of) -> pd.DataFrame:
        store = self.store
        comms = c.scope_ids(store, within, "Community")
        posts = c.current_posts(store, as_of, ("secretary", "director"))
        party = posts[posts["role"] == "secretary"]
        rc = posts[posts["role"] == "director"]
        sec = party.merge(c.selector_community(store, "committee"), on="body")[["community", "cadre"]]
        dire = rc.merge(c.selector_community(store, "residents_committee"), on="body")[["community", "cadre"]]
        both = sec.merge(dire, on=["community", "cadre"]).drop_duplicates()
        per = pd.DataFrame({"community_id": comms.to_numpy()})
        per["community_name"] = c.names(store, "Community").reindex(comms).to_numpy()
        per["street_id"] = c.ref(store, "Community", "street_id").reindex(comms).to_numpy()
        per["secretaries"] = c.sorted_lists(sec, "community", "cadre", comms).to_numpy()
        per["directors"] = c.sorted_lists(dire, "community", "cadre", comms).to_numpy()
        per["one_shoulder"] = comms.isin(both["community"])
        per = per.sort_values("community_id").reset_index(drop=True)
        if by == "community":
            return per
        counts = per.assign(one_shoulder=per["one_shoulder"].astype("int64"))
        return _rollup(store, counts, by, ["one_shoulder"], "share", "one_shoulder", "communities")
