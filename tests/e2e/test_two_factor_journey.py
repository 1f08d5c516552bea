"""A reviewer sets up two-factor sign-in on a phone, signs in again with a code at a desk,
and a guessed password ends on the Vietnamese lockout page, in a real browser."""

import re
import time
from base64 import b32decode

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import PASSWORD, assert_no_horizontal_overflow, screenshot

pytestmark = pytest.mark.e2e


def code(key, steps_ahead=0):
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def submit_password(page, url, username, password=PASSWORD):
    page.goto(url + "/admin/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_reviewer_sets_up_two_factor_then_signs_in_with_a_code(site, new_page):
    url = site["url"]
    page = new_page(PHONE)
    submit_password(page, url, "xetduyet.donghung")
    expect(page).to_have_url(re.compile(r"/admin/two-factor/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thiết lập đăng nhập hai bước")
    expect(page.locator("svg.segno")).to_be_visible()
    screenshot(page, "two-factor-setup")
    assert_no_horizontal_overflow(page)
    key = b32decode(page.locator("[data-two-factor-secret]").inner_text().replace(" ", ""))

    page.locator("input[name=token]").fill(code(key))
    page.locator("form.login-form button[type=submit]").click()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="Tôi đã lưu các mã: tiếp tục").click()
    expect(page).to_have_url(url + "/admin/")

    desk = new_page(DESKTOP)
    submit_password(desk, url, "xetduyet.donghung")
    expect(desk).to_have_url(re.compile(r"/admin/two-factor/verify/"))
    expect(desk.get_by_role("heading", level=1)).to_have_text("Đăng nhập hai bước")
    screenshot(desk, "two-factor-verify")
    desk.locator("input[name=token]").fill(code(key, 1))
    desk.locator("form.login-form button[type=submit]").click()
    expect(desk).to_have_url(url + "/admin/")


def test_guessing_a_password_ends_on_the_lockout_page(site, new_page):
    url = site["url"]
    page = new_page(DESKTOP)
    for _ in range(5):
        submit_password(page, url, "bientap", "doan-mat-khau")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập tạm thời bị khóa")
    expect(page.get_by_text("thử lại sau 15 phút")).to_be_visible()
    screenshot(page, "login-locked")
