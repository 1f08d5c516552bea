"""The application form page: one page type, placed anywhere, serving the form."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.models import PAGE_TRANSLATABLE_FIELDS
from khuyenhoc.forms import PageForm
from khuyenhoc.pages import VietnameseSlugMixin

from .choices import ApplicationKind, LearningTitle
from .criteria import CriteriaSet


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
    # Translated pages say the same in another language; what decides who may apply, under
    # which criteria and when, stays the same in every language.
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [
        TranslatableField("intro"),
        TranslatableField("privacy_notice"),
        TranslatableField("thank_you_text"),
        SynchronizedField("learning_title"),
        SynchronizedField("kind"),
        SynchronizedField("criteria_set"),
        SynchronizedField("opens_at"),
        SynchronizedField("closes_at"),
    ]
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
