"""The applications in the admin, as a snippet viewset scoped to the user's areas."""

from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, F
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    SnippetViewSet,
    UsageView,
)

from forms_app import workflow
from forms_app.models import Application, ApplicationStatus, ReviewAssignment
from khuyenhoc.admin_access import RestrictedChooserViewSet

from .detail import ApplicationDetailView
from .filters import ApplicationFilterSet, search_condition

# Changes come from the public form (new applications) and the workflow (everything else).
REFUSED = frozenset({"add", "change", "delete"})


class ApplicationPermissionPolicy(ModelPermissionPolicy):
    """Nobody adds, edits or deletes an application in the admin, not even a superuser: it is
    what the applicant sent, and the workflow records every change. Seeing one needs
    ``view_application`` (and then the area, ``workflow.visible``)."""

    def user_has_permission(self, user, action):
        return action not in REFUSED and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = set(actions) - REFUSED
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


register_permission_policy(Application, ApplicationPermissionPolicy(Application))


class RefusedMixin:
    """The add, edit and delete URLs answer 404 whatever the application (see the policy)."""

    def setup(self, request, *args, **kwargs):
        raise Http404


class NoCreateView(RefusedMixin, CreateView):
    pass


class NoEditView(RefusedMixin, EditView):
    pass


class NoDeleteView(RefusedMixin, DeleteView):
    pass


class AreaObjectMixin:
    """Another area's application is not found, whatever its number."""

    def get_base_object_queryset(self):
        return workflow.visible(super().get_base_object_queryset(), self.request.user)


class ApplicationHistoryView(AreaObjectMixin, HistoryView):
    # Wagtail asks for add/change/delete, which nobody has here (the policy): seeing is enough.
    any_permission_required = ["view"]
    inspect_url_name = None

    def get_edit_url(self, instance):
        return reverse(self.inspect_url_name, args=(quote(instance.pk),))

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                label=capfirst(Application._meta.verbose_name),
                url=self.get_edit_url(self.object),
                icon_name="info-circle",
            )
        ]


class ApplicationUsageView(AreaObjectMixin, UsageView):
    pass


class ApplicationChooserViewSet(RestrictedChooserViewSet):
    """The chooser Wagtail makes for every snippet. No field chooses an application, but its
    URLs answer: with the user's areas only, like the list."""

    def user_may_choose(self, user):
        return workflow.has_area(user)

    def scope(self, queryset, user):
        return workflow.visible(queryset, user)


class ApplicationURLFinder(ModelAdminURLFinder):
    """Wagtail's links to an application (history reports, log entries) open its detail page,
    for users whose area holds it."""

    def get_edit_url(self, instance):
        if self.user is not None and not workflow.roles_for(self.user, instance):
            return None
        return reverse("forms_app_applications:inspect", args=(quote(instance.pk),))


