import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from forms_app.forms import normalize_phone
from forms_app.models import Application, ApplicationDraft, EvidenceFile

from .conftest import PDF, TOKEN, docx, exe_as_pdf, fake_pdf, form_data, pdf, png

TITLE_PAGES = [
    "cong-dan-hoc-tap",
    "gia-dinh-hoc-tap",
    "dong-ho-hoc-tap",
    "cong-dong-hoc-tap",
    "don-vi-hoc-tap",
]


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("(024) 3825 1234", "02438251234"),
        ("091234567", None),
        ("0112345678", None),
        ("abc", None),
    ],
)
def test_phone_normalisation(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("slug", TITLE_PAGES)
def test_complete_submission_for_each_title(
    client, pages, commune, slug, django_capture_on_commit_callbacks
):
    page = pages[slug]
    data = form_data(page, commune, email="an@example.org", evidence=[pdf(), png()])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, data)
    assert response.status_code == 302, soup(response).select(".invalid-feedback")
    application = Application.objects.get(submission_token=TOKEN)
    prefix = {"citizen": "CDHT", "family": "GDHT", "clan": "DHHT"}.get(
        page.learning_title, {"community": "CDDHT", "unit": "DVHT"}.get(page.learning_title)
    )
    assert application.code == f"{prefix}-{timezone.localdate().year}-000001"
    assert application.phone == "0912345678"
    assert application.commune == commune and application.province_id == "01"
    assert application.status == "submitted"
    assert application.events.get().status == "submitted"
    assert sorted(f.content_type for f in application.files.all()) == [
        "application/pdf",
        "image/png",
    ]
    criteria = list(page.criteria_set.criteria.all())
    expected_total = sum(c.max_points - 5 for c in criteria)
    assert application.self_total == expected_total
    assert application.self_assessments.count() == len(criteria)
    assert application.self_rating == page.criteria_set.rating_for(expected_total)
    if slug == "gia-dinh-hoc-tap":
        assert [m.name for m in application.members.all()] == ["Trần Thị Bình", "Lê Văn Cường"]
    # The page after sending shows the code and the secret; the e-mail carries them too.
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert soup(sent).select_one("#tracking-code").text == application.code
    assert application.secret in sent.content.decode()
    assert len(mail.outbox) == 1 and application.code in mail.outbox[0].body
    assert not ApplicationDraft.objects.filter(token=TOKEN).exists()


def test_registration_needs_no_self_assessment(client, pages, commune):
    page = pages["dang-ky-gia-dinh-hoc-tap"]
    response = client.post(page.url, form_data(page, commune))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.kind == "registration" and application.self_total is None


def test_form_page_renders_sections_and_query_count(client, pages, django_assert_num_queries):
    page = pages["gia-dinh-hoc-tap"]
    client.get(page.url)  # warm the cached site, route and settings
    with django_assert_num_queries(5):
        response = client.get(page.url)
    assert response.status_code == 200
    html = soup(response)
    form = html.select_one("#application-form")
    assert form["enctype"] == "multipart/form-data"
    assert [s["id"] for s in html.select("section.form-section")] == [
        "section-applicant",
        "section-contact",
        "section-address",
        "section-self-assessment",
        "section-evidence",
        "section-consent",
    ]
    assert len(html.select("[data-points]")) == page.criteria_set.criteria.count()
    assert len(html.select("#id_province option")) == 35
    assert html.select_one("input[name=draft_token]")["value"]
    assert html.select_one("input[name=members-0-name]") is not None
    assert "Nghị định 13/2023/NĐ-CP" in html.select_one("#privacy-notice").text


def test_commune_choice_without_javascript(client, pages):
    page = pages["dang-ky-gia-dinh-hoc-tap"]
    html = soup(client.get(page.url))
    assert len(html.select("#id_commune option")) == 1  # only "choose the province first"
    response = client.post(
        page.url, {"draft_token": TOKEN, "province": "01", "action": "refresh", "hamlet": "Thôn 1"}
    )
    assert response.status_code == 200
    html = soup(response)
    options = [o["value"] for o in html.select("#id_commune option") if o["value"]]
    assert "00004" in options and len(options) > 50
    assert html.select_one("#id_hamlet")["value"] == "Thôn 1"
    assert not html.select(".invalid-feedback")


