"""Small helpers shared by the Neo4j query implementations (client-side post-processing only)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: a community's own party organisation: 社区党委 or 党总支 (as in the in-memory backend)
COMMUNITY_PARTY_LEVELS = ["committee", "general_branch"]


def rate(num, den) -> np.ndarray:
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def text(values) -> np.ndarray:
    """Object array with None for missing."""
    s = pd.Series(list(values), dtype=object)
    return s.where(s.notna(), None).to_numpy(dtype=object)


def sorted_list(v) -> list:
    return sorted(v) if isinstance(v, (list, tuple)) else []


def int64(values) -> np.ndarray:
    return pd.Series(list(values), dtype=object).fillna(0).astype("int64").to_numpy()
