"""Simple forms editors build themselves (contact, event registration, feedback).

Wagtail's form builder does the work: fields are rows of ``SimpleFormField``, answers are
stored as ``FormSubmission`` rows, and the admin lists them with CSV and XLSX export. What
the project adds is what every public form here has: the honeypot and minimum fill time,
a per-address rate limit, HTTP 400 with the entries kept when something is wrong, and mail
to the association sent as a background task rather than during the request.
"""

from django.db import models
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import FormBuilder, WagtailAdminFormPageForm
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.models import PAGE_TRANSLATABLE_FIELDS
from khuyenhoc.antispam import SpamProtectionMixin, rate_limited, too_many_requests
from khuyenhoc.forms import PageForm
from khuyenhoc.pages import VietnameseSlugMixin
from khuyenhoc.text import slugify_vi


class SimpleFormPageForm(PageForm, WagtailAdminFormPageForm):
    """The admin form: optional slug (PageForm) and Wagtail's check for duplicate labels."""


class SpamProtectedFormBuilder(FormBuilder):
    def get_form_class(self):
        from wagtail.contrib.forms.forms import BaseForm

        return type("SimpleForm", (SpamProtectionMixin, BaseForm), self.formfields)


class SimpleFormField(TranslatableMixin, AbstractFormField):
    """One field; translatable (wagtail-localize only translates translatable children)."""

    page = ParentalKey("SimpleFormPage", on_delete=models.CASCADE, related_name="form_fields")

    translatable_fields = [
        TranslatableField("label"),
        TranslatableField("help_text"),
        TranslatableField("choices"),
        TranslatableField("default_value"),
        SynchronizedField("clean_name"),
        SynchronizedField("field_type"),
        SynchronizedField("required"),
    ]

    class Meta(TranslatableMixin.Meta, AbstractFormField.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def get_field_clean_name(self):
        """Vietnamese labels folded the way slugs are ("Mức độ" -> "muc_do"); Wagtail's own
        turns "đ" into "u0111"."""
        return slugify_vi(self.label).replace("-", "_") or super().get_field_clean_name()


class SimpleFormPage(VietnameseSlugMixin, AbstractEmailForm):
    """A form built in the admin: contact, event registration, feedback."""

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(
        _("text after sending"), blank=True, help_text=_("Shown once the form has been sent")
    )
    submit_label = models.CharField(
        _("button text"), max_length=50, blank=True, help_text=_('Empty: "Send"')
    )

    form_builder = SpamProtectedFormBuilder
    base_form_class = SimpleFormPageForm
    template = "forms_app/simple_form_page.html"
    landing_page_template = "forms_app/simple_form_page_landing.html"
    subpage_types = []

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields"), heading=_("Form fields")),
        FieldPanel("submit_label"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail to the association"),
        ),
    ]
    search_fields = AbstractEmailForm.search_fields + [index.SearchField("intro")]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [
        TranslatableField("intro"),
        TranslatableField("thank_you_text"),
        TranslatableField("submit_label"),
        TranslatableField("subject"),
        TranslatableField("form_fields"),
        SynchronizedField("to_address"),
        SynchronizedField("from_address"),
    ]

    class Meta:
        verbose_name = _("simple form page")
        verbose_name_plural = _("simple form pages")

    def get_form_parameters(self):
        # Embedded in an article, the form sits beside the comment form: keep the ids apart.
        return {"auto_id": f"id_form{self.pk}_%s"}

    def get_submissions_list_view_class(self):
        """Answers come from the public: their export neutralises formulas and control
        characters."""
        from forms_app.formbuilder import SafeSubmissionsListView

        return SafeSubmissionsListView

    def process_form_submission(self, form):
        from wagtail.contrib.forms.models import FormSubmission

        # The antispam fields are checked, never stored nor mailed.
        spam_fields = form.antispam_field_names()
        data = {k: v for k, v in form.cleaned_data.items() if k not in spam_fields}
        submission = FormSubmission.objects.create(form_data=data, page=self)
        if self.to_address:
            self.send_mail(form)
        return submission

    def send_mail(self, form):
        from forms_app.tasks import send_submission_mail
        from khuyenhoc.tasks import enqueue_on_commit

        addresses = [a.strip() for a in self.to_address.split(",") if a.strip()]
        subject = self.subject or self.title
        body = self.render_email(form)
        sender = self.from_address or None
        enqueue_on_commit(send_submission_mail, subject, body, addresses, sender)

    def render_email(self, form):
        for name in form.antispam_field_names():
            form.cleaned_data.pop(name, None)
        return super().render_email(form)

    def serve(self, request, *args, **kwargs):
        """Wagtail's serve, with the spam defences and a 400 for entries to correct."""
        status = 200
        if request.method == "POST":
            if rate_limited(request, "simple_forms"):
                response = too_many_requests(request)
                add_never_cache_headers(response)
                return response
            form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
            if form.is_valid():
                submission = self.process_form_submission(form)
                response = self.render_landing_page(request, submission, *args, **kwargs)
                add_never_cache_headers(response)
                return response
            status = 400
        else:
            form = self.get_form(page=self, user=request.user)
        context = self.get_context(request)
        context["form"] = form
        response = TemplateResponse(request, self.get_template(request), context, status=status)
        # The page holds a CSRF token and a start time: never a shared copy.
        add_never_cache_headers(response)
        return response
