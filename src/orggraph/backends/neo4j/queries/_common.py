"""Small helpers shared by the Neo4j query implementations (client-side post-processing only)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: a community's own party organisation: 社区党委 or 党总支 (as in the in-memory backend)
COMMUNITY_PARTY_LEVELS = ["committee", "general_branch"]


from ....queries._base import rate  # noqa: E402,F401  (the one definition of a rate with its NaN rule)


def text(values) -> np.ndarray:
    """Object array with None for missing."""
    s = pd.Series(list(values), dtype=object)
    return s.where(s.notna(), None).to_numpy(dtype=object)


def sorted_list(v) -> list:
    return sorted(v) if isinstance(v, (list, tuple)) else []


def int64(values) -> np.ndarray:
    return pd.Series(list(values), dtype=object).fillna(0).astype("int64").to_numpy()
