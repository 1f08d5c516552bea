"""The detail view of one application in the admin, as reviewers and approvers read it."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.log_actions import log

from forms_app import workflow
from forms_app.models import ApplicationEvent, ApplicationMember, EvidenceFile

from .conftest import PDF, TIEN_HAI


def url(application):
    return reverse("forms_app_applications:inspect", args=[application.pk])


def add_file(application, name, criterion=None):
    return EvidenceFile.objects.create(
        application=application,
        criterion=criterion,
        file=ContentFile(PDF, name=name),
        original_name=name,
        content_type="application/pdf",
        size=len(PDF),
    )


def forms_on(response):
    """The actions offered, by the hidden ``action`` inputs of the page's forms."""
    return set(re.findall(r'name="action" value="([a-z_]+)"', response.content.decode()))


@pytest.mark.django_db
def test_shows_everything_the_applicant_sent(client, staff, make_application):
    application = make_application(
        applicant_name="Gia đình bà Trần Thị Bình",
        applicant_details={"head_name": "Trần Thị Bình"},
        hamlet="Thôn Thượng Liệt",
        public_listing=True,
        self_total=72,
        self_rating="Khá",
    )
    criteria = list(application.criteria_set.criteria.all())
    application.self_assessments.filter(criterion=criteria[0]).update(
        note="Hai cháu đạt học sinh giỏi"
    )
    photo = add_file(application, "anh-goc-hoc-tap.pdf", criterion=criteria[0])
    ApplicationMember.objects.create(
        application=application, name="Lê Văn Cường", birth_year=2012, relation="con"
    )
    client.force_login(staff["reviewer"])

    response = client.get(url(application))

    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        application.code,
        "Đã nộp",
        "Gia đình học tập",
        "Gia đình bà Trần Thị Bình",
        "Chủ hộ",  # the label of head_name, from the application form
        "0912345678",
        application.email,
        "Thôn Thượng Liệt",
        "Xã Đông Hưng",
        "Tỉnh Hưng Yên",
        "Lê Văn Cường",
        "2012",
        timezone.localtime(application.consent_at).strftime("%d/%m/%Y %H:%M"),
        "Hai cháu đạt học sinh giỏi",
        criteria[0].description,
        "72 / 100",
        "Khá",
    ]:
        assert text in page, text
    # Every file, the criterion's one beside its criterion, through the checked file view.
    for item in application.files.all():
        assert reverse("forms_app:evidence_file", args=[item.pk]) in page
    criterion_block = page.split(f'data-criterion="{criteria[0].code}"')[1].split(
        'data-criterion="'
    )[0]
    assert reverse("forms_app:evidence_file", args=[photo.pk]) in criterion_block
    # No decision yet: no certificate.
    assert reverse("forms_app_applications:certificate", args=[application.pk]) not in page


@pytest.mark.django_db
def test_applicant_details_of_a_citizen_use_the_form_labels(client, staff, make_application):
    application = make_application(
        title="citizen",
        applicant_details={
            "full_name": "Nguyễn Văn An",
            "birth_year": 1958,
            "gender": "nam",
            "occupation_group": "nong_dan",
        },
    )
    client.force_login(staff["reviewer"])
    page = client.get(url(application)).content.decode()
    with translation.override("vi"):
        from forms_app.forms import applicant_fields

        labels = [str(field.label) for _name, field in applicant_fields("citizen")]
    for text in [*labels, "Nguyễn Văn An", "1958"]:
        assert text in page, text
    assert "nong_dan" not in page  # the choice's label, not its stored value
    with translation.override("vi"):
        from forms_app.forms import OCCUPATION_GROUPS

        assert str(dict(OCCUPATION_GROUPS)["nong_dan"]) in page


@pytest.mark.django_db
def test_decision_and_certificate_link_once_recognised(client, staff, make_application):
    application = make_application(
        status="approved",
        decision_number="125/QĐ-HKH",
        decision_date=datetime.date(2026, 11, 20),
        decision_signer="Chủ tịch Hội Khuyến học tỉnh",
        valid_until=datetime.date(2029, 11, 20),
        certificate_code="ABCD-EFGH-JKLM",
    )
    client.force_login(staff["approver"])
    response = client.get(url(application))
    page = response.content.decode()
    for text in [
        "125/QĐ-HKH",
        "20/11/2026",
        "Chủ tịch Hội Khuyến học tỉnh",
        "20/11/2029",
        "ABCD-EFGH-JKLM",
        reverse("forms_app_applications:certificate", args=[application.pk]),
    ]:
        assert text in page, text
    # A final decision: only notes remain.
    assert forms_on(response) == {"note"}


