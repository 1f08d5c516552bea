"""Evidence files open for the staff of the application's area, and nobody else but its holder."""

import pytest
from django.contrib.auth.models import Group

from .conftest import TIEN_HAI

pytestmark = pytest.mark.django_db


def file_url(application):
    return f"/ho-so/tep/{application.files.get().pk}/"


def test_files_answer_404_outside_the_area(client, staff, make_application, django_user_model):
    mine = make_application()
    other = make_application(commune=TIEN_HAI)
    for role, allowed in [
        ("reviewer", {mine}),
        ("other_reviewer", {other}),
        ("approver", {mine, other}),
        ("admin", {mine, other}),
    ]:
        client.force_login(staff[role])
        for application in (mine, other):
            response = client.get(file_url(application))
            expected = 200 if application in allowed else 404
            assert response.status_code == expected, (role, application.code)
            if expected == 200:
                assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # In the reviewers' group but with no area assigned: nothing; an editor: nothing.
    newcomer = django_user_model.objects.create_user("xetduyet.moi", password="x")
    newcomer.groups.add(Group.objects.get(name="Cán bộ xét duyệt"))
    for user in (newcomer, django_user_model.objects.get(username="bientap")):
        client.force_login(user)
        assert client.get(file_url(mine)).status_code == 404


def test_the_holder_keeps_access_by_the_link(client, make_application):
    application = make_application()
    url = file_url(application)
    assert client.get(url).status_code == 302  # to the login
    assert client.get(url, {"t": application.secret}).status_code == 200
    assert client.get(url, {"t": "X" * 32}).status_code == 404


def test_a_password_alone_opens_no_file_when_two_factor_is_required(client, make_application):
    """A reviewer who gave the password but not yet the code is nobody outside the admin."""
    from django.test import override_settings

    from home.demo import DEMO_PASSWORD

    url = file_url(make_application())
    credentials = {"username": "xetduyet.donghung", "password": DEMO_PASSWORD}
    assert client.post("/admin/login/", credentials).status_code == 302
    assert client.get(url).status_code == 200
    with override_settings(TWO_FACTOR_REQUIRED=True):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        # The login page asks for what is missing, then the file opens.
        login = client.get(response["Location"])
        assert login.status_code == 302
        assert login["Location"].startswith("/admin/two-factor/")
