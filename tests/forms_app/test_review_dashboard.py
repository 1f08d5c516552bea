"""The review panel on the admin home: what waits for me, and my area by status."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import TIEN_HAI

HOME = "/admin/"
BA_DINH = "00004"

pytestmark = pytest.mark.django_db


def panel(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("[data-review-panel]")


def counts(section, selector):
    return {
        row["data-status"]: int(row.select_one("[data-count]").get_text(strip=True))
        for row in section.select(f"{selector} [data-status]")
    }


@pytest.fixture
def area(make_application):
    for status in ("submitted", "submitted", "in_review", "proposed_approval", "approved"):
        make_application(status=status)
    make_application(commune=TIEN_HAI, status="submitted")
    make_application(commune=TIEN_HAI, status="proposed_rejection")
    make_application(commune=BA_DINH, status="submitted")


def test_each_role_sees_what_waits_for_it(client, staff, area, django_user_model):
    client.force_login(staff["reviewer"])
    section = panel(client.get(HOME))
    assert counts(section, "[data-waiting]") == {"submitted": 2, "in_review": 1}
    by_status = counts(section, "[data-by-status]")
    assert by_status["submitted"] == 2 and by_status["approved"] == 1
    assert sum(by_status.values()) == 5
    link = section.select_one('[data-waiting] [data-status="submitted"] a')["href"]
    assert link == "/admin/applications/?status=submitted"

    client.force_login(staff["approver"])
    section = panel(client.get(HOME))
    assert counts(section, "[data-waiting]") == {"proposed_approval": 1, "proposed_rejection": 1}
    assert counts(section, "[data-by-status]")["submitted"] == 3

    client.force_login(staff["admin"])
    section = panel(client.get(HOME))
    assert counts(section, "[data-waiting]") == {
        "submitted": 4,
        "in_review": 1,
        "proposed_approval": 1,
        "proposed_rejection": 1,
    }
    assert sum(counts(section, "[data-by-status]").values()) == 8

    # Editors have no part in the review: no panel.
    client.force_login(django_user_model.objects.get(username="bientap"))
    response = client.get(HOME)
    assert response.status_code == 200
    assert panel(response) is None


def test_the_panel_runs_a_fixed_number_of_queries(
    client, staff, make_application, django_assert_num_queries
):
    from forms_app.reviews.dashboard import panel_for

    for _ in range(3):
        make_application()
    client.force_login(staff["reviewer"])
    client.get(HOME)
    with CaptureQueriesContext(connection) as small:
        client.get(HOME)
    for _ in range(27):
        make_application()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(HOME)
    assert sum(counts(panel(response), "[data-by-status]").values()) == 30
    # The panel itself: the user's assignments, then one aggregate.
    # (The permissions are read once per request by the admin's access check, before any panel.)
    user = type(staff["reviewer"]).objects.get(pk=staff["reviewer"].pk)
    user.has_perm("wagtailadmin.access_admin")
    with django_assert_num_queries(2):
        panel_for(user).render_html({})
