"""Fixtures of the tests that draw (plots, reports): the Agg backend, samples loaded once, figures closed."""

import functools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import orggraph as og  # noqa: E402


@functools.lru_cache(maxsize=None)
def _load(name: str, state: str | None = None):
    return og.load_sample(name, state=state)


@pytest.fixture(scope="session")
def sample():
    """``sample(name, state=None)``: a bundled sample, loaded once per session (the tests only read it)."""
    return _load


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def cjk_restored():
    """Put the CJK font back after a test that plots without it."""
    yield
    from orggraph.plot import use_cjk_font

    use_cjk_font()
