"""Staff accounts resist attack: login lockout, two-factor sign-in, idle sessions.

Everything goes through the admin's real sign-in page with the demo accounts' passwords.
"""

import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from home.demo import DEMO_PASSWORD

LOGIN = "/admin/login/"
SETUP = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"
SECURITY = "/admin/account-security/"
OFFICE = "10.1.1.1"
ELSEWHERE = "10.2.2.2"
LOCKED_MESSAGE = "Đăng nhập tạm thời bị khóa"

pytestmark = pytest.mark.usefixtures("demo")


def sign_in(client, username, password=DEMO_PASSWORD, address=OFFICE, **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def fail(client, username, times, address=OFFICE, **extra):
    return [
        sign_in(client, username, "wrong-password", address, **extra).status_code
        for _ in range(times)
    ]


def signed_in(client):
    return client.get("/admin/").status_code == 200


def code(device, steps_ahead=0):
    """The authenticator's code, as the phone would show it ``steps_ahead`` steps later."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


# --- Lockout ---------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_even_the_right_one(client):
    statuses = fail(client, "admin", 5)
    assert statuses == [200, 200, 200, 200, 429]

    response = sign_in(client, "admin")
    assert response.status_code == 429
    content = response.content.decode()
    assert LOCKED_MESSAGE in content
    assert "15 phút" in content
    assert not signed_in(client)


def test_lockout_is_kept_to_one_username_from_one_address(client):
    fail(client, "admin", 5)
    assert sign_in(client, "admin").status_code == 429

    # A colleague in the same office (same address) still signs in.
    colleague = Client()
    assert sign_in(colleague, "bientap").status_code == 302
    assert signed_in(colleague)
    # The same user from another address too: an attacker cannot lock them out of the office.
    elsewhere = Client()
    assert sign_in(elsewhere, "admin", address=ELSEWHERE).status_code == 302
    assert signed_in(elsewhere)


@override_settings(RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP")
def test_behind_a_proxy_the_address_comes_from_the_rate_limits_header(client):
    fail(client, "admin", 5, address="127.0.0.1", HTTP_X_REAL_IP=OFFICE)
    assert sign_in(client, "admin", "x", "127.0.0.1", HTTP_X_REAL_IP=OFFICE).status_code == 429

    other = Client()
    response = sign_in(other, "admin", address="127.0.0.1", HTTP_X_REAL_IP=ELSEWHERE)
    assert response.status_code == 302


def test_a_successful_sign_in_resets_the_count(client):
    assert fail(client, "admin", 4) == [200] * 4
    assert sign_in(client, "admin").status_code == 302
    client.post("/admin/logout/")

    # Counting starts again: four more are allowed, the fifth locks.
    assert fail(client, "admin", 5) == [200, 200, 200, 200, 429]


def test_an_administrator_unlocks_from_the_admin(client, admin_user):
    fail(client, "bientap", 5)
    assert sign_in(client, "bientap").status_code == 429

    administrator = Client()
    administrator.force_login(admin_user)
    page = administrator.get(SECURITY)
    assert page.status_code == 200
    assert "bientap" in page.content.decode()
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="bientap")
    response = administrator.post(f"{SECURITY}unlock/{attempt.pk}/")
    assert response.status_code == 302

    assert sign_in(client, "bientap").status_code == 302
    assert signed_in(client)


def test_only_superusers_see_account_security(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="bientap"))
    # Wagtail answers a refused admin page by sending the user to the dashboard.
    assert client.get(SECURITY)["Location"] == "/admin/"
    assert client.post(f"{SECURITY}reset-two-factor/1/")["Location"] == "/admin/"


def test_the_axes_reset_command_unlocks(client):
    fail(client, "bientap", 5)
    assert sign_in(client, "bientap").status_code == 429
    call_command("axes_reset", verbosity=0)
    assert sign_in(client, "bientap").status_code == 302


def test_the_lockout_ends_after_the_waiting_time(client):
    fail(client, "bientap", 5)
    assert sign_in(client, "bientap").status_code == 429
    with freeze_time(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, "bientap").status_code == 302


# --- Two-factor sign-in ----------------------------------------------------------------------

required = override_settings(TWO_FACTOR_REQUIRED=True)


def set_up(client, username="xetduyet.donghung"):
    """Sign in with the password, set up the authenticator; returns (device, recovery codes)."""
    assert sign_in(client, username).status_code == 302
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__username=username)
    assert not device.confirmed
    response = client.post(SETUP, {"token": code(device), "next": "/admin/"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    return device, response.context["codes"]


@required
def test_a_reviewer_must_set_up_before_anything_else(client):
    assert sign_in(client, "xetduyet.donghung").status_code == 302
    for path in ["/admin/", "/admin/pages/", "/admin/account/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP)

    page = client.get(SETUP)
    content = page.content.decode()
    assert "<svg" in content
    assert "Thiết lập đăng nhập hai bước" in content
    device = TOTPDevice.objects.get(user__username="xetduyet.donghung")
    secret = page.context["secret"].replace(" ", "")
    assert secret in content.replace(" ", "")
    # Reloading keeps the same key to scan.
    assert client.get(SETUP).context["secret"] == page.context["secret"]

    response = client.post(SETUP, {"token": "000000"})
    assert response.status_code == 200
    assert "không khớp" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not signed_in(client)


@required
def test_setting_up_gives_recovery_codes_once_and_opens_the_admin(client):
    device, codes = set_up(client)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert signed_in(client)
    # The status page shows how many are left, never the codes again.
    page = client.get(SETUP).content.decode()
    assert "10 mã dự phòng" in page
    assert not any(recovery in page for recovery in codes)


@required
def test_signing_in_then_needs_the_code(client):
    device, _ = set_up(client)
    client.post("/admin/logout/")

    assert sign_in(client, "xetduyet.donghung").status_code == 302
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    # Half signed in: setting up a new authenticator is refused.
    assert client.get(SETUP)["Location"].startswith(VERIFY)

    wrong = client.post(VERIFY, {"token": "123456", "next": "/admin/pages/"})
    assert wrong.status_code == 200
    assert "Mã không đúng" in wrong.content.decode()
    assert not signed_in(client)
    # Guessing is slowed down: straight after a failure even the right code waits.
    throttled = client.post(VERIFY, {"token": code(device, 1), "next": "/admin/pages/"})
    assert "chờ vài giây" in throttled.content.decode()

    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(VERIFY, {"token": code(device, 1), "next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert signed_in(client)


@required
def test_a_recovery_code_works_once(client):
    device, codes = set_up(client)
    client.post("/admin/logout/")

    sign_in(client, "xetduyet.donghung")
    response = client.post(VERIFY, {"token": codes[0].upper(), "next": "/admin/"})
    assert response.status_code == 302
    assert signed_in(client)
    assert StaticToken.objects.filter(device__user=device.user).count() == 9
    client.post("/admin/logout/")

    sign_in(client, "xetduyet.donghung")
    again = client.post(VERIFY, {"token": codes[0], "next": "/admin/"})
    assert again.status_code == 200
    assert not signed_in(client)


@required
def test_outside_the_admin_a_password_alone_is_nobody(client):
    """A user held at the second factor is anonymous on the site: applicants' files (checked
    by permission, tests/forms_app/test_review_files.py) and private pages stay closed."""
    from wagtail.models import Page

    sign_in(client, "xetduyet.donghung")
    page = Page.objects.get(slug="gioi-thieu")
    response = client.get(page.url)
    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous


@required
def test_a_contributor_is_not_forced(client):
    assert sign_in(client, "congtacvien").status_code == 302
    assert signed_in(client)


@required
def test_superusers_are_forced(client):
    assert sign_in(client, "admin").status_code == 302
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_off_by_default_outside_production(client):
    assert sign_in(client, "xetduyet.donghung").status_code == 302
    assert signed_in(client)


def test_whoever_set_it_up_is_asked_for_the_code_even_when_not_required(client):
    set_up(client, "congtacvien")
    client.post("/admin/logout/")
    sign_in(client, "congtacvien")
    assert client.get("/admin/")["Location"].startswith(VERIFY)


@required
def test_an_administrator_resets_a_lost_phone(client, admin_user):
    device, _ = set_up(client)
    client.post("/admin/logout/")

    with override_settings(TWO_FACTOR_REQUIRED=False):
        administrator = Client()
        administrator.force_login(admin_user)
        page = administrator.get(SECURITY)
        assert "xetduyet.donghung" in page.content.decode()
        response = administrator.post(f"{SECURITY}reset-two-factor/{device.user_id}/")
        assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=device.user).exists()

    sign_in(client, "xetduyet.donghung")
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_the_account_page_links_to_two_factor(admin_client):
    assert SETUP in admin_client.get("/admin/account/").content.decode()


# --- Idle sessions ---------------------------------------------------------------------------


def test_an_idle_admin_session_ends(client):
    start = timezone.now()
    with freeze_time(start):
        assert sign_in(client, "bientap").status_code == 302
    with freeze_time(start + timedelta(minutes=29)):
        assert signed_in(client)
    with freeze_time(start + timedelta(minutes=58)):
        # 29 minutes after the last request: still there.
        assert signed_in(client)
    with freeze_time(start + timedelta(minutes=89)):
        response = client.get("/admin/pages/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        login_page = client.get(response["Location"]).content.decode()
        assert "30 phút" in login_page
        assert not signed_in(client)


def test_anonymous_visitors_get_no_session(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_the_reset_command_helps_when_no_administrator_can_sign_in(client):
    device, _ = set_up(client, "admin")
    call_command("reset_two_factor", "admin", stdout=open(os.devnull, "w"))
    assert not TOTPDevice.objects.filter(user=device.user).exists()


def test_a_page_for_signed_in_readers_signs_in_on_the_admin_page(client, demo):
    """Wagtail's own /_util/login/ is taken by the page routes; the admin's page (with its
    lockout and second factor) is where a private page sends its readers."""
    from wagtail.models import PageViewRestriction

    about = demo["about"]
    PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(about.url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    assert client.get(response["Location"]).status_code == 200

    signed = client.post(
        LOGIN, {"username": "bientap", "password": DEMO_PASSWORD, "next": about.url}
    )
    assert signed["Location"] == about.url
    assert client.get(about.url).status_code == 200


def test_after_a_reset_a_user_who_need_not_set_up_again_is_let_in(client, admin_user):
    device, _ = set_up(client, "congtacvien")
    client.post("/admin/logout/")
    sign_in(client, "congtacvien")
    administrator = Client()
    administrator.force_login(admin_user)
    administrator.post(f"{SECURITY}reset-two-factor/{device.user_id}/")

    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/admin/"
