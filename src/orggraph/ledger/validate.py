"""Validation of a ledger: every problem collected, none loaded until there are none.

Each problem names the file, the row as a spreadsheet user counts it (the
header is row 1), the column, the value and what is wrong, with a suggestion
where one exists. Values of personal columns (a cadre's name, phone) are never
repeated in a problem.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import _types
from ..schema import EDGE_TABLES, EDGE_TYPES, ENUMS, NODE_KINDS, NODE_TABLES, ROLE_BODY_KINDS, split_role, suggest
from .io import MAX_CELL_CHARS, RawTable

__all__ = ["validate_tables", "PROBLEM_COLUMNS", "MAX_DEPTH", "MAX_POSTS_PER_PERSON", "DATE_RANGE", "OPEN_END"]

#: containment (包含) and subordination (隶属) chains deeper than this are refused: real hierarchies
#: (区 > 街道 > 社区 > 网格 > 二级网格 > 小区 > 楼栋 …) stay far below, and the audit's work grows with depth
MAX_DEPTH = 64
#: a person holding more posts than this is refused: a placeholder person (待定) put in every body
#: would make every pair of bodies interlocked (2,000 posts: two million pairs)
MAX_POSTS_PER_PERSON = 100
#: dates outside this range are not plausible in a ledger (1899-12-30 is an empty Excel date)
DATE_RANGE = (pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31"))
#: values of an ``end`` column meaning "no end yet": the post is current
OPEN_END = ("至今", "今", "现在", "现任", "在任", "9999-12-31", "9999/12/31", "9999.12.31", "9999年12月31日",
            "9999-12-31 00:00:00", pd.Timestamp("9999-12-31").to_pydatetime().date(),
            pd.Timestamp("9999-12-31").to_pydatetime())

PROBLEM_COLUMNS = ["file", "table", "row", "column", "value", "problem", "suggestion", "severity"]
_REDACTED = "<personal data>"
#: tables of node kinds with personal attributes (cadres): their values are never repeated
_PRIVATE_TABLES = {k.table for k in NODE_KINDS.values() if any(a.personal for a in k.attrs)}


class _Collector:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, rt: RawTable, mask, column: str, problem, suggestion=None, value=None, personal=False,
            severity="error"):
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
                                  problem=p, suggestion=s, severity=severity))

    def extend(self, problems):
        for p in problems:
            self.rows.append({**{c: p.get(c) for c in PROBLEM_COLUMNS}, "severity": p.get("severity") or "error"})

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
        if a.type == "date" and a.name == "end":
            open_end = raw.isin(OPEN_END).to_numpy()
            if open_end.any():
                raw = raw.where(~open_end, None)
        if a.type == "date":
            vals, bad, month = _types.parse_dates(raw)
            if month.any():  # written to the month only (2021.05): the first of the month, marked
                out[f"{a.name}_precision"] = pd.Series(np.where(month, "month", None), index=frame.index, dtype=object)
        else:
            vals, bad = _types.parse(raw, a.type)
        if bad.any():
            col.add(rt, bad, a.name, f"is not a valid {_TYPE_WORDS[a.type]}", personal=a.personal)
        given = vals.notna() if a.enum or a.required else None
        if a.enum:
            lookup = ENUMS[a.enum].lookup()
            present = given
            mapped = _map_distinct(vals, lambda v: lookup.get(v, lookup.get(str(v).lower()) or _composite(a.enum, v))
                                   if isinstance(v, str) else None)
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
        if a.maximum is not None:
            top = pd.Timestamp.now().year if a.maximum == "this_year" else a.maximum
            high = (vals.astype("float64") > top).fillna(False).astype(bool)
            if high.any():
                col.add(rt, high, a.name, f"is above the plausible maximum {top:,}"
                        + (" (the current year)" if a.maximum == "this_year" else ""))
        if a.type == "date":
            odd = (vals.notna() & ((vals < DATE_RANGE[0]) | (vals > DATE_RANGE[1]))).to_numpy()
            if odd.any():
                col.add(rt, odd, a.name, "is not a plausible date (before 1900 or after 2100)",
                        value=[f"{v:%Y-%m-%d}" for v in vals[odd]],
                        suggestion="leave an end date empty, or write 至今, for a post still held" if a.name == "end" else None)
        if a.required:
            missing = ~given & ~bad
            if missing.any():
                col.add(rt, missing, a.name, "a value is required here", value="")
        out[a.name] = vals
    return out


def _composite(enum: str, text: str) -> str | None:
    """A role written with its body (社区党委书记 → secretary); None for other enumerations."""
    if enum != "role":
        return None
    found = split_role(text)
    return found[0] if found else None


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
        elif pd.api.types.infer_dtype(rt.frame[c], skipna=True) in _NO_TEXT:
            continue  # numbers, dates, yes/no from a workbook: no text to be oversized
        else:
            try:
                big = (rt.frame[c].str.len() > MAX_CELL_CHARS).fillna(False).astype(bool)
            except AttributeError:  # no strings in the column (numbers or blanks from a workbook)
                continue
        if big.any():
            col.add(rt, big, c, f"a cell of more than {MAX_CELL_CHARS:,} characters", value="<oversized>")
            rt.frame.loc[big, c] = None


#: kinds of column (pandas' ``infer_dtype``) that hold no text: nothing in them can be oversized
_NO_TEXT = frozenset({"empty", "floating", "integer", "mixed-integer-float", "decimal", "complex", "boolean",
                      "datetime64", "datetime", "date", "timedelta64", "timedelta", "time", "period"})


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
            typed[r.column] = _id_text(rt.frame[r.column]) if r.column in rt.frame.columns else None
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
    names = _Names(nodes, kind_of)
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
            ok, _, pos, vals = _check_ref(rt, vals, r.column, r.targets, kind_of, col, codes=True, present=given,
                                          names=names)
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
        src = _id_text(rt.frame[spec.source.name])
        dst = _id_text(rt.frame[spec.target.name])
        given = {}
        for name, vals in ((spec.source.name, src), (spec.target.name, dst)):
            given[name] = vals.notna().to_numpy()
            if not given[name].all():
                col.add(rt, ~given[name], name, "a value is required here", value="")
        ok_s, sk, src_codes, src = _check_ref(rt, src, spec.source.name, spec.source.ref, kind_of, col, codes=True,
                                              present=given[spec.source.name], names=names)
        ok_t, tk, dst_codes, dst = _check_ref(rt, dst, spec.target.name, spec.target.ref, kind_of, col, codes=True,
                                              present=given[spec.target.name], names=names)
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
            _check_role_fit(rt, typed["role"], tk, ok & pairs_ok, col)
            _check_posts_per_person(rt, src, ok, col)
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
            cycles, deep = _cycles(src, dst, kind_of.ids.to_numpy(dtype=object))
            for top in deep:
                kind = kind_of.get(top)
                if sources.get(kind) is not None:
                    col.add(sources[kind], nodes[kind]["id"].eq(top).to_numpy(), "id",
                            f"heads a {etype} chain more than {MAX_DEPTH} levels deep: refused (a limit of orggraph)")
            for cycle in cycles:
                first = cycle[0]
                kind = kind_of.get(first)
                rt = sources.get(kind)
                if rt is None:
                    continue
                mask = nodes[kind]["id"].eq(first).to_numpy()
                chain = " → ".join(cycle + [cycle[0]])
                col.add(rt, mask, "id", f"is in a {etype} cycle: {chain}")
    return nodes, edges, col.frame(), kind_of.ids


def _id_text(s: pd.Series) -> pd.Series:
    """A reference column as text: an id typed as the number 1001 in a workbook is the id ``"1001"``."""
    vals = _types.parse(s, "str")[0]
    return vals.where(vals.notna(), None)


def _check_role_fit(rt: RawTable, roles: pd.Series, kinds: np.ndarray, ok: pd.Series, col: _Collector) -> None:
    """Posts whose role does not fit the kind of their body (a 书记 in a grid, a 网格员 in a party organisation)."""
    names = list(ENUMS["role"].values)
    fits = np.zeros((len(names) + 1, len(_KINDS) + 1), dtype=bool)
    fits[-1, :] = fits[:, -1] = True  # an unknown role or body was reported already
    for i, role in enumerate(names):
        for kind in ROLE_BODY_KINDS.get(role, _KINDS):
            fits[i, _KINDS.index(kind)] = True
    codes = pd.Index(names).get_indexer(roles.to_numpy(dtype=object))
    bad = ok.to_numpy() & ~fits[codes, kinds]
    if bad.any():
        col.add(rt, bad, "role", [f"is not a role held in a {_KINDS[k]} (a {names[r]} is held in a "
                                  f"{' or '.join(ROLE_BODY_KINDS[names[r]])})" for r, k in zip(codes[bad], kinds[bad])],
                value=[ENUMS["role"].label(names[r]) for r in codes[bad]])


def _check_posts_per_person(rt: RawTable, cadres: pd.Series, ok: pd.Series, col: _Collector) -> None:
    """People holding more than :data:`MAX_POSTS_PER_PERSON` posts: reported once each, at their first post."""
    held = cadres[ok.to_numpy()]
    counts = held.value_counts()
    many = counts[counts > MAX_POSTS_PER_PERSON]
    if not len(many):
        return
    first = ~cadres.duplicated() & cadres.isin(many.index)
    col.add(rt, first.to_numpy(), "cadre_id", [f"holds {many[c]:,} posts: more than {MAX_POSTS_PER_PERSON} for one "
                                               "person (a placeholder such as 待定 in every body?)" for c in cadres[first]])


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


#: texts written for "no value"; in a reference column they are reported with :data:`_NONE_HINT`
_NONE_TEXTS = {"n/a", "na", "null", "none", "nan", "无", "暂无", "-", "—", "/"}
_NONE_HINT = "leave the cell empty when there is none"


class _Names:
    """Names of the ledger's territories and bodies, to read a name written where an id belongs (所属社区 = 安宁社区).

    A name is read as the id of the one node of an allowed kind that bears it; a name
    two such nodes bear is reported with their ids. People are never looked up by name.
    """

    def __init__(self, nodes: dict[str, pd.DataFrame], kind_of: "_KindOf"):
        self.nodes, self.kind_of = nodes, kind_of

    def resolve(self, rt, vals: pd.Series, rows: np.ndarray, column: str, allowed, col: _Collector):
        """Ids for ``vals`` at ``rows`` (unknown as ids): resolved where a name is unique, else unchanged."""
        frames = [self.nodes[k][["name", "id"]] for k in allowed if k in self.nodes and k != "Cadre"]
        if not frames:
            return vals, np.zeros(len(rows), dtype=bool)
        cand = pd.concat(frames, ignore_index=True)
        wanted = vals.iloc[rows]
        cand = cand[cand["name"].isin(set(wanted))]
        if not len(cand):
            return vals, np.zeros(len(rows), dtype=bool)
        ids = cand.groupby("name", sort=False)["id"].agg(list)
        unique = {n: i[0] for n, i in ids.items() if len(i) == 1}
        several = {n: i for n, i in ids.items() if len(i) > 1}
        hit = wanted.isin(unique.keys()).to_numpy()
        if several:
            amb = np.zeros(len(vals), dtype=bool)
            amb[rows[wanted.isin(several.keys()).to_numpy()]] = True
            col.add(rt, amb, column, [f"is the name of {len(several[v])} nodes ({', '.join(sorted(several[v])[:5])}): "
                                      "write the id" for v in vals[amb]])
        if hit.any():
            vals = vals.copy()
            vals.iloc[rows[hit]] = wanted[hit].map(unique).to_numpy()
            first = np.zeros(len(vals), dtype=bool)
            first[rows[hit][0]] = True
            shown = ", ".join(f"{n} → {unique[n]}" for n in list(dict.fromkeys(wanted[hit]))[:3])
            col.add(rt, first, column, f"{int(hit.sum())} value(s) here are names, read as the ids they name ({shown}"
                    f"{' …' if len(set(wanted[hit])) > 3 else ''})", severity="warning")
        return vals, hit | wanted.isin(several.keys()).to_numpy()


def _check_ref(rt: RawTable, vals: pd.Series, column: str, allowed, kind_of: _KindOf, col: _Collector,
               codes: bool = False, present: np.ndarray | None = None, names: "_Names | None" = None):
    """Record references to unknown ids or to ids of the wrong kind; return the mask of good ones.

    With ``codes=True`` return ``(mask, kind, position)``, see :meth:`_KindOf.lookup`.
    ``present``: ``vals.notna()`` when the caller has it already.
    """
    present = vals.notna().to_numpy() if present is None else present
    kinds, pos = kind_of.lookup(vals)
    unknown = present & (kinds < 0)
    ambiguous = np.zeros(len(vals), dtype=bool)
    if unknown.any() and names is not None and rt.table not in _PRIVATE_TABLES:
        rows = np.flatnonzero(unknown)
        vals, settled = names.resolve(rt, vals, rows, column, allowed, col)
        if settled.any():
            k, p = kind_of.lookup(vals.iloc[rows[settled]])
            kinds, pos = kinds.copy(), pos.copy()
            kinds[rows[settled]], pos[rows[settled]] = k, p
            unknown[rows[settled]] = False
            ambiguous = present & (kinds < 0) & ~unknown  # names of several nodes: reported by resolve
    if unknown.any():
        # N/A, NULL, 无 … written for "none": the same reading in CSV and .xlsx, and a hint
        hint = [_NONE_HINT if str(v).strip().lower() in _NONE_TEXTS else None for v in vals[unknown]]
        # where a cadre's id belongs, a name or phone may have been typed: only id-like values are repeated
        shown = [v if _id_like(v) else _REDACTED for v in vals.to_numpy(dtype=object)[unknown]] if "Cadre" in allowed else None
        col.add(rt, unknown, column, f"is not the id of any {' or '.join(allowed)}", hint, value=shown)
    wrong = present & (kinds >= 0) & ~np.isin(kinds, [_KINDS.index(k) for k in allowed])
    if wrong.any():
        col.add(rt, wrong, column, [f"is the id of a {_KINDS[k]}, not of a {' or '.join(allowed)}" for k in kinds[wrong]])
    ok = pd.Series(~(unknown | wrong | ambiguous), index=vals.index)
    return (ok, kinds, pos, vals) if codes else ok


_ID_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}")


def _id_like(value) -> bool:
    """Whether ``value`` looks like an id rather than personal data: ASCII letters, digits and ``_.:/-``, no run of
    7+ digits (a phone)."""
    return isinstance(value, str) and _ID_LIKE.fullmatch(value) is not None and not re.search(r"\d{7}", value)


def _cycles(src: np.ndarray, dst: np.ndarray, ids: np.ndarray) -> tuple[list[list[str]], list[str]]:
    """Cycles among the edges ``src[i]`` → ``dst[i]`` (codes of ``ids``), and the tops of chains deeper than :data:`MAX_DEPTH`.

    Leaves are stripped level by level, vectorised, at most :data:`MAX_DEPTH` times
    (so a chain 20,000 deep costs no more than a shallow one); what remains holds
    the cycles, named with networkx, or else chains too deep, named by their tops.
    """
    # distinct pairs, in the order of their first appearance
    first = ~pd.Series(src * len(ids) + dst).duplicated().to_numpy()
    src, dst = src[first], dst[first]
    for _ in range(MAX_DEPTH):
        if not len(src):
            break
        has_children = np.zeros(len(ids), dtype=bool)
        has_children[src] = True
        keep = has_children[dst]
        if keep.all():
            break
        src, dst = src[keep], dst[keep]
    if not len(src):
        return [], []
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
    if out:  # chains hanging from a cycle have no top: the cycles are reported first
        return out, []
    # no cycle: what remains are chains deeper than MAX_DEPTH, named by their tops
    return out, sorted(n for n in g if g.in_degree(n) == 0)
