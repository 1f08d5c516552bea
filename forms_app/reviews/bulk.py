"""Bulk actions on the applications list: start the review of a selection, and recognise several
proposed applications under one decision.

Each application goes through ``workflow.perform`` on its own (``perform_many``), so the same
rules hold as on the detail page; another area's application is never touched, and those in a
status that does not allow the action are counted as skipped and left alone.
"""

from django import forms
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import classproperty
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.widgets import AdminDateInput
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from forms_app import workflow
from forms_app.models import Application
from khuyenhoc.admin_access import DeleteBulkAction

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# The confirmation page names at most this many; the action applies to the whole selection.
SHOWN = 100


class DecisionForm(forms.Form):
    """One recognition decision for every application of the selection."""

    number = forms.CharField(label=gettext_lazy("decision number"), max_length=50)
    date = forms.DateField(
        label=gettext_lazy("decision date"), input_formats=DATE_FORMATS, widget=AdminDateInput
    )
    signer = forms.CharField(label=gettext_lazy("signed by"), max_length=255)
    valid_until = forms.DateField(
        label=gettext_lazy("valid until"),
        input_formats=DATE_FORMATS,
        widget=AdminDateInput,
        required=False,
        help_text=gettext_lazy("Left empty: three years after the decision date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = workflow.today()
        self.fields["date"].initial = today
        self.fields["valid_until"].initial = workflow.default_valid_until(today)

    def clean(self):
        cleaned = super().clean()
        date = cleaned.get("date")
        if date and not cleaned.get("valid_until"):
            cleaned["valid_until"] = workflow.default_valid_until(date)
        if date and cleaned["valid_until"] <= date:
            self.add_error(
                "valid_until", _("The end of validity must come after the decision date.")
            )
        return cleaned

    @property
    def decision(self):
        data = self.cleaned_data
        return workflow.Decision(
            number=data["number"].strip(),
            date=data["date"],
            signer=data["signer"].strip(),
            valid_until=data["valid_until"],
        )


class NoDeleteBulkAction(DeleteBulkAction):
    """Nobody deletes an application (``viewsets.ApplicationPermissionPolicy``): the bulk delete
    is not found, before its confirmation page could name any application."""

    @classproperty
    def models(cls):
        return [Application]

    def dispatch(self, request, *args, **kwargs):
        raise Http404


class ApplicationBulkAction(SnippetBulkAction):
    """A workflow transition over the selected applications of the user's areas."""

    template_name = "forms_app/admin/bulk_confirm.html"
    transition_name = None
    action_priority = 10

    @classproperty
    def models(cls):
        return [Application]

    @property
    def transition(self):
        return workflow.TRANSITIONS[self.transition_name]

    def selection(self):
        """The selected applications this user may see: the others do not exist for them."""
        ids = self.request.GET.getlist("id")
        queryset = workflow.visible(Application.objects.all(), self.request.user)
        if "all" not in ids:
            queryset = queryset.filter(pk__in=[pk for pk in ids if pk.isdigit()])
        return queryset

    def ready(self, queryset):
        transition = self.transition
        return queryset.filter(status__in=transition.sources).filter(
            workflow.area_filter(self.request.user, role=transition.role)
        )

    def get_actionable_objects(self):
        selection = self.selection()
        ready = self.ready(selection)
        items = list(ready.select_related("commune").order_by("pk")[:SHOWN])
        others = list(
            selection.exclude(pk__in=ready.values("pk")).select_related("commune")[:SHOWN]
        )
        if not items and not others:
            raise Http404
        return items, {
            "items_with_no_access": others,
            "ready_count": ready.count() if len(items) == SHOWN else len(items),
        }

    def object_context(self, application):
        return {
            "item": application,
            "url": reverse("forms_app_applications:inspect", args=[application.pk]),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action"] = self
        return context

    def get_execution_context(self):
        return {"action": self}

    @classmethod
    def execute_action(cls, objects, action=None, **kwargs):
        selection = action.selection()
        selected = selection.count()
        done, _skipped = workflow.perform_many(
            action.ready(selection),
            cls.transition_name,
            action.request.user,
            **action.perform_kwargs(),
        )
        # Skipped: those the confirmation named, and any that changed since (perform re-checks).
        return len(done), selected - len(done)

    def perform_kwargs(self):
        return {}

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = self.done_message(num_parent_objects)
        if num_child_objects:
            message += " " + ngettext(
                "%(count)d skipped: its status or your role does not allow it.",
                "%(count)d skipped: their status or your role does not allow it.",
                num_child_objects,
            ) % {"count": num_child_objects}
        return message


class StartReviewBulkAction(ApplicationBulkAction):
    display_name = gettext_lazy("Start review")
    action_type = "start_review"
    aria_label = gettext_lazy("Start the review of the selected applications")
    transition_name = "start_review"
    action_priority = 10
    question = gettext_lazy("Start the review of these applications?")
    confirm_label = gettext_lazy("Yes, start the review")

    def done_message(self, count):
        return ngettext(
            "Review started for %(count)d application.",
            "Review started for %(count)d applications.",
            count,
        ) % {"count": count}


class RecogniseBulkAction(ApplicationBulkAction):
    display_name = gettext_lazy("Recognise")
    action_type = "recognise"
    aria_label = gettext_lazy("Recognise the selected applications under one decision")
    transition_name = "recognise"
    action_priority = 20
    form_class = DecisionForm
    question = gettext_lazy(
        "Recognise these proposed applications under one decision? Each gets its own "
        "verification code."
    )
    confirm_label = gettext_lazy("Recognise")

    def perform_kwargs(self):
        return {"decision": self.cleaned_form.decision}

    def form_invalid(self, form):
        # The entries stay in the form; 400 says the request was refused.
        return TemplateResponse(
            self.request,
            self.template_name,
            self.get_context_data(form=form),
            status=400,
        )

    def done_message(self, count):
        return ngettext(
            "%(count)d application recognised by decision %(number)s.",
            "%(count)d applications recognised by decision %(number)s.",
            count,
        ) % {"count": count, "number": self.cleaned_form.cleaned_data["number"]}
