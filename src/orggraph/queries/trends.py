"""Trends (趋势): every headline indicator of the audit at several dates, per group.

:func:`audit_series` runs :func:`~orggraph.queries.audit.audit` once per date
(and per street or district with ``by=``) and stacks the headline rows into
one long table. With dated structure (``start`` / ``end`` on territories,
bodies and structural links, see ``docs/concepts.md``) each date is audited on
the graph as it stood that day, so one ledger holding a reform's before and
after gives the trend across it. Rates keep their numerator and denominator,
so a caller can sum groups (never average rates).
"""

from __future__ import annotations

import pandas as pd

from .. import rules
from ._base import check_within, normalize_as_of
from .audit import HEADLINE_COLUMNS, audit

__all__ = ["audit_series", "SERIES_COLUMNS"]

#: columns of :func:`audit_series`
SERIES_COLUMNS = ["as_of", "group_id", "group_name"] + HEADLINE_COLUMNS

_GROUP_KINDS = {"street": "Street", "district": "District"}


def audit_series(g, as_of, *, by: str | None = None, norms=None, within: str | None = None,
                 large_compound=rules.LARGE_COMPOUND_HOUSEHOLDS) -> pd.DataFrame:
    """Every headline indicator of the audit at each date of ``as_of`` (趋势), per group.

    Parameters
    ----------
    g : OrgGraph
    as_of : sequence of dates or strings
        The dates (each audited on the graph as it stood that day).
    by : None, "street" or "district"
        None: one group, the whole graph (or ``within``). ``"street"`` /
        ``"district"``: one audit per street / district existing at that date
        (``within`` must then be None).
    norms, within, large_compound
        As for :func:`~orggraph.queries.audit.audit`.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per (date, group, indicator): ``as_of`` (datetime64),
        ``group_id``, ``group_name`` (None for the whole graph), then the audit's
        headline columns ``indicator, zh, measure, value, numerator, denominator``.
        Sorted by date, then group id, in the audit's indicator order.

    Examples
    --------
    >>> import orggraph as og
    >>> s = og.load_sample("qixia").audit_series(["2019-06-30", "2020-06-30"])
    >>> s[s["indicator"] == "compound_org_coverage_rate"][["numerator", "denominator"]].values.tolist()
    [[0.0, 226.0], [7.0, 226.0]]
    """
    if isinstance(as_of, (str, pd.Timestamp)) or not hasattr(as_of, "__iter__"):
        as_of = [as_of]
    days = sorted({normalize_as_of(d) for d in as_of})
    if not days:
        raise ValueError("as_of needs at least one date")
    if by is not None and by not in _GROUP_KINDS:
        raise ValueError(f"by={by!r}: use None, 'street' or 'district'")
    if by is not None and within is not None:
        raise ValueError("by= and within= cannot be combined: by= already audits each group")
    within = check_within(g, within)
    frames = []
    for day in days:
        if by is None:
            groups = [(within, None)]
        else:
            nodes = g.backend.at(day).nodes(_GROUP_KINDS[by])
            groups = sorted(zip(nodes["id"], nodes["name"]))
        for gid, gname in groups:
            head = audit(g, norms, within=gid, as_of=day, large_compound=large_compound).headline
            frames.append(head.assign(as_of=pd.Timestamp(day), group_id=gid, group_name=gname))
    out = pd.concat(frames, ignore_index=True)
    out["as_of"] = out["as_of"].astype("datetime64[ns]")
    return out[SERIES_COLUMNS]
