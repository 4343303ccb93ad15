"""Comparing two graphs: are they equal, and if not, where do they differ."""

from __future__ import annotations

import pandas as pd

from .schema import EDGE_TYPES, NODE_KINDS

__all__ = ["graph_differences", "canonical_frame"]


def canonical_frame(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` with columns sorted, rows sorted by every column, values as comparable text.

    All-missing extra columns are dropped, so a column that holds nothing does not
    make two graphs differ.
    """
    f = frame.copy()
    f = f[[c for c in f.columns if c in keys or f[c].notna().any()]]
    for c in f.columns:
        col = f[c]
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            f[c] = col.dt.strftime("%Y-%m-%d").astype(object).where(col.notna(), None)
        else:
            f[c] = col.astype(object).where(col.notna(), None).map(lambda v: None if v is None else str(v))
    cols = keys + sorted(c for c in f.columns if c not in keys)
    f = f[cols]
    return f.sort_values(cols, na_position="first", key=lambda s: s.fillna("")).reset_index(drop=True)


def graph_differences(a, b) -> list[str]:
    """Human-readable list of the differences between graphs ``a`` and ``b`` (empty when equal)."""
    out = []
    for kind in NODE_KINDS:
        fa = canonical_frame(a.nodes(kind), ["id"])
        fb = canonical_frame(b.nodes(kind), ["id"])
        if set(fa.columns) != set(fb.columns):
            out.append(f"{kind}: columns differ: {sorted(set(fa.columns) ^ set(fb.columns))}")
            continue
        fb = fb[fa.columns]
        if not fa.equals(fb):
            ids = set(fa["id"]) ^ set(fb["id"])
            out.append(f"{kind}: {len(fa)} vs {len(fb)} nodes; ids only on one side: {sorted(ids)[:5]}"
                       if ids else f"{kind}: attribute values differ")
    for etype in EDGE_TYPES:
        fa = canonical_frame(a.edges(etype), ["source", "target"])
        fb = canonical_frame(b.edges(etype), ["source", "target"])
        if set(fa.columns) != set(fb.columns):
            out.append(f"{etype}: columns differ: {sorted(set(fa.columns) ^ set(fb.columns))}")
            continue
        if not fa.equals(fb[fa.columns]):
            out.append(f"{etype}: {len(fa)} vs {len(fb)} edges, or their attributes differ")
    return out
