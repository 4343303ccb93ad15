"""Neo4j implementations of :mod:`orggraph.queries.appointments` (交叉任职率, 一肩挑)."""

from __future__ import annotations

import pandas as pd

from .. import cypher
from ....queries._base import rollup
from ._common import frame, int64, rate, text

_PLACE = ["community_id", "community_name", "street_id", "street_name", "district_id", "district_name"]


def _rollup(per: pd.DataFrame, by: str, sums: list[str], out: str, num: str, den: str) -> pd.DataFrame:
    """The street or district of each community (fetched with the rows), then the shared roll-up."""
    return rollup(per.assign(group=per[f"{by}_id"], group_name=per[f"{by}_name"]), by, sums, out, num, den)


class AppointmentsMixin:
    def _communities(self, stmt, columns, **params) -> pd.DataFrame:
        per = frame(self.runner, stmt, _PLACE + columns, **params)
        for c in _PLACE:
            per[c] = text(per[c])
        return per.sort_values("community_id").reset_index(drop=True)

    def cross_appointment_rate(self, *, bodies, by, roles, within, as_of) -> pd.DataFrame:
        per = self._communities(
            cypher.CROSS_APPOINTMENT_RATE, ["members", "cross_appointed"],
            bodies=list(bodies), roles=None if roles is None else list(roles), within=within, as_of=as_of,
        )
        per["members"] = int64(per["members"])
        per["cross_appointed"] = int64(per["cross_appointed"])
        per["rate"] = rate(per["cross_appointed"], per["members"])
        if by == "community":
            return per
        return _rollup(per, by, ["members", "cross_appointed"], "rate", "cross_appointed", "members")

    def one_shoulder(self, *, by, within, as_of) -> pd.DataFrame:
        per = self._communities(
            cypher.ONE_SHOULDER, ["secretaries", "directors", "one_shoulder"], within=within, as_of=as_of
        )
        per["secretaries"] = [sorted(v or []) for v in per["secretaries"]]
        per["directors"] = [sorted(v or []) for v in per["directors"]]
        per["one_shoulder"] = per["one_shoulder"].astype(bool)
        if by == "community":
            return per
        counts = per.assign(one_shoulder=per["one_shoulder"].astype("int64"))
        return _rollup(counts, by, ["one_shoulder"], "share", "one_shoulder", "communities")
