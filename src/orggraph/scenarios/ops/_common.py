"""Building blocks shared by the operations: dissolving bodies, unit kinds, households."""

from __future__ import annotations

import pandas as pd

from ...errors import ScenarioError
from ...schema import ENUMS
from .._edit import Edit

def unit_kinds(kinds, what: str) -> tuple[str, ...]:
    """Canonical unit kinds (Chinese aliases accepted); ScenarioError for an unknown one."""
    lookup = ENUMS["unit_kind"].lookup()
    out = []
    for k in [kinds] if isinstance(kinds, str) else list(kinds):
        v = lookup.get(str(k)) or lookup.get(str(k).lower())
        if v is None:
            raise ScenarioError(f"{what}: {k!r} is not a unit kind ({', '.join(ENUMS['unit_kind'].values)})")
        out.append(v)
    return tuple(out)


def enum_value(enum: str, value, what: str) -> str:
    lookup = ENUMS[enum].lookup()
    v = lookup.get(str(value)) or lookup.get(str(value).lower())
    if v is None:
        raise ScenarioError(f"{what}: {value!r} is not one of {', '.join(ENUMS[enum].values)}")
    return v


def dissolve(edit: Edit, successors: dict[str, str | None], *, repoint: bool = True) -> int:
    """Dissolve bodies (撤销): posts end at the edit's date, coverage goes, subordinates move to the successor.

    ``successors`` maps each dissolved body to the body that takes over (or None;
    several ids joined by ';' after a split). The dissolved body stays in the
    graph as a record, with ``end`` = the edit's date (撤销日期: dated structure, so
    it no longer exists from that day) and ``merged_into`` (the successor). With ``repoint``, bodies subordinate to a
    dissolved one now answer to its successor. Returns the number of posts ended.
    """
    if not successors:
        return 0
    bodies = list(successors)
    posts = edit.edges("HOLDS_POST")
    ended = edit.end_posts(posts["target"].isin(bodies).to_numpy())
    cov = edit.edges("COVERS")
    edit.drop_edges("COVERS", cov["source"].isin(bodies).to_numpy())
    moves = {b: s for b, s in successors.items() if s is not None} if repoint else {}
    sub = edit.edges("SUBORDINATE_TO")
    hit = sub["target"].isin(list(moves)) & ~sub["source"].isin(bodies)
    if moves and hit.any():
        sub = sub.copy(deep=False)
        tgt = sub["target"].copy()
        tgt[hit] = tgt[hit].map(moves)
        sub["target"] = tgt
        from .._edit import dedupe_edges

        edit.put_edges("SUBORDINATE_TO", dedupe_edges("SUBORDINATE_TO", sub, touched=set(moves.values())))
    kinds = edit.kinds(bodies)
    day = edit.date.isoformat()
    for kind in ("PartyOrg", "Unit"):
        ids = [b for b in bodies if kinds[b] == kind]
        if ids:
            succ = pd.Series({b: successors[b] for b in ids}, dtype=object)
            edit.set_attrs(kind, ids, end=pd.Timestamp(day), merged_into=succ)
    return ended


def add_counts(edit: Edit, community: str, households, population) -> None:
    """Add households and population to a community (missing values count as unknown, not 0)."""
    row = edit.node_row("Community", community)
    vals = {}
    for col, extra in (("households", households), ("population", population)):
        if extra is pd.NA or extra is None:
            continue
        cur = row.get(col)
        vals[col] = int(extra) + (0 if cur is None or pd.isna(cur) else int(cur))
    if vals:
        edit.set_attrs("Community", [community], **vals)


def append_list_attr(edit: Edit, kind: str, id: str, column: str, values: list[str]) -> None:
    """Append ids to a ';'-separated attribute (lineage such as ``merged_from``)."""
    f = edit.nodes(kind)
    cur = f.loc[f["id"] == id, column].iloc[0] if column in f.columns else None
    have = [] if cur is None or (not isinstance(cur, str) and pd.isna(cur)) or cur == "" else str(cur).split(";")
    edit.set_attrs(kind, [id], **{column: ";".join(have + [v for v in values if v not in have])})


