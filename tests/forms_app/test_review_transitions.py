"""Every action of the review workflow through the detail page's forms, as staff post them."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from forms_app import workflow
from forms_app.models import Application, ApplicationEvent, ApplicationLogEntry

from .conftest import TIEN_HAI


def url(application):
    return reverse("forms_app_applications:inspect", args=[application.pk])


def vi(text, **values):
    """A message as the Vietnamese admin shows it (escaped like the page)."""
    with translation.override("vi"):
        return html.escape(gettext(text) % values if values else gettext(text))


def post(client, application, action, revision=None, **data):
    revision = application.revision if revision is None else revision
    return client.post(url(application), {"action": action, "revision": revision, **data})


def scores_for(application, points=None):
    data = {}
    for criterion in application.criteria_set.criteria.all():
        value = criterion.max_points - 5 if points is None else points
        data[f"points_{criterion.pk}"] = str(value)
        data[f"note_{criterion.pk}"] = "Đạt"
    return data


def score_all(application, user):
    entries = {c.pk: (c.max_points - 5, "Đạt") for c in application.criteria_set.criteria.all()}
    workflow.save_scores(application, user, entries, revision=application.revision)


def snapshot(application):
    """What a refused action must leave as it was."""
    fresh = Application.objects.get(pk=application.pk)
    return (
        fresh.status,
        fresh.revision,
        fresh.decision_number,
        fresh.decision_reason,
        ApplicationEvent.objects.filter(application=application).count(),
        ApplicationLogEntry.objects.filter(object_id=str(application.pk)).count(),
        fresh.review_scores.count(),
    )


DECISION = {
    "decision_number": "125/QĐ-HKH",
    "decision_date": "20/11/2026",
    "decision_signer": "Chủ tịch Hội Khuyến học tỉnh",
    "valid_until": "20/11/2029",
}

ALLOWED = [
    ("submitted", "reviewer", "start_review", {}, "in_review"),
    ("in_review", "reviewer", "request_info", {"message": "Xin bổ sung ảnh"}, "info_requested"),
    ("in_review", "reviewer", "propose_approval", {}, "proposed_approval"),
    ("in_review", "reviewer", "propose_rejection", {"reason": "Thiếu minh chứng"},
     "proposed_rejection"),
    ("proposed_approval", "approver", "return_to_review", {"note": "Chấm lại mục 2"},
     "in_review"),
    ("proposed_rejection", "approver", "return_to_review", {"note": "Xem lại"}, "in_review"),
    ("proposed_approval", "approver", "recognise", DECISION, "approved"),
    ("proposed_approval", "approver", "reject", {"reason": "Chưa đạt"}, "rejected"),
    ("proposed_rejection", "approver", "reject", {"reason": "Chưa đạt"}, "rejected"),
    ("submitted", "admin", "start_review", {}, "in_review"),
    ("proposed_approval", "admin", "recognise", DECISION, "approved"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "who", "action", "data", "target"), ALLOWED)
def test_allowed_transitions(client, staff, make_application, status, who, action, data, target):
    application = make_application(status=status)
    if action == "propose_approval":
        score_all(application, staff["reviewer"])
    client.force_login(staff[who])

    response = post(client, application, action, **data)

    assert response.status_code == 302
    assert response["Location"] == url(application)
    application.refresh_from_db()
    assert application.status == target
    entry = ApplicationLogEntry.objects.filter(object_id=str(application.pk)).latest(
        "timestamp", "pk"
    )
    assert entry.action == f"forms_app.{action}"
    assert entry.user == staff[who]
    assert entry.data["from"] == status and entry.data["to"] == target
    # Back on the page, the new status and the success message.
    page = client.get(response["Location"]).content.decode()
    with translation.override("vi"):
        label = str(workflow.TRANSITIONS[action].label)
        new_status = str(application.get_status_display())
    assert vi('"%(action)s" done: the application is now "%(status)s".', action=label,
              status=new_status) in page  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("date_format", ["%d/%m/%Y", "%Y-%m-%d"])
def test_recognition_records_the_decision(client, staff, make_application, date_format):
    application = make_application(status="proposed_approval")
    client.force_login(staff["approver"])
    decided, until = datetime.date(2026, 11, 20), datetime.date(2029, 11, 20)
    response = post(
        client,
        application,
        "recognise",
        decision_number=" 125/QĐ-HKH ",
        decision_date=decided.strftime(date_format),
        decision_signer="Chủ tịch Hội Khuyến học tỉnh",
        valid_until=until.strftime(date_format),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.decision_number, application.decision_date, application.valid_until) == (
        "125/QĐ-HKH",
        decided,
        until,
    )
    assert application.decision_signer == "Chủ tịch Hội Khuyến học tỉnh"
    assert application.certificate_code
    page = client.get(url(application)).content.decode()
    assert reverse("forms_app_applications:certificate", args=[application.pk]) in page
    assert "Đã công nhận" in page


REFUSED = [
    # Wrong role.
    ("proposed_approval", "reviewer", "recognise", DECISION),
    ("proposed_approval", "reviewer", "reject", {"reason": "Chưa đạt"}),
    ("submitted", "approver", "start_review", {}),
    ("in_review", "approver", "request_info", {"message": "Xin bổ sung"}),
    ("proposed_approval", "reviewer", "return_to_review", {"note": "Xem lại"}),
    # Wrong status.
    ("in_review", "reviewer", "start_review", {}),
    ("submitted", "reviewer", "request_info", {"message": "Xin bổ sung"}),
    ("info_requested", "reviewer", "propose_rejection", {"reason": "Thiếu"}),
    ("approved", "approver", "reject", {"reason": "Nhầm"}),
    ("rejected", "approver", "recognise", DECISION),
    ("withdrawn", "admin", "start_review", {}),
    ("in_review", "approver", "recognise", DECISION),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "who", "action", "data"), REFUSED)
def test_refused_transitions_change_nothing(
    client, staff, make_application, status, who, action, data
):
    application = make_application(status=status)
    before = snapshot(application)
    client.force_login(staff[who])
    with translation.override("vi"):
        expected = {
            vi("Your role does not allow this action on this application."),
            vi(
                'This action is not possible while the application is "%(status)s".',
                status=str(application.get_status_display()),
            ),
        }

    response = post(client, application, action, **data)

    assert response.status_code == 403
    page = response.content.decode()
    assert any(message in page for message in expected)
    assert snapshot(application) == before
    assert not mail.outbox


@pytest.mark.django_db
def test_another_areas_reviewer_gets_404_and_nothing_changes(client, staff, make_application):
    application = make_application(commune=TIEN_HAI)
    before = snapshot(application)
    client.force_login(staff["reviewer"])
    assert post(client, application, "start_review").status_code == 404
    assert post(client, application, "scores", **scores_for(application)).status_code == 404
    assert post(client, application, "note", note="Ghi chú").status_code == 404
    assert snapshot(application) == before


@pytest.mark.django_db
def test_unknown_action_and_missing_revision_are_refused(client, staff, make_application):
    application = make_application()
    before = snapshot(application)
    client.force_login(staff["reviewer"])
    assert post(client, application, "publish").status_code == 400
    response = client.post(url(application), {"action": "start_review"})
    assert response.status_code == 400
    response = client.post(url(application), {"action": "start_review", "revision": "x"})
    assert response.status_code == 400
    assert snapshot(application) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "who", "action", "data", "message", "kept"),
    [
        ("in_review", "reviewer", "request_info", {"message": " ", "note": "Ảnh mờ quá"},
         "Write what the applicant should add or correct.", "Ảnh mờ quá"),
        ("in_review", "reviewer", "propose_rejection", {"note": "Đã họp tổ"},
         "Give the reason.", "Đã họp tổ"),
        ("proposed_approval", "approver", "reject", {"reason": "", "note": "Họp ngày 5"},
         "Give the reason.", "Họp ngày 5"),
        ("proposed_approval", "approver", "return_to_review", {"note": ""},
         "Say what should be reviewed again.", None),
        ("proposed_approval", "approver", "recognise",
         {**DECISION, "decision_number": ""},
         "Give the decision number, its date, who signed it and how long it is valid.",
         "Chủ tịch Hội Khuyến học tỉnh"),
        ("proposed_approval", "approver", "recognise",
         {**DECISION, "valid_until": ""},
         "Give the decision number, its date, who signed it and how long it is valid.",
         "125/QĐ-HKH"),
        ("proposed_approval", "approver", "recognise",
         {**DECISION, "valid_until": "01/01/2020"},
         "The end of validity must come after the decision date.", "01/01/2020"),
        ("proposed_approval", "approver", "recognise",
         {**DECISION, "decision_date": "31/02/2026"},
         "Enter a date as dd/mm/yyyy.", "31/02/2026"),
        ("proposed_approval", "approver", "recognise",
         {**DECISION, "valid_until": "ngày mai"},
         "Enter a date as dd/mm/yyyy.", "ngày mai"),
        ("in_review", "reviewer", "propose_approval", {"note": "Đủ điều kiện"},
         "Score every criterion before proposing recognition (%(done)s of %(all)s).",
         "Đủ điều kiện"),
    ],
)  # fmt: skip
def test_missing_or_bad_entries_are_400_with_entries_kept(
    client, staff, make_application, status, who, action, data, message, kept
):
    application = make_application(status=status)
    before = snapshot(application)
    client.force_login(staff[who])

    response = post(client, application, action, **data)

    assert response.status_code == 400
    page = response.content.decode()
    text = vi(message, done=0, all=application.criteria_set.criteria.count())
    form = page.split(f'data-action="{action}"')[1].split("</form>")[0]
    assert text in form
    if kept:
        assert html.escape(kept) in form
    assert snapshot(application) == before


@pytest.mark.django_db
def test_second_of_two_reviewers_is_told_it_changed(
    client, staff, make_application, django_capture_on_commit_callbacks
):
    """Two people open the same page; the first to act wins, the second loses nothing typed."""
    from django.test import Client

    application = make_application(status="in_review")
    first, second = client, Client()
    first.force_login(staff["reviewer"])
    second.force_login(staff["admin"])
    revision = application.revision
    assert first.get(url(application)).status_code == 200
    assert second.get(url(application)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = post(first, application, "request_info", revision, message="Xin bổ sung ảnh")
    assert response.status_code == 302
    response = post(
        second,
        application,
        "propose_rejection",
        revision,
        reason="Gia đình chưa có góc học tập riêng",
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert (
        vi(
            "Someone else changed this application while you were looking at it. "
            "Nothing of yours was saved: read it again, then repeat your action."
        )
        in page
    )
    assert "Gia đình chưa có góc học tập riêng" in page  # what they typed, shown back
    assert "Cần bổ sung thông tin" in page  # the current state
    application.refresh_from_db()
    assert application.status == "info_requested"
    assert application.decision_reason == ""
    assert f'name="revision" value="{application.revision}"' in page
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_scores_conflict_keeps_the_typed_points(client, staff, make_application):
    from django.test import Client

    application = make_application(status="in_review")
    other = Client()
    client.force_login(staff["reviewer"])
    other.force_login(staff["admin"])
    data = scores_for(application)
    assert post(other, application, "scores", 0, **data).status_code == 302
    mine = scores_for(application, points=3)
    response = post(client, application, "scores", 0, **mine)
    assert response.status_code == 409
    application.refresh_from_db()
    assert {s.points for s in application.review_scores.all()} != {3}
    criterion = application.criteria_set.criteria.first()
    # Still in the scores form, ready to save again on the current revision.
    form = response.content.decode().split('value="scores"')[1].split("</form>")[0]
    assert f'name="points_{criterion.pk}"' in form
    assert 'value="3"' in form


@pytest.mark.django_db
def test_valid_scores_save_total_and_rating(client, staff, make_application):
    application = make_application(status="in_review")
    client.force_login(staff["reviewer"])
    criteria = list(application.criteria_set.criteria.all())
    data = scores_for(application)
    data[f"points_{criteria[0].pk}"] = "25,5"  # as Vietnamese write it

    response = post(client, application, "scores", **data)

    assert response.status_code == 302
    application.refresh_from_db()
    expected = sum(c.max_points - 5 for c in criteria) + Decimal("0.5")
    assert application.review_total == expected
    assert application.review_rating == application.criteria_set.rating_for(expected)
    assert application.review_scores.get(criterion=criteria[0]).note == "Đạt"
    page = client.get(url(application)).content.decode()
    assert 'value="25.5"' in page
    assert vi("Scores saved: total %(total)s, rating %(rating)s.", total=f"{expected:f}",
              rating=application.review_rating) in page  # fmt: skip
    entry = ApplicationLogEntry.objects.get(object_id=str(application.pk), action="forms_app.score")
    assert entry.user == staff["reviewer"]


@pytest.mark.django_db
def test_scores_out_of_range_save_nothing(client, staff, make_application):
    application = make_application(status="in_review")
    before = snapshot(application)
    client.force_login(staff["reviewer"])
    criteria = list(application.criteria_set.criteria.all())
    data = scores_for(application)
    data[f"points_{criteria[0].pk}"] = "31"
    data[f"points_{criteria[1].pk}"] = "mười"
    data[f"note_{criteria[1].pk}"] = "Ghi chú của tôi"

    response = post(client, application, "scores", **data)

    assert response.status_code == 400
    page = response.content.decode()
    first = page.split(f'data-criterion="{criteria[0].code}"')[1].split("data-criterion=")[0]
    second = page.split(f'data-criterion="{criteria[1].code}"')[1].split("data-criterion=")[0]
    out_of_range = re.escape(vi("Between 0 and %(max)s points.", max="@")).replace("@", r"30(\.0)?")
    assert re.search(out_of_range, first)
    assert 'value="31"' in first
    assert vi("Enter a number.") in second
    assert 'value="mười"' in second and "Ghi chú của tôi" in second
    assert snapshot(application) == before


@pytest.mark.django_db
def test_only_reviewers_in_review_may_score(client, staff, make_application):
    application = make_application(status="in_review")
    before = snapshot(application)
    client.force_login(staff["approver"])
    response = post(client, application, "scores", **scores_for(application))
    assert response.status_code == 403
    assert snapshot(application) == before


@pytest.mark.django_db
def test_notes_go_to_the_history(client, staff, make_application):
    application = make_application(status="approved")
    client.force_login(staff["approver"])
    response = post(client, application, "note", note="Đã gửi giấy công nhận qua bưu điện")
    assert response.status_code == 302
    entry = ApplicationLogEntry.objects.get(object_id=str(application.pk), action="forms_app.note")
    assert entry.user == staff["approver"]
    page = client.get(url(application)).content.decode()
    assert "Đã gửi giấy công nhận qua bưu điện" in page.split("data-review-history")[1]

    response = post(client, application, "note", note="  ")
    assert response.status_code == 400
    assert vi("Write the note.") in response.content.decode()


@pytest.mark.django_db
def test_audit_trail_shows_who_from_to_and_note(client, staff, make_application):
    application = make_application()
    client.force_login(staff["reviewer"])
    assert post(client, application, "start_review", note="Nhận hồ sơ").status_code == 302
    application.refresh_from_db()
    assert post(client, application, "scores", **scores_for(application)).status_code == 302
    application.refresh_from_db()
    response = post(client, application, "request_info", message="Xin ảnh", note="Ảnh mờ")
    assert response.status_code == 302
    client.force_login(staff["approver"])

    page = client.get(url(application)).content.decode()

    history = page.split("data-review-history")[1].split("</table>")[0]
    rows = history.split("<tr>")[2:]  # newest first, after the heading row
    assert len(rows) == 3
    request_row, score_row, start_row = rows
    for text in [
        "Cán bộ Đông Hưng",
        "Đang xét duyệt",
        "Cần bổ sung thông tin",
        "Ảnh mờ",
        "Xin ảnh",
    ]:
        assert html.escape(text) in request_row, text
    for text in ["Cán bộ Đông Hưng", "Đã nộp", "Đang xét duyệt", "Nhận hồ sơ"]:
        assert text in start_row, text
    assert "1: — → 25" in score_row


@pytest.mark.django_db
def test_applicant_is_mailed_on_the_changes_that_concern_them(
    client, staff, make_application, django_capture_on_commit_callbacks
):
    application = make_application(email="giadinh@example.org")
    reviewer, approver = staff["reviewer"], staff["approver"]

    def act(user, action, **data):
        client.force_login(user)
        application.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, application, action, **data).status_code == 302

    act(reviewer, "start_review")
    assert len(mail.outbox) == 1
    act(reviewer, "request_info", message="Xin bổ sung ảnh góc học tập")
    assert len(mail.outbox) == 2
    assert "Xin bổ sung ảnh góc học tập" in mail.outbox[-1].body
    Application.objects.filter(pk=application.pk).update(status="in_review")
    act(reviewer, "scores", **scores_for(application))
    act(reviewer, "propose_approval")
    act(approver, "return_to_review", note="Xem lại mục 2")
    act(reviewer, "propose_rejection", reason="Chưa đủ")
    assert len(mail.outbox) == 2  # proposals and returns stay between staff
    act(approver, "reject", reason="Chưa có góc học tập riêng")
    assert len(mail.outbox) == 3
    assert "Chưa có góc học tập riêng" in mail.outbox[-1].body

    other = make_application(status="proposed_approval", email="donvi@example.org")
    application = other
    act(approver, "recognise", **DECISION)
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].to == ["donvi@example.org"]
    assert "125/QĐ-HKH" in mail.outbox[-1].body
    assert all(message.to in (["giadinh@example.org"], ["donvi@example.org"])
               for message in mail.outbox)  # fmt: skip


@pytest.mark.django_db
def test_tracking_page_shows_the_message_never_the_note(client, staff, make_application):
    application = make_application(status="in_review")
    client.force_login(staff["reviewer"])
    response = post(
        client,
        application,
        "request_info",
        message="Xin gửi thêm ảnh góc học tập của các cháu",
        note="Nghi ảnh lấy trên mạng",
    )
    assert response.status_code == 302
    client.logout()

    page = client.get(application.tracking_path()).content.decode()

    assert "Xin gửi thêm ảnh góc học tập của các cháu" in page
    assert "Nghi ảnh lấy trên mạng" not in page
