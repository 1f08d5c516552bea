"""The 500s of issue 14 that came from bad input, each as a visitor or staff meets it: NUL
bytes and control characters, numbers that are not numbers, the tracking link's misses, and
spreadsheet formulas in every export."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.contrib.forms.models import FormSubmission

from campaigns.models import CampaignPage, Pledge
from forms_app.models import Application, ApplicationDraft, SimpleFormPage
from khuyenhoc.cleaning import csv_text, parse_number, strip_controls
from tests.forms_app import conftest as forms_app_fixtures
from tests.forms_app.conftest import TOKEN, form_data, started

# Fixtures of the applications' tests, used here too.
commune = forms_app_fixtures.commune
make_application = forms_app_fixtures.make_application
pages = forms_app_fixtures.pages
staff = forms_app_fixtures.staff

pytestmark = pytest.mark.django_db

REFUSED = "ký tự không dùng được"


def text(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


# --- NUL bytes and control characters -------------------------------------------------------


@pytest.mark.parametrize(
    "entries",
    [
        {"full_name": "Nguyễn\x00Văn An"},
        {"hamlet": "\x00"},
        {"a\x00b": "x"},
        {"points_1\x00": "3"},
    ],
)
def test_a_nul_in_a_field_value_or_name_is_refused_in_vietnamese(client, pages, commune, entries):
    page = pages["cong-dan-hoc-tap"]
    response = client.post(page.url, form_data(page, commune, **entries))
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert response["Content-Language"] == "vi"
    assert not ApplicationDraft.objects.filter(token=TOKEN).exists()
    assert not Application.objects.exists()


def test_a_nul_in_an_address_is_refused_and_in_a_query_string_stripped(client, staff):
    assert client.get("/ho-so/tra-cuu/GDHT-2026-000001/%00/").status_code == 400
    # Searches and filters answer what remains, as for any other bad value.
    assert client.get("/tim-kiem/", {"q": "a\x00b"}).status_code == 200
    client.force_login(staff["admin"])
    export = reverse("forms_app_applications:export", args=["csv"])
    response = client.get(export, {"q": "Nguyễn\x00"})
    assert response.status_code == 200
    assert text(response).startswith("Mã hồ sơ")  # the whole file, not a stream cut off


def test_an_upload_is_not_used_up_by_the_check(client, pages, commune):
    from tests.forms_app.conftest import pdf

    page = pages["cong-dan-hoc-tap"]
    assert client.post(page.url, form_data(page, commune, evidence=[pdf()])).status_code == 302
    assert Application.objects.get().files.get().size > 100


def test_control_characters_are_stripped_from_what_is_typed(client, pages, commune):
    page = pages["gia-dinh-hoc-tap"]
    data = form_data(
        page,
        commune,
        head_name="Trần\x01 Thị\x1b Bình\x7f",
        **{"members-1-name": "Lê\x85 Văn Cường", "members-1-learning": "Dòng 1\r\nDòng\t2\x0c"},
    )
    response = client.post(page.url, data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.applicant_name == "Trần Thị Bình"
    assert [m.name for m in application.members.all()] == ["Trần Thị Bình", "Lê Văn Cường"]
    # Line breaks and tabs stay: multi-line answers need them.
    assert application.members.get(name="Lê Văn Cường").learning == "Dòng 1\r\nDòng\t2"


def test_a_pledge_with_control_characters_is_stored_clean(client, demo):
    campaign = CampaignPage.objects.get(slug="xay-dung-xa-hoi-hoc-tap-2023-2030")
    data = {
        "name": "Phạm\x01 Thị Lan",
        "organisation": "\x1b[31mGia đình",
        "commune": "xã Vũ\x7f Thư",
        "contact": "0901 234 567",
        "website": "",
        "form_started": started(),
    }
    assert client.post(campaign.url, data).status_code == 302
    pledge = Pledge.objects.get(contact_normalised="0901234567")
    assert (pledge.name, pledge.organisation, pledge.commune) == (
        "Phạm Thị Lan",
        "[31mGia đình",
        "xã Vũ Thư",
    )


def test_the_shared_cleaning():
    assert strip_controls("An\x01 \x1bBình\x7f\x9f\t\n\r") == "An Bình\t\n\r"
    assert csv_text("=1+1\x00") == "'=1+1"
    assert csv_text("-2") == "'-2" and csv_text("Nguyễn") == "Nguyễn"
    assert [parse_number(v) for v in ["NaN", "sNaN", "-NaN", "Infinity", "1e999", "x"]] == [
        None
    ] * 6
    assert str(parse_number("17,5")) == "17.5"


# --- Exports: rows stored before the cleaning, and formulas ---------------------------------


def test_the_pledge_export_survives_bad_rows_and_neutralises_formulas(admin_client, demo):
    campaign = CampaignPage.objects.get(slug="xay-dung-xa-hoi-hoc-tap-2023-2030")
    Pledge.objects.create(
        campaign=campaign,
        name='=HYPERLINK("http://evil.example","Bấm")\x01',
        organisation="@SUM(1+1)",
        commune="-2+3\x1b",
        contact="0977 000 111",
    )
    url = "/admin/snippets/campaigns/pledge/"
    rows = list(csv.reader(io.StringIO(text(admin_client.get(url, {"export": "csv"})))))
    row = next(r for r in rows if "0977 000 111" in r)
    assert row[:3] == ['\'=HYPERLINK("http://evil.example","Bấm")', "'@SUM(1+1)", "'-2+3"]
    response = admin_client.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = next(r for r in sheet.iter_rows() if r[3].value == "0977 000 111")
    assert cells[0].value == '=HYPERLINK("http://evil.example","Bấm")'
    assert cells[0].data_type == "s" and cells[0].quotePrefix
    assert cells[2].value == "-2+3" and cells[2].quotePrefix


def test_the_form_builder_export_neutralises_formulas(admin_client, demo):
    page = SimpleFormPage.objects.get(slug="gui-loi-nhan", locale__language_code="vi")
    FormSubmission.objects.create(
        # A row stored before the cleaning (PostgreSQL never stored a NUL; SQLite did).
        page=page,
        form_data={"ho_va_ten": "=cmd|' /C calc'!A0\x1b", "noi_dung": "+1\x02"},
    )
    url = f"/admin/forms/submissions/{page.pk}/"
    rows = list(csv.reader(io.StringIO(text(admin_client.get(url, {"export": "csv"})))))
    assert "'=cmd|' /C calc'!A0" in rows[1] and "'+1" in rows[1]
    response = admin_client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = {cell.value: cell for cell in list(sheet.iter_rows())[1]}
    assert values["=cmd|' /C calc'!A0"].quotePrefix and values["+1"].quotePrefix


def test_the_applications_export_refuses_a_year_that_is_no_date(client, staff):
    client.force_login(staff["admin"])
    export = reverse("forms_app_applications:export", args=["csv"])
    response = client.get(export, {"year": "99999999999999999999"})
    assert response.status_code == 400


# --- Numbers that are not numbers -----------------------------------------------------------


@pytest.mark.parametrize("points", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "1e999"])
def test_points_must_be_finite_numbers(client, pages, commune, points):
    page = pages["cong-dan-hoc-tap"]
    criterion = page.criteria_set.criteria.first()
    data = form_data(page, commune, **{f"points_{criterion.pk}": points})
    response = client.post(page.url, data)
    assert response.status_code == 400
    assert "Nhập một số" in response.content.decode()
    # Saved as a draft, the same entry reopens from the e-mailed link.
    response = client.post(page.url, {**data, "action": "save"})
    assert response.status_code == 200
    draft = ApplicationDraft.objects.get(token=TOKEN)
    assert (
        client.get(page.url + page.reverse_subpage("draft", args=[draft.token])).status_code == 200
    )


def test_points_may_be_written_with_a_decimal_comma(client, pages, commune):
    page = pages["cong-dan-hoc-tap"]
    criteria = list(page.criteria_set.criteria.all())
    data = form_data(page, commune, **{f"points_{criteria[0].pk}": "17,5"})
    assert client.post(page.url, data).status_code == 302
    expected = sum(c.max_points - 5 for c in criteria[1:]) + parse_number("17.5")
    assert Application.objects.get().self_total == expected


@pytest.mark.parametrize("points", ["NaN", "-NaN", "sNaN", "Infinity", "1e999", "9" * 400])
def test_reviewer_scores_must_be_finite_numbers(client, staff, make_application, points):
    application = make_application(status="in_review")
    criterion = application.criteria_set.criteria.first()
    client.force_login(staff["reviewer"])
    url = reverse("forms_app_applications:inspect", args=[application.pk])
    data = {"action": "scores", "revision": str(application.revision)}
    response = client.post(url, {**data, f"points_{criterion.pk}": points})
    assert response.status_code == 400
    assert "Nhập một số" in response.content.decode()
    assert not application.review_scores.exists()


# --- The tracking link and the files --------------------------------------------------------


def _same(content):
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)
    return re.sub(rb'href="/en/application/track/[^"]*"', b"", content)


def test_every_miss_of_the_tracking_link_answers_the_same(client, make_application):
    application = make_application()
    misses = [
        ("GDHT-2026-999999", application.secret),  # unknown code
        (application.code, "x" * len(application.secret)),  # wrong secret
        (application.code, "%C3%A9"),  # non-ASCII secret (a 500 before)
        (application.code, "İ" * 43),
        ("gdht-2026-1", application.secret),  # malformed code
        ("ĐĐĐĐ-2026-000001", "é"),
    ]
    answers = [client.get(f"/ho-so/tra-cuu/{code}/{secret}/") for code, secret in misses]
    assert {a.status_code for a in answers} == {404}
    assert len({_same(a.content) for a in answers}) == 1
    assert "Không tìm thấy hồ sơ" in answers[0].content.decode()


def test_misses_of_the_tracking_link_are_rate_limited(client, make_application, settings):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "tracking": "3/h"}
    application = make_application()
    right = application.tracking_path()
    for _ in range(5):
        assert client.get(right).status_code == 200  # the applicant's own visits do not count
    for _ in range(3):
        assert client.get(f"/ho-so/tra-cuu/{application.code}/wrong/").status_code == 404
    response = client.get(f"/ho-so/tra-cuu/{application.code}/wrong/")
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    # Over the limit, the right link answers the same: it tells nothing.
    assert client.get(right).status_code == 429


def test_evidence_file_ids_are_not_revealed(client, make_application):
    item = make_application().files.get()
    known, unknown = f"/ho-so/tep/{item.pk}/", f"/ho-so/tep/{item.pk + 1000}/"
    assert client.get(known).status_code == client.get(unknown).status_code == 302
    assert client.get(known, {"t": "sai"}).status_code == 404
    assert client.get(unknown, {"t": "sai"}).status_code == 404
    assert client.get("/ho-so/tep/99999999999999999999999/", {"t": "x"}).status_code == 404


def test_requests_django_refuses_get_the_same_vietnamese_page(client, pages):
    """Too many fields, or a body that is not the multipart it claims: Django's own 400."""
    page = pages["cong-dan-hoc-tap"]
    response = client.post(page.url, {f"f{i}": "x" for i in range(10_001)})
    assert response.status_code == 400
    assert "Không đọc được yêu cầu" in response.content.decode()
    response = client.post(
        "/ho-so/tra-cuu/", b"--x\r\nnot a part", content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code < 500
