"""A form embedded in any page's body: an application form or a form-builder form.

Shown either as a call to action (a card with the form's state and a button) or inline, the
form itself. An inline form posts to its own page's URL, so errors, drafts, files and the
spam defences are handled there, exactly as for a visitor who opened the form page.

Models are looked up when a block renders: ``khuyenhoc.blocks`` imports this module while
the apps' models are still loading.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

CARD = "card"
INLINE = "inline"


class EmbeddedFormBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(
        label=_("Form"),
        page_type=["forms_app.ApplicationFormPage", "forms_app.SimpleFormPage"],
    )
    display = blocks.ChoiceBlock(
        label=_("Show as"),
        choices=[
            (CARD, _("A card leading to the form")),
            (INLINE, _("The form itself, in this page")),
        ],
        default=CARD,
    )
    heading = blocks.CharBlock(
        label=_("Heading"), required=False, max_length=120, help_text=_("Empty: the form's title")
    )
    text = blocks.TextBlock(label=_("Text"), required=False)

    class Meta:
        icon = "form"
        label = _("Form")
        template = "forms_app/blocks/embedded_form.html"

    def get_context(self, value, parent_context=None):
        """A fixed number of queries per block: the specific page, then what its form needs."""
        from forms_app.models import ApplicationFormPage, SimpleFormPage

        context = super().get_context(value, parent_context=parent_context)
        request = context.get("request")
        chosen = value.get("page")
        form_page = chosen.specific if chosen is not None and chosen.live else None
        context["form_page"] = form_page
        if form_page is None:
            return context
        context["form_url"] = form_page.get_url(request)
        context["inline"] = value.get("display") == INLINE
        if isinstance(form_page, ApplicationFormPage):
            context["kind"] = "application"
            context["state"] = form_page.state()
            if context["inline"] and context["state"] == "open":
                from forms_app.views import embedded_form_context

                inline = embedded_form_context(form_page)
                inline.pop("page")
                inline.pop("self")
                context.update(inline)
        elif isinstance(form_page, SimpleFormPage):
            context["kind"] = "simple"
            if context["inline"]:
                user = getattr(request, "user", None)
                context["form"] = form_page.get_form(page=form_page, user=user)
        return context
