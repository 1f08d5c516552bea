"""The workflow's rules, as the admin screens and bulk actions rely on them."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from forms_app import workflow
from forms_app.models import Application, ApplicationEvent, ApplicationLogEntry

from .conftest import TIEN_HAI

DECISION = workflow.Decision(
    number="125/QĐ-HKH",
    date=datetime.date(2026, 11, 20),
    signer="Chủ tịch Hội Khuyến học tỉnh",
    valid_until=datetime.date(2029, 11, 20),
)


def score_all(application, user, points=None):
    entries = {
        c.pk: (points if points is not None else c.max_points - 5, "Đạt")
        for c in application.criteria_set.criteria.all()
    }
    return workflow.save_scores(application, user, entries, revision=application.revision)


@pytest.mark.django_db
def test_full_path_to_recognition(staff, make_application, django_capture_on_commit_callbacks):
    application = make_application()
    reviewer, approver = staff["reviewer"], staff["approver"]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(application, "start_review", reviewer, revision=0)
        score_all(application, reviewer)
        workflow.perform(application, "propose_approval", reviewer, revision=application.revision)
        workflow.perform(
            application, "recognise", approver, revision=application.revision, decision=DECISION
        )
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.recognised_on == DECISION.date
    assert application.review_total == sum(
        c.max_points - 5 for c in application.criteria_set.criteria.all()
    )
    assert application.review_rating == "Khá"  # 75 of 100 in the demo family set
    assert len(application.certificate_code) == 14
    actions = list(
        ApplicationLogEntry.objects.filter(object_id=str(application.pk))
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "forms_app.start_review",
        "forms_app.score",
        "forms_app.propose_approval",
        "forms_app.recognise",
    ]
    # The applicant hears of the start and of the decision, not of the internal proposal.
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2
    assert "Đã công nhận" in subjects[-1]
    assert "125/QĐ-HKH" in mail.outbox[-1].body


@pytest.mark.django_db
def test_reviewer_of_another_commune_cannot_act(staff, make_application):
    application = make_application()
    with pytest.raises(workflow.NotAllowed):
        workflow.perform(application, "start_review", staff["other_reviewer"], revision=0)
    assert not workflow.visible(Application.objects.all(), staff["other_reviewer"]).exists()
    assert workflow.visible(Application.objects.all(), staff["reviewer"]).get() == application


@pytest.mark.django_db
def test_stale_revision_is_a_conflict(staff, make_application):
    application = make_application()
    seen = Application.objects.get(pk=application.pk)
    workflow.perform(application, "start_review", staff["reviewer"], revision=0)
    with pytest.raises(workflow.Conflict):
        workflow.perform(
            seen, "request_info", staff["reviewer"], revision=seen.revision, message="Thiếu ảnh"
        )
    assert Application.objects.get(pk=application.pk).status == "in_review"


@pytest.mark.django_db
def test_requirements(staff, make_application):
    application = make_application(status="in_review")
    reviewer = staff["reviewer"]
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.perform(application, "request_info", reviewer, revision=0, message="  ")
    assert error.value.field == "message"
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.perform(application, "propose_approval", reviewer, revision=0)
    assert error.value.field == "scores"
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.perform(application, "propose_rejection", reviewer, revision=0)
    assert error.value.field == "reason"
    assert not ApplicationEvent.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_scores_out_of_range_are_refused(staff, make_application):
    application = make_application(status="in_review")
    with pytest.raises(workflow.WorkflowError) as error:
        score_all(application, staff["reviewer"], points=1000)
    assert error.value.errors
    assert not application.review_scores.exists()


@pytest.mark.django_db
def test_approver_of_the_province_sees_both_communes(staff, make_application):
    make_application()
    make_application(commune=TIEN_HAI)
    assert workflow.visible(Application.objects.all(), staff["approver"]).count() == 2


# Committed for real, so both threads see the application; the demo content flushed by the
# previous transactional test comes back from the snapshot.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_at_once_one_wins(staff, make_application):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    application = make_application()
    results = []
    barrier = threading.Barrier(2)

    def act(action, **kwargs):
        barrier.wait()
        try:
            workflow.perform(
                Application.objects.get(pk=application.pk),
                action,
                staff["reviewer"],
                revision=0,
                **kwargs,
            )
            results.append("ok")
        except workflow.WorkflowError as error:
            results.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=("start_review",)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["Conflict", "ok"]
    assert ApplicationEvent.objects.filter(application=application).count() == 1
