"""Validation of a ledger: every problem collected, none loaded until there are none.

Each problem names the file, the row as a spreadsheet user counts it (the
header is row 1), the column, the value and what is wrong, with a suggestion
where one exists. Values of personal columns (a cadre's name, phone) are never
repeated in a problem.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _types
from ..schema import EDGE_TABLES, EDGE_TYPES, ENUMS, NODE_KINDS, NODE_TABLES, suggest
from .io import MAX_CELL_CHARS, RawTable

__all__ = ["validate_tables", "PROBLEM_COLUMNS"]

PROBLEM_COLUMNS = ["file", "table", "row", "column", "value", "problem", "suggestion", "severity"]
_REDACTED = "<personal data>"
#: tables of node kinds with personal attributes (cadres): their values are never repeated
_PRIVATE_TABLES = {k.table for k in NODE_KINDS.values() if any(a.personal for a in k.attrs)}


class _Collector:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, rt: RawTable, mask, column: str, problem, suggestion=None, value=None, personal=False):
        """Record ``problem`` for every row of ``rt`` where ``mask`` is true."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        numbers = rt.row_numbers().to_numpy()[idx]
        header = rt.renamed.get(column)
        header = f"{header} ({column})" if header else column
        if value is None:
            vals = rt.frame[column].to_numpy()[idx] if column in rt.frame.columns else [""] * len(idx)
        else:
            vals = value if isinstance(value, (list, np.ndarray, pd.Series)) else [value] * len(idx)
            vals = np.asarray(vals, dtype=object)
        probs = problem if isinstance(problem, (list, np.ndarray, pd.Series)) else [problem] * len(idx)
        sugg = suggestion if isinstance(suggestion, (list, np.ndarray, pd.Series)) else [suggestion] * len(idx)
        # in a table holding personal data every value but the id is withheld: a name or phone
        # typed into the wrong column must not come back in an error message
        personal = personal or (rt.table in _PRIVATE_TABLES and column != "id")
        for n, v, p, s in zip(numbers, vals, np.asarray(probs, dtype=object), np.asarray(sugg, dtype=object)):
            shown = _REDACTED if personal and v is not None and v == v else ("" if v is None or v != v else str(v))
            self.rows.append(dict(file=rt.file, table=rt.table, row=int(n), column=header, value=shown,
                                  problem=p, suggestion=s, severity="error"))

    def extend(self, problems):
        for p in problems:
            self.rows.append({**{c: p.get(c) for c in PROBLEM_COLUMNS}, "severity": "error"})

    def frame(self) -> pd.DataFrame:
        f = pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS)
        f["row"] = f["row"].astype("Int64")
        f["severity"] = f["severity"].fillna("error")
        # file by file, row by row, as a user works through them
        order = {name: i for i, name in enumerate(dict.fromkeys(f["file"]))}
        f = f.assign(_f=f["file"].map(order)).sort_values(["_f", "row"], kind="stable", na_position="first")
        return f.drop(columns="_f").reset_index(drop=True)


def _parse_attrs(rt: RawTable, attrs, col: _Collector) -> pd.DataFrame:
    """Type every schema attribute of the table; record bad values."""
    frame = rt.frame
    out = pd.DataFrame(index=frame.index)
    for a in attrs:
        if a.name not in frame.columns:
            out[a.name] = _types.empty_column(a.type, frame.index)
            continue
        raw = frame[a.name]
        vals, bad = _types.parse(raw, a.type)
        if bad.any():
            col.add(rt, bad, a.name, f"is not a valid {_TYPE_WORDS[a.type]}", personal=a.personal)
        given = vals.notna() if a.enum or a.required else None
        if a.enum:
            lookup = ENUMS[a.enum].lookup()
            present = given
            mapped = _map_distinct(vals, lambda v: lookup.get(v, lookup.get(str(v).lower())) if isinstance(v, str) else None)
            unknown = present & mapped.isna()
            if unknown.any():
                what = {"party_level": "level", "role": "role"}.get(a.enum, "kind")
                sugg = [suggest(a.enum, v) for v in vals[unknown]]
                col.add(rt, unknown, a.name, f"is not a known {what}", sugg)
            vals = mapped
        if a.minimum is not None:
            low = (vals.astype("float64") < a.minimum).fillna(False).astype(bool)
            if low.any():
                col.add(rt, low, a.name, f"is below the minimum {a.minimum:g}")
        if a.required:
            missing = ~given & ~bad
            if missing.any():
                col.add(rt, missing, a.name, "a value is required here", value="")
        out[a.name] = vals
    return out


