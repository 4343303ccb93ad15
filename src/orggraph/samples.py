"""The bundled samples: one ledger per source document (see ``data/samples/README.md``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["list_samples", "load_sample", "sample_path", "samples_dir"]


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


def load_sample(name: str, state: str | None = None):
    """Load a bundled sample as an :class:`~orggraph.OrgGraph` (a fresh copy each call).

    >>> import orggraph as og
    >>> g = og.load_sample("qixia")
    >>> len(g.nodes("Community"))
    12
    """
    return _load(name, state).copy()