class PlainColumn(Column):
    """A text cell written directly rather than through a template: the same HTML as
    Wagtail's ``tables/cell.html``, at a fraction of the cost over fifty rows."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return format_html(
            "<td{}>{}</td>",
            format_html(' class="{}"', self.classname) if self.classname else "",
            "" if value is None else value,
        )


def _field_label(name):
    return capfirst(Application._meta.get_field(name).verbose_name)


def _submitted_date(application):
    return date_format(timezone.localtime(application.submitted_at), "SHORT_DATE_FORMAT")


# Statuses waiting for someone, shown as highlighted tags.
WAITING = {
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.PROPOSED_APPROVAL,
    ApplicationStatus.PROPOSED_REJECTION,
}


# SQLite reads a LIKE '%…%' row by row. Naming every status lets it read the narrow
# ``application_search_folded`` index instead of the wide rows (the counts of a province's
# 60,000 applications in 7 ms instead of 80); when few match, the page reads those rows by
# id, where walking the dates would read every row to find them (7 ms instead of 90).
# PostgreSQL's trigram indexes need neither.
FEW_MATCHES = 2000


class ApplicationIndexView(IndexView):
    """The list: the user's areas only, searched by code, name or phone, with the counts per
    status over the same filters (but the status) in one query."""

    def get_base_queryset(self):
        return self.with_list_columns(
            workflow.visible(super().get_base_queryset(), self.request.user)
        )

    @staticmethod
    def with_list_columns(queryset):
        return queryset.select_related("commune").defer(
            "applicant_details", "privacy_notice_text", "decision_reason"
        )

    @cached_property
    def searches_sqlite(self):
        return self.is_searching and connection.vendor == "sqlite"

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.searches_sqlite or self.match_count > FEW_MATCHES:
            return queryset
        matches = queryset.order_by().values("pk")
        return self.order_queryset(
            self.with_list_columns(Application.objects.filter(pk__in=matches))
        )

    def get_list_more_buttons(self, instance):
        # No menu per row: the code opens the detail page, which holds the history too, and
        # fifty rows of menus cost more to render than the rest of the list.
        return []

    # "Download XLSX / CSV" in the header menu lead to the streamed export, with the same
    # filters, search and ordering as the list on screen.
    show_export_buttons = True

    def get_export_url(self, format):
        params = self.request.GET.copy()
        for name in (self.page_kwarg, "export", "_w_filter_fragment"):
            params.pop(name, None)
        url = reverse("forms_app_applications:export", args=[format])
        return f"{url}?{params.urlencode()}" if params else url

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        queryset = queryset.filter(search_condition(self.search_query))
        if self.searches_sqlite:
            queryset = queryset.filter(status__in=ApplicationStatus.values)
        return queryset

    def order_queryset(self, queryset):
        ordering = self.ordering
        if isinstance(ordering, (list, tuple)):
            return queryset.order_by(*ordering)
        field = ordering.lstrip("-")
        if ordering.startswith("-"):
            expression = F(field).desc(nulls_last=True)
        else:
            expression = F(field).asc(nulls_last=True)
        # The primary key keeps pages stable among equal statuses or totals.
        return queryset.order_by(expression, "-pk")

    @cached_property
    def counts_by_status(self):
        """One GROUP BY over the user's area, the search and the filters but the status."""
        queryset = self.search_queryset(
            workflow.visible(Application.objects.all(), self.request.user)
        )
        if self.filters:
            queryset = self.filters.filter_except(queryset, {"status"})
        return dict(
            queryset.order_by()
            .values("status")
            .annotate(count=Count("pk"))
            .values_list("status", "count")
        )

    @cached_property
    def match_count(self):
        valid = self.filters and self.filters.is_valid()
        status = self.filters.form.cleaned_data.get("status") if valid else ""
        counts = self.counts_by_status
        return counts.get(status, 0) if status else sum(counts.values())

    def get_paginator(self, *args, **kwargs):
        # The counts per status already hold the number of matches: no second COUNT(*) over
        # the same rows (with a search, a scan of every one of them).
        paginator = super().get_paginator(*args, **kwargs)
        paginator.count = self.match_count
        return paginator

    @cached_property
    def status_counts(self):
        counts = self.counts_by_status
        query = self.request.GET.copy()
        for name in (self.page_kwarg, "status", "_w_filter_fragment"):
            query.pop(name, None)
        current = self.request.GET.get("status", "")
        rows = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "url": f"{self.index_url}?{urlencode({**query.dict(), 'status': value})}",
                "current": current == value,
            }
            for value, label in ApplicationStatus.choices
        ]
        return {
            "rows": rows,
            "total": sum(counts.values()),
            "all_url": f"{self.index_url}?{urlencode(query.dict())}" if query else self.index_url,
            "current": not current,
        }

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["status_counts"] = self.status_counts
        return context

    @cached_property
    def bulk_buttons(self):
        """The footer's buttons: the workflow's bulk actions, without Wagtail's delete."""
        actions = sorted(
            (
                action
                for action in bulk_action_registry.get_bulk_actions_for_model(
                    "forms_app", "application"
                )
                if action.action_type not in REFUSED
            ),
            key=lambda action: action.action_priority,
        )
        return [
            ListingButton(
                action.display_name,
                reverse(
                    "wagtail_bulk_action", args=["forms_app", "application", action.action_type]
                ),
                attrs={"aria-label": action.aria_label, "data-bulk-action-button": ""},
                priority=action.action_priority,
                classname=" ".join(action.classes | {"bulk-action-btn"}),
            )
            for action in actions
        ]