_TYPE_WORDS = {"int": "whole number", "float": "number", "bool": "yes/no value (是/否, true/false)",
               "date": "date (YYYY-MM-DD)",
               "month": "date or month (YYYY-MM-DD, YYYY-MM, 1985年6月)", "str": "text", "wkt": "WKT geometry"}


def _check_oversized(rt: RawTable, col: _Collector) -> None:
    if rt.longest_cell is not None and rt.longest_cell <= MAX_CELL_CHARS:
        return  # no cell can be that long (see RawTable.longest_cell)
    for c in rt.frame.columns:
        if not (rt.frame[c].dtype == object or pd.api.types.is_string_dtype(rt.frame[c].dtype)):
            continue
        if isinstance(rt.frame[c].dtype, pd.StringDtype):
            big = _longer_than(rt.frame[c], MAX_CELL_CHARS)
        else:
            try:
                big = (rt.frame[c].str.len() > MAX_CELL_CHARS).fillna(False).astype(bool)
            except AttributeError:  # no strings in the column (numbers or blanks from a workbook)
                continue
        if big.any():
            col.add(rt, big, c, f"a cell of more than {MAX_CELL_CHARS:,} characters", value="<oversized>")
            rt.frame.loc[big, c] = None


def _longer_than(texts: pd.Series, limit: int) -> pd.Series:
    """Which cells of a text column hold more than ``limit`` characters (missing ones do not)."""
    present = texts.notna().to_numpy()
    values = texts.to_numpy(dtype=object)[present].tolist()
    big = np.zeros(len(texts), dtype=bool)
    if len("".join(values)) > limit:  # else no single value can be that long
        big[present] = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) > limit
    return pd.Series(big, index=texts.index)


