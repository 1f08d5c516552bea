from django.db import models
from django.urls import path, reverse
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.widgets import SlugInput

from khuyenhoc.text import slug_js_formatters

# While an editor types a Vietnamese title, the admin folds it as the server does:
# "Đơn vị học tập" -> "don-vi-hoc-tap", not "djn-v-hc-tp".
register_form_field_override(
    models.SlugField, override={"widget": SlugInput(formatters=slug_js_formatters())}
)


@hooks.register("register_admin_urls")
def task_admin_urls():
    from khuyenhoc.task_admin import FailedTasksView

    return [path("tasks/failed/", FailedTasksView.as_view(), name="khuyenhoc_failed_tasks")]


@hooks.register("register_reports_menu_item")
def failed_tasks_menu_item():
    return AdminOnlyMenuItem(
        pgettext_lazy("tasks", "Failed tasks"),
        reverse("khuyenhoc_failed_tasks"),
        name="failed-tasks",
        icon_name="warning",
        order=900,
    )
