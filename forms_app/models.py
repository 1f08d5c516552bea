"""Applications for the learning titles.

- ``Province`` / ``Commune``: the 2025 administrative units (loaded from ``vietnamadminunits``
  after ``migrate``); an application belongs to a commune so reviewers can be scoped by area.
- ``CriteriaSet`` with ``Criterion`` and ``RatingThreshold``: data edited by staff per title and
  period, locked once an application uses it (copy it to make a new version).
- ``ApplicationFormPage``: one page type, placed anywhere, serving the form.
- ``ApplicationDraft`` and ``EvidenceFile``: what an applicant has typed and uploaded before
  sending, kept under an unguessable token; files live in the private storage.
- ``Application`` with its members, self-assessment lines, files and events (the timeline the
  review workflow appends to).
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from khuyenhoc.forms import PageForm
from khuyenhoc.pages import VietnameseSlugMixin


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

    SUBMITTED = "submitted", _("Submitted")
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


# --- Administrative units -------------------------------------------------------------------


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Commune(models.Model):
    class Kind(models.TextChoices):
        XA = "xa", _("commune")
        PHUONG = "phuong", _("ward")
        DAC_KHU = "dac_khu", _("special zone")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="communes"
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name


# --- Criteria sets --------------------------------------------------------------------------


class CriteriaSet(ClusterableModel):
    """Criteria of one title for one period. Locked once an application refers to it."""

    title = models.CharField(_("learning title"), max_length=20, choices=LearningTitle.choices)
    name = models.CharField(
        _("name"), max_length=255, help_text=_('e.g. "Gia đình học tập 2026–2030"')
    )
    period = models.CharField(_("period"), max_length=50, help_text=_('e.g. "2026–2030"'))
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("period")]),
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("criteria", heading=_("Criteria"), label=_("criterion"), min_num=1),
        InlinePanel("thresholds", heading=_("Rating thresholds"), label=_("rating"), min_num=1),
    ]

    class Meta:
        ordering = ["title", "-period", "-version"]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")

    def __str__(self):
        if self.version > 1:
            return f"{self.name} (v{self.version})"
        return self.name

    @property
    def is_locked(self):
        """Scores already given refer to it: changing it would change them."""
        return self.pk is not None and self.applications.exists()

    def max_total(self):
        return sum((c.max_points for c in self.criteria.all()), Decimal(0))

    def rating_for(self, total):
        """The label of the highest threshold reached, or None below them all."""
        reached = [t for t in self.thresholds.all() if total >= t.min_points]
        if not reached:
            return None
        return max(reached, key=lambda t: t.min_points).label

    @transaction.atomic
    def copy_as_new_version(self):
        """A new, unlocked set with the same content, for the next round of changes."""
        copy = CriteriaSet.objects.create(
            title=self.title,
            name=self.name,
            period=self.period,
            description=self.description,
            version=self.version + 1,
            previous_version=self,
        )
        for criterion in self.criteria.all():
            Criterion.objects.create(
                criteria_set=copy,
                sort_order=criterion.sort_order,
                code=criterion.code,
                description=criterion.description,
                max_points=criterion.max_points,
                sub_criteria=criterion.sub_criteria,
                evidence_hint=criterion.evidence_hint,
            )
        for threshold in self.thresholds.all():
            RatingThreshold.objects.create(
                criteria_set=copy,
                sort_order=threshold.sort_order,
                label=threshold.label,
                min_points=threshold.min_points,
            )
        return copy


class Criterion(Orderable):
    criteria_set = ParentalKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20, help_text=_('e.g. "1.2"'))
    description = models.TextField(_("description"))
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1)
    sub_criteria = models.TextField(
        _("sub-criteria"), blank=True, help_text=_("One per line, shown under the criterion")
    )
    evidence_hint = models.CharField(_("evidence expected"), max_length=500, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("max_points")]),
        FieldPanel("description"),
        FieldPanel("sub_criteria"),
        FieldPanel("evidence_hint"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return f"{self.code}. {self.description[:60]}"

    def sub_criteria_list(self):
        return [line.strip() for line in self.sub_criteria.splitlines() if line.strip()]

    def clean(self):
        if self.max_points is not None and self.max_points <= 0:
            raise ValidationError({"max_points": _("Maximum points must be more than zero.")})


class RatingThreshold(Orderable):
    criteria_set = ParentalKey(CriteriaSet, on_delete=models.CASCADE, related_name="thresholds")
    label = models.CharField(_("rating"), max_length=50, help_text=_('e.g. "Tốt"'))
    min_points = models.DecimalField(
        _("from (points)"), max_digits=5, decimal_places=1, help_text=_("Lowest total for it")
    )

    panels = [FieldRowPanel([FieldPanel("label"), FieldPanel("min_points")])]

    class Meta(Orderable.Meta):
        verbose_name = _("rating threshold")
        verbose_name_plural = _("rating thresholds")

    def __str__(self):
        return f"{self.label} ≥ {self.min_points}"


# --- The form page --------------------------------------------------------------------------


class ApplicationFormPage(RoutablePageMixin, VietnameseSlugMixin, Page):
    """An application form for one title and kind; editors place it anywhere."""

    learning_title = models.CharField(
        _("learning title"), max_length=20, choices=LearningTitle.choices
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=ApplicationKind.choices,
        default=ApplicationKind.RECOGNITION,
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="form_pages",
        help_text=_("Needed for requests for recognition (self-assessment)"),
    )
    intro = RichTextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    privacy_notice = RichTextField(
        _("privacy notice"),
        help_text=_("How personal data is processed (Decree 13/2023/NĐ-CP); shown by the consent"),
    )
    thank_you_text = RichTextField(_("text after sending"), blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("learning_title"), FieldPanel("kind")]),
        FieldPanel("criteria_set"),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Open")),
        FieldPanel("privacy_notice"),
        FieldPanel("thank_you_text"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    base_form_class = PageForm
    subpage_types = []

    class Meta:
        verbose_name = _("application form page")
        verbose_name_plural = _("application form pages")

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == ApplicationKind.RECOGNITION and self.criteria_set_id is None:
            errors["criteria_set"] = _("A request for recognition needs a criteria set.")
        if self.criteria_set_id and self.criteria_set.title != self.learning_title:
            errors["criteria_set"] = _("This criteria set is for another title.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The closing time must be after the opening time.")
        if errors:
            raise ValidationError(errors)

    @property
    def needs_self_assessment(self):
        return self.kind == ApplicationKind.RECOGNITION and self.criteria_set_id is not None

    def state(self, now=None):
        """ "open", "not_yet_open" or "closed"."""
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return "not_yet_open"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        return "open"

    @path("")
    def form_view(self, request):
        from forms_app.views import application_form

        return application_form(request, self)

    @path("nhap/<str:token>/", name="draft")
    def draft_view(self, request, token):
        from forms_app.views import application_form

        return application_form(request, self, draft_token=token)

    @path("da-gui/<str:token>/", name="sent")
    def sent_view(self, request, token):
        from forms_app.views import application_sent

        return application_sent(request, self, token)


# --- Drafts and files -----------------------------------------------------------------------


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


# --- Applications ---------------------------------------------------------------------------


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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["commune", "status"]),
            # Live campaign targets and the public figures count recognised applications.
            models.Index(fields=["status", "learning_title", "recognised_on"]),
        ]

    def __str__(self):
        return f"{self.code} – {self.applicant_name}"

    def save(self, *args, **kwargs):
        if not self.code:
            prefix = CODE_PREFIXES[self.learning_title]
            year = timezone.localdate(self.submitted_at or timezone.now()).year
            self.code = CodeSequence.next_code(prefix, year)
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
