"""The workspace schema. Import models from here."""

from workbench.store.models.assurance import ForceCaCertificate, PackVersion, SelfAssessment, SignOff
from workbench.store.models.audits import Audit, AuditTemplate, Response, SampledCase, TemplateCriterion, audit_findings
from workbench.store.models.base import Base, UTCDateTime, utcnow
from workbench.store.models.evidence import Evidence, EvidenceBlob, EvidenceLink
from workbench.store.models.findings import Action, Finding, FindingLink, Inspection, KeyFigure, Measure, MeasurePoint
from workbench.store.models.people import (
    ChangeLogEntry,
    ChangeLogHead,
    ForceSetting,
    PseudonymKey,
    ReviewerCertificate,
    User,
)
from workbench.store.models.register import ClosureProposal, PlannedAudit, StatusChange, TrackerRow
from workbench.store.models.requests import EvidenceRequest

__all__ = [
    "Action", "Audit", "ClosureProposal", "PlannedAudit", "StatusChange", "AuditTemplate", "Base", "ChangeLogEntry", "ChangeLogHead", "Evidence",
    "EvidenceBlob", "EvidenceLink", "EvidenceRequest", "Finding", "FindingLink", "ForceSetting", "Inspection", "KeyFigure",
    "ForceCaCertificate", "Measure", "MeasurePoint", "PackVersion", "PseudonymKey", "Response", "ReviewerCertificate",
    "SampledCase", "SelfAssessment", "SignOff", "TemplateCriterion", "TrackerRow", "User", "UTCDateTime", "audit_findings",
    "utcnow",
]
