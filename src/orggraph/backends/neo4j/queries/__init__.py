"""Query implementations of the Neo4j backend, one module per topic (see :mod:`orggraph.queries`).

Each method runs the statements of :mod:`..cypher` in the database and post-processes
only their small results on the client (sorting lists, building the report, rates
from counts).
"""

from __future__ import annotations

from .appointments import AppointmentsMixin
from .boundaries import BoundariesMixin
from .chains import ChainsMixin
from .coverage import CoverageMixin
from .interlocks import InterlocksMixin
from .norms import NormsMixin
from .people import PeopleMixin

__all__ = ["QueryMixin"]


class QueryMixin(AppointmentsMixin, InterlocksMixin, CoverageMixin, NormsMixin, BoundariesMixin, ChainsMixin, PeopleMixin):
    """All query implementations of the Neo4j backend, composed from the topic mixins."""
