from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from news.admin_comments import CommentViewSet
from news.models import IssuingBody, NewsCategory


class NewsCategoryViewSet(SnippetViewSet):
    model = NewsCategory
    icon = "folder-open-inverse"
    menu_label = _("News categories")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "slug", "sort_order", "locale"]
    search_fields = ["name"]


register_snippet(NewsCategoryViewSet)


class IssuingBodyViewSet(SnippetViewSet):
    model = IssuingBody
    icon = "group"
    menu_label = _("Issuing bodies")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(IssuingBodyViewSet)

# Readers' comments: moderation views, bulk actions and log actions in news/admin_comments.py.
register_snippet(CommentViewSet)
