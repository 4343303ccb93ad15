"""Consistency checks beyond the format: warnings, not errors (``--strict`` makes them errors).

A ledger can be well-formed and still say something unlikely: the same person
holding the same post twice over overlapping dates, a grid with more households
than its community, a post in a body that was dissolved, a community with no
party organisation. These are reported as warnings (severity ``"warning"``)
in the same problem table as the format errors, naming file and row. They name
ids, never a person's name or phone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rules
from .validate import PROBLEM_COLUMNS

__all__ = ["consistency_warnings", "DISSOLVED_COLUMN"]

#: attribute a scenario sets on a body it dissolved or merged away (kept in the graph as a record); a ledger's
#: ``dissolved_on`` column is read as the body's ``end`` (撤销日期, dated structure), checked the same way
DISSOLVED_COLUMN = "dissolved_on"


def _where(rows: dict | None, files: dict | None, table: str, positions) -> tuple[str, list]:
    file = (files or {}).get(table, table)
    if rows is None or table not in rows:
        return file, [None] * len(positions)
    numbers = rows[table].to_numpy()
    return file, [int(numbers[p]) if p < len(numbers) else None for p in positions]


def _emit(out: list, table: str, file: str, rows: list, column: str, values, problems) -> None:
    for r, v, p in zip(rows, values, problems):
        out.append(dict(file=file, table=table, row=r, column=column, value=str(v), problem=p,
                        suggestion=None, severity="warning"))


def _repeated(store, posts: pd.DataFrame) -> np.ndarray:
    """Posts whose (cadre, body, role) another post has too, compared on integer codes."""
    codes = []
    for column, endpoint in zip(("source", "target"), store.edge_codes("HOLDS_POST")):
        # -1 (an endpoint that is not a node) stands for any id: such a column is coded by value
        codes.append(endpoint if (endpoint >= 0).all() else pd.factorize(posts[column], use_na_sentinel=False)[0])
    codes.append(pd.factorize(posts["role"], use_na_sentinel=False)[0])
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in codes]
    if sizes[0] * sizes[1] * sizes[2] < 2**63:  # one integer per (cadre, body, role)
        key = (codes[0].astype(np.int64) * sizes[1] + codes[1]) * sizes[2] + codes[2]
        return pd.Series(key).duplicated(keep=False).to_numpy()
    return pd.DataFrame(dict(enumerate(codes))).duplicated(keep=False).to_numpy()


def consistency_warnings(g, rows: dict | None = None, files: dict | None = None) -> pd.DataFrame:
    """Warnings about an in-memory graph (from a ledger: pass its row numbers and file names).

    Parameters
    ----------
    g : OrgGraph
    rows : dict, optional
        Table name → Series of spreadsheet row numbers, one per row in table order.
    files : dict, optional
        Table name → file name as the user knows it.

    Returns
    -------
    pandas.DataFrame
        The problem columns (file, table, row, column, value, problem,
        suggestion, severity) with ``severity`` = ``"warning"``.
    """
    store = g.store
    out: list[dict] = []

    # 1. the same person, the same role, the same body, overlapping dates
    posts = store.edge_frame("HOLDS_POST")
    if len(posts):
        p = pd.DataFrame({
            "pos": np.arange(len(posts)), "cadre": posts["source"].to_numpy(), "body": posts["target"].to_numpy(),
            "role": posts["role"].to_numpy(),
            "start": posts["start"].fillna(pd.Timestamp.min).to_numpy(),
            "end": posts["end"].fillna(pd.Timestamp.max).to_numpy(),
        })
        dup = p[_repeated(store, posts)].sort_values(["cadre", "body", "role", "start", "pos"])
        if len(dup):
            key = dup[["cadre", "body", "role"]].astype(str).agg("|".join, axis=1)
            prev_end = dup.groupby(key.to_numpy())["end"].transform(lambda s: s.cummax().shift())
            prev_pos = dup.groupby(key.to_numpy())["pos"].shift()
            overlap = dup["start"] < prev_end
            hits = dup[overlap.fillna(False).to_numpy()]
            if len(hits):
                file, rws = _where(rows, files, "posts", hits["pos"].tolist())
                _, first = _where(rows, files, "posts", prev_pos[hits.index].astype(int).tolist())
                _emit(out, "posts", file, rws, "cadre_id", hits["cadre"],
                      [f"holds the same role ({r}) in {b} as in row {f if f is not None else '?'}, over overlapping dates"
                       for r, b, f in zip(hits["role"], hits["body"], first)])

    # 2. a grid with more households than its community
    grids = store.nodes("Grid")
    comms = store.node_frame("Community")
    if len(grids) and len(comms):
        hh = pd.Series(comms["households"].to_numpy(), index=comms["id"].to_numpy())
        ch = hh.reindex(grids["community_id"]).to_numpy()
        gh = grids["households"].to_numpy()
        over = pd.notna(ch) & pd.notna(gh)
        over[over] = gh[over].astype(float) > ch[over].astype(float)
        if over.any():
            pos = np.flatnonzero(over)
            file, rws = _where(rows, files, "grids", pos.tolist())
            _emit(out, "grids", file, rws, "households", grids["households"].to_numpy()[pos],
                  [f"is more than its community {c}'s {int(h)} households" for c, h in
                   zip(grids["community_id"].to_numpy()[pos], ch[pos])])

    # 3. posts current after their body was dissolved or merged away
    ends = []
    for kind in ("PartyOrg", "Unit"):
        f = store.node_frame(kind)
        for column in ("end", DISSOLVED_COLUMN):
            if column in f.columns:
                d = pd.to_datetime(f[column], errors="coerce")
                ends.append(pd.Series(d.to_numpy(), index=f["id"].to_numpy()))
    if ends and len(posts):
        dissolved = pd.concat(ends).dropna()
        dissolved = dissolved[~dissolved.index.duplicated()]
        when = dissolved.reindex(posts["target"]).to_numpy()
        has = pd.notna(when)
        late = has.copy()
        end = posts["end"].to_numpy()
        late[has] = rules.runs_on(end[has], when[has])  # the post is still held on the day the body went
        if late.any():
            pos = np.flatnonzero(late)
            file, rws = _where(rows, files, "posts", pos.tolist())
            _emit(out, "posts", file, rws, "body_id", posts["target"].to_numpy()[pos],
                  [f"was dissolved on {pd.Timestamp(w):%Y-%m-%d} but this post runs on" for w in when[pos]])

    # 4. a community with no party organisation of its own (社区党委/党总支 covering it: rules.is_community_party_org)
    if len(comms):
        party = store.node_frame("PartyOrg")
        own = set(party.loc[rules.is_community_party_org(party["level"], party["unit_id"]), "id"])
        cov = store.edge_frame("COVERS")
        with_org = set(cov.loc[cov["source"].isin(own), "target"])
        none = ~comms["id"].isin(with_org).to_numpy()
        if none.any():
            pos = np.flatnonzero(none)
            file, rws = _where(rows, files, "communities", pos.tolist())
            _emit(out, "communities", file, rws, "id", comms["id"].to_numpy()[pos],
                  ["has no party organisation (社区党委/党总支) covering it"] * len(pos))

    # 5. population (常住/户籍人口) of a grid or community against the sum of the figures below it
    _population_warnings(g, out, rows, files)

    frame = pd.DataFrame(out, columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _population_warnings(g, out: list, rows, files) -> None:
    """A grid's or community's population off its complete roll-up by more than 5 % (orggraph.geo.population)."""
    from ..geo.population import TOLERANCE, population_differences

    diff = population_differences(g)
    for (level, column), part in diff.groupby(["level", "column"], sort=False):
        table, below = ("grids", "its areas and sub-grids") if level == "grid" else ("communities", "its grids and areas")
        ids = g.nodes("Grid" if level == "grid" else "Community")["id"]
        file, rws = _where(rows, files, table, pd.Index(ids).get_indexer(part["id"]).tolist())
        _emit(out, table, file, rws, column, part["own"].astype("int64"),
              [f"differs from the sum over {below} ({int(r)}) by more than {TOLERANCE:.0%}" for r in part["rolled_up"]])
