from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from forms_app import workflow
from forms_app.models import CriteriaSet
from forms_app.reviews.viewsets import ApplicationViewSet, ReviewAssignmentViewSet


class CriteriaSetForm(WagtailAdminModelForm):
    """Refuses any change to a set that applications already use: their scores rest on it."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.is_locked:
            changed = self.has_changed() or any(
                formset.has_changed() for formset in self.formsets.values()
            )
            if changed:
                raise self.locked_error()
        return cleaned

    def locked_error(self):
        from django.core.exceptions import ValidationError

        return ValidationError(
            _(
                "Applications already use this criteria set, so it can no longer be changed. "
                'Use "New version" to make an editable copy.'
            ),
            code="locked",
        )


CriteriaSet.base_form_class = CriteriaSetForm


def new_version_button(criteria_set, user, priority):
    """Making a copy is a change, so ``new_version`` takes POST only: the button posts with
    Wagtail's CSRF token through its ``w-action`` controller, as Wagtail's "Unlock" does."""
    if not user.has_perm("forms_app.add_criteriaset"):
        return None
    return Button(
        _("New version"),
        icon_name="copy",
        priority=priority,
        attrs={
            "data-controller": "w-action",
            "data-action": "w-action#post",
            "data-w-action-url-value": reverse(
                "forms_app_criteriaset_new_version", args=[criteria_set.pk]
            ),
        },
    )


class CriteriaSetIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        button = new_version_button(instance, self.request.user, priority=15)
        return buttons + [button] if button else buttons


class CriteriaSetEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        button = new_version_button(self.object, self.request.user, priority=5)
        return buttons + [button] if button else buttons


class CriteriaSetViewSet(SnippetViewSet):
    model = CriteriaSet
    index_view_class = CriteriaSetIndexView
    edit_view_class = CriteriaSetEditView
    icon = "list-ol"
    menu_label = gettext_lazy("Criteria sets")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["__str__", "title", "period", "version", "created_at"]
    list_filter = ["title"]
    search_fields = ["name", "period"]


register_snippet(CriteriaSetViewSet)
register_snippet(ApplicationViewSet)
register_snippet(ReviewAssignmentViewSet)


@require_POST
def new_version(request, pk):
    if not request.user.has_perm("forms_app.add_criteriaset"):
        raise PermissionDenied
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    copy = criteria_set.copy_as_new_version()
    messages.success(request, _("New version made; edit it and choose it on the form pages."))
    return redirect(reverse("wagtailsnippets_forms_app_criteriaset:edit", args=[copy.pk]))


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path(
            "criteria-sets/<int:pk>/new-version/",
            new_version,
            name="forms_app_criteriaset_new_version",
        )
    ]


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    from forms_app.models import Application, ApplicationLogEntry
    from forms_app.workflow import TRANSITIONS

    # The applications' entries in their own table, scoped by area in every log listing.
    actions.register_model(Application, ApplicationLogEntry)
    for transition in TRANSITIONS.values():
        actions.register_action(transition.log_action, transition.label, transition.label)
    actions.register_action(
        "forms_app.applicant_reply",
        gettext_lazy("Applicant's answer"),
        gettext_lazy("The applicant answered the request"),
    )
    actions.register_action(
        "forms_app.withdraw",
        gettext_lazy("Withdraw"),
        gettext_lazy("Withdrawn by the applicant"),
    )
    actions.register_action(
        "forms_app.score", gettext_lazy("Score"), gettext_lazy("Scores changed")
    )
    actions.register_action("forms_app.note", gettext_lazy("Note"), gettext_lazy("Note added"))
    actions.register_action(
        "forms_app.anonymise", gettext_lazy("Anonymise"), gettext_lazy("Personal data removed")
    )
    actions.register_action(
        "forms_app.export_personal_data",
        gettext_lazy("Export personal data"),
        gettext_lazy("Personal data exported"),
    )


# --- The review workflow's bulk actions and home panel (forms_app.reviews) -------------------


def _register_review_bulk_actions():
    from forms_app.reviews.bulk import (
        NoDeleteBulkAction,
        RecogniseBulkAction,
        StartReviewBulkAction,
    )

    hooks.register("register_bulk_action", StartReviewBulkAction)
    hooks.register("register_bulk_action", RecogniseBulkAction)
    # After the generic bulk delete of snippets (khuyenhoc.wagtail_hooks, order 1).
    hooks.register("register_bulk_action", NoDeleteBulkAction, order=2)


_register_review_bulk_actions()


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    from forms_app.reviews.dashboard import panel_for

    panel = panel_for(request.user)
    if panel is not None:
        panels.append(panel)


@hooks.register("requires_two_factor")
def sees_applications(user):
    """Whoever can see applicants' personal data signs in with a second factor when
    ``TWO_FACTOR_REQUIRED`` is on (khuyenhoc/accounts/)."""
    return user.has_perm("forms_app.view_application") or bool(workflow.assignments(user))