def post_rows(cadres, body: str, role: str, start, *, end=None, part_time=None, **extra) -> pd.DataFrame:
    """HOLDS_POST rows for ``cadres`` on ``body``."""
    cadres = list(pd.unique(pd.Series(list(cadres), dtype=object)))
    data = {"source": cadres, "target": [body] * len(cadres), "role": [role] * len(cadres),
            "start": [pd.Timestamp(start)] * len(cadres),
            "end": [pd.Timestamp(end) if end is not None else pd.NaT] * len(cadres),
            "part_time": pd.array([part_time] * len(cadres), dtype="boolean")}
    data.update({k: [v] * len(cadres) for k, v in extra.items()})
    return pd.DataFrame(data)


def ancestors(edit: Edit, ids) -> dict[str, list[str]]:
    """For each territory: its chain of primary containers (first CONTAINS claim), nearest first."""
    from ...schema import TERRITORY_KINDS

    chains: dict[str, list[str]] = {i: [] for i in ids}
    current = {i: i for i in ids}
    for _ in range(16):
        if not current:
            break
        parents = edit.primary_parent(list(dict.fromkeys(current.values())), TERRITORY_KINDS)
        nxt = {}
        for item, node in current.items():
            p = parents.get(node)
            if isinstance(p, str) and p not in chains[item] and p != item:
                chains[item].append(p)
                nxt[item] = p
        current = nxt
    return chains


def shift_counts(edit: Edit, moves: list[tuple[str, list[str], list[str]]]) -> None:
    """Move households (and community/street population, pro rata) along with moved territories.

    ``moves`` holds ``(item, old_chain, new_chain)``; every container in the old
    chain but not in the new one loses the item's households, and the reverse
    gains them. Population of a community or street shifts by the households
    times the population per household of the item's old community.
    """
    from ...schema import NODE_KINDS

    hh_delta: dict[str, int] = {}
    pop_delta: dict[str, int] = {}
    kinds_with_hh = [k for k, spec in NODE_KINDS.items() if spec.attr("households")]
    hh = {}
    for k in kinds_with_hh:
        f = edit.nodes(k)
        hh.update(dict(zip(f["id"], f["households"])))
    comm = edit.nodes("Community").set_index("id")
    for item, old, new in moves:
        h = hh.get(item)
        if h is None or pd.isna(h) or not h:
            continue
        h = int(h)
        ratio = None
        for a in old:
            if a in comm.index:
                hc, pc = comm.at[a, "households"], comm.at[a, "population"]
                if not pd.isna(hc) and not pd.isna(pc) and hc:
                    ratio = float(pc) / float(hc)
                break
        p = int(round(h * ratio)) if ratio is not None else 0
        for a in set(old) - set(new):
            hh_delta[a] = hh_delta.get(a, 0) - h
            pop_delta[a] = pop_delta.get(a, 0) - p
        for a in set(new) - set(old):
            hh_delta[a] = hh_delta.get(a, 0) + h
            pop_delta[a] = pop_delta.get(a, 0) + p
    if not hh_delta:
        return
    kinds = edit.kinds(list(hh_delta))
    for k in kinds_with_hh:
        ids = [i for i in hh_delta if kinds[i] == k]
        if not ids:
            continue
        f = edit.nodes(k).set_index("id")
        cur = f.loc[ids, "households"]
        new_hh = {i: (int(cur[i]) + hh_delta[i]) for i in ids if not pd.isna(cur[i])}
        vals = {}
        if new_hh:
            vals["households"] = pd.Series({i: max(v, 0) for i, v in new_hh.items()})
        if "population" in f.columns:
            curp = f.loc[ids, "population"]
            new_pop = {i: max(int(curp[i]) + pop_delta.get(i, 0), 0) for i in ids if not pd.isna(curp[i]) and pop_delta.get(i)}
            if new_pop:
                vals["population"] = pd.Series(new_pop)
        for col, series in vals.items():
            edit.set_attrs(k, list(series.index), **{col: series})


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights`` so that the parts add up to it exactly."""
    n = len(weights)
    w = [max(float(x), 0.0) for x in weights]
    s = sum(w)
    if s == 0:
        w, s = [1.0] * n, float(n)
    raw = [total * x / s for x in w]
    base = [int(r // 1) for r in raw]
    rest = total - sum(base)
    order = sorted(range(n), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return base
