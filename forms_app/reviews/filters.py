"""The applications list's filters and search; the export applies the same ones to the same
query."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from forms_app import workflow
from forms_app.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    LearningTitle,
    Province,
)
from khuyenhoc.text import normalize_phone, search_key

# What a phone number looks like while being typed: digits, spaces, dots, dashes, a leading +.
_PHONE_TYPED = re.compile(r"^\+?[\d\s.\-()]+$")
# A tracking code or its beginning: the title's letters, a dash and digits.
_CODE_TYPED = re.compile(r"^[A-Za-z]{4,5}-[\d-]*$")


def _provinces(request):
    if workflow.is_admin(request.user):
        return Province.objects.all()
    return Province.objects.filter(
        code__in=workflow.communes_of(request.user).values("province_id")
    )


def _communes(request):
    """The user's communes, narrowed to the chosen province. An administrator without a
    province gets the communes that have applications, not all 3,321 in one drop-down."""
    communes = workflow.communes_of(request.user)
    province = request.GET.get("province", "")
    if province:
        communes = communes.filter(province_id=province)
    elif workflow.is_admin(request.user):
        communes = communes.filter(code__in=Application.objects.values("commune_id"))
    return communes.order_by("name", "code")


def search_condition(text):
    """A code, a name or a phone number, as a reviewer types them.

    The model is not in the search index (applications are personal data and change through
    the workflow), so this is a plain ``LIKE`` over the user's rows (served by trigram
    indexes on PostgreSQL): one column, chosen from the shape of the text. A code
    (``GDHT-2026-…``) searches codes; digits search phone numbers (in the stored form,
    ``0912345678``, whether typed with spaces or +84; a part matches as digits) and the
    codes' numbers; anything else searches names, with or without diacritics.
    """
    text = " ".join(text.split())
    if not text:
        return Q()
    if _CODE_TYPED.match(text):
        # Codes are stored in capitals: a plain LIKE, which a trigram index serves.
        return Q(code__contains=text.upper())
    if not _PHONE_TYPED.match(text):
        return _name_condition(text)
    digits = re.sub(r"\D", "", text)
    condition = Q(code__contains=digits) if digits and digits == text else Q(pk__in=[])
    phone = normalize_phone(text)
    if phone:
        return condition | Q(phone=phone)
    if text.startswith("+84") and digits.startswith("84"):
        digits = "0" + digits[2:]
    if len(digits) >= 4:
        condition |= Q(phone__contains=digits)
    return condition


def _name_condition(text):
    """Names compare folded: "nguyen van", "NGUYỄN VĂN" and "Nguyễn Văn" find the same
    applicants, with one LIKE that needs no case rules from the database."""
    return Q(search_name__contains=search_key(text))


class ApplicationFilterSet(WagtailFilterSet):
    learning_title = django_filters.ChoiceFilter(
        label=_("learning title"), choices=LearningTitle.choices
    )
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ApplicationKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=ApplicationStatus.choices)
    # Bounded: a year lookup builds dates, and year 99999 is not a date (a 500 otherwise).
    year = django_filters.NumberFilter(
        label=_("year submitted"),
        field_name="submitted_at",
        lookup_expr="year",
        min_value=1900,
        max_value=2999,
        decimal_places=0,
    )
    province = django_filters.ModelChoiceFilter(label=_("province"), queryset=_provinces)
    commune = django_filters.ModelChoiceFilter(label=_("commune"), queryset=_communes)
    submitted_at = django_filters.DateFromToRangeFilter(
        label=_("submitted between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Application
        fields = ["learning_title", "kind", "status", "year", "province", "commune"]

    def filter_except(self, queryset, excluded):
        """The valid filters but ``excluded`` (the counts per status ignore the status)."""
        if not self.is_valid():
            return queryset
        for name, value in self.form.cleaned_data.items():
            if name not in excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
