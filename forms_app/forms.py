"""The application form: one Django form whose fields depend on the page (title, kind, criteria),
plus a formset for a household's members. Rendered section by section with crispy-forms."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms_app.files import ACCEPT
from forms_app.models import Commune, LearningTitle, Province
from khuyenhoc.antispam import SpamProtectionMixin
from khuyenhoc.cleaning import parse_number
from khuyenhoc.text import normalize_phone

# --- Phone numbers --------------------------------------------------------------------------


class PhoneField(forms.CharField):
    default_error_messages = {
        "invalid": _(
            "Enter a Vietnamese phone number, for example 0912 345 678 or +84 912 345 678."
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
        return attrs

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        number = normalize_phone(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class PointsField(forms.DecimalField):
    """Points as Vietnamese also write them, ``17,5``; only finite numbers (``NaN`` and
    ``Infinity`` are "not a number", as words are)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and parse_number(value) is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


# --- Files ----------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files; they are checked and stored by the view (see ``views.attach_uploads``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        return None


# --- Choices --------------------------------------------------------------------------------

GENDERS = [("", "—"), ("nu", _("Female")), ("nam", _("Male")), ("khac", _("Other"))]
OCCUPATION_GROUPS = [
    ("", "—"),
    ("nong_dan", _("Farmer")),
    ("cong_nhan", _("Worker")),
    ("can_bo", _("Official or public employee")),
    ("luc_luong_vu_trang", _("Armed forces")),
    ("doanh_nhan", _("Business person")),
    ("hoc_sinh", _("Pupil or student")),
    ("nguoi_cao_tuoi", _("Retired or elderly person")),
    ("khac", _("Other")),
]
UNIT_TYPES = [
    ("", "—"),
    ("co_quan", _("State agency")),
    ("truong_hoc", _("School")),
    ("doanh_nghiep", _("Enterprise")),
    ("to_chuc", _("Association or other organisation")),
    ("luc_luong_vu_trang", _("Armed forces unit")),
]


