"""The questions orggraph answers, each defined once for every backend.

One module per topic; each public function owns its signature, docstring,
argument checks and output columns, and hands over to the backend method of
the same name. The same functions are methods of :class:`orggraph.OrgGraph`.

=========================  ==========================================
query                      topic
=========================  ==========================================
cross_appointment_rate     交叉任职率 (appointments)
one_shoulder               一肩挑 (appointments)
=========================  ==========================================
"""

from __future__ import annotations

from ._base import QUERIES
from .appointments import cross_appointment_rate, one_shoulder

__all__ = ["QUERIES", "cross_appointment_rate", "one_shoulder"]
