"""Public pages after recognition: checking a certificate, and the list of recognised titles.

**Verification** (``/xac-minh/``): the code printed on a certificate, typed in any case with
spaces or dashes, or read from its QR code, tells whether the title is genuine and still valid.
It shows only what the certificate itself prints (name, title, commune and province, decision,
validity), never the applicant's phone, e-mail, village, self-assessment or files. Unknown codes,
applications not recognised and those whose personal data was removed get one "not found".
Lookups are rate limited per address, as the tracking page's are. Answers may be kept by the
reader's browser for a few minutes (``private, max-age``) but never by shared caches: the page
names a person, and a proxy would answer later visitors around the rate limit.

**Public list** (``/danh-sach-cong-nhan/``): recognised applications whose applicant agreed to
appear in it, by province, commune, year and title, with a fixed number of queries per page.
Filters that make no sense are ignored, so any address gives a normal page. It is not cached:
a recognition appears as soon as it is recorded, and its few indexed queries cost little.
"""

import re

from django import forms
from django.core.paginator import Paginator
from django.db.models.functions import ExtractYear
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django_ratelimit import ALL

from forms_app.certificates import certified
from forms_app.models import Application, ApplicationStatus, Commune, LearningTitle, Province
from forms_app.workflow import CODE_ALPHABET
from khuyenhoc.antispam import rate_limited, too_many_requests

VERIFY_TEMPLATE = "forms_app/verify.html"
LIST_TEMPLATE = "forms_app/recognised_list.html"
# A verification answer is stable for minutes; the date only matters at midnight.
VERIFY_MAX_AGE = 5 * 60
PER_PAGE = 25
CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")


def normalise_code(raw):
    """``"abcd efgh jklm"``, ``"ABCDEFGHJKLM"`` or ``"abcd-efgh-jklm"`` → ``"ABCD-EFGH-JKLM"``;
    None when it cannot be a certificate code."""
    letters = re.sub(r"[\s\-–—_.]+", "", raw or "").upper()
    code = f"{letters[:4]}-{letters[4:8]}-{letters[8:]}"
    return code if len(letters) == 12 and CODE_RE.match(code) else None


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=40,
        help_text=gettext_lazy("The 12 letters and digits printed beside the QR code"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABCD-EFGH-JKLM",
            }
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A verification code has 12 letters and digits, e.g. ABCD-EFGH-JKLM.")
            )
        return code


@require_safe
@cache_control(private=True, max_age=VERIFY_MAX_AGE)
def verify(request):
    """The form; a well-formed code goes on to its own address."""
    if "code" not in request.GET:
        return render(request, VERIFY_TEMPLATE, {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if not form.is_valid():
        return render(request, VERIFY_TEMPLATE, {"form": form}, status=400)
    return redirect("forms_app:verify_code", code=form.cleaned_data["code"])


@require_safe
def verify_code(request, code):
    """Genuine and still valid, genuine but expired, or not found."""
    normalised = normalise_code(code)
    if normalised is not None and normalised != code:
        return redirect("forms_app:verify_code", code=normalised)
    # Every lookup counts, GET included: the code is in the address.
    if rate_limited(request, "verify", method=ALL):
        response = too_many_requests(
            request,
            _("You have checked codes too many times. Please wait a while and try again."),
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
    application = None
    if normalised is not None:
        application = (
            certified()
            .select_related("commune", "province")
            .only(
                "applicant_name",
                "learning_title",
                "decision_number",
                "decision_date",
                "valid_until",
                "certificate_code",
                "commune__name",
                "province__name",
            )
            .filter(certificate_code=normalised)
            .first()
        )
    if application is None:
        context = {
            "form": VerifyForm(initial={"code": code}),
            "not_found": _(
                "No certificate has this code. Check the code on the certificate and try "
                "again; if it is right, the certificate is not genuine."
            ),
        }
        response = render(request, VERIFY_TEMPLATE, context, status=404)
    else:
        today = timezone.localdate()
        context = {
            "form": VerifyForm(initial={"code": normalised}),
            "certificate": application,
            "valid": application.valid_until is None or application.valid_until >= today,
        }
        response = render(request, VERIFY_TEMPLATE, context)
    patch_cache_control(response, private=True, max_age=VERIFY_MAX_AGE)
    return response


# --- The public list --------------------------------------------------------------------------


def listed():
    """Recognised, agreed to be listed, personal data still there."""
    return Application.objects.filter(
        status=ApplicationStatus.APPROVED,
        public_listing=True,
        anonymised_at__isnull=True,
        recognised_on__isnull=False,
    )


class ListFilterForm(forms.Form):
    """Province, then its communes: without JavaScript, "Filter" reloads the commune list."""

    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    commune = forms.ChoiceField(label=gettext_lazy("Commune"), required=False)
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )
    title = forms.ChoiceField(label=gettext_lazy("Learning title"), required=False)

    def __init__(self, data, *, years):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["province"].choices = everything + list(
            Province.objects.order_by("name").values_list("code", "name")
        )
        province = data.get("province", "")
        communes = []
        if province in dict(self.fields["province"].choices) and province:
            communes = list(
                Commune.objects.filter(province_id=province)
                .order_by("name")
                .values_list("code", "name")
            )
        self.fields["commune"].choices = everything + communes
        if not communes:
            self.fields["commune"].help_text = _("Choose a province first.")
        self.fields["year"].choices = everything + [(y, y) for y in years]
        self.fields["title"].choices = everything + list(LearningTitle.choices)

    def filters(self):
        """The valid filters; a wrong value is left out rather than refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        lookups = {}
        if data.get("province"):
            lookups["province_id"] = data["province"]
        if data.get("commune"):
            lookups["commune_id"] = data["commune"]
        if data.get("year"):
            lookups["recognised_on__year"] = data["year"]
        if data.get("title"):
            lookups["learning_title"] = data["title"]
        return lookups


@require_safe
def recognised_list(request):
    """The public list, filtered and paginated."""
    years = list(
        listed()
        .annotate(year=ExtractYear("recognised_on"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    form = ListFilterForm(request.GET, years=years)
    lookups = form.filters()
    rows = (
        listed()
        .filter(**lookups)
        .select_related("commune", "province")
        .only(
            "applicant_name",
            "learning_title",
            "recognised_on",
            "decision_number",
            "commune__name",
            "province__name",
        )
        .order_by("-recognised_on", "applicant_name", "pk")
    )
    paginator = Paginator(rows, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    kept = {
        name: form.cleaned_data[name]
        for name in ("province", "commune", "year", "title")
        if form.cleaned_data.get(name)
    }
    context = {
        "form": form,
        "page_obj": page_obj,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
        "page_query": urlencode(kept),
        "filtered": bool(lookups),
    }
    return render(request, LIST_TEMPLATE, context)
