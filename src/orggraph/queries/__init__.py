"""The questions orggraph answers, each defined once for every backend.

One module per topic; each public function owns its signature, docstring,
argument checks and output columns, and hands over to the backend method of
the same name. The same functions are methods of :class:`orggraph.OrgGraph`.

=========================  ==========================================
query                      topic
=========================  ==========================================
cross_appointment_rate     交叉任职率 (appointments)
one_shoulder               一肩挑 (appointments)
unassigned_areas           治理真空带 (boundaries)
boundary_zones             交界区域管辖主体 (boundaries)
boundary_geometry          社区边界缝隙与重叠, from WKT polygons (boundaries)
chain_breaks               组织链条 (chains)
coverage_gaps              覆盖空白: 组建率 and 覆盖率 (coverage)
check_norms                配置标准 (norms)
interlocks                 交叉任职网络 (interlocks)
connectors                 一人多职 (interlocks)
interlock_network          交叉任职网络 as a networkx.Graph (interlocks)
interlock_metrics          交叉任职网络中心性 (interlocks)
leadership_profile         班子结构 (people)
party_membership           党员数 (people)
member_reports             在职党员双报到 (people)
member_responsibilities    党员联系户/党员责任区 (people)
term_expiry                超期未换届 (people)
audit                      体检: every query in one report (audit)
village_one_shoulder       村两委一肩挑: per village (villages)
village_cross_appointment  村两委交叉任职率: per village (villages)
audit_series               趋势: the audit's headline at several dates, per group (trends)
=========================  ==========================================
"""

from __future__ import annotations

from ._base import QUERIES
from .appointments import cross_appointment_rate, one_shoulder
from .boundaries import boundary_geometry, boundary_zones, unassigned_areas
from .chains import chain_breaks
from .coverage import CoverageReport, coverage_gaps
from .norms import Norms, check_norms
from .interlocks import connectors, interlock_metrics, interlock_network, interlocks
from .owners import owners_committee_overlap
from .people import leadership_profile, member_reports, member_responsibilities, party_membership, term_expiry
from .audit import AuditReport, audit
from .trends import audit_series
from .villages import village_cross_appointment, village_one_shoulder

__all__ = ["QUERIES", "cross_appointment_rate", "one_shoulder", "interlocks", "connectors", "interlock_network", "interlock_metrics", "coverage_gaps", "CoverageReport", "check_norms", "Norms", "unassigned_areas", "boundary_zones", "boundary_geometry", "chain_breaks", "owners_committee_overlap", "audit", "AuditReport", "audit_series", "village_one_shoulder", "village_cross_appointment", "leadership_profile", "party_membership", "member_reports", "member_responsibilities", "term_expiry"]
