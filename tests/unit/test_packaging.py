"""The package ships its type marker (PEP 561): ``py.typed`` is in the package and in its package data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.quick


def test_py_typed_is_in_the_package():
    assert resources.files("orggraph").joinpath("py.typed").is_file()


def test_py_typed_is_package_data():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"]["orggraph"]
