from django.db import models
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import SlugInput

from khuyenhoc.text import slug_js_formatters

# While an editor types a Vietnamese title, the admin folds it as the server does:
# "Đơn vị học tập" -> "don-vi-hoc-tap", not "djn-v-hc-tp".
register_form_field_override(
    models.SlugField, override={"widget": SlugInput(formatters=slug_js_formatters())}
)
