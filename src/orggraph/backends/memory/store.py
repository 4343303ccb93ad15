"""Columnar storage of the typed graph: one DataFrame per node kind and per edge type.

The tables are the source of truth; a :class:`networkx.MultiDiGraph` is built
from them on first use and cached until the next change. Measured on a
synthetic province (1.04M nodes, 1.53M edges) the tables take ~35 ms to build
and ~12 bytes per node+edge, against 10.5 s and ~590 bytes for a MultiDiGraph.

Reference columns of the ledger (``street_id``, ``parent_id``, ``territory_id``
…) are not stored on the nodes: they are edges. :meth:`TableStore.nodes`
derives them back (the first edge of the right type and kind, in insertion
order), so the ledger reader puts the column edges first and a ledger
round-trips.

Every node has an integer **code**, kept beside the tables rather than derived
per query: each node table carries the codes of its rows and each edge table
the codes of its endpoints, computed once when rows are added (:class:`_Ids`
maps ids to codes). A copy shares them with the tables, so a query on a fresh
copy or on a scenario's graph starts from integer arrays instead of hashing a
million id strings again.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ... import _types
from ...errors import NodeNotFound, SchemaError
from ...schema import EDGE_TYPES, NODE_KINDS, edge_type, node_kind

__all__ = ["TableStore"]


def _empty_frame(columns: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=_types.DTYPES[typ]) for name, typ in columns})


class _Table:
    """A DataFrame, integer arrays aligned with its rows, and a buffer of rows added one at a time.

    The arrays are the codes of a node table's ids (one array) or of an edge
    table's sources and targets (two arrays).
    """

    __slots__ = ("_frame", "_arrays", "_pending", "_pending_arrays")

    def __init__(self, frame: pd.DataFrame, arrays: tuple[np.ndarray, ...]):
        self._frame = frame
        self._arrays = arrays
        self._pending: list[dict] = []
        self._pending_arrays: list[tuple[int, ...]] = []

    def _flush(self) -> None:
        if self._pending:
            extra = pd.DataFrame(self._pending)
            more = np.array(self._pending_arrays, dtype=np.int64).T
            self._pending, self._pending_arrays = [], []
            self._frame = _concat(self._frame, extra)
            self._arrays = tuple(np.concatenate([a, m]) for a, m in zip(self._arrays, more))

    @property
    def frame(self) -> pd.DataFrame:
        self._flush()
        return self._frame

    @property
    def arrays(self) -> tuple[np.ndarray, ...]:
        self._flush()
        return self._arrays

    def append(self, frame: pd.DataFrame, arrays: tuple[np.ndarray, ...]) -> None:
        self._flush()
        self._frame = _concat(self._frame, frame)
        self._arrays = tuple(np.concatenate([a, b]) for a, b in zip(self._arrays, arrays))

    def append_row(self, row: dict, arrays: tuple[int, ...]) -> None:
        self._pending.append(row)
        self._pending_arrays.append(arrays)

    def replace(self, frame: pd.DataFrame, arrays: tuple[np.ndarray, ...]) -> None:
        self._pending, self._pending_arrays = [], []
        self._frame = frame.reset_index(drop=True)
        self._arrays = arrays

    def keep(self, mask: np.ndarray) -> None:
        """Keep the rows where ``mask`` is true."""
        if not mask.all():
            self.replace(self.frame[mask], tuple(a[mask] for a in self.arrays))

    def remap(self, mapping: np.ndarray) -> None:
        """Replace every code ``c`` by ``mapping[c]`` (``mapping[-1]`` is the new value of -1)."""
        self._arrays = tuple(mapping[a] for a in self.arrays)

    def copy(self) -> "_Table":
        return _Table(self.frame, self.arrays)

    def __len__(self) -> int:
        return len(self._frame) + len(self._pending)


_NO_CODES = np.empty(0, dtype=np.int64)

#: whether a frame handed out must be a deep copy of the stored one: not under pandas' copy-on-write (always on
#: from pandas 3), where a shallow copy is as safe (a change to it copies first) and costs nothing; the queries
#: read the node and edge frames many times (the Area table at L: ~700k rows per deep copy)
DEEP_COPIES = not (int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True)


class _Ids:
    """Ids and their integer codes: ``ids[code]`` is the id, ``kind[code]`` its kind.

    ``kind`` is the position of the node kind in :data:`NODE_KINDS`, or -1 for
    an id that is not (or no longer) a node of the store. Never modified: a
    change gives a new object, so copies of a store share it safely. The hash
    index over the ids is built on the first look-up and shared with every
    object derived from this one while no id is added; ids added a few at a time
    go to a small dictionary beside it instead of rebuilding it.
    """

    __slots__ = ("ids", "kind", "_index", "_tail", "checked")

    def __init__(self, ids: np.ndarray, kind: np.ndarray, index: pd.Index | None = None,
                 tail: dict | None = None, checked: bool = True):
        self.ids = ids
        self.kind = kind
        self._index = index  # over ids[:len(index)], built lazily
        self._tail = tail or {}  # id -> code for the codes after the index
        self.checked = checked  # False: ids were appended without a look-up and may repeat

    @classmethod
    def empty(cls) -> "_Ids":
        return cls(np.empty(0, dtype=object), np.empty(0, dtype=np.int8))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def indexed(self) -> bool:
        return self._index is not None

    def index(self) -> pd.Index:
        if self._index is None:
            self._index = pd.Index(self.ids, dtype=object)
            self._tail = {}
        return self._index

    def lookup(self, values: np.ndarray) -> np.ndarray:
        """Code of each value, -1 when it has none (whether or not it is a live node); needs unique ids."""
        codes = self.index().get_indexer(values).astype(np.int64, copy=False)
        if self._tail:
            miss = np.flatnonzero(codes < 0)
            if len(miss):
                get = self._tail.get
                codes[miss] = [get(v, -1) for v in values[miss].tolist()]
        return codes

    def extend(self, new: np.ndarray, kind: int, checked: bool) -> tuple["_Ids", np.ndarray]:
        """A new object with ids ``new`` (absent here) appended as nodes of ``kind``; and their codes."""
        n, m = len(self.ids), len(new)
        codes = np.arange(n, n + m, dtype=np.int64)
        ids = np.concatenate([self.ids, new])
        kinds = np.concatenate([self.kind, np.full(m, kind, dtype=np.int8)])
        if self._index is not None and checked and m <= max(64, n // 64):
            tail = dict(self._tail)
            tail.update(zip(new.tolist(), codes.tolist()))
            return _Ids(ids, kinds, self._index, tail, self.checked), codes
        return _Ids(ids, kinds, None, None, self.checked and checked), codes

    def with_kind(self, codes: np.ndarray, kind) -> "_Ids":
        """A new object where ``codes`` have ``kind`` (an int, or an array aligned with codes)."""
        kinds = self.kind.copy()
        kinds[codes] = kind
        return _Ids(self.ids, kinds, self._index, self._tail, self.checked)


def _concat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    if len(b) == 0 and not (set(b.columns) - set(a.columns)):
        return a
    if len(a) == 0 and len(a.columns) == 0:
        return b.reset_index(drop=True)
    out = pd.concat([a, b], ignore_index=True, sort=False)
    # keep the schema dtypes (concat with an all-missing column, or onto an empty table, can fall back to
    # object or Float64; the empty tables carry the schema dtypes)
    for col in a.columns:
        if out[col].dtype != a[col].dtype and (len(a) or a[col].dtype != object):
            try:
                out[col] = out[col].astype(a[col].dtype)
            except (TypeError, ValueError):
                pass
    return out


def _typed(kind_attrs, frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Parse the schema attributes of ``frame`` to their types; raise on unparsable values."""
    out = frame.copy()
    problems = []
    for a in kind_attrs:
        if a.name not in out.columns:
            out[a.name] = _types.empty_column(a.type, out.index)
            continue
        vals, bad = _types.parse(out[a.name], a.type)
        if a.enum and vals.notna().any():
            from ...schema import ENUMS

            lookup = ENUMS[a.enum].lookup()
            mapped = vals.map(lambda v: lookup.get(v, lookup.get(str(v).lower())) if isinstance(v, str) else None)
            bad = bad | (vals.notna() & mapped.isna())
            vals = mapped
        if a.minimum is not None:
            numeric = vals.astype("float64")
            bad = bad | (numeric < a.minimum).fillna(False).astype(bool)
        if bad.any():
            shown = "<personal data>" if a.personal else list(frame.loc[bad, a.name].head(3))
            problems.append(f"{what}.{a.name}: {int(bad.sum())} bad value(s), e.g. {shown}")
        out[a.name] = vals
    if problems:
        raise SchemaError("; ".join(problems))
    return out


