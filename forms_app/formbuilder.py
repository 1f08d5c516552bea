"""Vietnamese messages and the submissions export of the simple form pages
(``models.formbuilder``)."""

from django.utils.translation import gettext_noop
from wagtail.contrib.forms.views import SubmissionsListView

from khuyenhoc.cleaning import SafeSpreadsheetExportMixin


class SafeSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """Answers come from the public: their export neutralises formulas and control
    characters."""


# Wagtail's form builder ships few Vietnamese strings. Naming its messages here puts them in
# the project's catalogue (makemessages finds them), which Django consults first, so editors
# see the field types, the submissions panel and the export headings in Vietnamese.
WAGTAIL_FORM_BUILDER_MESSAGES = (
    gettext_noop("Forms"),
    gettext_noop("Single line text"),
    gettext_noop("Multi-line text"),
    gettext_noop("Checkbox"),
    gettext_noop("Checkboxes"),
    gettext_noop("Drop down"),
    gettext_noop("Multiple select"),
    gettext_noop("Radio buttons"),
    gettext_noop("Hidden field"),
    gettext_noop("Landing page"),
    gettext_noop("Submission date"),
    gettext_noop("submit time"),
    gettext_noop("form submission"),
    gettext_noop("form submissions"),
    gettext_noop("%(model_name)s submissions"),
    gettext_noop("Total submissions"),
    gettext_noop("Latest submission"),
    gettext_noop("The label of the form field"),
    gettext_noop("field type"),
    gettext_noop("help text"),
    gettext_noop("choices"),
    gettext_noop(
        "Comma or new line separated list of choices. Only applicable in checkboxes, radio and "
        "dropdown."
    ),
    gettext_noop("Default value. Comma or new line separated values supported for checkboxes."),
    gettext_noop("to address"),
    gettext_noop("from address"),
    gettext_noop("subject"),
    gettext_noop(
        "Optional - form submissions will be emailed to these addresses. Separate multiple "
        "addresses by comma."
    ),
)
