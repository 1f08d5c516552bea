from django.db import models
from django.urls import path, reverse
from django.utils.translation import pgettext, pgettext_lazy
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.widgets import SlugInput

from khuyenhoc.accounts import views as accounts_views
from khuyenhoc.admin_access import DeleteBulkAction
from khuyenhoc.text import slug_js_formatters

# Replaces Wagtail's bulk delete of snippets (registered by ``wagtail.snippets``, later in
# INSTALLED_APPS, hence the order): the registry keeps the last action for a model and type.
hooks.register("register_bulk_action", DeleteBulkAction, order=1)

# While an editor types a Vietnamese title, the admin folds it as the server does:
# "Đơn vị học tập" -> "don-vi-hoc-tap", not "djn-v-hc-tp".
register_form_field_override(
    models.SlugField, override={"widget": SlugInput(formatters=slug_js_formatters())}
)


# Staff accounts (khuyenhoc/accounts/): the second factor's pages and account security.
@hooks.register("register_admin_urls")
def account_security_urls():
    return [
        path("two-factor/", accounts_views.setup, name="khuyenhoc_two_factor_setup"),
        path("two-factor/verify/", accounts_views.verify, name="khuyenhoc_two_factor_verify"),
        path(
            "two-factor/recovery-codes/",
            accounts_views.recovery_codes,
            name="khuyenhoc_two_factor_recovery_codes",
        ),
        path(
            "account-security/",
            accounts_views.AccountSecurityView.as_view(),
            name="khuyenhoc_account_security",
        ),
        path(
            "account-security/unlock/<int:pk>/",
            accounts_views.unlock,
            name="khuyenhoc_account_unlock",
        ),
        path(
            "account-security/reset-two-factor/<int:pk>/",
            accounts_views.reset_two_factor,
            name="khuyenhoc_account_reset_two_factor",
        ),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("khuyenhoc_two_factor_setup"),
        "label": pgettext("accounts", "Two-factor sign-in"),
        "help_text": pgettext(
            "accounts", "Sign in with a code from your phone as well as the password."
        ),
    }


@hooks.register("register_settings_menu_item")
def account_security_menu_item():
    return AdminOnlyMenuItem(
        pgettext_lazy("accounts", "Account security"),
        reverse("khuyenhoc_account_security"),
        icon_name="lock",
        order=610,
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
