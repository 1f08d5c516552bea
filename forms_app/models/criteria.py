"""Criteria sets per title and period: edited by staff, locked once an application uses them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from .choices import LearningTitle


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