class ApplicationViewSet(SnippetViewSet):
    model = Application
    url_prefix = "applications"
    url_namespace = "forms_app_applications"
    icon = "form"
    menu_label = _("Applications")
    menu_order = 300
    add_to_admin_menu = True
    index_view_class = ApplicationIndexView
    add_view_class = NoCreateView
    edit_view_class = NoEditView
    delete_view_class = NoDeleteView
    history_view_class = ApplicationHistoryView
    usage_view_class = ApplicationUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ApplicationDetailView
    url_finder_class = ApplicationURLFinder
    chooser_viewset_class = ApplicationChooserViewSet
    filterset_class = ApplicationFilterSet
    index_template_name = "forms_app/admin/list.html"
    index_results_template_name = "forms_app/admin/list_results.html"
    list_display = [
        "code",
        PlainColumn("applicant_name", label=_field_label("applicant_name")),
        PlainColumn("get_learning_title_display", label=_field_label("learning_title")),
        PlainColumn("get_kind_display", label=_field_label("kind")),
        PlainColumn("commune", label=_field_label("commune")),
        StatusTagColumn(
            "get_status_display",
            label=_field_label("status"),
            sort_key="status",
            primary=lambda application: application.status in WAITING,
        ),
        PlainColumn(
            "submitted_at",
            accessor=_submitted_date,
            label=_field_label("submitted_at"),
            sort_key="submitted_at",
        ),
        PlainColumn("review_total", label=_field_label("review_total"), sort_key="review_total"),
    ]
    list_per_page = 50
    search_fields = ["code", "applicant_name", "phone"]
    ordering = ["-submitted_at", "-pk"]

    def get_urlpatterns(self):
        from forms_app import certificates

        from . import exports

        return super().get_urlpatterns() + [
            path("export/<str:fmt>/", exports.export, name="export"),
            path("<int:pk>/certificate/", certificates.certificate, name="certificate"),
        ]


class ReviewAssignmentForm(WagtailAdminModelForm):
    """The table's constraints, said in words: the model's ``clean`` asks for one area (and
    communes for reviewers), this form refuses the same role for the same area twice."""

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("role")
        commune, province = cleaned.get("commune"), cleaned.get("province")
        if user and role and bool(commune) != bool(province):
            duplicates = ReviewAssignment.objects.filter(
                user=user, role=role, commune=commune, province=province
            ).exclude(pk=self.instance.pk)
            if duplicates.exists():
                raise ValidationError(_("This user already has this role for this area."))
        return cleaned

    def _post_clean(self):
        # Django would add "Constraint … is violated." beside the messages above; the database
        # still enforces the constraints.
        self.instance.validate_constraints = lambda exclude=None: None
        try:
            super()._post_clean()
        finally:
            del self.instance.validate_constraints


class ReviewAssignmentChooserViewSet(RestrictedChooserViewSet):
    """Who reviews where is for administrators, as the assignment screens are."""

    def user_may_choose(self, user):
        return workflow.is_admin(user)


class ReviewAssignmentViewSet(SnippetViewSet):
    model = ReviewAssignment
    chooser_viewset_class = ReviewAssignmentChooserViewSet
    icon = "group"
    menu_label = _("Review assignments")
    menu_order = 305
    add_to_admin_menu = True
    list_display = ["user", "role", "commune", "province"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    # The commune is picked with the commune chooser (registered for every foreign key to
    # Commune by forms_app.choosers): 3,321 names are too many for a drop-down.
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("role"), FieldPanel("commune"), FieldPanel("province")],
        base_form_class=ReviewAssignmentForm,
    )
