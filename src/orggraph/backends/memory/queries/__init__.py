"""Query implementations of the in-memory backend, one module per topic (see :mod:`orggraph.queries`)."""

from __future__ import annotations

from .appointments import AppointmentsMixin
from .boundaries import BoundariesMixin
from .chains import ChainsMixin
from .coverage import CoverageMixin
from .norms import NormsMixin
from .interlocks import InterlocksMixin
from .people import PeopleMixin

__all__ = ["QueryMixin"]


class QueryMixin(AppointmentsMixin, InterlocksMixin, CoverageMixin, NormsMixin, BoundariesMixin, ChainsMixin, PeopleMixin):
    """All query implementations of the in-memory backend, composed from the topic mixins."""
