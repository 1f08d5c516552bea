from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from campaigns.models import Pledge
from khuyenhoc.admin_access import RestrictedChooserViewSet
from khuyenhoc.cleaning import SafeSpreadsheetExportMixin


class PledgeIndexView(SafeSpreadsheetExportMixin, IndexView):
    """Pledges come from the public: their export neutralises formulas and control
    characters."""


class PledgeViewSet(SnippetViewSet):
    """Pledges sent from campaign pages, for the association to follow up and export."""

    model = Pledge
    index_view_class = PledgeIndexView
    icon = "group"
    menu_label = _("Pledges")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "organisation", "commune", "contact", "campaign", "created_at"]
    list_filter = ["campaign"]
    search_fields = ["name", "organisation", "commune", "contact"]
    list_export = ["name", "organisation", "commune", "contact", "campaign", "created_at"]
    export_filename = "dang-ky-huong-ung"
    inspect_view_enabled = True
    ordering = ["-created_at", "-pk"]
    # Names and phone numbers: the chooser opens only to those who may read the pledges.
    chooser_viewset_class = RestrictedChooserViewSet


register_snippet(PledgeViewSet)


@hooks.register("register_admin_viewset")
def register_commune_chooser():
    """Targets count a commune: editors search for it instead of scrolling 3,321 names."""
    from forms_app.choosers import commune_chooser_viewset

    return commune_chooser_viewset
