"""Applications for the learning titles, and the simple forms built by editors.

- ``units``: ``Province`` / ``Commune``, the 2025 administrative units; an application belongs
  to a commune so reviewers can be scoped by area.
- ``criteria``: ``CriteriaSet`` with ``Criterion`` and ``RatingThreshold``, edited by staff per
  title and period, locked once an application uses it (copy it to make a new version).
- ``pages``: ``ApplicationFormPage``, one page type, placed anywhere, serving the form.
- ``applications``: ``ApplicationDraft`` and ``EvidenceFile`` (what an applicant typed and
  uploaded before sending, under an unguessable token, files in the private storage), then
  ``Application`` with its members, self-assessment lines, files and events.
- ``review``: ``ReviewAssignment`` (who reviews or approves which commune or province) and
  ``ReviewScore`` (reviewers' points per criterion), ``ApplicationLogEntry`` (the audit log,
  scoped by area); the transitions are in ``forms_app.workflow``.
- ``formbuilder``: Wagtail form-builder pages for simple forms (contact, event registration).

Everything is re-exported here, including the callables migrations refer to by their
``forms_app.models`` path, so imports elsewhere never name the submodules.
"""

from .applications import (
    Application,
    ApplicationDraft,
    ApplicationEvent,
    ApplicationMember,
    CodeSequence,
    EvidenceFile,
    SelfAssessment,
    evidence_upload_to,
    private_storage,
)
from .choices import (
    CODE_PREFIXES,
    FINAL_STATUSES,
    ApplicationKind,
    ApplicationStatus,
    LearningTitle,
    new_token,
)
from .criteria import CriteriaSet, Criterion, RatingThreshold
from .formbuilder import SimpleFormField, SimpleFormPage
from .pages import ApplicationFormPage
from .review import ApplicationLogEntry, ReviewAssignment, ReviewRole, ReviewScore
from .units import Commune, Province

__all__ = [
    "CODE_PREFIXES",
    "FINAL_STATUSES",
    "Application",
    "ApplicationDraft",
    "ApplicationEvent",
    "ApplicationFormPage",
    "ApplicationLogEntry",
    "ApplicationKind",
    "ApplicationMember",
    "ApplicationStatus",
    "CodeSequence",
    "Commune",
    "CriteriaSet",
    "Criterion",
    "EvidenceFile",
    "LearningTitle",
    "Province",
    "RatingThreshold",
    "ReviewAssignment",
    "ReviewRole",
    "ReviewScore",
    "SelfAssessment",
    "SimpleFormField",
    "SimpleFormPage",
    "evidence_upload_to",
    "new_token",
    "private_storage",
]
