"""Fixtures of the scenario tests."""

from __future__ import annotations

import pytest

from fixtures.scenario_town import build_town


@pytest.fixture(scope="session")
def _town_once():
    return build_town()


@pytest.fixture
def town(_town_once):
    """The small street of :mod:`scenario_town`: a copy for each test (copies share tables, O(1))."""
    return _town_once.copy()
