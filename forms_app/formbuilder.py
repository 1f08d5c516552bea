"""The submissions export of the simple form pages (``models.formbuilder``)."""

from wagtail.contrib.forms.views import SubmissionsListView

from khuyenhoc.cleaning import SafeSpreadsheetExportMixin


class SafeSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """Answers come from the public: their export neutralises formulas and control
    characters."""
