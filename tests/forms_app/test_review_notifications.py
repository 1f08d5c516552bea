"""Reviewers hear of new applications in their area; applicants of each change that concerns
them (the latter through the admin is tested with the detail view)."""

import pytest
from django.core import mail

from forms_app.models import Application, Commune

from .conftest import DONG_HUNG, TOKEN, form_data


@pytest.mark.django_db
def test_reviewers_of_the_commune_are_told(
    client, pages, staff, django_capture_on_commit_callbacks
):
    page = pages["cong-dan-hoc-tap"]
    commune = Commune.objects.get(code=DONG_HUNG)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, form_data(page, commune, email="an@example.org"))
    assert response.status_code == 302
    application = Application.objects.get(submission_token=TOKEN)
    to_reviewers = [m for m in mail.outbox if application.code in m.subject and "Xã" in m.subject]
    assert len(to_reviewers) == 1
    message = to_reviewers[0]
    assert message.to == [staff["reviewer"].email]
    assert "Xã Đông Hưng" in message.subject
    assert f"/admin/applications/inspect/{application.pk}/" in message.body
    # The reviewer of another commune and the applicant's confirmation are separate.
    assert all(staff["other_reviewer"].email not in m.to for m in mail.outbox)


@pytest.mark.django_db
def test_nobody_to_tell_sends_nothing(client, pages, commune, django_capture_on_commit_callbacks):
    page = pages["cong-dan-hoc-tap"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page.url, form_data(page, commune))
    assert Application.objects.filter(submission_token=TOKEN).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_public_listing_agreement_is_stored(client, pages, commune):
    page = pages["cong-dan-hoc-tap"]
    client.post(page.url, form_data(page, commune, public_listing="on"))
    assert Application.objects.get(submission_token=TOKEN).public_listing is True


@pytest.mark.django_db
def test_tracking_page_shows_the_recognition(client, make_application):
    import datetime

    application = make_application(
        status="approved",
        decision_number="125/QĐ-HKH",
        decision_date=datetime.date(2026, 11, 20),
        valid_until=datetime.date(2029, 11, 20),
        recognised_on=datetime.date(2026, 11, 20),
        certificate_code="ABCD-EFGH-JKLM",
    )
    html = client.get(application.tracking_path()).content.decode()
    assert "125/QĐ-HKH" in html and "20/11/2029" in html
    assert '/xac-minh/ABCD-EFGH-JKLM/"' in html


@pytest.mark.django_db
def test_tracking_page_shows_the_reason_of_a_refusal(client, make_application):
    application = make_application(status="rejected", decision_reason="Chưa đủ minh chứng.")
    assert "Chưa đủ minh chứng." in client.get(application.tracking_path()).content.decode()
