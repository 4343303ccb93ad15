"""An all-or-nothing edit of a :class:`~orggraph.backends.memory.store.TableStore`.

A scenario operation reads the store, validates its parameters, computes the
new tables with pandas (only the affected rows are looked at; every table that
changes is rebuilt as a new frame, never modified in place) and collects them
in an :class:`Edit`. Nothing reaches the store until :meth:`Edit.commit`; an
operation that raises leaves the store as it was. Because tables are shared
between a store and its copies until one side rebinds them, the store that a
scenario keeps for undo stays intact while the edit runs on a copy.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from .. import rules
from ..backends.memory.store import TableStore
from ..errors import ScenarioError
from ..schema import EDGE_TYPES, NODE_KINDS, TERRITORY_KINDS, edge_type, node_kind

__all__ = ["Edit", "as_date", "ids_list"]


def as_date(value, what: str = "date") -> _dt.date:
    """A date from a date, datetime, Timestamp or a string in any ledger date form (``2021-12-05``)."""
    from ..queries._base import normalize_as_of

    if isinstance(value, (str, _dt.date, pd.Timestamp)):
        try:
            return normalize_as_of(value)
        except ValueError:
            pass
    raise ScenarioError(f"{what}={value!r} is not a date (YYYY-MM-DD)")


def ids_list(value, what: str) -> list[str]:
    """A list of ids from one id or an iterable of ids; refuses an empty list and repeats."""
    if isinstance(value, str):
        out = [value]
    else:
        try:
            out = list(value)
        except TypeError:
            raise ScenarioError(f"{what}: give an id or a list of ids, not {value!r}") from None
    if not out:
        raise ScenarioError(f"{what}: the list of ids is empty")
    bad = [v for v in out if not isinstance(v, str) or not v]
    if bad:
        raise ScenarioError(f"{what}: ids must be non-empty strings, got {bad[:3]!r}")
    dup = sorted({v for v in out if out.count(v) > 1})
    if dup:
        raise ScenarioError(f"{what}: id(s) listed twice: {dup[:5]}")
    return out


class Edit:
    """Pending changes to a store: new node and edge frames, committed together.

    Reading methods (:meth:`nodes`, :meth:`edges`, :meth:`kinds`) see the pending
    changes, so an operation can build on what it already changed.
    """

    def __init__(self, store: TableStore, date: _dt.date):
        self.store = store
        self.date = date
        self.day = pd.Timestamp(date)
        self._nodes: dict[str, pd.DataFrame] = {}
        self._edges: dict[str, pd.DataFrame] = {}
        # for each pending frame: the row of the store's table each row still is, or -1 (see _rows)
        self._node_rows: dict[str, np.ndarray] = {}
        self._edge_rows: dict[str, np.ndarray] = {}
        self._added: dict[str, str] = {}  # id -> kind of nodes added by this edit
        self._queued: dict[str, list[pd.DataFrame]] = {}  # new edges, checked and appended together
        self._removed: set[str] = set()
        self._memo: dict = {}  # derived sets keyed by the frame they came from

    # ------------------------------------------------------------ reading
    def nodes(self, kind: str) -> pd.DataFrame:
        """The node frame of ``kind`` (stored attributes, no reference columns); do not modify it."""
        kind = node_kind(kind).name
        return self._nodes[kind] if kind in self._nodes else self.store.node_frame(kind)

    def edges(self, type: str) -> pd.DataFrame:
        """The edge frame of ``type`` (queued new edges included); do not modify it."""
        type = edge_type(type).name
        if self._queued.get(type):
            self._flush(type)
        return self._edges[type] if type in self._edges else self.store.edge_frame(type)

    def kinds(self, ids) -> pd.Series:
        """Node kind of each id (NaN when unknown), indexed by id, pending changes included."""
        ids = pd.Index(list(ids), dtype=object)
        out = pd.Series(self.store.kinds_of(ids).to_numpy(dtype=object), index=ids, dtype=object)
        if self._added:
            extra = pd.Series(self._added, dtype=object).reindex(ids)
            out = out.where(extra.isna().to_numpy(), extra.to_numpy())
        if self._removed:
            out[ids.isin(list(self._removed))] = np.nan
        return out

    def kind(self, id: str) -> str | None:
        k = self.kinds([id]).iloc[0]
        return k if isinstance(k, str) else None

    def exists(self, id: str) -> bool:
        return self.kind(id) is not None

    def require(self, ids, kinds, what: str) -> list[str]:
        """Check that every id exists and is of one of ``kinds``; raise :class:`ScenarioError` otherwise."""
        ids = [ids] if isinstance(ids, str) else list(ids)
        k = self.kinds(ids)
        unknown = [i for i, v in zip(ids, k) if not isinstance(v, str)]
        if unknown:
            raise ScenarioError(f"{what}: unknown id(s) {unknown[:5]}")
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        wrong = [(i, v) for i, v in zip(ids, k) if v not in kinds]
        if wrong:
            shown = ", ".join(f"{i!r} is a {v}" for i, v in wrong[:5])
            raise ScenarioError(f"{what}: {shown}, not a {' or '.join(kinds)}")
        return ids

    def require_territory(self, id: str, what: str) -> str:
        kind = self.kind(id)
        if kind is None:
            raise ScenarioError(f"{what}: unknown id {id!r}")
        if kind not in TERRITORY_KINDS:
            raise ScenarioError(f"{what}: {id!r} is a {kind}, not a territory ({', '.join(TERRITORY_KINDS)})")
        return kind

    def node_row(self, kind: str, id: str) -> dict:
        f = self.nodes(kind)
        rows = f[f["id"] == id]
        if not len(rows):
            raise ScenarioError(f"unknown {kind} id {id!r}")
        return rows.iloc[0].to_dict()

    def primary_parent(self, ids, parent_kinds) -> pd.Series:
        """For each id: the source of its first CONTAINS edge from a node of ``parent_kinds`` (NaN if none)."""
        c = self.edges("CONTAINS")
        sel = c[c["target"].isin(list(ids))]
        if len(sel):
            sk = self.kinds(sel["source"]).to_numpy()
            sel = sel[np.isin(sk, list(parent_kinds))]
        first = sel.drop_duplicates("target", keep="first")
        return pd.Series(first["source"].to_numpy(), index=pd.Index(first["target"].to_numpy(), dtype=object)).reindex(list(ids))

    def subtree(self, roots) -> pd.Index:
        """The territories in ``roots`` and everything they contain (CONTAINS*)."""
        from ..scope import closure

        return closure(self.edges("CONTAINS"), list(roots))

    def containing(self, territory: str, kind: str) -> list[str]:
        """Sorted ids of the nodes of ``kind`` that are ``territory`` or contain it (``CONTAINS*``, cycles end).

        For an area: its claimant communities (two or more when contested, none when unassigned).
        """
        c = self.edges("CONTAINS")
        parents = c.groupby("target")["source"].agg(list).to_dict() if len(c) else {}
        seen, frontier = {territory}, [territory]
        while frontier:
            frontier = [p for t in frontier for p in parents.get(t, ()) if p not in seen]
            seen.update(frontier)
        kinds = self.kinds(sorted(seen))
        return sorted(i for i, k in kinds.items() if k == kind)

    def covering(self, territory_ids) -> pd.DataFrame:
        """COVERS rows whose target is one of ``territory_ids`` (``source`` = body, ``target``)."""
        cov = self.edges("COVERS")
        return cov[cov["target"].isin(list(territory_ids))]

    def community_body(self, community: str, selector: str) -> str | None:
        """The community's own body of ``selector`` (``committee`` or a unit kind) covering it, first one."""
        cov = self.covering([community])
        ids = self.bodies_matching(cov["source"], selector)
        return ids[0] if ids else None

    def bodies_matching(self, ids, selector: str) -> list[str]:
        """The ids (in order) that are a community party organisation (``committee``) or a unit of kind ``selector``."""
        ids = list(pd.unique(pd.Series(list(ids), dtype=object)))
        if not ids:
            return []
        kind = "PartyOrg" if selector == rules.COMMUNITY_PARTY_SELECTOR else "Unit"
        frame = self.nodes(kind)
        key = (selector, id(frame), rules.COMMUNITY_PARTY_LEVELS)
        ok = self._memo.get(key)
        if ok is None:
            if selector == rules.COMMUNITY_PARTY_SELECTOR:
                ok = set(frame.loc[rules.is_community_party_org(frame["level"], frame["unit_id"]), "id"])
            else:
                ok = set(frame.loc[frame["kind"] == selector, "id"])
            self._memo[key] = ok
        return [i for i in ids if i in ok]

    def current_posts(self, bodies, roles=None, day=None) -> pd.DataFrame:
        """HOLDS_POST rows on ``bodies`` current at the edit's date, or at ``day`` (roles filtered when given)."""
        e = self.edges("HOLDS_POST")
        ok = e["target"].isin(list(bodies))
        ok &= rules.current_mask(e["start"], e["end"], self.date if day is None else day)
        if roles is not None:
            ok &= e["role"].isin(list(roles))
        return e[ok.to_numpy(dtype=bool)]

    def new_id(self, base: str, taken=()) -> str:
        """``base``, or ``base-2``, ``base-3`` … : the first id neither in the graph nor in ``taken``."""
        taken = set(taken)
        candidate, n = base, 1
        while candidate in taken or self.exists(candidate):
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    # ------------------------------------------------------------ writing (pending until commit)
    def put_nodes(self, kind: str, frame: pd.DataFrame, *, kept: np.ndarray | None = None) -> None:
        """Set the pending node table of ``kind`` (built from :meth:`nodes`, never modified in place).

        ``kept`` (the Edit's own methods give it): for each row of ``frame``, the
        row of the current table it is with the same id, or -1 for a new or
        changed row. Without it, rows are matched by their index labels, checked
        against the ids (see :func:`_rows`).
        """
        kind = node_kind(kind).name
        current = self._nodes[kind] if kind in self._nodes else self.store.node_frame(kind)
        self._node_rows[kind] = self._rows_of(current, self._node_rows.get(kind), frame, ("id",), kept)
        self._nodes[kind] = frame.reset_index(drop=True)

    def put_edges(self, type: str, frame: pd.DataFrame, *, kept: np.ndarray | None = None) -> None:
        """Set the pending edge table of ``type`` (built from :meth:`edges`, never modified in place).

        ``kept``: as for :meth:`put_nodes`, for the source and target.
        """
        type = edge_type(type).name
        current = self._edges[type] if type in self._edges else self.store.edge_frame(type)
        self._edge_rows[type] = self._rows_of(current, self._edge_rows.get(type), frame, ("source", "target"), kept)
        self._edges[type] = frame.reset_index(drop=True)

    @staticmethod
    def _rows_of(current, current_rows, frame, keys, kept) -> np.ndarray:
        if kept is None:
            return _rows(current, current_rows, frame, keys)
        base = np.arange(len(current), dtype=np.int64) if current_rows is None else current_rows
        return np.where(kept >= 0, base[np.maximum(kept, 0)] if len(base) else -1, -1)

    def set_attrs(self, kind: str, ids, **values) -> None:
        """Set attribute columns of nodes ``ids`` (scalars, or Series indexed by id)."""
        f = self.nodes(kind).copy(deep=False)
        mask = f["id"].isin(list(ids)).to_numpy()
        if not mask.any():
            return
        for col, value in values.items():
            if isinstance(value, pd.Series):
                value = value.reindex(f.loc[mask, "id"]).to_numpy()
            if col not in f.columns:
                f[col] = pd.Series([None] * len(f), index=f.index, dtype=object)
            col_values = f[col].copy()
            try:
                col_values[mask] = value
            except (TypeError, ValueError):
                col_values = col_values.astype(object)
                col_values[mask] = value
            f[col] = col_values
        self.put_nodes(kind, f, kept=np.arange(len(f)))

    def add_nodes(self, kind: str, records: list[dict]) -> None:
        """Add nodes (attributes typed by the schema); reference columns become edges, as in the ledger."""
        spec = node_kind(kind)
        if not records:
            return
        frame = pd.DataFrame(records)
        ids = frame["id"].tolist()
        taken = [i for i in ids if self.exists(i)]
        if taken:
            raise ScenarioError(f"id(s) already in the graph: {taken[:5]}")
        if len(set(ids)) != len(ids):
            raise ScenarioError(f"new {spec.name} ids repeat: {sorted({i for i in ids if ids.count(i) > 1})[:5]}")
        refs = [r for r in spec.refs if r.column in frame.columns]
        ref_frame = frame[[r.column for r in refs]]
        frame = frame.drop(columns=[r.column for r in refs])
        try:
            frame = TableStore.typed(spec.name, frame)
        except Exception as exc:  # SchemaError: a bad value
            raise ScenarioError(str(exc)) from None
        names = [a.name for a in spec.attrs]
        frame = frame[names + [c for c in frame.columns if c not in names]]
        current = self.nodes(spec.name)
        self.put_nodes(spec.name, TableStore.concat(current, frame.reset_index(drop=True)),
                       kept=np.r_[np.arange(len(current)), np.full(len(frame), -1)])
        self._added.update({i: spec.name for i in ids})
        self._removed.difference_update(ids)
        for ref in refs:
            vals = ref_frame[ref.column]
            has = vals.notna().to_numpy()
            if not has.any():
                continue
            here, there = np.asarray(ids, dtype=object)[has], vals[has].astype(str).to_numpy()
            src, dst = (there, here) if ref.incoming else (here, there)
            self.add_edges(ref.edge, pd.DataFrame({"source": src, "target": dst}))

    def add_edges(self, type: str, frame: pd.DataFrame) -> None:
        """Append edges; their endpoints are checked against the schema when the edges are next read or committed."""
        if len(frame):
            self._queued.setdefault(edge_type(type).name, []).append(frame)

    def _flush(self, type: str) -> None:
        frames = self._queued.pop(type, [])
        if not frames:
            return
        spec = edge_type(type)
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        try:
            frame = TableStore.typed(spec.name, frame)
        except Exception as exc:
            raise ScenarioError(str(exc)) from None
        sk = self.kinds(frame["source"]).to_numpy()
        tk = self.kinds(frame["target"]).to_numpy()
        unknown = sorted({str(v) for v, k in zip(list(frame["source"]) + list(frame["target"]), list(sk) + list(tk)) if not isinstance(k, str)})
        if unknown:
            raise ScenarioError(f"{spec.name}: unknown id(s) {unknown[:5]}")
        wrong = sorted({(s, t) for s, t in zip(sk, tk) if not spec.allows(s, t)})
        if wrong:
            raise ScenarioError(f"{spec.name} is not allowed between " + ", ".join(f"{s} → {t}" for s, t in wrong[:5]))
        names = ["source", "target"] + [a.name for a in spec.attrs]
        frame = frame[names + [c for c in frame.columns if c not in names]]
        base = self._edges[spec.name] if spec.name in self._edges else self.store.edge_frame(spec.name)
        self.put_edges(spec.name, TableStore.concat(base, frame.reset_index(drop=True)),
                       kept=np.r_[np.arange(len(base)), np.full(len(frame), -1)])

    def remove_nodes(self, kind: str, ids) -> None:
        """Remove nodes of ``kind`` and every edge touching them (only the edge tables that can)."""
        ids = pd.Index(list(ids), dtype=object)
        if not len(ids):
            return
        for type in list(self._queued):
            self._flush(type)
        spec = node_kind(kind)
        f = self.nodes(spec.name)
        keep = ~f["id"].isin(ids).to_numpy()
        self.put_nodes(spec.name, f[keep], kept=np.flatnonzero(keep))
        for name, et in EDGE_TYPES.items():
            if not any(spec.name in pair for pair in et.triples):
                continue
            e = self.edges(name)
            touch = e["source"].isin(ids) | e["target"].isin(ids)
            if touch.any():
                keep = ~touch.to_numpy()
                self.put_edges(name, e[keep], kept=np.flatnonzero(keep))
        self._removed.update(ids)
        for i in ids:
            self._added.pop(i, None)

    def retarget(self, type: str, column: str, mapping: dict[str, str], *, dedupe: bool = True) -> int:
        """Replace ids in ``column`` (``source`` or ``target``) of edges of ``type`` by ``mapping``.

        Rows keep their place (so a node's first, primary, edge stays first). With
        ``dedupe``, a row that becomes equal to an earlier one on (source, target)
        and every attribute is dropped, and so is an ADJACENT row that becomes a
        self-loop or repeats a pair in either direction. Returns the number of rows changed.
        """
        if not mapping:
            return 0
        e = self.edges(type).reset_index(drop=True)  # labels are positions
        hit = e[column].isin(list(mapping))
        n = int(hit.sum())
        if not n:
            return 0
        e = e.copy(deep=False)
        col = e[column].copy()
        col[hit] = col[hit].map(mapping)
        e[column] = col
        if dedupe:
            e = dedupe_edges(type, e, touched=set(mapping.values()))  # keeps the labels (positions) of the rows it keeps
        kept = e.index.to_numpy(dtype=np.int64)
        self.put_edges(type, e, kept=np.where(hit.to_numpy()[kept], -1, kept))
        return n

    def drop_edges(self, type: str, mask) -> int:
        e = self.edges(type)
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return 0
        self.put_edges(type, e[~mask], kept=np.flatnonzero(~mask))
        return int(mask.sum())

    def end_posts(self, mask) -> int:
        """End the posts selected by ``mask`` (over HOLDS_POST rows) at the edit's date: ``end = min(end, date)``."""
        e = self.edges("HOLDS_POST")
        mask = np.asarray(mask, dtype=bool)
        change = mask & rules.runs_on(e["end"], self.date)
        if not change.any():
            return 0
        e = e.copy(deep=False)
        end = e["end"].copy()
        end[change] = self.day
        e["end"] = end
        self.put_edges("HOLDS_POST", e, kept=np.arange(len(e)))
        return int(change.sum())

    def commit(self) -> None:
        """Check the queued edges, then write every pending frame to the store."""
        for type in list(self._queued):
            self._flush(type)
        for kind, frame in self._nodes.items():
            self.store.replace_nodes(kind, frame, rows=self._node_rows[kind])
        for type, frame in self._edges.items():
            self.store.replace_edges(type, frame, rows=self._edge_rows[type])

    @property
    def changed(self) -> bool:
        return bool(self._nodes or self._edges or self._queued)


