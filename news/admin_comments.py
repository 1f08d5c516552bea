"""Moderating readers' comments in the admin: a listing with filters and search, approve and
reject as bulk actions (also offered on each row), each decision in the comment's history.

Editors ("Biên tập viên") hold ``change_comment``; contributors have no comment permission.
"""

import django_filters
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_list_or_404
from django.urls import reverse
from django.utils.functional import classproperty
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from khuyenhoc.admin_access import RestrictedChooserViewSet
from news.models import Comment, CommentStatus, NewsArticlePage

APPROVE_ACTION = "news.comment.approve"
REJECT_ACTION = "news.comment.reject"


class CommentPermissionPolicy(ModelPermissionPolicy):
    """Comments come from readers only: nobody adds one in the admin (not even a superuser,
    whose form would have no article)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


register_permission_policy(Comment, CommentPermissionPolicy(Comment))


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    actions.register_action(APPROVE_ACTION, _("Approve comment"), _("Comment approved"))
    actions.register_action(REJECT_ACTION, _("Reject comment"), _("Comment rejected"))


class ModerateCommentsBulkAction(SnippetBulkAction):
    """Set the status of the chosen comments, recording who decided and when."""

    template_name = "news/admin/confirm_moderate_comments.html"
    status = None
    log_action = None

    @classproperty
    def models(cls):
        return [Comment]

    @classmethod
    def get_queryset(cls, model, object_ids):
        return get_list_or_404(model.objects.select_related("article"), pk__in=object_ids)

    def dispatch(self, request, *args, **kwargs):
        # Before the confirmation page names any comment, pending ones included.
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, comment):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", comment
        )

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        changed = 0
        for comment in objects:
            if comment.status == cls.status:
                continue
            comment.moderate(cls.status, user)
            log(comment, cls.log_action, user=user, data={"status": cls.status})
            changed += 1
        return changed, 0

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action": self}


class ApproveCommentsBulkAction(ModerateCommentsBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected comments")
    status = CommentStatus.APPROVED
    log_action = APPROVE_ACTION
    action_priority = 10
    question = _("Show these comments under their articles?")
    confirm_label = _("Yes, approve")

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d comment approved.", "%(count)d comments approved.", num_parent_objects
        ) % {"count": num_parent_objects}


class RejectCommentsBulkAction(ModerateCommentsBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject the selected comments")
    status = CommentStatus.REJECTED
    log_action = REJECT_ACTION
    action_priority = 20
    classes = {"serious"}
    question = _("Hide these comments from readers?")
    confirm_label = _("Yes, reject")

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d comment rejected.", "%(count)d comments rejected.", num_parent_objects
        ) % {"count": num_parent_objects}


hooks.register("register_bulk_action", ApproveCommentsBulkAction)
hooks.register("register_bulk_action", RejectCommentsBulkAction)


def moderate_url(action_type, comment, next_url):
    """The bulk action's confirmation page for one comment: a row's approve/reject link."""
    base = reverse("wagtail_bulk_action", args=("news", "comment", action_type))
    return f"{base}?{urlencode({'id': quote(comment.pk), 'next': next_url})}"


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=CommentStatus.choices)
    article = django_filters.ModelChoiceFilter(
        label=_("article"),
        # Only articles that have comments: the list stays short with thousands of articles.
        queryset=lambda request: NewsArticlePage.objects.filter(
            pk__in=Comment.objects.values("article_id")
        ).order_by("-date_published"),
    )

    class Meta:
        model = Comment
        fields = ["status", "article"]


class CommentIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("article")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not self.user_has_permission("change"):
            return buttons
        next_url = self.request.get_full_path()
        if instance.status != CommentStatus.APPROVED:
            buttons.append(
                Button(
                    _("Approve"),
                    url=moderate_url("approve", instance, next_url),
                    icon_name="check",
                    priority=5,
                )
            )
        if instance.status != CommentStatus.REJECTED:
            buttons.append(
                Button(
                    _("Reject"),
                    url=moderate_url("reject", instance, next_url),
                    icon_name="cross",
                    priority=6,
                )
            )
        return buttons


class CommentViewSet(SnippetViewSet):
    model = Comment
    index_view_class = CommentIndexView
    icon = "comment"
    menu_label = _("Readers' comments")
    menu_order = 205
    add_to_admin_menu = True
    list_display = ["name", "excerpt", "article", "status", "created_at"]
    list_per_page = 50
    filterset_class = CommentFilterSet
    search_fields = ["name", "email", "text", "article__title"]
    ordering = ["-created_at", "-pk"]
    # Readers' names and e-mails, pending comments too: only for those who may read them.
    chooser_viewset_class = RestrictedChooserViewSet
    inspect_view_enabled = True
    inspect_view_fields = [
        "article",
        "name",
        "email",
        "text",
        "created_at",
        "status",
        "moderated_by",
        "moderated_at",
        "ip_address",
        "user_agent",
    ]
    # Editors may tidy a comment's wording; the status changes only through approve/reject,
    # so every decision is logged with its author.
    panels = [
        FieldPanel("article", read_only=True),
        FieldRowPanel([FieldPanel("name"), FieldPanel("email")]),
        FieldPanel("text"),
        FieldRowPanel(
            [
                FieldPanel("status", read_only=True),
                FieldPanel("moderated_by", read_only=True),
                FieldPanel("moderated_at", read_only=True),
            ]
        ),
        FieldRowPanel(
            [FieldPanel("ip_address", read_only=True), FieldPanel("user_agent", read_only=True)]
        ),
    ]


class PendingCommentsSummaryItem(SummaryItem):
    """The number of comments awaiting moderation on the dashboard, for those who moderate."""

    order = 250
    template_name = "news/admin/pending_comments_summary.html"

    def get_context_data(self, parent_context):
        return {
            "pending": Comment.objects.pending().count(),
            "url": reverse("wagtailsnippets_news_comment:list")
            + f"?{urlencode({'status': CommentStatus.PENDING})}",
        }

    def is_shown(self):
        return self.request.user.has_perm("news.change_comment")


@hooks.register("construct_homepage_summary_items")
def add_pending_comments(request, items):
    items.append(PendingCommentsSummaryItem(request))
