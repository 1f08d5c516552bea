"""A family applies for recognition on a phone: members, address, self-assessment, a file."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from forms_app.models import Application

pytestmark = pytest.mark.e2e


def test_family_applies_on_a_phone(site, phone_page, tmp_path):
    photo = tmp_path / "goc-hoc-tap.png"
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (20, 120, 60)).save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())

    page = phone_page
    page.goto(site["url"] + "/ho-so-danh-hieu/gia-dinh-hoc-tap/")
    page.fill("#id_head_name", "Trần Thị Bình")
    page.fill("#id_members-0-name", "Trần Thị Bình")
    page.fill("#id_members-0-birth_year", "1975")
    page.fill("#id_members-0-relation", "chủ hộ")
    page.click("[data-add-member]")
    page.fill("#id_members-1-name", "Lê Văn Cường")
    page.fill("#id_members-1-birth_year", "2012")
    page.fill("#id_members-1-relation", "con")
    page.fill("#id_phone", "0912 345 678")
    page.select_option("#id_province", "01")
    expect(page.locator("#id_commune option[value='00004']")).to_have_count(1)
    page.select_option("#id_commune", "00004")
    page.fill("#id_hamlet", "Tổ dân phố 3")
    points = page.locator("[data-points]")
    for index in range(points.count()):
        points.nth(index).fill("20")
    expect(page.locator("#self-total")).to_have_text("80")
    expect(page.locator("#self-rating")).to_have_text("Khá")
    page.set_input_files("#id_evidence", str(photo))
    page.check("#id_consent")
    page.wait_for_timeout(3000)  # the minimum fill time of the anti-spam check
    page.click("button.btn-primary[value=submit]")
    code = page.locator("#tracking-code")
    expect(code).to_contain_text("GDHT-")
    application = Application.objects.get(code=code.inner_text())
    assert [m.name for m in application.members.all()] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert application.self_total == 80 and application.self_rating == "Khá"
    assert [f.original_name for f in application.files.all()] == ["goc-hoc-tap.png"]
