"""The backend contract (:class:`orggraph.backends.base.Backend`): checked when a backend class is defined."""

from __future__ import annotations

import pytest

import orggraph as og
from orggraph.backends.base import QUERY_PRIMITIVES, Backend, backend_name
from orggraph.backends.memory import MemoryBackend
from orggraph.queries import QUERIES


def test_every_dispatched_query_is_a_primitive():
    dispatched = {name for name, q in QUERIES.items() if not getattr(q.func, "backend_neutral", False)}
    # every dispatched query, and the primitives of a query's rule computed from several (supervisory_conflicts
    # for the 监委会回避 rule of check_norms)
    assert set(QUERY_PRIMITIVES) == dispatched | {"supervisory_conflicts"}


def test_a_missing_query_fails_when_the_class_is_defined():
    with pytest.raises(TypeError, match=r"one_shoulder\(\) is not implemented"):

        class Partial(MemoryBackend):
            name = "partial"
            one_shoulder = None


def test_a_misspelt_parameter_fails_when_the_class_is_defined():
    with pytest.raises(TypeError, match="boundary_zones"):

        class Misspelt(MemoryBackend):
            name = "misspelt"

            def boundary_zones(self, *, within, asof):  # as_of misspelt
                return None


def test_a_mixin_without_a_name_is_not_checked():
    class Helper(Backend):  # no name: an intermediate class, checked when a concrete backend derives from it
        pass

    with pytest.raises(TypeError):
        Helper()  # still abstract


@pytest.mark.parametrize("given", ["memory", "networkx", "NetworkX", " memory "])
def test_memory_names(given):
    assert backend_name(given) == "memory"
    g = og.OrgGraph(backend=given)
    assert g.backend_name == "memory" and isinstance(g.backend, MemoryBackend)


def test_unknown_or_database_backend_names():
    with pytest.raises(ValueError, match="unknown backend 'sqlite'"):
        og.OrgGraph(backend="sqlite")
    with pytest.raises(ValueError, match="connect"):
        og.OrgGraph(backend="neo4j")
    with pytest.raises(TypeError, match="Backend"):
        og.OrgGraph(backend=42)


def test_database_graph_refuses_in_memory_operations_with_one_error():
    """copy(), pseudonymize(), scenario(), add_node() and within() need the tables: QueryNotSupportedError.

    The driver is real; none of these operations sends anything, so no server is needed.
    """
    pytest.importorskip("neo4j")
    db = og.connect("bolt://127.0.0.1:9", auth=("neo4j", "unused"))
    try:
        for call in (
            lambda: db.copy(),
            lambda: db.pseudonymize("salt"),
            lambda: db.scenario("x", date="2024-01-01"),
            lambda: db.add_node("Street", "s1", name="街道"),
            lambda: og.Scenario(db, "y"),
        ):
            with pytest.raises(og.QueryNotSupportedError, match="to_memory"):
                call()
        assert issubclass(og.QueryNotSupportedError, NotImplementedError)
    finally:
        db.close()
