"""Choices shared by the application models, forms and statistics."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LearningTitle(models.TextChoices):
    CITIZEN = "citizen", _("Learning citizen")
    FAMILY = "family", _("Learning family")
    CLAN = "clan", _("Learning clan")
    COMMUNITY = "community", _("Learning community")
    UNIT = "unit", _("Learning unit")


# Prefixes of tracking codes (``GDHT-2026-000042``): the title's initials, ASCII only;
# "Cộng đồng" writes its Đ the Telex way (DD) to differ from "Công dân".
CODE_PREFIXES = {
    LearningTitle.CITIZEN: "CDHT",
    LearningTitle.FAMILY: "GDHT",
    LearningTitle.CLAN: "DHHT",
    LearningTitle.COMMUNITY: "CDDHT",
    LearningTitle.UNIT: "DVHT",
}


class ApplicationKind(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    RECOGNITION = "recognition", _("Request for recognition")


class ApplicationStatus(models.TextChoices):
    """The life of an application (domain.md); the review workflow moves it along."""

    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    IN_REVIEW = "in_review", _("In review")
    INFO_REQUESTED = "info_requested", _("More information requested")
    PROPOSED_APPROVAL = "proposed_approval", _("Proposed for approval")
    PROPOSED_REJECTION = "proposed_rejection", _("Proposed for rejection")
    APPROVED = "approved", _("Recognised")
    REJECTED = "rejected", _("Not recognised")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


# No decision yet: the applicant may still withdraw.
FINAL_STATUSES = {
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
}


def new_token():
    return secrets.token_urlsafe(24)
