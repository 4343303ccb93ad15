"""The examples in the docstrings of orggraph.plot, orggraph.report and orggraph.progress run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "orggraph.plot",
    "orggraph.plot.fonts",
    "orggraph.plot.rates",
    "orggraph.plot.hierarchy",
    "orggraph.plot.network",
    "orggraph.plot.scenario",
    "orggraph.plot.maps",
    "orggraph.plot.trend",
    "orggraph.report.html",
    "orggraph.progress",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