def _birth_year_field(label):
    year = timezone.localdate().year
    return forms.IntegerField(
        label=label,
        min_value=1900,
        max_value=year,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _count_field(label):
    # A bound keeps an absurd number (a thousand digits) out of the stored details.
    return forms.IntegerField(label=label, min_value=1, max_value=1_000_000)


def applicant_fields(title):
    """Fields describing who applies, by title: (name, field) pairs."""
    if title == LearningTitle.CITIZEN:
        return [
            ("full_name", forms.CharField(label=_("Full name"), max_length=255)),
            ("birth_year", _birth_year_field(_("Year of birth"))),
            ("gender", forms.ChoiceField(label=_("Gender"), choices=GENDERS)),
            (
                "occupation_group",
                forms.ChoiceField(label=_("Occupation group"), choices=OCCUPATION_GROUPS),
            ),
        ]
    if title == LearningTitle.FAMILY:
        return [
            ("head_name", forms.CharField(label=_("Head of the household"), max_length=255)),
        ]
    if title == LearningTitle.CLAN:
        return [
            ("clan_name", forms.CharField(label=_("Name of the clan"), max_length=255)),
            ("head_name", forms.CharField(label=_("Head of the clan"), max_length=255)),
            ("households", _count_field(_("Number of households"))),
        ]
    if title == LearningTitle.COMMUNITY:
        return [
            (
                "community_name",
                forms.CharField(
                    label=_("Village or residential group"),
                    max_length=255,
                    help_text=_("e.g. Thôn Đông, Tổ dân phố 5"),
                ),
            ),
            ("head_name", forms.CharField(label=_("Head of the village or group"), max_length=255)),
            ("households", _count_field(_("Number of households"))),
        ]
    return [
        ("unit_name", forms.CharField(label=_("Name of the unit"), max_length=255)),
        ("unit_type", forms.ChoiceField(label=_("Type of unit"), choices=UNIT_TYPES)),
        ("head_name", forms.CharField(label=_("Head of the unit"), max_length=255)),
        ("staff_count", _count_field(_("Number of staff"))),
    ]


NAME_FIELD = {
    LearningTitle.CITIZEN: "full_name",
    LearningTitle.FAMILY: "head_name",
    LearningTitle.CLAN: "clan_name",
    LearningTitle.COMMUNITY: "community_name",
    LearningTitle.UNIT: "unit_name",
}


# --- The form -------------------------------------------------------------------------------


class ApplicationForm(SpamProtectionMixin, forms.Form):
    """Everything but the household members. Field names are stable: drafts store them."""

    phone = PhoneField(label=_("Phone number"))
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("We send the tracking code and the link to your draft here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    province = forms.ModelChoiceField(
        label=_("Province or city"), queryset=Province.objects.all(), empty_label="—"
    )
    commune = forms.ModelChoiceField(
        label=_("Commune, ward or special zone"),
        queryset=Commune.objects.none(),
        empty_label="—",
    )
    hamlet = forms.CharField(
        label=_("Village or residential group"),
        max_length=255,
        help_text=_("e.g. Thôn Đông, Tổ dân phố 5"),
    )
    evidence = EvidenceField(
        label=_("Evidence files"),
        help_text=_("PDF, JPEG, PNG, HEIC or DOCX; at most 10 MB each and 30 MB in all."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of the personal data in this application, as described "
            "in the privacy notice (Decree 13/2023/NĐ-CP)."
        ),
        error_messages={"required": _("Please give your consent so that we can process it.")},
    )
    public_listing = forms.BooleanField(
        label=_(
            "Once recognised, my name, title, commune and year may appear in the public list "
            "of recognised titles."
        ),
        required=False,
    )

    def __init__(self, *args, page, criteria=(), provinces=None, pending_files=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.criteria = list(criteria)
        self.pending_files = list(pending_files)
        if provinces is not None:
            # One query for the page; ModelChoiceField would repeat it on render and validation.
            self.fields["province"].choices = [("", "—")] + [(p.code, p.name) for p in provinces]
            self._provinces = {p.code: p for p in provinces}
        applicant = applicant_fields(page.learning_title)
        self.applicant_field_names = [name for name, _field in applicant]
        for name, field in reversed(applicant):
            self.fields = {name: field, **self.fields}
        self.criterion_fields = []
        for criterion in self.criteria:
            points = f"points_{criterion.pk}"
            note = f"note_{criterion.pk}"
            files = f"files_{criterion.pk}"
            self.fields[points] = PointsField(
                label=_("Points (out of %(max)s)") % {"max": _points(criterion.max_points)},
                min_value=0,
                max_value=criterion.max_points,
                max_digits=5,
                decimal_places=1,
                widget=forms.NumberInput(
                    attrs={
                        "inputmode": "decimal",
                        "step": "0.5",
                        "min": "0",
                        "max": _points(criterion.max_points),
                        "data-points": "",
                    }
                ),
            )
            self.fields[note] = forms.CharField(
                label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[files] = EvidenceField(label=_("Evidence for this criterion"))
            self.criterion_fields.append((criterion, points, note, files))
        self._set_communes()

    def _set_communes(self):
        code = self.province_code()
        field = self.fields["commune"]
        if code:
            field.queryset = Commune.objects.filter(province_id=code).order_by("name")
        else:
            field.empty_label = _("Choose the province first")

    def province_code(self):
        """The chosen province's code, from the data or the initial values."""
        value = self.data.get(self.add_prefix("province")) if self.is_bound else None
        if value is None:
            value = self.initial.get("province")
        value = str(value or "")
        if hasattr(self, "_provinces"):
            return value if value in self._provinces else ""
        return value if re.fullmatch(r"\d{2}", value) else ""

    def clean_province(self):
        province = self.cleaned_data["province"]
        if isinstance(province, str) and hasattr(self, "_provinces"):
            return self._provinces[province]
        return province

    def clean(self):
        cleaned = super().clean()
        province, commune = cleaned.get("province"), cleaned.get("commune")
        if province and commune and commune.province_id != province.code:
            self.add_error("commune", _("This commune is not in the chosen province."))
        return cleaned

    # Sections for the template: (anchor, heading, field names).
    def sections(self):
        sections = [
            ("applicant", _("Who applies"), self.applicant_field_names),
            ("contact", _("Contact"), ["phone", "email"]),
            ("address", _("Address"), ["province", "commune", "hamlet"]),
        ]
        if self.criteria:
            sections.append(("self-assessment", _("Self-assessment"), []))
        sections.append(("evidence", _("Evidence"), ["evidence"]))
        sections.append(("consent", _("Consent"), ["consent", "public_listing"]))
        return sections

    def raw_points(self):
        """Points as typed, for the running total shown with errors (bad entries count 0)."""
        values = {}
        for criterion, points, _note, _files in self.criterion_fields:
            value = parse_number(self.data.get(self.add_prefix(points))) or Decimal(0)
            values[criterion.pk] = min(max(value, Decimal(0)), criterion.max_points)
        return values

    def applicant_details(self):
        return {name: self.cleaned_data.get(name) for name in self.applicant_field_names}

    def applicant_name(self):
        return self.cleaned_data[NAME_FIELD[self.page.learning_title]]


def _points(value):
    """``30.0`` → ``30``, ``2.5`` stays."""
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize())


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=255)
    birth_year = _birth_year_field(_("Year of birth"))
    relation = forms.CharField(
        label=_("Relation to the head"), max_length=100, help_text=_("e.g. vợ, con, cháu")
    )
    occupation = forms.CharField(
        label=_("Schooling or work"),
        max_length=255,
        required=False,
        help_text=_("e.g. học lớp 7, làm ruộng"),
    )
    learning = forms.CharField(
        label=_("What they learned this year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The birth year field is built once at import; refresh its upper bound.
        self.fields["birth_year"] = _birth_year_field(_("Year of birth"))


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        members = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not members and not any(f.errors for f in self.forms):
            raise ValidationError(_("List at least one member of the household."), code="min")


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=0, can_delete=True, max_num=30, validate_max=True
)
MEMBERS_PREFIX = "members"


def quiet(*forms_or_formsets):
    """Render bound values without errors (drafts reopened, "continue" buttons)."""
    for item in forms_or_formsets:
        if item is None:
            continue
        if isinstance(item, forms.BaseFormSet):
            item._errors = []
            item._non_form_errors = ErrorList()
            for form in item.forms:
                form._errors = ErrorDict()
        else:
            item._errors = ErrorDict()
