"""Drafts, evidence files and applications with their members, self-assessment and timeline."""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyenhoc.text import search_key

from .choices import (
    CODE_PREFIXES,
    FINAL_STATUSES,
    ApplicationKind,
    ApplicationStatus,
    LearningTitle,
    new_token,
)
from .criteria import CriteriaSet, Criterion
from .pages import ApplicationFormPage
from .units import Commune, Province


class ApplicationDraft(models.Model):
    """Everything typed so far, under a token that is also the submission's idempotency key."""

    token = models.CharField(max_length=64, unique=True, default=new_token)
    page = models.ForeignKey(ApplicationFormPage, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")

    def __str__(self):
        return f"{self.page_id}/{self.token[:6]}…"


def evidence_upload_to(instance, filename):
    # The stored name never contains the applicant's: it is random and dated.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{suffix}"


def private_storage():
    return storages["private"]


class EvidenceFile(models.Model):
    """A file an applicant sent; first attached to a draft, then to the application."""

    draft = models.ForeignKey(
        ApplicationDraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    application = models.ForeignKey(
        "Application", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=evidence_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name


class CodeSequence(models.Model):
    """Last number given per prefix and year, for readable codes without gaps or clashes."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_code_sequence")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"

    @classmethod
    def next_code(cls, prefix, year):
        """Call inside a transaction: the UPDATE holds the row until commit."""
        cls.objects.get_or_create(prefix=prefix, year=year)
        cls.objects.filter(prefix=prefix, year=year).update(last=F("last") + 1)
        number = cls.objects.get(prefix=prefix, year=year).last
        return f"{prefix}-{year}-{number:06d}"


class Application(models.Model):
    code = models.CharField(_("tracking code"), max_length=30, unique=True)
    secret = models.CharField(max_length=64, default=new_token, editable=False)
    submission_token = models.CharField(max_length=64, unique=True, editable=False)
    page = models.ForeignKey(
        ApplicationFormPage,
        verbose_name=_("form page"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    learning_title = models.CharField(
        _("learning title"), max_length=20, choices=LearningTitle.choices, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicationKind.choices)
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    # The name as reviewers' searches compare it (khuyenhoc.text.search_key): typed with or
    # without diacritics, in any case, it matches with one LIKE, which PostgreSQL serves from
    # a trigram index (migration 0006).
    search_name = models.CharField(max_length=255, blank=True, editable=False)
    applicant_details = models.JSONField(_("applicant details"), default=dict)
    phone = models.CharField(_("phone"), max_length=15)
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    hamlet = models.CharField(_("village / residential group"), max_length=255)
    self_total = models.DecimalField(
        _("self-assessed total"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    self_rating = models.CharField(_("self-assessed rating"), max_length=50, blank=True)
    consent_at = models.DateTimeField(_("consent given at"))
    privacy_notice_text = models.TextField(_("privacy notice agreed to"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    # The year a recognition counts for in campaigns and statistics; the review workflow
    # records the decision's date, and saving a recognised application without one
    # takes the day it was saved.
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    public_listing = models.BooleanField(
        _("agrees to appear in the public list"),
        default=False,
        help_text=_("Name, title, commune and year only, once recognised"),
    )
    # The review: the reviewers' total and rating, then the decision.
    review_total = models.DecimalField(
        _("reviewers' total"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    review_rating = models.CharField(_("reviewers' rating"), max_length=50, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_signer = models.CharField(_("signed by"), max_length=255, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    certificate_code = models.CharField(
        _("verification code"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    # Moves on every transition and score change: two reviewers acting on the same version,
    # the second is told it changed instead of overwriting the first.
    revision = models.PositiveIntegerField(default=0, editable=False)
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["commune", "status"]),
            # Live campaign targets and the public figures count recognised applications.
            models.Index(fields=["status", "learning_title", "recognised_on"]),
            # The public list of recognised titles by commune and year.
            models.Index(fields=["commune", "status", "recognised_on"]),
            # An approver's list (a province): the counts per status, and the newest first.
            models.Index(fields=["province", "status"]),
            models.Index(fields=["province", "submitted_at"]),
            # The public statistics, and an approver's counts per status for one title: every
            # column they read, so the database answers from the index without the wide rows.
            models.Index(
                fields=[
                    "province",
                    "learning_title",
                    "status",
                    "kind",
                    "commune",
                    "submitted_at",
                    "recognised_on",
                ],
                name="application_statistics",
            ),
            # The admin's search (a LIKE over every row of the user's area, on SQLite): the
            # counts per status read this narrow index instead of the rows.
            models.Index(
                fields=["status", "province", "commune", "code", "phone", "search_name"],
                name="application_search_folded",
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.applicant_name}"

    def save(self, *args, **kwargs):
        if not self.code:
            prefix = CODE_PREFIXES[self.learning_title]
            year = timezone.localdate(self.submitted_at or timezone.now()).year
            self.code = CodeSequence.next_code(prefix, year)
        self.search_name = search_key(self.applicant_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "applicant_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        if self.status == ApplicationStatus.APPROVED and self.recognised_on is None:
            self.recognised_on = timezone.localdate()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "recognised_on"}
        super().save(*args, **kwargs)

    def tracking_path(self):
        """The private link: the code says which application, the secret proves the holder."""
        from django.urls import reverse

        return reverse("forms_app:track_detail", args=[self.code, self.secret])

    @property
    def awaits_reply(self):
        return self.status == ApplicationStatus.INFO_REQUESTED

    @property
    def can_withdraw(self):
        return self.status not in FINAL_STATUSES


class ApplicationMember(models.Model):
    """One member of an applying household."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    sort_order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("full name"), max_length=255)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    relation = models.CharField(_("relation to the head"), max_length=100)
    occupation = models.CharField(_("schooling or work"), max_length=255, blank=True)
    learning = models.TextField(_("what they learned this year"), blank=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self):
        return self.name


class SelfAssessment(models.Model):
    """The applicant's points for one criterion; reviewers add theirs beside it (issue 5)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="self_assessments"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["criterion__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="one_self_assessment_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.points}"


class ApplicationEvent(models.Model):
    """One step of the timeline: who moved the application where, and when.

    The applicant's tracking page shows the ``public`` events with their status, date and
    ``message``; ``note`` and ``by_user`` stay with the reviewers, whatever the flag says.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=30, choices=ApplicationStatus.choices)
    note = models.TextField(_("note"), blank=True, help_text=_("For reviewers only"))
    message = models.TextField(
        _("message to the applicant"),
        blank=True,
        help_text=_("Shown on the tracking page, e.g. what information is missing"),
    )
    public = models.BooleanField(
        _("shown to the applicant"),
        default=True,
        help_text=_("Untick for steps that only concern reviewers"),
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_applicant = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.get_status_display()} {self.created_at:%Y-%m-%d %H:%M}"
