"""Scenario files: the operations of a scenario as JSON or TOML, to save, share and replay.

The layout (TOML shown; JSON holds the same keys)::

    orggraph_scenario = 1
    name = "石臼: 9个村改居社区并入城市社区"
    date = "2021-12-05"
    description = "…"

    [[operations]]
    op = "merge_communities"
    sources = ["sj-c08", "sj-c10", "sj-c15"]
    into = "sj-c01"

Each ``[[operations]]`` table names its operation under ``op``; the other keys
are the operation's parameters (see :mod:`orggraph.scenarios.ops`). Missing
values are left out (TOML has no null).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import ScenarioError
from ._edit import as_date
from .ops import bind, plain

__all__ = ["scenario_dict", "parse_scenario", "read_scenario", "write_scenario", "FORMAT_VERSION"]

FORMAT_VERSION = 1
_KEYS = {"orggraph_scenario", "name", "date", "description", "operations", "baseline"}


def scenario_dict(name, date, description, operations) -> dict:
    """Plain data for a scenario file."""
    return {
        "orggraph_scenario": FORMAT_VERSION,
        "name": name,
        "date": date.isoformat(),
        "description": description,
        "operations": [{"op": op, **{k: v for k, v in params.items() if v is not None}} for op, params in operations],
    }


def parse_scenario(data) -> tuple[str, object, str, list[tuple[str, dict]]]:
    """Check scenario-file data; return ``(name, date, description, [(op, params), …])``."""
    if not isinstance(data, dict):
        raise ScenarioError("a scenario file holds a table (JSON object) at the top")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ScenarioError(f"unknown key(s) {unknown}; a scenario file holds {', '.join(sorted(_KEYS))}")
    version = data.get("orggraph_scenario", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ScenarioError(f"orggraph_scenario = {version!r}: this orggraph reads version {FORMAT_VERSION}")
    name = data.get("name") or "scenario"
    date = as_date(plain(data["date"]), "date") if data.get("date") is not None else None
    description = data.get("description") or ""
    raw = data.get("operations", [])
    if not isinstance(raw, list):
        raise ScenarioError("operations: give a list of tables, each with an 'op' key")
    ops = []
    for i, entry in enumerate(raw, 1):
        if not isinstance(entry, dict) or "op" not in entry:
            raise ScenarioError(f"operation {i}: a table with an 'op' key is needed, got {entry!r}")
        params = {k: plain(v) for k, v in entry.items() if k != "op"}
        try:
            ops.append((entry["op"], bind(entry["op"], params)))
        except ScenarioError as exc:
            raise ScenarioError(f"operation {i}: {exc}") from None
    return name, date, description, ops


def read_scenario(path) -> dict:
    """Read a scenario file: ``.json`` or ``.toml``."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"not valid JSON: {exc}") from None
    if suffix == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"not valid TOML: {exc}") from None
    raise ScenarioError(f"{path.name}: a scenario file ends in .json or .toml")


def write_scenario(data: dict, path) -> Path:
    """Write scenario data as JSON or TOML (chosen by the suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif suffix == ".toml":
        import tomli_w

        path.write_text(tomli_w.dumps(data), encoding="utf-8")
    else:
        raise ScenarioError(f"{path.name}: write a scenario as .json or .toml")
    return path
