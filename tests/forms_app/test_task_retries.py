"""E-mails through production's queue: a mail server that is down delays them, loses none, and
what is given up on is shown to administrators."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from forms_app.models import Application

from .conftest import form_data

pytestmark = pytest.mark.django_db

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SMTP_DOWN = mock.patch(
    "django.core.mail.backends.locmem.EmailBackend.send_messages",
    side_effect=ConnectionRefusedError(111, "Connection refused"),
)


@pytest.fixture
def queue(settings):
    settings.TASKS = QUEUE
    settings.TASK_RETRY_ATTEMPTS = 3
    settings.TASK_RETRY_BACKOFF = 60


def work():
    """What `manage.py db_worker` does, until nothing is ready to run. It closes the database
    connection between tasks, which would end the test's transaction (PostgreSQL)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def send(client, page, commune, capture, email="an@example.org"):
    with capture(execute=True):
        response = client.post(page.url, form_data(page, commune, email=email))
    assert response.status_code == 302
    return Application.objects.get()


def confirmation_results():
    return DBTaskResult.objects.filter(task_path="forms_app.tasks.send_confirmation")


def test_the_confirmation_waits_for_the_worker(
    client, pages, commune, queue, django_capture_on_commit_callbacks
):
    application = send(
        client, pages["cong-dan-hoc-tap"], commune, django_capture_on_commit_callbacks
    )
    assert mail.outbox == []
    assert confirmation_results().get().args_kwargs["args"][0] == application.pk
    work()
    assert [m.to for m in mail.outbox] == [["an@example.org"]]
    assert application.code in mail.outbox[0].body
    assert confirmation_results().get().status == TaskResultStatus.SUCCESSFUL


def test_smtp_down_the_mail_is_sent_later_with_backoff(
    client, pages, commune, queue, django_capture_on_commit_callbacks
):
    application = send(
        client, pages["cong-dan-hoc-tap"], commune, django_capture_on_commit_callbacks
    )
    start = timezone.now()
    with SMTP_DOWN:
        work()
    assert mail.outbox == []
    retry = confirmation_results().get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"]["retry_attempt"] == 2
    assert 59 <= (retry.run_after - start).total_seconds() <= 65
    # Not before its time: the worker leaves it waiting.
    work()
    assert confirmation_results().get(pk=retry.pk).status == TaskResultStatus.READY
    # Down again at the second attempt: the wait doubles.
    with freeze_time(start + datetime.timedelta(seconds=61)), SMTP_DOWN:
        work()
    third = confirmation_results().get(status=TaskResultStatus.READY)
    assert third.args_kwargs["kwargs"]["retry_attempt"] == 3
    assert 119 <= (third.run_after - start).total_seconds() - 61 <= 125
    # Back up: the mail goes, nothing is left failed.
    with freeze_time(start + datetime.timedelta(seconds=200)):
        work()
    assert len(mail.outbox) == 1 and application.code in mail.outbox[0].body
    assert not DBTaskResult.objects.failed().exists()


def test_given_up_tasks_are_listed_for_administrators_and_can_run_again(
    client, pages, commune, queue, staff, django_capture_on_commit_callbacks, settings
):
    settings.TASK_RETRY_ATTEMPTS = 2
    send(client, pages["cong-dan-hoc-tap"], commune, django_capture_on_commit_callbacks)
    start = timezone.now()
    with SMTP_DOWN:
        work()
        with freeze_time(start + datetime.timedelta(seconds=61)):
            work()
    failed = DBTaskResult.objects.failed().get()
    assert failed.task_path == "forms_app.tasks.send_confirmation"
    assert "ConnectionRefusedError" in failed.traceback

    client.force_login(staff["reviewer"])
    assert client.get("/admin/tasks/failed/").status_code in (302, 403)
    client.force_login(staff["admin"])
    listing = client.get("/admin/tasks/failed/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "send_confirmation" in html and "ConnectionRefusedError" in html
    # In the Reports menu for administrators only.
    assert "/admin/tasks/failed/" in client.get("/admin/").content.decode()
    client.force_login(staff["reviewer"])
    assert "/admin/tasks/failed/" not in client.get("/admin/").content.decode()
    client.force_login(staff["admin"])

    response = client.post("/admin/tasks/failed/", {"id": str(failed.pk)})
    assert response.status_code == 302
    assert not DBTaskResult.objects.failed().exists()
    work()
    assert len(mail.outbox) == 1


def test_at_once_without_a_worker_a_failure_is_not_retried(
    client, pages, commune, django_capture_on_commit_callbacks
):
    """The embedded default runs tasks in the request and cannot defer one."""
    with SMTP_DOWN:
        send(client, pages["cong-dan-hoc-tap"], commune, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()


# Committed for real: the application is stored before the queue is written to.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_application_stored_before_a_failure_shows_its_code_on_retry(
    client, demo, commune, queue
):
    from forms_app.models import ApplicationFormPage

    page = ApplicationFormPage.objects.get(slug="cong-dan-hoc-tap", locale__language_code="vi")
    client.raise_request_exception = False
    data = form_data(page, commune, email="an@example.org")
    # The database goes away between the application's commit and the tasks' rows.
    gone = OperationalError("server closed the connection unexpectedly")
    unreachable = mock.Mock(**{"enqueue.side_effect": gone})
    with (
        mock.patch("forms_app.views.send_confirmation", unreachable),
        mock.patch("forms_app.views.notify_reviewers", unreachable),
    ):
        first = client.post(page.url, data)
    application = Application.objects.get()
    assert first.status_code == 302
    # Sent again (the browser's reload): the same application, its code shown.
    second = client.post(page.url, data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    sent = client.get(second["Location"])
    assert sent.status_code == 200
    assert application.code in sent.content.decode()
    assert Application.objects.count() == 1
