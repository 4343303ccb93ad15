"""The examples in the docstrings of orggraph.geo and orggraph.plot.choropleth run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "orggraph.geo.china",
    "orggraph.geo.crs",
    "orggraph.geo.io",
    "orggraph.geo.coverage",
    "orggraph.geo.population",
    "orggraph.plot.choropleth",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
