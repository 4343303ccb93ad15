"""Comparing a scenario with its baseline (改革前后对比): structure, posts, people and every audit indicator.

The module is named ``comparison`` (not ``compare``) so that the function
:func:`compare` and its module never share a name; the function is exported as
``orggraph.compare`` (see :mod:`orggraph`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import rules
from ..schema import NODE_KINDS

__all__ = ["compare", "Comparison", "NODE_COLUMNS", "POST_COLUMNS", "PEOPLE_COLUMNS", "INDICATOR_COLUMNS"]

NODE_COLUMNS = ["id", "label", "name", "change", "detail"]
POST_COLUMNS = ["cadre_id", "body_id", "body_label", "body_name", "role", "start", "end_before", "end_after", "change"]
PEOPLE_COLUMNS = ["cadre_id", "lost", "gained", "n_lost", "n_gained"]
INDICATOR_COLUMNS = ["indicator", "zh", "measure", "before", "after", "change"]


@dataclass
class Comparison:
    """The answer of :func:`compare`: what a scenario changed, as DataFrames.

    Attributes
    ----------
    nodes : DataFrame
        ``id, label, name, change, detail``: one row per node ``added``,
        ``removed``, ``moved`` (a reference column such as ``community_id`` or
        ``parent_id`` changed) or ``changed`` (another attribute changed);
        ``detail`` says what (``community_id: c08 → c01``).
    posts : DataFrame
        ``cadre_id, body_id, body_label, body_name, role, start, end_before,
        end_after, change``: posts ``created``, ``ended`` (an end date set or
        brought forward) or ``removed`` (with their body or grid).
    people : DataFrame
        ``cadre_id, lost, gained, n_lost, n_gained``: everyone whose current
        posts (at ``as_of``) differ; ``lost`` and ``gained`` list
        ``body_id:role``. Ids only (names are personal data).
    indicators : DataFrame
        ``indicator, zh, measure, before, after, change``: every headline
        indicator of :func:`~orggraph.queries.audit.audit`.
    before, after : AuditReport
        The two audits.
    leadership : DataFrame
        ``community_id, community_name, measure, before, after, change``: the
        班子 structure (:func:`~orggraph.queries.people.leadership_profile` of the
        两委: members, women, under_35, mean_age, college_or_above,
        party_members_on_rc) of every community where it changed — the 换届's
        "一降一升" of age and education.
    """

    nodes: pd.DataFrame
    posts: pd.DataFrame
    people: pd.DataFrame
    indicators: pd.DataFrame
    before: object
    after: object
    as_of: object
    within: str | None
    #: the baseline's date when it differs from ``as_of`` (the scenario's date): ``compare(as_of_a=, as_of_b=)``
    as_of_a: object = None

    def _when(self) -> str:
        return f"{self.as_of_a} → {self.as_of}" if self.as_of_a is not None else f"{self.as_of}"
    leadership: pd.DataFrame | None = None

    def summary(self) -> pd.DataFrame:
        """Counts of the structural changes: ``table, change, count``."""
        rows = []
        for table, frame in (("nodes", self.nodes), ("posts", self.posts)):
            for change, n in frame["change"].value_counts().sort_index().items():
                rows.append((table, change, int(n)))
        rows.append(("people", "lost a post", int((self.people["n_lost"] > 0).sum())))
        rows.append(("people", "gained a post", int((self.people["n_gained"] > 0).sum())))
        return pd.DataFrame(rows, columns=["table", "change", "count"])

    def changed_indicators(self) -> pd.DataFrame:
        """The indicators whose value changed."""
        i = self.indicators
        moved = ~((i["before"] == i["after"]) | (i["before"].isna() & i["after"].isna()))
        return i[moved].reset_index(drop=True)

    def plot(self, fig=None):
        """Bar chart of the indicator changes: rates (before/after, %) and counts, in two panels.

        Returns the :class:`matplotlib.figure.Figure` (drawn on ``fig`` when given).
        """
        from matplotlib.figure import Figure

        fig = fig if fig is not None else Figure(figsize=(10, 6), layout="constrained")
        ind = self.indicators
        counts = ind["measure"] == "数量"
        axes = fig.subplots(1, 2, width_ratios=[3, 2])
        for ax, part, scale, unit in ((axes[0], ind[~counts], 100.0, "%"), (axes[1], ind[counts], 1.0, "")):
            y = np.arange(len(part))
            before = part["before"].to_numpy(dtype=float) * scale
            after = part["after"].to_numpy(dtype=float) * scale
            ax.barh(y - 0.2, np.nan_to_num(before), height=0.4, label="before 改革前", color="#9e9e9e")
            ax.barh(y + 0.2, np.nan_to_num(after), height=0.4, label="after 改革后", color="#c62828")
            ax.set_yticks(y, labels=list(part["indicator"]))
            ax.invert_yaxis()
            ax.set_xlabel(f"value{(' (' + unit + ')') if unit else ''}")
            for yi, (b, a) in enumerate(zip(before, after)):
                if np.isfinite(a) and np.isfinite(b) and a != b:
                    ax.annotate(f"{a - b:+.1f}{unit}", (max(a, b), yi), xytext=(3, 0), textcoords="offset points",
                                va="center", fontsize=8)
        axes[0].set_title("rates 比率")
        axes[1].set_title("counts 数量")
        axes[0].legend(loc="lower right", fontsize=8)
        fig.suptitle(f"Indicator changes (as of {self._when()})")
        return fig

    def __repr__(self) -> str:
        s = self.summary()
        parts = ", ".join(f"{r.change} {r.table}: {r.count}" for r in s.itertuples() if r.count)
        return f"<Comparison as of {self._when()}: {parts or 'no structural change'}; {len(self.changed_indicators())} indicator(s) changed>"


def compare(baseline, scenario, *, as_of=None, within: str | None = None, norms=None,
            as_of_a=None, as_of_b=None) -> Comparison:
    """Compare a scenario with its baseline (改革前后对比): the structural diff and the indicator diff.

    Parameters
    ----------
    baseline : OrgGraph
        The graph before.
    scenario : Scenario or OrgGraph
        The scenario (its graph is compared) or any graph after.
    as_of : date or str, optional
        The date posts must be current at, for both audits and for who lost or
        gained a post. Default: the scenario's date (for a Scenario), else today.
    as_of_a, as_of_b : date or str, optional
        Compare two snapshots on their own dates: the baseline as of ``as_of_a``,
        the scenario (or other graph) as of ``as_of_b``; each defaults to ``as_of``.
        With dated structure (``start`` / ``end``) each side is the graph as it
        stood on its date (for the audits, and, when the dates differ, for the
        structural diff too), so ``compare(g, g, as_of_a="2019-06-30",
        as_of_b="2020-06-30")`` is a reform recorded in one ledger.
    within : str, optional
        Limit the audits to a territory (the structural diff covers the whole graph).
    norms : optional
        Staffing norms for the audits (default: the sources' norms).

    Returns
    -------
    Comparison
        ``.nodes``, ``.posts``, ``.people``, ``.indicators`` DataFrames and ``.plot()``.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.load_sample("shijiu")
    >>> s = g.scenario("振兴并入东升", date="2021-12-05")
    >>> _ = s.merge_communities(["sj-c08"], into="sj-c01")
    >>> c = og.compare(g, s)
    >>> c.nodes.query("change == 'removed'")[["id", "label"]].values.tolist()
    [['sj-c08', 'Community']]
    >>> c.indicators.set_index("indicator").loc["one_shoulder_share", ["before", "after"]].round(3).tolist()
    [0.5, 0.467]
    """
    from ..queries._base import normalize_as_of
    from ..queries.audit import audit
    from .scenario import Scenario

    after_graph = scenario.graph if isinstance(scenario, Scenario) else scenario
    if as_of is None and isinstance(scenario, Scenario):
        as_of = scenario.date
    day = normalize_as_of(as_of)
    day_a = normalize_as_of(as_of_a) if as_of_a is not None else day
    day_b = normalize_as_of(as_of_b) if as_of_b is not None else day
    before = audit(baseline, norms, within=within, as_of=day_a)
    after = audit(after_graph, norms, within=within, as_of=day_b)
    # two dates: the structure each side had on its date (one ledger's history); one date: the ledgers as written
    # (a scenario's dissolved body stays a record, its posts "ended", not "removed")
    then, now = (_at(baseline, day_a), _at(after_graph, day_b)) if day_a != day_b else (baseline, after_graph)
    return Comparison(
        nodes=node_changes(then, now),
        posts=post_changes(then, now),
        people=people_changes(then, now, day_a, day_b),
        indicators=indicator_changes(before.headline, after.headline),
        before=before,
        after=after,
        as_of=day_b,
        within=within,
        as_of_a=day_a if day_a != day_b else None,
        leadership=leadership_changes(baseline, after_graph, day_a, within, day_b=day_b),
    )


def _at(g, day):
    """``g`` as it stood on ``day`` (dated structure left out; ``g`` itself when nothing is dated)."""
    from ..graph import OrgGraph

    backend = g.backend.at(day)
    return g if backend is g.backend else OrgGraph(backend)



#: the 班子 measures the comparison reports (columns of leadership_profile)
LEADERSHIP_MEASURES = ("members", "women", "under_35", "mean_age", "college_or_above", "party_members_on_rc")


def leadership_changes(before_graph, after_graph, day, within=None, *, day_b=None) -> pd.DataFrame:
    """Per community and measure of :data:`LEADERSHIP_MEASURES`: ``before, after, change`` where it changed
    (``before_graph`` at ``day``, ``after_graph`` at ``day_b``, default ``day``)."""
    cols = ["community_id", "community_name", "measure", "before", "after", "change"]

    def long(g, day):
        if within is not None and within not in g:  # the territory is gone (merged): no community of it left
            return pd.DataFrame(columns=["community_id", "community_name", "measure", "value"])
        p = g.leadership_profile(as_of=day, within=within)
        return p.melt(id_vars=["community_id", "community_name"], value_vars=list(LEADERSHIP_MEASURES),
                      var_name="measure", value_name="value")

    b, a = long(before_graph, day), long(after_graph, day if day_b is None else day_b)
    m = b.merge(a, on=["community_id", "measure"], how="outer", suffixes=("_b", "_a"))
    out = pd.DataFrame({
        "community_id": m["community_id"], "community_name": m["community_name_a"].fillna(m["community_name_b"]),
        "measure": m["measure"], "before": pd.to_numeric(m["value_b"], errors="coerce").astype("float64"),
        "after": pd.to_numeric(m["value_a"], errors="coerce").astype("float64"),
    })
    out["change"] = out["after"] - out["before"]
    same = (out["before"] == out["after"]) | (out["before"].isna() & out["after"].isna())
    out = out[~same.to_numpy()]
    order = {k: i for i, k in enumerate(LEADERSHIP_MEASURES)}
    out = out.assign(_o=out["measure"].map(order)).sort_values(["community_id", "_o"]).drop(columns="_o")
    return out[cols].reset_index(drop=True)


# ---------------------------------------------------------------- the pieces


def indicator_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Headline ``before, after, change`` per indicator (in the audit's order)."""
    b = before[["indicator", "zh", "measure", "value"]].rename(columns={"value": "before"})
    a = after[["indicator", "value"]].rename(columns={"value": "after"})
    out = b.merge(a, on="indicator", how="left")
    extra = a[~a["indicator"].isin(b["indicator"])]
    if len(extra):  # an indicator only the scenario's audit has
        out = pd.concat([out, after.loc[extra.index, ["indicator", "zh", "measure"]].assign(before=np.nan, after=extra["after"])],
                        ignore_index=True)
    out["change"] = out["after"] - out["before"]
    return out[INDICATOR_COLUMNS].reset_index(drop=True)


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality where two missing values are equal (values compared as text when types differ)."""
    na = a.isna().to_numpy() & b.isna().to_numpy()
    try:
        eq = (a.to_numpy(dtype=object) == b.to_numpy(dtype=object))
        eq = np.asarray(eq, dtype=bool)
    except (TypeError, ValueError):
        eq = a.astype(str).to_numpy() == b.astype(str).to_numpy()
    return na | (eq & ~(a.isna().to_numpy() | b.isna().to_numpy()))


def _fmt(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "–"
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    return str(v)


def node_changes(a, b) -> pd.DataFrame:
    """Nodes added, removed, moved (a reference column changed) or changed (another attribute changed)."""
    parts = []
    for kind, spec in NODE_KINDS.items():
        fa, fb = a.nodes(kind), b.nodes(kind)
        ia, ib = pd.Index(fa["id"]), pd.Index(fb["id"])
        added = fb[~fb["id"].isin(ia)]
        removed = fa[~fa["id"].isin(ib)]
        for frame, change in ((added, "added"), (removed, "removed")):
            if len(frame):
                parts.append(pd.DataFrame({"id": frame["id"].to_numpy(), "label": kind, "name": frame["name"].to_numpy(),
                                           "change": change, "detail": ""}))
        common = fa[fa["id"].isin(ib)].set_index("id")
        if not len(common):
            continue
        other = fb.set_index("id").reindex(common.index)
        refs = [r.column for r in spec.refs]
        personal = {x.name for x in spec.attrs if x.personal}
        cols = [c for c in dict.fromkeys(list(common.columns) + list(other.columns)) if c not in personal]
        moved_detail = pd.Series("", index=common.index, dtype=object)
        changed_detail = pd.Series("", index=common.index, dtype=object)
        for col in cols:
            x = common[col] if col in common.columns else pd.Series(None, index=common.index, dtype=object)
            y = other[col] if col in other.columns else pd.Series(None, index=common.index, dtype=object)
            diff = ~_same(x, y)
            if not diff.any():
                continue
            text = col + ": " + x[diff].map(_fmt) + " → " + y[diff].map(_fmt)
            target = moved_detail if col in refs else changed_detail
            idx = text.index
            target.loc[idx] = np.where(target.loc[idx] == "", text, target.loc[idx] + "; " + text)
        for detail, change in ((moved_detail, "moved"), (changed_detail, "changed")):
            hit = detail != ""
            if hit.any():
                ids = detail.index[hit]
                parts.append(pd.DataFrame({"id": ids.to_numpy(), "label": kind, "name": common.loc[ids, "name"].to_numpy(),
                                           "change": change, "detail": detail[hit].to_numpy()}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in NODE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    if "Cadre" in set(out["label"]):
        out.loc[out["label"] == "Cadre", "name"] = None  # personal data
    return out[NODE_COLUMNS]


def post_changes(a, b) -> pd.DataFrame:
    """Posts created, ended (end set or brought forward) or removed."""
    key = ["source", "target", "role", "start"]
    pa = a.edges("HOLDS_POST")[key + ["end"]]
    pb = b.edges("HOLDS_POST")[key + ["end"]]
    pa = pa.assign(_n=pa.groupby(key, dropna=False).cumcount())
    pb = pb.assign(_n=pb.groupby(key, dropna=False).cumcount())
    m = pa.merge(pb, on=key + ["_n"], how="outer", suffixes=("_before", "_after"), indicator=True)
    change = pd.Series(None, index=m.index, dtype=object)
    change[m["_merge"] == "right_only"] = "created"
    change[m["_merge"] == "left_only"] = "removed"
    both = m["_merge"] == "both"
    ended = both & ~_same(m["end_before"], m["end_after"])
    change[ended] = "ended"
    m = m.assign(change=change)[change.notna()]
    labels = pd.concat([a.nodes(k)[["id", "name"]].assign(label=k) for k in ("PartyOrg", "Unit", "Grid")]
                       + [b.nodes(k)[["id", "name"]].assign(label=k) for k in ("PartyOrg", "Unit", "Grid")])
    labels = labels.drop_duplicates("id", keep="last").set_index("id")
    out = pd.DataFrame({
        "cadre_id": m["source"].to_numpy(),
        "body_id": m["target"].to_numpy(),
        "body_label": labels["label"].reindex(m["target"]).to_numpy(),
        "body_name": labels["name"].reindex(m["target"]).to_numpy(),
        "role": m["role"].to_numpy(),
        "start": m["start"].to_numpy(),
        "end_before": m["end_before"].to_numpy(),
        "end_after": m["end_after"].to_numpy(),
        "change": m["change"].to_numpy(),
    })
    return out.sort_values(["change", "body_id", "cadre_id"], kind="stable").reset_index(drop=True)[POST_COLUMNS]


def _current(g, day) -> pd.DataFrame:
    e = g.edges("HOLDS_POST")
    ok = rules.current_mask(e["start"], e["end"], day)
    return e.loc[ok, ["source", "target", "role"]].drop_duplicates()


def people_changes(a, b, day, day_b=None) -> pd.DataFrame:
    """Everyone whose current posts differ (``a`` at ``day``, ``b`` at ``day_b``, default ``day``):
    what they lost and gained (``body_id:role``)."""
    ca, cb = _current(a, day), _current(b, day if day_b is None else day_b)
    m = ca.merge(cb, how="outer", indicator=True)
    m = m[m["_merge"] != "both"]
    if not len(m):
        return pd.DataFrame({"cadre_id": pd.Series(dtype=object), "lost": pd.Series(dtype=object),
                             "gained": pd.Series(dtype=object), "n_lost": pd.Series(dtype="int64"),
                             "n_gained": pd.Series(dtype="int64")})
    m = m.assign(post=m["target"] + ":" + m["role"])
    lost = m[m["_merge"] == "left_only"].groupby("source")["post"].agg(lambda s: sorted(s))
    gained = m[m["_merge"] == "right_only"].groupby("source")["post"].agg(lambda s: sorted(s))
    ids = pd.Index(sorted(set(lost.index) | set(gained.index)), dtype=object)
    lost = lost.reindex(ids).map(lambda v: v if isinstance(v, list) else [])
    gained = gained.reindex(ids).map(lambda v: v if isinstance(v, list) else [])
    return pd.DataFrame({"cadre_id": ids.to_numpy(), "lost": lost.to_numpy(), "gained": gained.to_numpy(),
                         "n_lost": lost.map(len).to_numpy(dtype="int64"), "n_gained": gained.map(len).to_numpy(dtype="int64")})
