"""The bundled samples: one ledger per source document (see ``data/samples/README.md``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["list_samples", "load_sample", "sample_deviations", "sample_path", "samples_dir"]

#: the file in a sample folder listing its deliberate deviations from its source document
DEVIATIONS_FILE = "DEVIATIONS.json"
#: the columns of :func:`sample_deviations`
DEVIATION_COLUMNS = ["table", "match", "note", "source", "what"]


def samples_dir() -> Path:
    """The folder holding the bundled samples (``data/samples`` of the source tree)."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "data" / "samples", here.parent / "data" / "samples"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the bundled samples were not found; install orggraph from its source tree (pip install -e .)")


def list_samples() -> list[str]:
    """Names of the bundled samples, e.g. ``['dongcheng', 'jiaohe', 'qixia', 'shijiu', 'xiaonan']``."""
    return sorted(p.name for p in samples_dir().iterdir() if p.is_dir() and (p / "communities.csv").exists())


def sample_path(name: str, state: str | None = None) -> Path:
    """Path of sample ``name`` (``state="before"`` for the state before its reform, where shipped)."""
    if name not in list_samples():
        raise KeyError(f"no sample {name!r}; bundled: {', '.join(list_samples())}")
    path = samples_dir() / name
    if state:
        path = path / state
        if not (path / "communities.csv").exists():
            raise KeyError(f"sample {name!r} has no {state!r} state")
    return path


@lru_cache(maxsize=16)
def _load(name: str, state: str | None):
    from .ledger import read_ledger

    return read_ledger(sample_path(name, state))


def sample_deviations(name: str, state: str | None = None):
    """The sample's deliberate deviations from its source document (样本有意偏离原文), one row each.

    Some samples depart from their document on purpose so that an audit finds something (东城: two
    work stations outside 10–20 staff / 7,000–20,000 people; 孝南: a vacuum left although the
    article says it was eliminated). Each row names the audit table (``table``) and the values of
    the rows it explains (``match``, a dict of column → value), the label shown (``note``, Chinese
    first), the document's sentence (``source``) and what the sample does instead (``what``).
    Read from ``DEVIATIONS.json`` in the sample folder (written by ``tools/build_samples.py``); an
    empty frame where a sample has none.

    >>> import orggraph as og
    >>> og.sample_deviations("dongcheng")["table"].unique().tolist()
    ['norm_violations']
    """
    import json

    import pandas as pd

    path = sample_path(name, state) / DEVIATIONS_FILE
    rows = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    return pd.DataFrame(rows, columns=DEVIATION_COLUMNS)


def load_sample(name: str, state: str | None = None):
    """Load a bundled sample as an :class:`~orggraph.OrgGraph` (a fresh copy each call).

    The graph carries the sample's deliberate deviations from its document
    (:func:`sample_deviations`) as ``g.deviations``; its audit lists them (table
    ``sample_deviations``) and labels the rows they explain.

    >>> import orggraph as og
    >>> g = og.load_sample("qixia")
    >>> len(g.at("2020-06-30").nodes("Community")), len(g.at("2019-06-30").nodes("Community"))
    (12, 8)
    """
    g = _load(name, state).copy()
    g.deviations = sample_deviations(name, state)
    return g
