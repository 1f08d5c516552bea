"""Who reviews which area, the reviewers' points beside the applicant's own, and the audit log
of applications."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import BaseLogEntry, BaseLogEntryManager

from .criteria import Criterion
from .units import Commune, Province


class ReviewRole(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")


class ReviewAssignment(models.Model):
    """One user, one role, one area: a commune, or (for approvers) a whole province.

    A user may hold several rows; what they see is the union of their areas. Administrators
    (superusers) need none: they see every application.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=ReviewRole.choices)
    province = models.ForeignKey(
        Province,
        verbose_name=_("whole province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Approvers only: every commune of the province"),
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("user"), FieldPanel("role"), FieldPanel("commune"), FieldPanel("province")]

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(province__isnull=True, commune__isnull=False)
                    | models.Q(province__isnull=False, commune__isnull=True)
                ),
                name="review_assignment_one_area",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "commune"],
                condition=models.Q(commune__isnull=False),
                name="unique_review_assignment_commune",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "province"],
                condition=models.Q(province__isnull=False),
                name="unique_review_assignment_province",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.commune or self.province}"

    def clean(self):
        if bool(self.commune_id) == bool(self.province_id):
            raise ValidationError(_("Choose either one commune or one whole province."))
        if self.role == ReviewRole.REVIEWER and self.province_id:
            raise ValidationError(
                {"province": _("Reviewers are assigned communes, not whole provinces.")}
            )


class ReviewScore(models.Model):
    """A reviewer's points for one criterion, shown beside the self-assessment."""

    application = models.ForeignKey(
        "Application", on_delete=models.CASCADE, related_name="review_scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    note = models.TextField(_("note"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion__sort_order", "pk"]
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="one_review_score_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.points}"


class ApplicationLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.update(object_id=str(instance.pk))
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        return self.filter(object_id=str(instance.pk))

    def viewable_by_user(self, user):
        """The entries of the applications in the user's areas (``workflow.visible``)."""
        from forms_app import workflow

        from .applications import Application

        if workflow.is_admin(user):
            return self.all()
        keys = (
            workflow.visible(Application.objects.all(), user)
            .annotate(key=Cast("pk", models.CharField()))
            .values("key")
        )
        return self.filter(object_id__in=keys)


class ApplicationLogEntry(BaseLogEntry):
    """The audit log of applications (who moved which one where, with notes), kept apart from
    Wagtail's log of other models so that every listing of log entries, the site history
    report and its exports included, shows a user only the applications of their areas."""

    object_id = models.CharField(max_length=255, db_index=True)

    objects = ApplicationLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("application log entry")
        verbose_name_plural = _("application log entries")
