from django.db import models
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import SlugInput

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