def _map_distinct(s: pd.Series, f) -> pd.Series:
    """``s.map(f)`` (same values and dtype), calling ``f`` once per distinct value.

    ``f`` must give one answer for every missing value (they are looked up as one).
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if not len(uniques) or (codes < 0).all():
        return s.map(f)
    keys = list(uniques)
    if (codes < 0).any():
        keys.append(s.iloc[int(np.argmax(codes < 0))])
        codes = np.where(codes < 0, len(uniques), codes)
    mapped = pd.Series(keys, dtype=object).map(f)
    return mapped.iloc[codes].set_axis(s.index).rename(s.name)


def validate_tables(tables: dict[str, RawTable], read_problems: list[dict]):
    """Validate raw tables. Returns ``(nodes, edges, problems, ids)``.

    ``nodes`` maps node kind → typed frame (attributes and extras, with the
    reference columns still in it); ``edges`` maps edge type → list of
    ``(table name, typed frame with source/target, (source codes, target codes))``;
    ``problems`` is a DataFrame (empty when the ledger is valid). ``ids`` is an
    index of every node id, kind after kind in the order of ``nodes`` and row
    after row: the codes of the edges are positions in it. Codes and ``ids``
    describe a valid ledger only (no problems); they let the graph be built
    without looking the ids up again.
    """
    col = _Collector()
    col.extend(read_problems)
    nodes: dict[str, pd.DataFrame] = {}
    sources: dict[str, RawTable] = {}

    # ---- required columns and typed attributes per node table
    for table, spec in NODE_TABLES.items():
        rt = tables.get(table)
        if rt is None or rt.frame.empty and not len(rt.frame.columns):
            continue
        _check_oversized(rt, col)
        missing_cols = [c for c in ("id", "name") if c not in rt.frame.columns]
        for c in missing_cols:
            col.rows.append(dict(file=rt.file, table=table, row=rt.first_row - 1, column=c, value="",
                                 problem=f"required column {c!r} is missing", suggestion=_alias_hint(spec, c),
                                 severity="error"))
        if missing_cols:
            continue
        typed = _parse_attrs(rt, spec.attrs, col)
        for r in spec.refs:
            typed[r.column] = _types.clean_text(rt.frame[r.column]) if r.column in rt.frame.columns else None
        known = set(typed.columns)
        for extra in rt.frame.columns:
            if extra not in known:
                typed[extra] = _types.clean_text(rt.frame[extra])
        nodes[spec.name] = typed
        sources[spec.name] = rt

    # ---- ids unique across the whole ledger
    ids = np.concatenate([np.empty(0, dtype=object)] + [f["id"].to_numpy(dtype=object) for f in nodes.values()])
    kinds = np.repeat(np.array([_KINDS.index(k) for k in nodes], dtype=np.int8), [len(f) for f in nodes.values()])
    present = ~pd.isna(ids)
    index = pd.Index(ids[present], dtype=object)  # its hash table serves every look-up below
    dup = np.zeros(len(ids), dtype=bool)
    if not index.is_unique:
        rows = np.concatenate([np.empty(0, dtype=np.int64)] + [np.arange(len(f)) for f in nodes.values()])
        all_ids = pd.DataFrame({"id": ids, "kind": np.array(_KINDS, dtype=object)[kinds], "pos": rows})
        dup = present & all_ids["id"].duplicated(keep="first").to_numpy()
        index = pd.Index(ids[present & ~dup], dtype=object)
        first = all_ids[present].drop_duplicates("id").set_index("id")
        for kind in nodes:
            rt = sources[kind]
            d = all_ids[dup & all_ids["kind"].eq(kind)]
            if len(d):
                mask = np.zeros(len(rt.frame), dtype=bool)
                mask[d["pos"].to_numpy()] = True
                where = [f"{sources[first.loc[i, 'kind']].file} row {_row(sources[first.loc[i, 'kind']], first.loc[i, 'pos'])}"
                         for i in d["id"]]
                col.add(rt, mask, "id", [f"is a duplicate id (first used in {w})" for w in where])
    kind_of = _KindOf(index, kinds[present & ~dup])
    # code (position in index) of every row's id: its rank among the kept ids, or where a repeated id was first used
    row_codes = np.cumsum(present & ~dup) - 1
    row_codes[~present] = -1
    row_codes[dup] = index.get_indexer(ids[dup])
    offset = dict(zip(nodes, np.cumsum([0] + [len(f) for f in nodes.values()])))  # a table's first row in ids

    # ---- reference columns of node tables, and reference attributes (unit_id)
    edges: dict[str, list] = {t: [] for t in EDGE_TYPES}
    for kind, typed in nodes.items():
        spec = NODE_KINDS[kind]
        rt = sources[kind]
        for a in spec.attrs:
            if a.ref:
                _check_ref(rt, typed[a.name], a.name, a.ref, kind_of, col)
        own = row_codes[offset[kind]: offset[kind] + len(typed)]
        for r in spec.refs:
            vals = typed[r.column]
            if vals is None:
                continue
            given = vals.notna().to_numpy()
            if not given.any():
                continue
            ok, _, pos = _check_ref(rt, vals, r.column, r.targets, kind_of, col, codes=True, present=given)
            has = given & ok.to_numpy() & (own >= 0)
            here, there = typed["id"][has], vals[has]
            rows = np.flatnonzero(has)
            here_codes, there_codes = own[rows], pos[rows]
            src, dst = (there, here) if r.incoming else (here, there)
            codes = (there_codes, here_codes) if r.incoming else (here_codes, there_codes)
            edges[r.edge].append((f"{spec.table}.{r.column}", pd.DataFrame({"source": src.to_numpy(), "target": dst.to_numpy()}),
                                  codes))

    # ---- edge tables
    for table, spec in EDGE_TABLES.items():
        rt = tables.get(table)
        if rt is None or rt.frame.empty and not len(rt.frame.columns):
            continue
        _check_oversized(rt, col)
        missing_cols = [a.name for a in (spec.source, spec.target) if a.name not in rt.frame.columns]
        for c in missing_cols:
            col.rows.append(dict(file=rt.file, table=table, row=rt.first_row - 1, column=c, value="",
                                 problem=f"required column {c!r} is missing", suggestion=None, severity="error"))
        if missing_cols:
            continue
        typed = _parse_attrs(rt, spec.attrs, col)
        src = _types.clean_text(rt.frame[spec.source.name])
        dst = _types.clean_text(rt.frame[spec.target.name])
        given = {}
        for name, vals in ((spec.source.name, src), (spec.target.name, dst)):
            given[name] = vals.notna().to_numpy()
            if not given[name].all():
                col.add(rt, ~given[name], name, "a value is required here", value="")
        ok_s, sk, src_codes = _check_ref(rt, src, spec.source.name, spec.source.ref, kind_of, col, codes=True,
                                         present=given[spec.source.name])
        ok_t, tk, dst_codes = _check_ref(rt, dst, spec.target.name, spec.target.ref, kind_of, col, codes=True,
                                         present=given[spec.target.name])
        ok = ok_s & ok_t & given[spec.source.name] & given[spec.target.name]
        # the pair of kinds must be an allowed triple (unknown ids were reported above)
        etype = EDGE_TYPES[spec.edge]
        allowed = np.zeros((len(_KINDS) + 1, len(_KINDS) + 1), dtype=bool)  # row and column -1: not an id
        allowed[-1, :] = allowed[:, -1] = True
        for a, b in etype.triples:
            allowed[_KINDS.index(a), _KINDS.index(b)] = True
            if etype.undirected:
                allowed[_KINDS.index(b), _KINDS.index(a)] = True
        pairs_ok = pd.Series(allowed[sk, tk], index=src.index)
        bad_pair = ok & ~pairs_ok
        if bad_pair.any():
            col.add(rt, bad_pair, spec.target.name,
                    [f"is a {_KINDS[b]}: {spec.edge} from a {_KINDS[a]} to a {_KINDS[b]} is not allowed"
                     for a, b in zip(sk[bad_pair.to_numpy()], tk[bad_pair.to_numpy()])])
        if spec.edge == "HOLDS_POST":
            before = (typed["end"] < typed["start"]).fillna(False).astype(bool)
            if before.any():
                col.add(rt, before, "end", [f"is before the post's start {s:%Y-%m-%d}" for s in typed["start"][before]],
                        value=[f"{e:%Y-%m-%d}" for e in typed["end"][before]])
        frame = pd.concat([pd.DataFrame({"source": src, "target": dst}), typed], axis=1)
        for extra in rt.frame.columns:
            if extra not in frame.columns and extra not in (spec.source.name, spec.target.name):
                frame[extra] = _types.clean_text(rt.frame[extra])
        keep = (ok & pairs_ok).to_numpy()
        frame = frame[keep]
        edges[spec.edge].append((table, frame.reset_index(drop=True), (src_codes[keep], dst_codes[keep])))

    # ---- cycles in containment and subordination
    for etype in ("CONTAINS", "SUBORDINATE_TO"):
        if edges[etype]:
            src, dst = (np.concatenate([c[i] for _, _, c in edges[etype]]) for i in (0, 1))
            for cycle in _cycles(src, dst, kind_of.ids.to_numpy(dtype=object)):
                first = cycle[0]
                kind = kind_of.get(first)
                rt = sources.get(kind)
                if rt is None:
                    continue
                mask = nodes[kind]["id"].eq(first).to_numpy()
                chain = " → ".join(cycle + [cycle[0]])
                col.add(rt, mask, "id", f"is in a {etype} cycle: {chain}")
    return nodes, edges, col.frame(), kind_of.ids


def _row(rt: RawTable, pos) -> int:
    return int(rt.row_numbers().iloc[int(pos)])


def _alias_hint(spec, column: str) -> str | None:
    a = spec.attr(column)
    if a and a.aliases:
        return f"the header may be written {column} or {' / '.join(a.aliases)}"
    return None


#: node kinds in schema order; kinds of ids are held as positions in it (-1: not an id of the ledger)
_KINDS = list(NODE_KINDS)


class _KindOf:
    """The ledger's ids (each at its first use) and the kind of node each names."""

    def __init__(self, ids: pd.Index, kinds: np.ndarray):
        self.ids = ids  # unique
        self.kinds = kinds  # position in _KINDS of the kind of each of ids

    def lookup(self, vals: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """``(kind, position)`` of the id each of ``vals`` is: kind as a position in :data:`_KINDS`,
        position in :attr:`ids`; both -1 for an unknown or missing value."""
        pos = self.ids.get_indexer(vals.to_numpy(dtype=object)).astype(np.int64, copy=False)
        return np.where(pos >= 0, self.kinds[pos], -1), pos

    def get(self, i, default=None):
        pos = self.ids.get_indexer([i])[0]
        return _KINDS[self.kinds[pos]] if pos >= 0 else default


def _check_ref(rt: RawTable, vals: pd.Series, column: str, allowed, kind_of: _KindOf, col: _Collector,
               codes: bool = False, present: np.ndarray | None = None):
    """Record references to unknown ids or to ids of the wrong kind; return the mask of good ones.

    With ``codes=True`` return ``(mask, kind, position)``, see :meth:`_KindOf.lookup`.
    ``present``: ``vals.notna()`` when the caller has it already.
    """
    present = vals.notna().to_numpy() if present is None else present
    kinds, pos = kind_of.lookup(vals)
    unknown = present & (kinds < 0)
    if unknown.any():
        col.add(rt, unknown, column, f"is not the id of any {' or '.join(allowed)}")
    wrong = present & (kinds >= 0) & ~np.isin(kinds, [_KINDS.index(k) for k in allowed])
    if wrong.any():
        col.add(rt, wrong, column, [f"is the id of a {_KINDS[k]}, not of a {' or '.join(allowed)}" for k in kinds[wrong]])
    ok = pd.Series(~(unknown | wrong), index=vals.index)
    return (ok, kinds, pos) if codes else ok


def _cycles(src: np.ndarray, dst: np.ndarray, ids: np.ndarray) -> list[list[str]]:
    """Cycles among the edges ``src[i]`` → ``dst[i]`` (codes of ``ids``): strip leaves vectorised, then name what remains."""
    # distinct pairs, in the order of their first appearance
    first = ~pd.Series(src * len(ids) + dst).duplicated().to_numpy()
    src, dst = src[first], dst[first]
    while len(src):
        has_children = np.zeros(len(ids), dtype=bool)
        has_children[src] = True
        keep = has_children[dst]
        if keep.all():
            break
        src, dst = src[keep], dst[keep]
    if not len(src):
        return []
    import networkx as nx

    g = nx.DiGraph()
    g.add_edges_from(zip(ids[src].tolist(), ids[dst].tolist()))
    out = []
    # components by their smallest id, each cycle searched from and rotated to its smallest id, so the
    # message is the same in every run (set order depends on the string hash seed)
    for comp in sorted(nx.strongly_connected_components(g), key=min):
        if len(comp) > 1 or any(g.has_edge(n, n) for n in comp):
            cyc = [u for u, _ in nx.find_cycle(g.subgraph(comp), source=min(comp))]
            at = cyc.index(min(cyc))
            out.append(cyc[at:] + cyc[:at])
    return out
