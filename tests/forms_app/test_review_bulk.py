"""Bulk actions on the applications list: start review, and recognise under one decision."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages

from forms_app import workflow
from forms_app.models import Application, ApplicationLogEntry

from .conftest import TIEN_HAI

BULK = "/admin/bulk/forms_app/application/{}/"
LIST = "/admin/applications/"
BA_DINH = "00004"

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def url(action, *applications):
    query = "&".join(f"id={a.pk}" for a in applications)
    return f"{BULK.format(action)}?{query}&next={LIST}"


def shown(response, selector):
    return {li["data-code"] for li in soup(response).select(f"{selector} li")}


def logged(application, action):
    return ApplicationLogEntry.objects.filter(object_id=str(application.pk), action=action).count()


def test_start_review_of_a_mixed_selection(client, staff, make_application):
    first, second = make_application(), make_application()
    started = make_application(status="in_review")
    other_area = make_application(commune=TIEN_HAI)
    selection = url("start_review", first, second, started, other_area)
    client.force_login(staff["reviewer"])
    response = client.get(selection)
    assert response.status_code == 200
    assert shown(response, "[data-ready]") == {first.code, second.code}
    assert shown(response, "[data-skipped]") == {started.code}
    assert other_area.code not in response.content.decode()

    response = client.post(selection)
    assert response.status_code == 302
    assert response["Location"] == LIST
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2" in message and "1" in message
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == "in_review"
    assert logged(first, "forms_app.start_review") == logged(second, "forms_app.start_review") == 1
    assert Application.objects.get(pk=started.pk).revision == 0
    untouched = Application.objects.get(pk=other_area.pk)
    assert (untouched.status, untouched.revision) == ("submitted", 0)
    assert not ApplicationLogEntry.objects.filter(object_id=str(other_area.pk)).exists()


def test_nothing_of_another_area_and_nothing_outside_ones_role(client, staff, make_application):
    application = make_application()
    client.force_login(staff["other_reviewer"])
    assert client.get(url("start_review", application)).status_code == 404
    assert client.post(url("start_review", application)).status_code == 404
    # The approver sees it but does not start reviews: skipped, not changed.
    client.force_login(staff["approver"])
    response = client.get(url("start_review", application))
    assert response.status_code == 200
    assert shown(response, "[data-skipped]") == {application.code}
    assert not soup(response).select("form button[type=submit]")
    response = client.post(url("start_review", application))
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == "submitted"


def test_recognise_several_under_one_decision(client, staff, make_application):
    proposed = [make_application(status="proposed_approval") for _ in range(2)]
    proposed.append(make_application(commune=TIEN_HAI, status="proposed_approval"))
    in_review = make_application(status="in_review")
    far = make_application(commune=BA_DINH, status="proposed_approval")
    selection = url("recognise", *proposed, in_review, far)
    client.force_login(staff["approver"])
    response = client.get(selection)
    assert response.status_code == 200
    page = soup(response)
    assert shown(response, "[data-ready]") == {a.code for a in proposed}
    assert shown(response, "[data-skipped]") == {in_review.code}
    assert far.code not in response.content.decode()
    default_until = workflow.default_valid_until(workflow.today())
    shown_until = page.select_one("input[name=valid_until]")["value"]
    assert datetime.datetime.strptime(shown_until, "%d/%m/%Y").date() == default_until

    response = client.post(
        selection,
        {"number": "125/QĐ-HKH", "date": "2026-11-20", "signer": "Chủ tịch Hội", "valid_until": ""},
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "125/QĐ-HKH" in message and "3" in message and "1" in message
    recognised = Application.objects.filter(pk__in=[a.pk for a in proposed])
    assert {a.status for a in recognised} == {"approved"}
    assert {(a.decision_number, a.decision_signer) for a in recognised} == {
        ("125/QĐ-HKH", "Chủ tịch Hội")
    }
    assert {a.valid_until for a in recognised} == {datetime.date(2029, 11, 20)}
    assert len({a.certificate_code for a in recognised}) == 3
    assert all(logged(a, "forms_app.recognise") == 1 for a in proposed)
    assert Application.objects.get(pk=in_review.pk).status == "in_review"
    assert Application.objects.get(pk=far.pk).status == "proposed_approval"


def test_a_bad_decision_is_refused_with_the_entries_kept(client, staff, make_application):
    application = make_application(status="proposed_approval")
    selection = url("recognise", application)
    client.force_login(staff["approver"])
    response = client.post(
        selection,
        {"number": "125/QĐ-HKH", "date": "20/11/2026", "signer": " ", "valid_until": "2026-01-01"},
    )
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("input[name=number]")["value"] == "125/QĐ-HKH"
    assert page.select_one("input[name=valid_until]")["value"] == "2026-01-01"
    assert "Trường này là bắt buộc" in response.content.decode()  # the signer
    assert len(page.select(".error-message")) == 2  # the signer and the validity
    response = client.post(selection, {"number": "1/QĐ", "date": "31/02/2026", "signer": "A"})
    assert response.status_code == 400
    unchanged = Application.objects.get(pk=application.pk)
    assert (unchanged.status, unchanged.certificate_code, unchanged.revision) == (
        "proposed_approval",
        None,
        0,
    )
    assert not logged(application, "forms_app.recognise")