def _rows(current: pd.DataFrame, current_rows: np.ndarray | None, frame: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    """For each row of ``frame``: the row of the store's table it still is, or -1.

    ``frame`` was derived from ``current`` (a pending frame, or the store's own
    table when ``current_rows`` is None) by filtering, appending or changing
    columns; its index labels then name rows of ``current``. A label is trusted
    only where the row's ``keys`` (the id, or source and target) are equal to
    that row's in ``current``, so a wrong label only costs a look-up: the store
    reuses the integer codes of the rows given here and looks up the others
    (see :meth:`TableStore.replace_edges`).
    """
    out = np.full(len(frame), -1, dtype=np.int64)
    labels = frame.index
    if not len(frame) or not len(current) or not pd.api.types.is_integer_dtype(labels.dtype):
        return out
    pos = labels.to_numpy(dtype=np.int64)
    ok = (pos >= 0) & (pos < len(current))
    at = pos[ok]
    for key in keys:
        ok[ok] = frame[key].to_numpy(dtype=object)[ok] == current[key].to_numpy(dtype=object)[at]
        at = pos[ok]
    base = np.arange(len(current), dtype=np.int64) if current_rows is None else current_rows
    out[ok] = base[at]
    return out


def dedupe_edges(type: str, e: pd.DataFrame, touched=None) -> pd.DataFrame:
    """Drop edges repeating an earlier one (ADJACENT: also self-loops and reversed pairs).

    With ``touched`` (ids), only rows with an endpoint among them are checked:
    the others cannot have become duplicates.
    """
    if type == "HOLDS_POST":
        return e
    if touched is not None:
        near = (e["source"].isin(list(touched)) | e["target"].isin(list(touched))).to_numpy()
        if not near.any():
            return e
    else:
        near = np.ones(len(e), dtype=bool)
    sub = e[near]
    if type == "ADJACENT":
        a = sub["source"].astype(str).to_numpy()
        b = sub["target"].astype(str).to_numpy()
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        bad = (a == b) | pd.DataFrame({"lo": lo, "hi": hi}).duplicated().to_numpy()
    elif type == "CONTAINS":
        bad = sub.duplicated(["source", "target"]).to_numpy()
    else:
        bad = sub.duplicated().to_numpy()
    if not bad.any():
        return e
    drop = np.zeros(len(e), dtype=bool)
    drop[np.flatnonzero(near)[bad]] = True
    return e[~drop]


def household_sum(values: pd.Series):
    """Sum of known values, or missing when none is known."""
    v = pd.to_numeric(values, errors="coerce")
    return int(v.sum()) if v.notna().any() else pd.NA


__all__ += ["dedupe_edges", "household_sum"]