@pytest.mark.django_db
def test_another_areas_application_is_not_found(client, staff, make_application):
    application = make_application(commune=TIEN_HAI)
    client.force_login(staff["reviewer"])
    assert client.get(url(application)).status_code == 404
    response = client.post(url(application), {"action": "start_review", "revision": "0"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"
    assert client.get("/admin/applications/inspect/abc/").status_code == 404
    # Its own reviewer and the province's approver see it.
    client.force_login(staff["other_reviewer"])
    assert client.get(url(application)).status_code == 200
    client.force_login(staff["approver"])
    assert client.get(url(application)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "who", "expected"),
    [
        ("submitted", "reviewer", {"start_review", "note"}),
        ("submitted", "approver", {"note"}),
        ("in_review", "reviewer", {"scores", "request_info", "propose_approval",
                                   "propose_rejection", "note"}),
        ("in_review", "approver", {"note"}),
        ("proposed_approval", "reviewer", {"note"}),
        ("proposed_approval", "approver", {"return_to_review", "recognise", "reject", "note"}),
        ("proposed_rejection", "approver", {"return_to_review", "reject", "note"}),
        ("info_requested", "reviewer", {"note"}),
        ("withdrawn", "admin", {"note"}),
    ],
)  # fmt: skip
def test_only_the_allowed_actions_are_offered(client, staff, make_application, status, who,
                                              expected):  # fmt: skip
    application = make_application(status=status)
    client.force_login(staff[who])
    response = client.get(url(application))
    assert response.status_code == 200
    assert forms_on(response) == expected


@pytest.mark.django_db
def test_recognition_form_is_prefilled_with_today_and_three_years(client, staff, make_application):
    application = make_application(status="proposed_approval")
    client.force_login(staff["approver"])
    page = client.get(url(application)).content.decode()
    today = workflow.today()
    form = page.split('data-action="recognise"')[1].split("</form>")[0]
    assert f'value="{today:%d/%m/%Y}"' in form
    assert f'value="{workflow.default_valid_until(today):%d/%m/%Y}"' in form
    for name in ["decision_number", "decision_date", "decision_signer", "valid_until"]:
        assert f'name="{name}"' in form


@pytest.mark.django_db
def test_history_and_timeline(client, staff, make_application):
    application = make_application(status="in_review")
    ApplicationEvent.objects.create(
        application=application,
        status="info_requested",
        message="Xin bổ sung ảnh góc học tập",
        note="Ảnh cũ bị mờ",
        by_user=staff["reviewer"],
    )
    log(
        application,
        "forms_app.request_info",
        user=staff["reviewer"],
        data={"from": "in_review", "to": "info_requested", "note": "Ảnh cũ bị mờ"},
    )
    client.force_login(staff["approver"])
    page = client.get(url(application)).content.decode()
    history = page.split("data-review-history")[1]
    for text in ["Cán bộ Đông Hưng", "Đang xét duyệt", "Cần bổ sung thông tin", "Ảnh cũ bị mờ"]:
        assert text in history, text
    timeline = page.split("data-review-timeline")[1].split("</table>")[0]
    assert "Xin bổ sung ảnh góc học tập" in timeline


def _grow(application, staff, files, events):
    """More of everything the page lists."""
    criteria = list(application.criteria_set.criteria.all())
    for number in range(files):
        add_file(application, f"tep-{number}.pdf", criterion=criteria[number % len(criteria)])
    for number in range(events):
        ApplicationEvent.objects.create(
            application=application, status="in_review", note=f"b{number}", by_user=staff["admin"]
        )
        log(application, "forms_app.note", user=staff["reviewer"], data={"note": f"n{number}"})
        ApplicationMember.objects.create(
            application=application, name=f"Thành viên {number}", birth_year=1990, relation="con"
        )
    for criterion in criteria:
        application.review_scores.create(
            criterion=criterion, points=criterion.max_points - 1, scored_by=staff["reviewer"]
        )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reviewer", "approver"])
def test_query_count_does_not_grow_with_files_and_events(
    client, staff, make_application, django_assert_num_queries, who
):
    few = make_application(status="in_review")
    many = make_application(status="in_review")
    _grow(many, staff, files=12, events=15)
    client.force_login(staff[who])
    client.get(url(few))  # content types and the like, cached once per process

    def count(application):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(application)).status_code == 200
        return len(queries)

    expected = count(few)
    with django_assert_num_queries(expected):
        response = client.get(url(many))
    page = response.content.decode()
    assert len(set(re.findall(r"/ho-so/tep/\d+/", page))) == 13
    assert expected < 40
