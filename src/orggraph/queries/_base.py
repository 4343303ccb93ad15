"""The machinery shared by every query definition.

A query is defined once, engine-free: a public function in one of the topic
modules (``appointments``, ``coverage`` …) owns the signature, the docstring,
the argument checks and the output columns. It normalises its arguments, calls
the backend method of the same name, and passes the result through
:func:`conform`, which checks and orders the columns so that both backends
return the same shape.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from .. import rules
from ..errors import NodeNotFound, QueryNotSupportedError, SchemaError
from ..schema import ENUMS, TERRITORY_KINDS

__all__ = ["rate", "rollup", "QueryDef", "QUERIES", "register", "normalize_as_of", "check_within", "conform", "dispatch", "BODY_SELECTORS", "check_bodies"]


@dataclass(frozen=True)
class QueryDef:
    """A query: its public name, the function that defines it, and its output columns (by variant)."""

    name: str
    func: Callable
    columns: dict[str, list[str]]
    zh: str = ""


QUERIES: dict[str, QueryDef] = {}


def register(columns: dict[str, list[str]] | list[str], zh: str = ""):
    """Decorator registering a public query function and its output columns."""

    def deco(func):
        cols = columns if isinstance(columns, dict) else {"": columns}
        QUERIES[func.__name__] = QueryDef(func.__name__, func, cols, zh)
        return func

    return deco


def normalize_as_of(as_of) -> _dt.date:
    """``None`` → today; a date, datetime, Timestamp or string (any ledger date form) → a date."""
    if as_of is None:
        return _dt.date.today()
    if isinstance(as_of, pd.Timestamp):
        return as_of.date()
    if isinstance(as_of, _dt.datetime):
        return as_of.date()
    if isinstance(as_of, _dt.date):
        return as_of
    if isinstance(as_of, str) and len(as_of) == 10 and as_of[4] == as_of[7] == "-" and as_of.replace("-", "").isascii():
        try:  # the common YYYY-MM-DD at once (the audit normalises it once per query)
            return _dt.date.fromisoformat(as_of)
        except ValueError:
            pass  # the ledger parser below says what is wrong
    from .._types import parse

    parsed, bad = parse(pd.Series([as_of]), "date")
    if bad.iloc[0] or pd.isna(parsed.iloc[0]):
        raise ValueError(f"as_of={as_of!r} is not a date (YYYY-MM-DD)")
    return parsed.iloc[0].date()


def check_within(g, within: str | None) -> str | None:
    """Check that ``within`` is the id of a territory of ``g`` (None: the whole graph)."""
    if within is None:
        return None
    kinds = g.backend.kinds_of([within])
    kind = kinds.iloc[0]
    if not isinstance(kind, str):
        raise NodeNotFound(f"within={within!r}: no node with this id")
    if kind not in TERRITORY_KINDS:
        raise SchemaError(f"within={within!r} is a {kind}, not a territory ({', '.join(TERRITORY_KINDS)})")
    return within


#: body selectors accepted by ``bodies=``: party-organisation levels, unit kinds, and ``committee``
#: which stands for a community's party organisation (社区党委 or 党总支)
BODY_SELECTORS = tuple(ENUMS["party_level"].values) + tuple(ENUMS["unit_kind"].values)


def check_bodies(bodies) -> tuple[str, ...]:
    if isinstance(bodies, str):
        bodies = (bodies,)
    out = []
    for b in bodies:
        canonical = ENUMS["party_level"].lookup().get(b) or ENUMS["unit_kind"].lookup().get(b)
        if canonical is None:
            raise ValueError(f"unknown body kind {b!r}; use a party level or unit kind: {', '.join(BODY_SELECTORS)}")
        out.append(canonical)
    if len(set(out)) != len(out):
        raise ValueError(f"bodies={tuple(bodies)!r} names the same kind twice")
    if len(out) < 2:
        raise ValueError(f"bodies needs at least two body kinds (e.g. {rules.TWO_COMMITTEES!r})")
    return tuple(out)


#: the type of a query output column, by its name (the same name means the same thing in every query):
#: ``text`` (``object`` dtype, ``None`` for missing; coverage_gaps and check_norms then give their text
#: columns the library's text dtype, :data:`orggraph.queries.coverage.TEXT_DTYPE`, as documented),
#: ``list`` (a Python list per row, ``[]`` when none), ``int64``, ``Int64`` (nullable), ``float64``, ``bool``.
#: Columns not named here are text. ``one_shoulder`` is a flag per community and a count per street, so
#: each backend's own (equal) dtype stands.
COLUMN_TYPES: dict[str, str] = {
    **dict.fromkeys(("adjacent_communities", "body_ids", "claimants", "directors", "governing_bodies", "people",
                     "roles", "secretaries"), "list"),
    **dict.fromkeys(("bodies", "communities", "cross_appointed", "expected", "members", "posts", "reached",
                     "shared", "compounds", "part_time_members", "member_reports", "numerator", "denominator",
                     "base", "left_out"),
                    "int64"),
    "households": "Int64",
    **dict.fromkeys(("maximum", "measured", "minimum", "rate", "share", "weight"), "float64"),
    **dict.fromkeys(("complete", "inherited", "applicable"), "bool"),
    "one_shoulder": "as is",
}


def typed_column(values: pd.Series, kind: str) -> pd.Series:
    """``values`` as a column of type ``kind`` (see :data:`COLUMN_TYPES`)."""
    if kind == "as is":
        return values
    if kind == "text":
        v = values.to_numpy(dtype=object, copy=True)
        v[pd.isna(v)] = None
        return pd.Series(v, index=values.index, dtype=object)
    if kind == "list":
        cells = values.to_numpy(dtype=object)
        # a backend's own lists, one per row: kept, not copied again (a list shared by two rows is copied)
        if all(type(v) is list for v in cells) and len(set(map(id, cells))) == len(cells):
            return pd.Series(cells, index=values.index, dtype=object)
        return pd.Series([list(v) if isinstance(v, (list, tuple)) else [] for v in cells], index=values.index,
                         dtype=object)
    if kind == "Int64":
        return pd.Series(pd.to_numeric(values.astype(object), errors="raise"), index=values.index).astype("Int64")
    return values.astype(kind)


def conform(result: pd.DataFrame, columns: list[str], query: str, *, typed: bool = True,
            types: dict[str, str] | None = None) -> pd.DataFrame:
    """Check that ``result`` has exactly the defined columns, put them in order and give each its type
    (:data:`COLUMN_TYPES`), so that both backends return the same dtypes, also when the result is empty.
    ``typed=False`` (a query computed once, not by a backend) leaves the types as they are; ``types``
    overrides :data:`COLUMN_TYPES` for this query's columns (e.g. a ``denominator`` that names a base)."""
    missing = [c for c in columns if c not in result.columns]
    if missing:
        raise AssertionError(f"{query}: backend result lacks columns {missing}")
    out = result[columns].reset_index(drop=True)
    if not typed:
        return out
    kinds = {**COLUMN_TYPES, **(types or {})}
    return pd.DataFrame({c: typed_column(out[c], kinds.get(c, "text")) for c in columns}, index=out.index)


