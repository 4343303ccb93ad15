"""Small helpers shared by the Neo4j query implementations (client-side post-processing only)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .... import rules
from ....queries._base import rate  # noqa: F401  (the one definition of a rate with its NaN rule)


def pick(stmt, params: dict):
    """The statement to run and its parameters: of a :class:`~..cypher.Scoped` one, the variant for
    ``params["within"]`` (without a scope test, and without ``$within``, when it is None)."""
    from ..cypher import Scoped

    if isinstance(stmt, Scoped):
        stmt = stmt.pick(params.get("within"))
        if "within" not in stmt.params:
            params = {k: v for k, v in params.items() if k != "within"}
    return stmt, params


def rule_params(stmt) -> dict:
    """The rules of :mod:`orggraph.rules` that ``stmt`` takes as parameters, read now (not at import)."""
    return {k: v for k, v in rules.cypher_params().items() if k in stmt.params}


def frame(runner, stmt, columns, **params) -> pd.DataFrame:
    """``runner.frame`` with the statement's rule parameters added (of a scoped statement, the variant for ``within``)."""
    stmt, params = pick(stmt, params)
    return runner.frame(stmt, columns=columns, **rule_params(stmt), **params)


def records(runner, stmt, **params) -> list[dict]:
    """``runner.records`` with the statement's rule parameters added (of a scoped statement, the variant for ``within``)."""
    stmt, params = pick(stmt, params)
    return runner.records(stmt, **rule_params(stmt), **params)


def text(values) -> np.ndarray:
    """Object array with None for missing."""
    s = pd.Series(list(values), dtype=object)
    return s.where(s.notna(), None).to_numpy(dtype=object)


def sorted_list(v) -> list:
    return sorted(v) if isinstance(v, (list, tuple)) else []


def int64(values) -> np.ndarray:
    return pd.Series(list(values), dtype=object).fillna(0).astype("int64").to_numpy()