def test_errors_keep_entries_and_files(client, pages, commune):
    page = pages["gia-dinh-hoc-tap"]
    first = page.criteria_set.criteria.first()
    data = form_data(
        page,
        commune,
        phone="12345",
        consent=None,
        **{f"points_{first.pk}": "99"},
        evidence=[pdf()],
        **{f"files_{first.pk}": [docx()]},
    )
    response = client.post(page.url, data)
    assert response.status_code == 400
    html = soup(response)
    summary = html.select_one("#error-summary")
    targets = {a["href"] for a in summary.select("a")}
    assert {"#id_phone", "#id_consent", f"#id_points_{first.pk}"} <= targets
    assert html.select_one("#id_phone")["value"] == "12345"
    assert html.select_one("#id_members-1-name")["value"] == "Lê Văn Cường"
    assert html.select_one("#id_hamlet")["value"] == "Tổ dân phố 3"
    assert html.select_one("#id_commune option[selected]")["value"] == commune.code
    # Both files are kept with the draft and shown by name with a way to remove them.
    attached = [a.text for a in html.select("a.attached-file")]
    assert sorted(attached) == ["bao-cao.docx", "giay-khen.pdf"]
    assert Application.objects.count() == 0
    # Fixing the errors without sending the files again keeps them.
    fixed = form_data(page, commune)
    response = client.post(page.url, fixed)
    assert response.status_code == 302
    application = Application.objects.get()
    assert sorted(f.original_name for f in application.files.all()) == [
        "bao-cao.docx",
        "giay-khen.pdf",
    ]
    assert application.files.get(original_name="bao-cao.docx").criterion == first


def test_remove_a_pending_file(client, pages, commune):
    page = pages["dang-ky-gia-dinh-hoc-tap"]
    client.post(page.url, form_data(page, commune, consent=None, evidence=[pdf(), png()]))
    item = EvidenceFile.objects.get(original_name="giay-khen.pdf")
    response = client.post(page.url, form_data(page, commune, remove_files=[str(item.pk)]))
    assert response.status_code == 302
    assert [f.original_name for f in Application.objects.get().files.all()] == ["goc-hoc-tap.png"]
    assert not EvidenceFile.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("upload", [fake_pdf, exe_as_pdf])
def test_spoofed_files_are_refused(client, pages, commune, upload):
    page = pages["dang-ky-gia-dinh-hoc-tap"]
    response = client.post(page.url, form_data(page, commune, evidence=[upload()]))
    assert response.status_code == 400
    errors = soup(response).select_one("#error-summary").text
    assert upload().name in errors
    assert not EvidenceFile.objects.exists() and not Application.objects.exists()


def test_file_size_limits(client, pages, commune, settings):
    from forms_app import files

    page = pages["dang-ky-gia-dinh-hoc-tap"]
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * files.MAX_FILE_SIZE)
    response = client.post(page.url, form_data(page, commune, evidence=[big]))
    assert (
        response.status_code == 400
        and "lon.pdf" in soup(response).select_one("#error-summary").text
    )
    # The total per application counts files already attached.
    client.post(page.url, form_data(page, commune, consent=None, evidence=[pdf("a.pdf")]))
    EvidenceFile.objects.filter(original_name="a.pdf").update(size=files.MAX_TOTAL_SIZE - 10)
    response = client.post(page.url, form_data(page, commune, evidence=[pdf("b.pdf")]))
    assert response.status_code == 400
    assert not EvidenceFile.objects.filter(original_name="b.pdf").exists()


def test_double_submit_creates_one_application(client, pages, commune):
    page = pages["cong-dan-hoc-tap"]
    first = client.post(page.url, form_data(page, commune))
    second = client.post(page.url, form_data(page, commune))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1


