"""A reviewer scores and proposes an application on a phone, then an approver records the
decision and recognises it, in a real browser through the admin's detail page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forms_app.models import (
    Application,
    ApplicationFormPage,
    Commune,
    SelfAssessment,
)
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_journeys import assert_no_horizontal_overflow, log_in, screenshot

pytestmark = pytest.mark.e2e

DONG_HUNG = "12688"


def submitted_application():
    page = ApplicationFormPage.objects.get(
        learning_title="family", kind="recognition", locale__language_code="vi"
    )
    commune = Commune.objects.get(code=DONG_HUNG)
    application = Application.objects.create(
        submission_token="e2e-review-journey",
        page=page,
        learning_title="family",
        kind="recognition",
        criteria_set=page.criteria_set,
        applicant_name="Gia đình bà Trần Thị Bình",
        applicant_details={"head_name": "Trần Thị Bình"},
        phone="0912345678",
        province_id=commune.province_id,
        commune=commune,
        hamlet="Thôn Đoài",
        consent_at=timezone.now(),
        privacy_notice_text="Thông báo xử lý dữ liệu cá nhân.",
    )
    SelfAssessment.objects.bulk_create(
        SelfAssessment(application=application, criterion=c, points=c.max_points - 2)
        for c in page.criteria_set.criteria.all()
    )
    return application


def test_reviewer_proposes_and_approver_recognises(site, new_page):
    application = submitted_application()
    detail = f"{site['url']}/admin/applications/inspect/{application.pk}/"
    status = "[data-review-status]"

    # The commune's reviewer, on a phone.
    page = new_page(PHONE)
    log_in(page, site["url"], username="xetduyet.donghung")
    page.goto(detail)
    expect(page.locator(status)).to_have_text("Đã nộp")
    expect(page.get_by_text("Gia đình bà Trần Thị Bình").first).to_be_visible()
    page.locator("form[data-action=start_review] button[type=submit]").click()
    expect(page.locator(status)).to_have_text("Đang xét duyệt")

    criteria = list(application.criteria_set.criteria.all())
    for criterion in criteria:
        page.locator(f"#id_scores_points_{criterion.pk}").fill(str(criterion.max_points - 5))
        page.locator(f"#id_scores_note_{criterion.pk}").fill("Đạt theo minh chứng")
    page.locator("form:has(input[name=action][value=scores]) button[type=submit]").click()
    expect(page.locator("[data-review-totals]")).to_contain_text("80 / 100")
    assert_no_horizontal_overflow(page)
    screenshot(page, "review-scored")
    page.locator("form[data-action=propose_approval] button[type=submit]").click()
    expect(page.locator(status)).to_have_text("Đề xuất công nhận")

    # The province's approver, at a desk.
    page = new_page(DESKTOP)
    log_in(page, site["url"], username="pheduyet.hungyen")
    page.goto(detail)
    expect(page.locator(status)).to_have_text("Đề xuất công nhận")
    form = page.locator("form[data-action=recognise]")
    form.locator("input[name=decision_number]").fill("125/QĐ-HKH")
    form.locator("input[name=decision_signer]").fill("Chủ tịch Hội Khuyến học tỉnh")
    # The dates come prefilled: today, valid for three years.
    expect(form.locator("input[name=decision_date]")).to_have_value(
        timezone.localdate().strftime("%d/%m/%Y")
    )
    form.locator("button[type=submit]").click()
    expect(page.locator(status)).to_have_text("Đã công nhận")
    expect(page.locator("#decision-section")).to_contain_text("125/QĐ-HKH")
    screenshot(page, "review-recognised")

    application.refresh_from_db()
    assert application.status == "approved"
    assert application.decision_number == "125/QĐ-HKH"
    assert application.review_total == sum(c.max_points - 5 for c in criteria)
