"""Demo criteria sets (one per title, shaped like the public criteria, in our own words) and
form pages under "Hồ sơ danh hiệu học tập". Running it again changes nothing."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from forms_app.models import (
    Application,
    ApplicationFormPage,
    ApplicationKind,
    ApplicationStatus,
    Commune,
    CriteriaSet,
    Criterion,
    LearningTitle,
    RatingThreshold,
    SimpleFormField,
    SimpleFormPage,
)
from home.models import HomePage, StandardPage

PERIOD = "2026–2030"
THRESHOLDS = [("Tốt", 85), ("Khá", 70), ("Trung bình", 50)]

SETS = {
    LearningTitle.CITIZEN: (
        "Công dân học tập 2026–2030",
        [
            (
                "1",
                "Năng lực tự học",
                40,
                "Có kế hoạch học tập cá nhân\nTham gia lớp học, sinh hoạt chuyên đề\n"
                "Đọc sách, báo thường xuyên\nVận dụng điều đã học vào công việc",
                "Giấy chứng nhận, ảnh buổi học",
            ),
            (
                "2",
                "Năng lực ứng dụng công nghệ thông tin",
                40,
                "Dùng điện thoại thông minh, Internet để học\nSử dụng dịch vụ công trực tuyến\n"
                "Giữ an toàn thông tin cá nhân\nChia sẻ kiến thức trên mạng có trách nhiệm",
                "Ảnh chụp màn hình khóa học trực tuyến",
            ),
            (
                "3",
                "Năng lực sáng tạo và quan hệ xã hội",
                20,
                "Tham gia hoạt động cộng đồng\nGiúp người khác cùng học",
                "Xác nhận của thôn, tổ dân phố",
            ),
        ],
    ),
    LearningTitle.FAMILY: (
        "Gia đình học tập 2026–2030",
        [
            (
                "1",
                "Trẻ em trong độ tuổi đi học đều được đến trường, học tập tiến bộ",
                30,
                "Không có con em bỏ học\nCó con em đạt danh hiệu học sinh giỏi, tiên tiến",
                "Giấy khen, sổ liên lạc",
            ),
            (
                "2",
                "Người lớn trong gia đình thường xuyên học tập",
                30,
                "Tham gia lớp tại Trung tâm học tập cộng đồng\nHọc nghề, học chuyển giao kỹ thuật",
                "Giấy chứng nhận, ảnh buổi học",
            ),
            (
                "3",
                "Điều kiện học tập của gia đình",
                20,
                "Có góc học tập, tủ sách\nCó thiết bị kết nối Internet",
                "Ảnh góc học tập",
            ),
            (
                "4",
                "Hiệu quả học tập: kinh tế ổn định, gia đình văn hóa",
                20,
                "",
                "Xác nhận của thôn, tổ dân phố",
            ),
        ],
    ),
    LearningTitle.CLAN: (
        "Dòng họ học tập 2026–2030",
        [
            (
                "1",
                "Phong trào học tập trong dòng họ",
                35,
                "Có ban khuyến học của dòng họ\nCó quy ước khuyến học",
                "Quy ước, biên bản họp họ",
            ),
            (
                "2",
                "Quỹ khuyến học của dòng họ",
                30,
                "Quỹ được duy trì, công khai thu chi",
                "Sổ quỹ, danh sách khen thưởng",
            ),
            (
                "3",
                "Kết quả học tập của các thành viên",
                35,
                "Tỷ lệ gia đình học tập trong dòng họ",
                "Danh sách gia đình học tập",
            ),
        ],
    ),
    LearningTitle.COMMUNITY: (
        "Cộng đồng học tập 2026–2030",
        [
            (
                "1",
                "Sự lãnh đạo, chỉ đạo xây dựng cộng đồng học tập",
                30,
                "Có kế hoạch hằng năm\nCó ban chỉ đạo",
                "Kế hoạch, quyết định",
            ),
            (
                "2",
                "Nguồn lực cho học tập",
                30,
                "Nhà văn hóa, tủ sách cộng đồng\nQuỹ khuyến học của thôn",
                "Ảnh, sổ quỹ",
            ),
            (
                "3",
                "Hoạt động của các thiết chế học tập",
                40,
                "Các lớp tại Trung tâm học tập cộng đồng\nTỷ lệ gia đình, dòng họ học tập",
                "Danh sách lớp học, báo cáo",
            ),
        ],
    ),
    LearningTitle.UNIT: (
        "Đơn vị học tập 2026–2030",
        [
            (
                "1",
                "Điều kiện xây dựng đơn vị học tập",
                30,
                "Kế hoạch học tập của đơn vị\nThời gian, kinh phí cho học tập",
                "Kế hoạch, quy chế",
            ),
            (
                "2",
                "Kết quả học tập của cán bộ, nhân viên",
                30,
                "Tỷ lệ người hoàn thành bồi dưỡng\nỨng dụng công nghệ thông tin",
                "Danh sách, chứng chỉ",
            ),
            ("3", "Tác động của học tập đến kết quả công việc", 40, "", "Báo cáo tổng kết năm"),
        ],
    ),
}

PAGE_SLUGS = {
    LearningTitle.CITIZEN: "cong-dan-hoc-tap",
    LearningTitle.FAMILY: "gia-dinh-hoc-tap",
    LearningTitle.CLAN: "dong-ho-hoc-tap",
    LearningTitle.COMMUNITY: "cong-dong-hoc-tap",
    LearningTitle.UNIT: "don-vi-hoc-tap",
}

PRIVACY = (
    "<p>Hội Khuyến học tỉnh An Bình xử lý thông tin trong hồ sơ (họ tên, năm sinh, địa chỉ, số "
    "điện thoại, thư điện tử, thông tin thành viên và minh chứng) chỉ để xét công nhận danh hiệu "
    "học tập và thống kê phong trào, theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.</p>"
    "<p>Tệp minh chứng được lưu riêng, chỉ cán bộ xét duyệt của xã và của tỉnh được xem. Tên "
    "gia đình, đơn vị chỉ được công bố trong danh sách công nhận khi bạn đồng ý. Bạn có thể đề "
    "nghị xem, sửa hoặc xóa dữ liệu của mình bằng cách liên hệ văn phòng Hội.</p>"
)


def load(command):
    sets = {title: _criteria_set(command, title, *content) for title, content in SETS.items()}
    home = HomePage.objects.filter(locale__language_code="vi").first()
    if home is None:
        return
    index = home.get_children().filter(slug="ho-so-danh-hieu").first()
    if index is None:
        index = StandardPage(
            title="Hồ sơ danh hiệu học tập",
            slug="ho-so-danh-hieu",
            intro="Đăng ký và đề nghị công nhận các danh hiệu học tập trực tuyến.",
            show_in_menus=True,
        )
        home.add_child(instance=index)
        index.save_revision().publish()
        command.report("forms: index page")
    for title, criteria_set in sets.items():
        name = SETS[title][0].removesuffix(f" {PERIOD}")
        _form_page(
            command,
            index,
            PAGE_SLUGS[title],
            f"Đề nghị công nhận {name[0].lower()}{name[1:]}",
            title,
            ApplicationKind.RECOGNITION,
            criteria_set,
        )
    _form_page(
        command,
        index,
        "dang-ky-gia-dinh-hoc-tap",
        "Đăng ký xây dựng gia đình học tập",
        LearningTitle.FAMILY,
        ApplicationKind.REGISTRATION,
        None,
    )
    _simple_forms(command, home)
    _article_call_to_action(command)
    _review_accounts(command)
    # Tests start from an empty table of applications (settings.test turns this off).
    if getattr(settings, "DEMO_RECOGNISED_APPLICATIONS", True):
        load_recognised_applications(command)


# One account per role of the review workflow (password: home.demo.DEMO_PASSWORD), with the
# two reviewers in different communes of the demo applications' province (Hưng Yên):
# (username, first name, last name, group, role, commune code, province code).
REVIEW_ACCOUNTS = [
    ("xetduyet.donghung", "Cán bộ", "Đông Hưng", "Cán bộ xét duyệt", "reviewer", "12688", None),
    ("xetduyet.tienhai", "Cán bộ", "Tiền Hải", "Cán bộ xét duyệt", "reviewer", "12970", None),
    ("pheduyet.hungyen", "Lãnh đạo", "Hưng Yên", "Lãnh đạo phê duyệt", "approver", None, "33"),
]


def _review_accounts(command):
    from forms_app.models import ReviewAssignment
    from home.demo import demo_user

    for username, first, last, group, role, commune, province in REVIEW_ACCOUNTS:
        user = demo_user(command, username, first, last, [group])
        ReviewAssignment.objects.get_or_create(
            user=user, role=role, commune_id=commune, province_id=province
        )


# Recognised applications, so the running campaign's live target counts something:
# (token, title, commune code, applicant, hamlet, recognised on, status).
RECOGNISED = [
    (
        "demo-gd-1",
        LearningTitle.FAMILY,
        "12688",
        "Gia đình ông Phạm Văn Hòa",
        "Thôn Đông",
        "2026-06-12",
        "approved",
    ),
    (
        "demo-gd-2",
        LearningTitle.FAMILY,
        "12688",
        "Gia đình bà Vũ Thị Lan",
        "Thôn Đông",
        "2026-06-12",
        "approved",
    ),
    (
        "demo-gd-3",
        LearningTitle.FAMILY,
        "12688",
        "Gia đình ông Đỗ Minh Tâm",
        "Thôn Nam",
        "2026-06-12",
        "approved",
    ),
    (
        "demo-gd-4",
        LearningTitle.FAMILY,
        "12970",
        "Gia đình ông Bùi Văn Sơn",
        "Thôn Trung",
        "2026-07-03",
        "approved",
    ),
    (
        "demo-gd-5",
        LearningTitle.FAMILY,
        "12970",
        "Gia đình bà Ngô Thị Mai",
        "Thôn Trung",
        "2026-07-03",
        "approved",
    ),
    (
        "demo-gd-6",
        LearningTitle.FAMILY,
        "12472",
        "Gia đình ông Trịnh Quang Vinh",
        "Tổ dân phố 2",
        "2026-09-20",
        "approved",
    ),
    (
        "demo-dh-1",
        LearningTitle.CLAN,
        "12472",
        "Dòng họ Trịnh thôn Bắc",
        "Thôn Bắc",
        "2026-09-20",
        "approved",
    ),
    (
        "demo-gd-7",
        LearningTitle.FAMILY,
        "12472",
        "Gia đình bà Lưu Thị Hạnh",
        "Tổ dân phố 3",
        None,
        "in_review",
    ),
]


def _decision(status, recognised_on):
    """A recognised demo application's decision, so its certificate and its verification
    page can be shown."""
    if status != ApplicationStatus.APPROVED or not recognised_on:
        return {}
    from forms_app.workflow import default_valid_until, new_certificate_code

    date = datetime.date.fromisoformat(recognised_on)
    return {
        "decision_number": f"{date:%m}/QĐ-HKH",
        "decision_date": date,
        "decision_signer": "Chủ tịch Hội Khuyến học tỉnh",
        "valid_until": default_valid_until(date),
        "certificate_code": new_certificate_code(),
    }


def load_recognised_applications(command):
    communes = Commune.objects.in_bulk({row[2] for row in RECOGNISED})
    pages = {
        page.learning_title: page for page in ApplicationFormPage.objects.filter(kind="recognition")
    }
    added = 0
    for token, title, commune_code, name, hamlet, recognised_on, status in RECOGNISED:
        commune = communes.get(commune_code)
        page = pages.get(title)
        if (
            commune is None
            or page is None
            or Application.objects.filter(submission_token=token).exists()
        ):
            continue
        Application.objects.create(
            submission_token=token,
            page=page,
            learning_title=title,
            kind=ApplicationKind.RECOGNITION,
            criteria_set=page.criteria_set,
            status=ApplicationStatus(status),
            applicant_name=name,
            phone="0912000000",
            province_id=commune.province_id,
            commune=commune,
            hamlet=hamlet,
            consent_at=timezone.now(),
            privacy_notice_text=PRIVACY,
            submitted_at=timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 0)),
            recognised_on=datetime.date.fromisoformat(recognised_on) if recognised_on else None,
            public_listing=True,
            **_decision(status, recognised_on),
        )
        added += 1
    if added:
        command.report(f"forms: {added} demo applications")


def _criteria_set(command, title, name, criteria):
    existing = CriteriaSet.objects.filter(title=title, period=PERIOD).order_by("version").first()
    if existing is not None:
        return existing
    criteria_set = CriteriaSet.objects.create(title=title, name=name, period=PERIOD)
    for order, (code, description, max_points, subs, hint) in enumerate(criteria):
        Criterion.objects.create(
            criteria_set=criteria_set,
            sort_order=order,
            code=code,
            description=description,
            max_points=Decimal(max_points),
            sub_criteria=subs,
            evidence_hint=hint,
        )
    for order, (label, min_points) in enumerate(THRESHOLDS):
        RatingThreshold.objects.create(
            criteria_set=criteria_set, sort_order=order, label=label, min_points=min_points
        )
    command.report(f"forms: criteria set {name}")
    return criteria_set


DESCRIPTIONS = {
    ApplicationKind.REGISTRATION: (
        "Đăng ký đầu năm: nêu mục tiêu học tập của năm để được theo dõi, hỗ trợ."
    ),
    ApplicationKind.RECOGNITION: (
        "Đề nghị công nhận cuối năm: tự chấm điểm theo bộ tiêu chí và đính kèm minh chứng."
    ),
}


def _form_page(command, parent, slug, title, learning_title, kind, criteria_set):
    if parent.get_children().filter(slug=slug).exists():
        return
    intro = (
        "<p>Điền hồ sơ trên điện thoại trong khoảng 10 phút. Bạn có thể lưu bản nháp và quay "
        "lại sau bằng đường liên kết riêng.</p>"
    )
    page = ApplicationFormPage(
        title=title,
        slug=slug,
        learning_title=learning_title,
        kind=kind,
        criteria_set=criteria_set,
        intro=intro,
        privacy_notice=PRIVACY,
        thank_you_text="<p>Hội Khuyến học xã sẽ xem xét hồ sơ và báo kết quả qua mã theo dõi.</p>",
        search_description=DESCRIPTIONS[kind],
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    command.report(f"forms: page {title}")


# --- Simple forms (Wagtail's form builder) and an embedded call to action ---------------------

# (label, field type, required, choices, default value, help text)
CONTACT_FIELDS = [
    ("Họ và tên", "singleline", True, "", "", ""),
    ("Số điện thoại", "singleline", True, "", "", "Để Hội gọi lại khi cần trao đổi thêm"),
    ("Thư điện tử", "email", False, "", "", ""),
    (
        "Bạn muốn hỏi về",
        "dropdown",
        True,
        "Danh hiệu học tập\nHọc bổng, quỹ khuyến học\nGóp ý về trang web\nViệc khác",
        "",
        "",
    ),
    ("Nội dung", "multiline", True, "", "", ""),
]
EVENT_FIELDS = [
    ("Họ và tên", "singleline", True, "", "", ""),
    ("Đơn vị công tác", "singleline", True, "", "", "Ví dụ: Hội Khuyến học xã Đông Hòa"),
    ("Số điện thoại", "singleline", True, "", "", ""),
    ("Thư điện tử", "email", False, "", "", "Để nhận chương trình hội nghị"),
    ("Số người tham dự", "number", True, "", "1", "Kể cả bạn"),
    ("Phiên tham dự", "radio", True, "Cả ngày\nBuổi sáng\nBuổi chiều", "Cả ngày", ""),
    ("Ghi chú", "multiline", False, "", "", "Ví dụ: cần chỗ đỗ xe, suất ăn chay"),
]
SIMPLE_FORMS = [
    {
        "parent_slug": "lien-he",
        "slug": "gui-loi-nhan",
        "title": "Liên hệ",
        "intro": (
            "<p>Gửi câu hỏi hoặc góp ý cho văn phòng Hội Khuyến học tỉnh. Cán bộ văn phòng "
            "sẽ trả lời trong vòng ba ngày làm việc.</p>"
        ),
        "thank_you_text": (
            "<p>Cảm ơn bạn đã liên hệ. Văn phòng Hội đã nhận lời nhắn và sẽ trả lời sớm.</p>"
        ),
        "submit_label": "Gửi lời nhắn",
        "to_address": "lienhe@khuyenhoc-anbinh.example",
        "subject": "Lời nhắn mới từ trang Liên hệ",
        "fields": CONTACT_FIELDS,
    },
    {
        "parent_slug": None,
        "slug": "dang-ky-du-hoi-nghi",
        "title": "Đăng ký tham dự hội nghị",
        "intro": (
            "<p>Hội nghị tổng kết phong trào xây dựng xã hội học tập năm 2026 họp tại hội "
            "trường Ủy ban nhân dân tỉnh. Mỗi đơn vị đăng ký trước để Ban tổ chức chuẩn bị "
            "chỗ ngồi và tài liệu.</p>"
        ),
        "thank_you_text": (
            "<p>Ban tổ chức đã nhận đăng ký của bạn. Giấy mời và chương trình sẽ được gửi "
            "trước ngày hội nghị.</p>"
        ),
        "submit_label": "Đăng ký",
        "to_address": "",
        "subject": "",
        "fields": EVENT_FIELDS,
    },
]


def _simple_forms(command, home):
    for content in SIMPLE_FORMS:
        parent = home
        if content["parent_slug"]:
            parent = home.get_children().filter(slug=content["parent_slug"]).first()
            if parent is None:
                continue
        if parent.get_children().filter(slug=content["slug"]).exists():
            continue
        page = SimpleFormPage(
            title=content["title"],
            slug=content["slug"],
            intro=content["intro"],
            thank_you_text=content["thank_you_text"],
            submit_label=content["submit_label"],
            to_address=content["to_address"],
            subject=content["subject"],
            search_description=content["intro"][3:163],
        )
        page.form_fields = [
            SimpleFormField(
                sort_order=order,
                label=label,
                field_type=field_type,
                required=required,
                choices=choices,
                default_value=default,
                help_text=help_text,
            )
            for order, (label, field_type, required, choices, default, help_text) in enumerate(
                content["fields"]
            )
        ]
        parent.add_child(instance=page)
        page.save_revision().publish()
        command.report(f"forms: simple form {content['title']}")


# An older article (not the newest, whose page the speed tests count) invites families to
# register, through the embedded-form block.
CTA_ARTICLE_TITLE = "tổng kết phong trào xây dựng gia đình học tập"
CTA_FORM_SLUG = "dang-ky-gia-dinh-hoc-tap"


def call_to_action_article():
    from news.models import NewsArticlePage

    return (
        NewsArticlePage.objects.filter(
            locale__language_code="vi", title__contains=CTA_ARTICLE_TITLE
        )
        .order_by("-date_published")
        .first()
    )


def _article_call_to_action(command):
    from news.models import NewsArticlePage

    form_page = ApplicationFormPage.objects.filter(
        slug=CTA_FORM_SLUG, locale__language_code="vi"
    ).first()
    article = call_to_action_article()
    if form_page is None or article is None:
        return
    if any(block.block_type == "embedded_form" for block in article.body):
        return
    article.body.append(
        (
            "embedded_form",
            {
                "page": form_page,
                "display": "card",
                "heading": "Gia đình bạn muốn trở thành gia đình học tập?",
                "text": (
                    "Đăng ký ngay từ đầu năm để được Hội Khuyến học xã theo dõi, hỗ trợ; "
                    "cuối năm, gia đình tự chấm điểm và đề nghị công nhận."
                ),
            },
        )
    )
    published = article.last_published_at
    article.save_revision().publish()
    # The demo's news dates stay as the news demo set them (feeds, sitemaps, listings).
    NewsArticlePage.objects.filter(pk=article.pk).update(last_published_at=published)
    command.report(f"forms: call to action in {article.slug}")