_KIND_POS = {k: i for i, k in enumerate(NODE_KINDS)}


def _take(codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``codes[rows]``, and -1 where a row is -1."""
    if not len(codes):
        return np.full(len(rows), -1, dtype=np.int64)
    return np.where(rows >= 0, codes[np.maximum(rows, 0)], -1)


class TableStore:
    """The in-memory typed graph. Not thread-safe."""

    def __init__(self) -> None:
        self._nodes: dict[str, _Table] = {
            k: _Table(_empty_frame([(a.name, a.type) for a in spec.attrs]), (_NO_CODES,)) for k, spec in NODE_KINDS.items()
        }
        self._edges: dict[str, _Table] = {
            t: _Table(_empty_frame([("source", "str"), ("target", "str")] + [(a.name, a.type) for a in spec.attrs]),
                      (_NO_CODES, _NO_CODES))
            for t, spec in EDGE_TYPES.items()
        }
        self._ids = _Ids.empty()
        self.version = 0
        self._cache: dict = {}

    # ------------------------------------------------------------ bookkeeping
    def _changed(self) -> None:
        self.version += 1
        self._cache.clear()

    def cached(self, key, build):
        """Return ``build()`` memoised until the next change of the graph."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def id_index(self) -> pd.Series:
        """Series id → kind over all nodes, grouped by kind in :data:`NODE_KINDS` order (cached)."""

        def build():
            ids, kind = self.codes()
            live = np.flatnonzero(kind >= 0)
            live = live[np.argsort(kind[live], kind="stable")]
            names = np.array(list(NODE_KINDS), dtype=object)
            return pd.Series(names[kind[live]], index=pd.Index(ids.to_numpy(dtype=object)[live], dtype=object), dtype=object)

        return self.cached("id_index", build)

    # ------------------------------------------------------------ integer codes
    def codes(self) -> tuple[pd.Index, np.ndarray]:
        """Integer codes of the nodes: ``(ids, kind)``.

        ``ids[code]`` is a node's id and ``kind[code]`` the position of its kind in
        :data:`NODE_KINDS`; -1 marks a code that is not a node of this store (one
        removed, or one a copy of the store added). Codes are kept with the tables
        (see the module docstring), so this costs nothing. Queries work on codes:
        comparing integers is ~10× cheaper than hashing id strings, which
        dominates at a million nodes.
        """
        reg = self._registry()
        if reg.indexed and not reg._tail:
            return reg.index(), reg.kind
        return pd.Index(reg.ids, dtype=object), reg.kind

    def edge_codes(self, type: str) -> tuple[np.ndarray, np.ndarray]:
        """Codes (see :meth:`codes`) of the source and target of every edge of ``type``, in table order.

        -1 for an endpoint that is not a node. Do not modify the arrays.
        """
        self._registry()
        return self._edges[edge_type(type).name].arrays

    def node_codes(self, kind: str) -> np.ndarray:
        """Codes (see :meth:`codes`) of the nodes of ``kind``, aligned with the rows of :meth:`node_frame`."""
        self._registry()
        return self._nodes[node_kind(kind).name].arrays[0]

    def code_of(self, values) -> np.ndarray:
        """The code of each id in ``values`` (int64; -1 for an id that is not a node)."""
        values = np.asarray(values, dtype=object)
        reg = self._registry()
        if not len(values) or not len(reg):
            return np.full(len(values), -1, dtype=np.int64)
        out = reg.lookup(values)
        found = np.flatnonzero(out >= 0)
        out[found[reg.kind[out[found]] < 0]] = -1  # ids that are no longer nodes
        return out

    def adopt_index(self, index: pd.Index) -> None:
        """Use ``index`` (every node id once, in code order, e.g. built by validation) as the id look-up.

        Saves hashing a million ids again; refused unless it holds exactly the registry's ids.
        """
        reg = self._ids
        if len(index) != len(reg.ids) or not index.is_unique or not (index.to_numpy(dtype=object) == reg.ids).all():
            raise ValueError("adopt_index: the index does not hold the store's ids in code order")
        self._ids = _Ids(reg.ids, reg.kind, index, None, True)

    def _registry(self) -> _Ids:
        """The id registry, with repeated ids merged first (only ids appended without a look-up can repeat)."""
        if not self._ids.checked:
            self._merge_repeated_ids()
        return self._ids

    def _merge_repeated_ids(self) -> None:
        reg = self._ids
        codes, uniques = pd.factorize(reg.ids)
        if len(uniques) == len(reg.ids):
            self._ids = _Ids(reg.ids, reg.kind, reg._index, reg._tail, True)
            return
        # renumber: each id keeps its first code's kind (a store built without validation can hold a repeated id)
        first = np.full(len(uniques), -1, dtype=np.int64)
        order = np.arange(len(codes))[::-1]
        first[codes[order]] = order
        live_first = np.full(len(uniques), -1, dtype=np.int64)
        alive = np.flatnonzero(reg.kind >= 0)[::-1]
        live_first[codes[alive]] = alive
        pick = np.where(live_first >= 0, live_first, first)
        self._ids = _Ids(np.asarray(uniques, dtype=object), reg.kind[pick], None, None, True)
        mapping = np.append(codes.astype(np.int64), -1)
        for t in list(self._nodes.values()) + list(self._edges.values()):
            t.remap(mapping)

    def _add_ids(self, values: np.ndarray, kind: int, lookup: bool) -> np.ndarray:
        """Codes for ids becoming nodes of ``kind``: an id known to the registry keeps its code.

        Without ``lookup`` (a trusted bulk add) ids are appended blindly while the
        registry has no index yet, and checked for repeats when it is next used.
        """
        reg = self._ids
        if not lookup and not reg.indexed:
            self._ids, codes = reg.extend(values, kind, checked=False)
        else:
            reg = self._registry()
            codes = reg.lookup(values) if len(reg) else np.full(len(values), -1, dtype=np.int64)
            old = codes >= 0
            if old.any():
                revived = codes[old][reg.kind[codes[old]] < 0]
                if len(revived):
                    reg = reg.with_kind(revived, kind)
            new = ~old
            if new.any():
                inverse, fresh = pd.factorize(values[new])
                reg, added = reg.extend(np.asarray(fresh, dtype=object), kind, checked=True)
                codes[new] = added[inverse]
            self._ids = reg
        self._resolve_dangling()
        return codes

    def _resolve_dangling(self) -> None:
        """Give edges whose endpoint was not a node when they were added the code of the node now there."""
        for t in self._edges.values():
            src, dst = t.arrays
            if len(src) and (src.min() < 0 or dst.min() < 0):
                f = t.frame
                arrays = []
                for col, a in (("source", src), ("target", dst)):
                    miss = np.flatnonzero(a < 0)
                    if len(miss):
                        a = a.copy()
                        a[miss] = self.code_of(f[col].to_numpy(dtype=object)[miss])
                    arrays.append(a)
                t._arrays = tuple(arrays)

    def _drop_ids(self, codes: np.ndarray) -> None:
        """``codes`` are no longer nodes: mark them, and set edge endpoints on them to -1."""
        codes = codes[codes >= 0]
        if not len(codes):
            return
        self._ids = self._ids.with_kind(codes, -1)
        dead = np.zeros(len(self._ids) + 1, dtype=bool)
        dead[codes] = True
        for t in self._edges.values():
            src, dst = t.arrays
            if len(src) and (dead[src].any() or dead[dst].any()):
                t._arrays = (np.where(dead[src], -1, src), np.where(dead[dst], -1, dst))

    def kinds_of(self, ids) -> pd.Series:
        """The kind of each id (NaN for an id that is not a node), indexed by the ids."""
        ids = pd.Index(pd.Series(list(ids) if not isinstance(ids, (pd.Series, pd.Index, np.ndarray)) else ids, dtype=object))
        codes = self.code_of(ids.to_numpy(dtype=object))
        names = np.array(list(NODE_KINDS) + [np.nan], dtype=object)
        return pd.Series(names[np.where(codes >= 0, self._ids.kind[codes], -1)], index=ids)

    def has(self, node_id) -> bool:
        return bool(self.code_of([node_id])[0] >= 0)

    # ------------------------------------------------------------ typing frames (for editors outside the store)
    @staticmethod
    def typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the attributes of node kind or edge type ``name`` parsed to their schema types.

        Raises :class:`~orggraph.errors.SchemaError` naming the attribute for a value that cannot be parsed.
        """
        spec = NODE_KINDS[name] if name in NODE_KINDS else edge_type(name)
        return _typed(spec.attrs, frame, spec.name)

    @staticmethod
    def concat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        """Rows of ``a`` then ``b``, keeping ``a``'s column dtypes (the schema types) where ``b`` leaves values out."""
        return _concat(a, b)

    # ------------------------------------------------------------ reading
    def node_frame(self, kind: str) -> pd.DataFrame:
        """The stored attributes of ``kind`` (no reference columns)."""
        return self._nodes[node_kind(kind).name].frame

    def edge_frame(self, type: str) -> pd.DataFrame:
        return self._edges[edge_type(type).name].frame

    def nodes(self, kind: str) -> pd.DataFrame:
        spec = node_kind(kind)
        return self.cached(("nodes", spec.name), lambda: self._with_refs(spec)).copy(deep=DEEP_COPIES)

    def edges(self, type: str) -> pd.DataFrame:
        return self.edge_frame(type).copy(deep=DEEP_COPIES)

    def _with_refs(self, spec) -> pd.DataFrame:
        frame = self._nodes[spec.name].frame
        if not spec.refs:
            return frame.reset_index(drop=True)
        out = frame.reset_index(drop=True)
        ids, _ = self.codes()
        values = np.append(ids.to_numpy(dtype=object), None)  # code -1 (no reference) reads None
        mine = self.node_codes(spec.name)
        cols: dict[str, np.ndarray] = {}
        for ref in spec.refs:  # on the integer codes: no id string is hashed
            src, dst = self.primary_ref_codes(spec.name, ref)
            target = np.full(len(values), -1, dtype=np.int64)
            target[src] = dst
            cols[ref.column] = values[target[mine]]
        # attributes first, reference columns after, extras last
        attr_names = [a.name for a in spec.attrs]
        extras = [c for c in out.columns if c not in attr_names]
        ref_frame = pd.DataFrame(cols, index=out.index, dtype=object)
        return pd.concat([out[attr_names], ref_frame, out[extras]], axis=1)

    def primary_ref_codes(self, kind: str, ref) -> tuple[np.ndarray, np.ndarray]:
        """(node codes, referenced codes) of the nodes of ``kind`` that have reference ``ref`` (first matching edge)."""
        _, kinds = self.codes()
        src, dst = self.edge_codes(ref.edge)
        mine, other = (dst, src) if ref.incoming else (src, dst)
        order = list(NODE_KINDS)
        known = np.append(kinds, -1)  # code -1 (an unknown id) has no kind
        ok = (known[mine] == order.index(kind)) & np.isin(known[other], [order.index(t) for t in ref.targets])
        ok &= self.undated_edges(ref.edge)
        mine, other = mine[ok], other[ok]
        _, first = np.unique(mine, return_index=True)  # the first edge of each node, in table order
        first.sort()
        return mine[first], other[first]

    def counts(self) -> dict[str, int]:
        out = {k: len(t) for k, t in self._nodes.items()}
        out.update({t: len(tb) for t, tb in self._edges.items()})
        return out

    # ------------------------------------------------------------ writing
    def add_nodes(self, kind: str, data, *, validate: bool = True) -> None:
        """Add nodes of one kind from a DataFrame or records; reference columns become edges."""
        spec = node_kind(kind)
        frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
        if len(frame) == 0:
            return
        if "id" not in frame.columns:
            raise SchemaError(f"{spec.name} nodes need an 'id' column")
        ref_cols = [r for r in spec.refs if r.column in frame.columns]
        refs = frame[[r.column for r in ref_cols]].copy()
        frame = frame.drop(columns=[r.column for r in ref_cols])
        if validate:
            frame = _typed(spec.attrs, frame, spec.name)
            ids = frame["id"]
            if ids.isna().any():
                raise SchemaError(f"{spec.name} nodes: {int(ids.isna().sum())} without an id")
            dup = ids[ids.duplicated()]
            if len(dup):
                raise SchemaError(f"duplicate id(s) among new {spec.name} nodes: {list(dup.head(5))}")
            clash = ids[self.code_of(ids.to_numpy(dtype=object)) >= 0]
            if len(clash):
                raise SchemaError(f"id(s) already in the graph: {list(clash.head(5))}")
        attr_names = [a.name for a in spec.attrs]
        frame = frame[attr_names + [c for c in frame.columns if c not in attr_names]].reset_index(drop=True)
        refs = refs.reset_index(drop=True)
        if validate:  # every reference must name a node of a right kind before anything is added
            self._check_refs(spec, frame["id"], refs, ref_cols)
        codes = self._add_ids(frame["id"].to_numpy(dtype=object), _KIND_POS[spec.name], lookup=validate)
        self._nodes[spec.name].append(frame, (codes,))
        self._changed()
        for ref in ref_cols:
            vals = _types.clean_text(refs[ref.column])
            has = vals.notna()
            if not has.any():
                continue
            here, there = frame["id"][has.to_numpy()].to_numpy(), vals[has].astype(str).to_numpy()
            src, dst = (there, here) if ref.incoming else (here, there)
            self.add_edges(ref.edge, pd.DataFrame({"source": src, "target": dst}), validate=validate)

    def _check_refs(self, spec, ids: pd.Series, refs: pd.DataFrame, ref_cols) -> None:
        """Raise unless each reference of the new nodes ``ids`` names an existing node, or one of them, of a right kind."""
        new = pd.Series(spec.name, index=pd.Index(ids.to_numpy(dtype=object), dtype=object), dtype=object)
        for ref in ref_cols:
            vals = _types.clean_text(refs[ref.column])
            targets = vals[vals.notna()].astype(str)
            if not len(targets):
                continue
            found = self.kinds_of(targets.to_numpy(dtype=object)).to_numpy(dtype=object)
            mine = new.reindex(targets.to_numpy(dtype=object)).to_numpy(dtype=object)
            kinds = np.where(pd.isna(found), mine, found)
            unknown = sorted({t for t, k in zip(targets, kinds) if not isinstance(k, str)})
            if unknown:
                raise NodeNotFound(f"{spec.name} nodes: {ref.column} names unknown id(s) {unknown[:5]}")
            pairs = {(k, spec.name) if ref.incoming else (spec.name, k) for k in kinds}
            wrong = sorted(p for p in pairs if not edge_type(ref.edge).allows(*p))
            if wrong:
                raise SchemaError(f"{spec.name} nodes: {ref.column} names a {', '.join(sorted({p[0] if ref.incoming else p[1] for p in wrong}))}")

    def add_node(self, kind: str, node_id: str, /, **attrs) -> None:
        """Add one node. Its id, attributes and references are normalised as the ledger reader does
        (full-width characters folded, blanks missing, values typed); a reference to an unknown node or
        one of a wrong kind is refused before anything is added."""
        spec = node_kind(kind)
        ref_names = {r.column for r in spec.refs}
        row = {"id": node_id, **{k: v for k, v in attrs.items() if k not in ref_names}}
        typed = _typed(spec.attrs, pd.DataFrame([row]), spec.name)
        node_id = typed["id"].iloc[0]
        if not isinstance(node_id, str):
            raise SchemaError(f"{spec.name} node without an id")
        if self.has(node_id):
            raise SchemaError(f"id already in the graph: {node_id!r}")
        links = []
        for ref in spec.refs:
            other = _types.clean_text(pd.Series([attrs.get(ref.column)], dtype=object)).iloc[0]
            if isinstance(other, str):
                links.append((ref, other))
                other_kind = self.kinds_of([other]).iloc[0]
                if not isinstance(other_kind, str):
                    raise NodeNotFound(f"{spec.name} {node_id!r}: {ref.column}={other!r} is not a node of the graph")
                pair = (other_kind, spec.name) if ref.incoming else (spec.name, other_kind)
                if not edge_type(ref.edge).allows(*pair):
                    raise SchemaError(f"{spec.name} {node_id!r}: {ref.column}={other!r} is a {other_kind}")
        code = self._add_ids(np.array([node_id], dtype=object), _KIND_POS[spec.name], lookup=True)
        self._nodes[spec.name].append_row(typed.iloc[0].to_dict(), (int(code[0]),))
        self._changed()
        for ref, other in links:
            s, t = (other, node_id) if ref.incoming else (node_id, other)
            self.add_edge(ref.edge, s, t)

    def add_edges(self, type: str, data, *, validate: bool = True, codes: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Add edges of one type from a DataFrame (``source``, ``target``, attributes) or records.

        ``codes`` (only without validation): the codes of the sources and targets,
        as a caller that has resolved the ids already knows them (the ledger
        reader: validation looks every reference up); they are trusted.
        """
        spec = edge_type(type)
        frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
        if len(frame) == 0:
            return
        for col in ("source", "target"):
            if col not in frame.columns:
                raise SchemaError(f"{spec.name} edges need a {col!r} column")
        if validate:
            frame = _typed(spec.attrs, frame, spec.name)
            for col in ("source", "target"):  # ids as the ledger reader cleans them (full-width folded, stripped)
                frame[col] = _types.clean_text(frame[col].astype(object))
        else:  # e.g. the edges of reference columns, which carry no attributes (no dates)
            for a in spec.attrs:
                if a.name not in frame.columns:
                    frame[a.name] = _types.empty_column(a.type, frame.index)
        names = ["source", "target"] + [a.name for a in spec.attrs]
        frame = frame[names + [c for c in frame.columns if c not in names]].reset_index(drop=True)
        if codes is None or validate:
            codes = self._endpoint_codes(frame)
        else:
            codes = tuple(np.asarray(c, dtype=np.int64) for c in codes)
            if any(len(c) != len(frame) for c in codes):
                raise ValueError(f"{spec.name}: codes for {[len(c) for c in codes]} endpoints, {len(frame)} edges")
        if validate:
            self._check_endpoints(spec, frame, codes)
        self._edges[spec.name].append(frame, codes)
        self._changed()

    def add_edge(self, type: str, source: str, target: str, /, **attrs) -> None:
        self.add_edges(type, pd.DataFrame([{"source": source, "target": target, **attrs}]))

    def _endpoint_codes(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return (self.code_of(frame["source"].to_numpy(dtype=object)), self.code_of(frame["target"].to_numpy(dtype=object)))

    def _check_endpoints(self, spec, frame: pd.DataFrame, codes: tuple[np.ndarray, np.ndarray]) -> None:
        src, dst = codes
        missing = (src < 0) | (dst < 0)
        if missing.any():
            unknown = [v for col, c in (("source", src), ("target", dst)) for v in frame[col].to_numpy(dtype=object)[c < 0]]
            raise NodeNotFound(f"{spec.name} edge(s) refer to unknown id(s): {sorted(set(map(str, unknown)))[:5]}")
        kind = self._ids.kind.astype(np.int64)
        pairs = np.unique(kind[src] * len(NODE_KINDS) + kind[dst])
        names = list(NODE_KINDS)
        wrong = [(names[p // len(names)], names[p % len(names)]) for p in pairs.tolist()]
        wrong = [p for p in wrong if not spec.allows(*p)]
        if wrong:
            raise SchemaError(
                f"{spec.name} is not allowed between " + ", ".join(f"{s} → {t}" for s, t in wrong[:5])
            )

    # ------------------------------------------------------------ removal and replacement
    def remove_nodes(self, ids: Iterable[str]) -> None:
        """Remove nodes and every edge touching them."""
        self._remove_codes(self.code_of(pd.Index(list(ids), dtype=object).to_numpy(dtype=object)))

    def _remove_codes(self, codes: np.ndarray) -> None:
        """Remove the nodes of ``codes`` (-1 ignored) and every edge touching them."""
        codes = codes[codes >= 0]
        dead = np.zeros(len(self._ids) + 1, dtype=bool)  # the last slot stands for code -1
        dead[codes] = True
        for t in self._nodes.values():
            if len(t):
                t.keep(~dead[t.arrays[0]])
        for t in self._edges.values():
            if len(t):
                src, dst = t.arrays
                t.keep(~(dead[src] | dead[dst]))
        self._ids = self._ids.with_kind(codes, -1)
        self._changed()

    def replace_edges(self, type: str, frame: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        """Replace the whole edge table of ``type`` (the caller keeps it valid).

        ``rows`` (optional, aligned with ``frame``): the row of the current table
        each row is, with the same source and target, or -1; those rows keep
        their codes, and only the others are looked up (an edit of a few rows of
        a million-row table then costs no string hashing).
        """
        frame = frame.reset_index(drop=True)
        table = self._edges[edge_type(type).name]
        if rows is None:
            codes = self._endpoint_codes(frame)
        else:
            codes = tuple(self._reuse(old, rows, frame[col]) for old, col in zip(table.arrays, ("source", "target")))
        table.replace(frame, codes)
        self._changed()

    def replace_nodes(self, kind: str, frame: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        """Replace the whole node table of ``kind`` (the caller keeps it valid, edges included).

        ``rows``: as for :meth:`replace_edges`, for the ``id`` column.
        """
        spec = node_kind(kind)
        frame = frame.reset_index(drop=True)
        table = self._nodes[spec.name]
        before = table.arrays[0]
        ids = frame["id"].to_numpy(dtype=object)
        if rows is None:
            codes = self._add_ids(ids, _KIND_POS[spec.name], lookup=True)
        else:
            codes = _take(before, rows)
            new = np.flatnonzero(codes < 0)
            if len(new):
                codes[new] = self._add_ids(ids[new], _KIND_POS[spec.name], lookup=True)
        table.replace(frame, (codes,))
        still = np.zeros(len(self._ids) + 1, dtype=bool)
        still[codes] = True
        self._drop_ids(before[~still[before]])
        self._changed()

    def _reuse(self, old: np.ndarray, rows: np.ndarray, values: pd.Series) -> np.ndarray:
        """Codes of ``values``: ``old[rows]`` where a row is given and was a node, looked up elsewhere."""
        codes = _take(old, rows)
        look = np.flatnonzero(codes < 0)
        if len(look):
            codes[look] = self.code_of(values.to_numpy(dtype=object)[look])
        return codes

    # ------------------------------------------------------------ dated structure
    def undated_edges(self, type: str) -> np.ndarray:
        """Mask of the edges of ``type`` with neither ``start`` nor ``end``.

        Only those can stand behind a reference column (``parent_id`` …): a dated
        link (an absorption) stays a row of its edge table (``contains`` …).
        """
        f = self.edge_frame(type)
        if "start" not in f.columns or "end" not in f.columns or edge_type(type).name == "HOLDS_POST":
            return np.ones(len(f), dtype=bool)
        return (f["start"].isna() & f["end"].isna()).to_numpy(dtype=bool)

    def at(self, as_of) -> "TableStore":
        """The graph as it stood on ``as_of``: a snapshot without what did not exist that day.

        Dated nodes (:data:`orggraph.rules.DATED_NODE_KINDS`) and structural
        edges (:data:`orggraph.rules.DATED_EDGE_TYPES`) whose ``start`` / ``end``
        put them outside ``as_of`` (:func:`orggraph.rules.exists_mask`) are
        left out, and so is every edge touching a node left out (its posts,
        its containment, its coverage). Returns this store itself when nothing
        is left out (a ledger without dates costs one pass over the date
        columns), otherwise a copy sharing the untouched tables; cached per
        date until the next change. Queries then run on the snapshot unchanged.
        """
        from ... import rules

        day = pd.Timestamp(as_of).normalize()
        return self.cached(("at", day), lambda: self._snapshot(day, rules))

    def _snapshot(self, day: pd.Timestamp, rules) -> "TableStore":
        gone: list[np.ndarray] = []
        keep_edges: dict[str, np.ndarray] = {}
        for kind in rules.DATED_NODE_KINDS:
            f = self.node_frame(kind)
            if len(f) and "start" in f.columns and (f["start"].notna().any() or f["end"].notna().any()):
                ok = rules.exists_mask(f["start"], f["end"], day.date())
                if not ok.all():
                    gone.append(self.node_codes(kind)[~ok])
        for etype in rules.DATED_EDGE_TYPES:
            f = self.edge_frame(etype)
            if len(f) and "start" in f.columns and (f["start"].notna().any() or f["end"].notna().any()):
                ok = rules.exists_mask(f["start"], f["end"], day.date())
                if not ok.all():
                    keep_edges[etype] = ok
        if not gone and not keep_edges:
            return self
        snap = self.copy()
        for etype, ok in keep_edges.items():
            snap._edges[etype].keep(ok)
        for etype in rules.DATED_EDGE_TYPES:  # every link left holds that day: undated in the snapshot
            t = snap._edges[etype]
            f = t.frame
            if len(f) and (f["start"].notna().any() or f["end"].notna().any()):
                t.replace(f.assign(start=pd.NaT, end=pd.NaT).astype({"start": f["start"].dtype, "end": f["end"].dtype}),
                          t.arrays)
        if gone:
            snap._remove_codes(np.concatenate(gone))
        snap._changed()
        return snap

    def copy(self) -> "TableStore":
        """A copy that shares the tables and their codes until one side changes them: O(number of tables).

        Safe because a table is never modified in place: every change (append,
        replace, removal) builds a new DataFrame and new code arrays and rebinds
        them. Code reading :meth:`node_frame` / :meth:`edge_frame` /
        :meth:`edge_codes` must not modify what it gets; :meth:`nodes` and
        :meth:`edges` hand out copies.
        """
        new = TableStore.__new__(TableStore)
        new._nodes = {k: t.copy() for k, t in self._nodes.items()}
        new._edges = {k: t.copy() for k, t in self._edges.items()}
        new._ids = self._registry()
        new.version = 0
        new._cache = {}
        return new

    def tables(self) -> tuple[Mapping[str, pd.DataFrame], Mapping[str, pd.DataFrame]]:
        return ({k: t.frame for k, t in self._nodes.items()}, {k: t.frame for k, t in self._edges.items()})
