"""A chooser for communes in the admin: 3,321 of them are too many for a drop-down, so
editors search by name, with or without diacritics ("dong hung"), and filter by province."""

from functools import lru_cache

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from forms_app.models import Commune, Province
from khuyenhoc.text import fold


@lru_cache(maxsize=1)
def _folded_names():
    """(code, folded name) of every commune; the list changes only with a new law."""
    return [
        (code, fold(name).lower()) for code, name in Commune.objects.values_list("code", "name")
    ]


class CommuneFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )
    province = forms.ModelChoiceField(
        label=_("province"), queryset=Province.objects.all(), required=False
    )

    def filter(self, objects):
        objects = super().filter(objects)
        if self.cleaned_data.get("province"):
            objects = objects.filter(province=self.cleaned_data["province"])
        query = " ".join(fold(self.cleaned_data.get("q") or "").lower().split())
        if query:
            codes = [code for code, name in _folded_names() if query in name]
            objects = objects.filter(code__in=codes)
            self.is_searching = True
            self.search_query = self.cleaned_data["q"]
        return objects


class CommuneChooseMixin:
    filter_form_class = CommuneFilterForm
    ordering = ["province__name", "name"]

    def get_object_list(self):
        return Commune.objects.select_related("province")

    @property
    def columns(self):
        return [self.title_column, Column("province", label=_("province"))]


class CommuneChooseView(CommuneChooseMixin, ChooseView):
    pass


class CommuneChooseResultsView(CommuneChooseMixin, ChooseResultsView):
    pass


class CommuneChooserViewSet(ChooserViewSet):
    model = Commune
    icon = "site"
    choose_one_text = _("Choose a commune")
    choose_another_text = _("Choose another commune")
    choose_view_class = CommuneChooseView
    choose_results_view_class = CommuneChooseResultsView
    per_page = 20
    creation_form_class = None
    form_fields = None


commune_chooser_viewset = CommuneChooserViewSet("commune_chooser")