def on_date(g, as_of):
    """``g`` as it stood on ``as_of`` (a graph over ``g.backend.at(as_of)``), or ``g`` itself when nothing is left out.

    The queries computed here from the backend's tables (the audit, owners' committees, norms …) run
    on this graph, so dated structure (成立 / 撤销) is honoured by them as by the dispatched ones;
    ``as_of=None`` means today, as everywhere.
    """
    backend = g.backend.at(normalize_as_of(as_of))
    if backend is g.backend:
        return g
    out = type(g)(backend)  # an OrgGraph (queries do not import the graph module)
    out.deviations = getattr(g, "deviations", None)
    return out


def dispatch(g, name: str, **params):
    """Call the backend's implementation of query ``name``.

    With an ``as_of``, on the graph as it stood that day (``g.backend.at(as_of)``):
    territories, bodies and structural edges that did not exist then are left
    out before the query runs (:func:`orggraph.rules.exists_mask`), so no query
    needs its own handling of dated structure.
    """
    backend = g.backend
    impl = getattr(backend, name, None)
    if impl is None:
        raise QueryNotSupportedError(f"the {backend.name} backend does not implement {name}()")
    if params.get("as_of") is not None:
        impl = getattr(backend.at(params["as_of"]), name)
    return impl(**params)


def rate(num, den) -> "np.ndarray":
    """``num / den`` element-wise as float64, NaN where the denominator is 0 (a rate of nothing)."""
    import numpy as np

    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def rollup(per: pd.DataFrame, by: str, sums: list[str], out: str, num: str, den: str) -> pd.DataFrame:
    """Roll per-community rows up to streets or districts, from counts (never by averaging rates).

    ``per`` has ``community_id``, ``group`` and ``group_name`` (the street or district of each
    community) and the count columns ``sums``; the result has ``<by>_id, <by>_name,
    communities``, the summed counts and ``out = num / den`` of the sums, sorted by id.
    Both backends use it, so a roll-up means the same on each.
    """
    agg = per.groupby("group", dropna=False).agg(
        name=("group_name", "first"), communities=("community_id", "size"), **{k: (k, "sum") for k in sums}
    ).reset_index()
    agg[out] = rate(agg[num], agg[den])
    agg = agg.rename(columns={"group": f"{by}_id", "name": f"{by}_name"})
    return agg.sort_values(f"{by}_id").reset_index(drop=True)