def test_save_draft_and_come_back(client, pages, commune, django_capture_on_commit_callbacks):
    page = pages["gia-dinh-hoc-tap"]
    data = form_data(
        page, commune, action="save", phone="", email="binh@example.org", evidence=[png()]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, data)
    assert response.status_code == 200
    html = soup(response)
    link = html.select_one("#draft-link")["href"]
    assert TOKEN in link and not html.select(".invalid-feedback")
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    # Another visitor reopens it through the link: entries and the file are there, no errors.
    client.cookies.clear()
    reopened = client.get(link)
    assert reopened.status_code == 200
    html = soup(reopened)
    assert html.select_one("#id_head_name")["value"] == "Trần Thị Bình"
    assert html.select_one("#id_members-1-name")["value"] == "Lê Văn Cường"
    assert [a.text for a in html.select("a.attached-file")] == ["goc-hoc-tap.png"]
    assert not html.select(".invalid-feedback")
    # Finishing it from the link sends it; the link then leads to the page after sending.
    response = client.post(link, form_data(page, commune, draft_token=None))
    assert response.status_code == 302
    assert Application.objects.get().files.count() == 1
    assert client.get(link)["Location"] == response["Location"]


def test_unknown_draft_link_is_404(client, pages):
    page = pages["gia-dinh-hoc-tap"]
    assert client.get(page.url + "nhap/" + "B" * 32 + "/").status_code == 404


def test_honeypot_and_too_fast(client, pages, commune):
    page = pages["cong-dan-hoc-tap"]
    response = client.post(page.url, form_data(page, commune, website="http://spam"))
    assert response.status_code == 400
    from khuyenhoc.antispam import _started_token

    response = client.post(page.url, form_data(page, commune, form_started=_started_token()))
    assert response.status_code == 400
    assert soup(response).select_one("#id_hamlet")["value"] == "Tổ dân phố 3"
    assert Application.objects.count() == 0


def test_rate_limit_gives_429(client, pages, commune, settings):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "applications": "2/h"}
    page = pages["cong-dan-hoc-tap"]
    for i in range(2):
        response = client.post(page.url, form_data(page, commune, token=f"{i}" * 32))
        assert response.status_code == 302
    response = client.post(page.url, form_data(page, commune, token="Z" * 32))
    assert response.status_code == 429
    assert Application.objects.count() == 2


def test_not_yet_open_and_closed(client, pages, commune):
    page = pages["cong-dan-hoc-tap"]
    page.opens_at = timezone.now() + datetime.timedelta(days=3)
    page.save()
    response = client.get(page.url)
    assert response.status_code == 200
    assert soup(response).select_one("[data-state=not-yet-open]")
    assert not soup(response).select("#application-form")
    assert client.post(page.url, form_data(page, commune)).status_code == 403
    page.opens_at = None
    page.closes_at = timezone.now() - datetime.timedelta(days=1)
    page.save()
    response = client.get(page.url)
    assert soup(response).select_one("[data-state=closed]")
    assert client.post(page.url, form_data(page, commune)).status_code == 403
    assert Application.objects.count() == 0


def test_self_assessment_total_shown_on_error(client, pages, commune):
    page = pages["don-vi-hoc-tap"]
    response = client.post(page.url, form_data(page, commune, phone=""))
    assert response.status_code == 400
    total = sum(c.max_points - 5 for c in page.criteria_set.criteria.all())
    assert Decimal(soup(response).select_one("#self-total").text.replace(",", ".")) == total


def test_private_files_are_not_public(pages, commune, admin_user):
    from django.test import Client

    client, admin_client = Client(), Client()
    admin_client.force_login(admin_user)
    page = pages["cong-dan-hoc-tap"]
    client.post(page.url, form_data(page, commune, evidence=[pdf()]))
    item = Application.objects.get().files.get()
    path = item.file.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in path
    assert str(settings.MEDIA_ROOT) not in path
    assert client.get(settings.MEDIA_URL + item.file.name).status_code == 404
    url = f"/ho-so/tep/{item.pk}/"
    assert client.get(url).status_code == 302  # to the login
    assert client.get(url + "?t=" + "X" * 32).status_code == 404
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
