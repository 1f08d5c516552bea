"""Demo content for the home app: accounts, languages, site settings, home and general pages.

Every step looks for what it would create first, so running ``load_demo`` again
changes nothing. The Vietnamese text is our own; the English pages are made through
wagtail-localize, as an editor would.
"""

import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from home.models import HomePage, SiteSettings, StandardPage
from khuyenhoc.roles import CONTRIBUTORS, EDITORS

DEMO_PASSWORD = "khuyenhoc-demo-2026"

DEMO_USERS = [
    # username, first name, last name, superuser, groups
    ("admin", "Quản trị", "Hệ thống", True, []),
    ("bientap", "Biên tập", "Viên", False, [EDITORS]),
    ("congtacvien", "Cộng tác", "Viên", False, [CONTRIBUTORS]),
]

SITE_NAME = "Hội Khuyến học tỉnh An Bình"
SITE_NAME_EN = "An Binh Provincial Study Promotion Association"


def load(command):
    vi = Locale.objects.get_or_create(language_code="vi")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    users = _users(command)
    logo, photo = _images(command)
    home = _home_page(command, vi)
    _site(command, home, logo)
    about = _child(command, home, ABOUT, photo=photo)
    _child(command, home, CONTACT)
    privacy = _child(command, home, PRIVACY, in_menu=False)
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    if settings.privacy_page_id is None:
        settings.privacy_page = privacy
        settings.save()
    for page, english in [(home, HOME_EN), (about, ABOUT_EN)]:
        _translate(command, page, en, english, users["admin"])


def _users(command):
    return {
        username: demo_user(command, username, first, last, groups, superuser=superuser)
        for username, first, last, superuser, groups in DEMO_USERS
    }


def demo_user(command, username, first, last, groups, superuser=False):
    """The demo account, made once with the public demo password and the given groups."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            email=f"{username}@example.org",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=superuser,
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        command.report(f"user {username}")
    return user


def _demo_image(title, size, draw_fn):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing, False
    canvas = PILImage.new("RGB", size, "#ffffff")
    draw_fn(ImageDraw.Draw(canvas), size)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    name = title.lower().replace(" ", "-") + ".png"
    image = Image(title=title, file=ImageFile(buffer, name=name))
    image.save()
    return image, True


def _draw_logo(draw, size):
    width, height = size
    draw.ellipse([8, 8, width - 8, height - 8], fill="#0b5394", outline="#f0b400", width=10)
    draw.polygon(
        [(width * 0.25, height * 0.62), (width * 0.5, height * 0.3), (width * 0.75, height * 0.62)],
        fill="#ffffff",
    )
    draw.rectangle([width * 0.3, height * 0.62, width * 0.7, height * 0.7], fill="#f0b400")


def _draw_photo(draw, size):
    width, height = size
    for y in range(height):
        shade = int(180 + 60 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade // 3, shade // 2, shade))
    for index in range(6):
        left = 60 + index * (width - 120) // 6
        draw.rectangle([left, height * 0.45, left + 70, height * 0.8], fill="#f0b400")
        draw.ellipse([left + 15, height * 0.3, left + 55, height * 0.42], fill="#ffe0b2")


def _images(command):
    logo, created = _demo_image("Logo Hội Khuyến học", (256, 256), _draw_logo)
    if created:
        command.report("logo")
    photo, created = _demo_image("Lớp học cộng đồng", (1200, 675), _draw_photo)
    if created:
        command.report("demo photo")
    return logo, photo


def _home_page(command, vi):
    home = HomePage.objects.filter(locale=vi, depth=2).first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    # Wagtail's installer leaves a "Welcome" page at the top: replace it.
    for default in Page.objects.filter(depth=2).exclude(content_type__model="homepage"):
        if default.slug == "home" and not default.get_children().exists():
            Site.objects.filter(root_page=default).delete()
            default.delete()
    home = HomePage(
        title="Trang chủ",
        slug="trang-chu",
        locale=vi,
        seo_title=SITE_NAME,
        intro=HOME["intro"],
        body=HOME["body"],
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    command.report("home page")
    return home


def _site(command, home, logo):
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=SITE_NAME
        )
        command.report("site")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = SITE_NAME
        site.save()
        command.report("site root")
    settings = SiteSettings.for_site(site)
    if not settings.address:
        settings.name = SITE_NAME
        settings.name_en = SITE_NAME_EN
        settings.logo = logo
        settings.address = "Số 12 đường Lê Lợi, phường Trung Tâm, tỉnh An Bình"
        settings.phone = "0237 385 1234"
        settings.email = "lienhe@khuyenhoc-anbinh.example"
        settings.facebook_url = "https://www.facebook.com/khuyenhocanbinh.example"
        settings.youtube_url = "https://www.youtube.com/@khuyenhocanbinh.example"
        settings.zalo_url = "https://zalo.me/khuyenhocanbinh.example"
        settings.footer_text = (
            "Cổng thông tin điện tử của Hội Khuyến học tỉnh An Bình (trang trình diễn).\n"
            "Ghi rõ nguồn khi đăng lại thông tin từ trang này."
        )
        settings.footer_text_en = (
            "Website of the An Binh Provincial Study Promotion Association (demo site).\n"
            "Please credit the source when republishing."
        )
        settings.save()
        command.report("site settings")


def _child(command, parent, content, photo=None, in_menu=True):
    existing = parent.get_children().filter(slug=content["slug"]).first()
    if existing is not None:
        return existing.specific
    body = list(content["body"])
    if photo is not None:
        body.insert(
            1,
            (
                "image",
                {
                    "image": photo,
                    "caption": "Một buổi sinh hoạt tại Trung tâm học tập cộng đồng",
                    "credit": "Ảnh: Hội Khuyến học tỉnh An Bình",
                },
            ),
        )
    page = StandardPage(
        title=content["title"],
        slug=content["slug"],
        intro=content["intro"],
        body=body,
        show_in_menus=in_menu,
        search_description=content["intro"][:160],
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    command.report(f"page {content['slug']}")
    return page


def _translate(command, page, locale, english, user):
    """Translate ``page`` through wagtail-localize: submit it, fill its strings, publish."""
    if page.get_translations().filter(locale=locale).exists():
        return
    TranslationCreator(user, [locale]).create_translations(page)
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=locale
    )
    po = translation.export_po()
    for entry in po:
        entry.msgstr = english.get(entry.msgid, "")
    translation.import_po(po, user=user)
    # wagtail-localize publishes in an on_commit hook; publish here instead so the
    # demo does not depend on the caller's transaction.
    translation.save_target(user=user, publish=False)
    translation.get_target_instance().get_latest_revision().publish(user=user)
    command.report(f"English translation of {page.slug}")


def _paragraphs(*texts):
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


HOME = {
    "intro": (
        "Cùng nhau xây dựng xã hội học tập: mỗi người dân được học suốt đời, mỗi gia đình, "
        "dòng họ, cộng đồng và đơn vị đều trở thành nơi nuôi dưỡng việc học."
    ),
    "body": [
        (
            "call_to_action",
            {
                "title": "Đề nghị công nhận danh hiệu học tập",
                "text": (
                    "Gia đình, dòng họ, cộng đồng và đơn vị gửi hồ sơ trực tuyến, rồi theo dõi "
                    "kết quả bằng mã hồ sơ."
                ),
                "button_label": "Nộp hồ sơ",
                "page": None,
                "url": "/ho-so-danh-hieu/",
            },
        ),
        ("campaigns", {"title": "", "count": 3}),
        ("featured_news", {"title": "", "count": 2}),
        ("latest_news", {"title": "", "count": 4}),
        (
            "key_figures",
            {
                "title": "Khuyến học An Bình năm 2025",
                "figures": [
                    {"label": "Hội viên", "value": Decimal(186420), "kind": "number", "note": ""},
                    {
                        "label": "Hội viên trên dân số",
                        "value": Decimal("30.5"),
                        "kind": "percent",
                        "note": "",
                    },
                    {
                        "label": "Quỹ khuyến học vận động",
                        "value": Decimal(38_600_000_000),
                        "kind": "money",
                        "note": "",
                    },
                    {
                        "label": "Suất học bổng đã trao",
                        "value": Decimal(17250),
                        "kind": "number",
                        "note": "",
                    },
                ],
            },
        ),
        ("documents", {"title": "", "count": 5}),
        ("heading", {"text": "Hội Khuyến học làm gì?", "level": "h2"}),
        *_paragraphs(
            "Hội vận động và hỗ trợ mọi người học tập thường xuyên: trao học bổng cho học sinh "
            "nghèo vượt khó, khen thưởng người học giỏi, duy trì các Trung tâm học tập cộng đồng "
            "ở xã, phường.",
            "Hằng năm, Hội hướng dẫn việc đăng ký và đánh giá các danh hiệu Công dân học tập, "
            "Gia đình học tập, Dòng họ học tập, Cộng đồng học tập và Đơn vị học tập.",
        ),
    ],
}

HOME_EN = {
    "Trang chủ": "Home",
    "trang-chu": "home",
    SITE_NAME: SITE_NAME_EN,
    HOME["intro"]: (
        "Building a learning society together: every citizen learning throughout life, every "
        "family, clan, community and organisation a place where learning thrives."
    ),
    "Đề nghị công nhận danh hiệu học tập": "Apply for a learning title",
    (
        "Gia đình, dòng họ, cộng đồng và đơn vị gửi hồ sơ trực tuyến, rồi theo dõi "
        "kết quả bằng mã hồ sơ."
    ): (
        "Families, clans, communities and organisations apply online, then follow their "
        "application with its tracking code."
    ),
    "Nộp hồ sơ": "Apply",
    "Khuyến học An Bình năm 2025": "Study promotion in An Binh, 2025",
    "Hội viên": "Members",
    "Hội viên trên dân số": "Members in the population",
    "Quỹ khuyến học vận động": "Raised for the study fund",
    "Suất học bổng đã trao": "Scholarships awarded",
    "Hội Khuyến học làm gì?": "What does the Association do?",
    (
        "Hội vận động và hỗ trợ mọi người học tập thường xuyên: trao học bổng cho học sinh "
        "nghèo vượt khó, khen thưởng người học giỏi, duy trì các Trung tâm học tập cộng đồng "
        "ở xã, phường."
    ): (
        "The Association encourages and supports everyone to keep learning: it grants "
        "scholarships to pupils from poor families, rewards outstanding learners and keeps "
        "community learning centres running in every commune and ward."
    ),
    (
        "Hằng năm, Hội hướng dẫn việc đăng ký và đánh giá các danh hiệu Công dân học tập, "
        "Gia đình học tập, Dòng họ học tập, Cộng đồng học tập và Đơn vị học tập."
    ): (
        "Every year it guides the registration and assessment of the titles Learning Citizen, "
        "Learning Family, Learning Clan, Learning Community and Learning Organisation."
    ),
}

ABOUT = {
    "title": "Giới thiệu",
    "slug": "gioi-thieu",
    "intro": (
        "Hội Khuyến học tỉnh An Bình là tổ chức xã hội tập hợp những người tâm huyết với "
        "việc học, hoạt động trên khắp các xã, phường của tỉnh."
    ),
    "body": [
        ("heading", {"text": "Tôn chỉ, mục đích", "level": "h2"}),
        *_paragraphs(
            "Hội động viên, khuyến khích phong trào học tập trong nhân dân, góp phần nâng cao dân "
            "trí, đào tạo nhân lực và bồi dưỡng nhân tài cho quê hương.",
            "Hội phối hợp với chính quyền, ngành giáo dục và các đoàn thể để mọi người dân, nhất "
            "là người lớn tuổi và người ở vùng khó khăn, đều có cơ hội học tập.",
        ),
        ("heading", {"text": "Tổ chức", "level": "h2"}),
        *_paragraphs(
            "Hội có chi hội ở tất cả các xã, phường, đặc khu; ban khuyến học ở nhiều cơ quan, "
            "trường học và doanh nghiệp; cùng hàng nghìn hội viên tình nguyện.",
        ),
        (
            "quote",
            {
                "text": "Học tập không chỉ ở trường, mà ở mọi nơi, mọi lúc và suốt cả cuộc đời.",
                "attribution": "Phương châm hoạt động của Hội",
            },
        ),
    ],
}

ABOUT_EN = {
    "Giới thiệu": "About us",
    "gioi-thieu": "about",
    ABOUT["intro"]: (
        "The An Binh Provincial Study Promotion Association is a social organisation of people "
        "who care about learning, active in every commune and ward of the province."
    ),
    ABOUT["intro"][:160]: "A social organisation promoting lifelong learning in An Binh province.",
    "Tôn chỉ, mục đích": "Purpose",
    (
        "Hội động viên, khuyến khích phong trào học tập trong nhân dân, góp phần nâng cao dân "
        "trí, đào tạo nhân lực và bồi dưỡng nhân tài cho quê hương."
    ): (
        "The Association encourages learning among the people, helping to raise education "
        "levels, train a skilled workforce and nurture talent for the province."
    ),
    (
        "Hội phối hợp với chính quyền, ngành giáo dục và các đoàn thể để mọi người dân, nhất "
        "là người lớn tuổi và người ở vùng khó khăn, đều có cơ hội học tập."
    ): (
        "It works with local government, the education sector and mass organisations so that "
        "everyone, older people and those in remote areas above all, can learn."
    ),
    "Tổ chức": "Organisation",
    (
        "Hội có chi hội ở tất cả các xã, phường, đặc khu; ban khuyến học ở nhiều cơ quan, "
        "trường học và doanh nghiệp; cùng hàng nghìn hội viên tình nguyện."
    ): (
        "It has branches in every commune, ward and special zone, study promotion boards in "
        "many agencies, schools and businesses, and thousands of volunteer members."
    ),
    "Học tập không chỉ ở trường, mà ở mọi nơi, mọi lúc và suốt cả cuộc đời.": (
        "Learning happens not only at school but everywhere, at any time, throughout life."
    ),
    "Phương châm hoạt động của Hội": "The Association's motto",
    "Một buổi sinh hoạt tại Trung tâm học tập cộng đồng": (
        "A session at a community learning centre"
    ),
    "Ảnh: Hội Khuyến học tỉnh An Bình": "Photo: An Binh Study Promotion Association",
}

CONTACT = {
    "title": "Liên hệ",
    "slug": "lien-he",
    "intro": "Văn phòng Hội tiếp nhận ý kiến, câu hỏi và đề nghị hỗ trợ trong giờ hành chính.",
    "body": [
        *_paragraphs(
            "Địa chỉ: Số 12 đường Lê Lợi, phường Trung Tâm, tỉnh An Bình.",
            "Điện thoại: 0237 385 1234. Thư điện tử: lienhe@khuyenhoc-anbinh.example.",
            "Giờ làm việc: sáng 7 giờ 30 đến 11 giờ 30, chiều 13 giờ 30 đến 17 giờ, từ thứ Hai "
            "đến thứ Sáu.",
        ),
    ],
}

PRIVACY = {
    "title": "Chính sách bảo vệ dữ liệu cá nhân",
    "slug": "chinh-sach-bao-ve-du-lieu-ca-nhan",
    "intro": (
        "Trang này cho biết Hội thu thập những dữ liệu cá nhân nào, dùng vào việc gì và bạn có "
        "những quyền gì, theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân."
    ),
    "body": [
        ("heading", {"text": "Dữ liệu chúng tôi thu thập", "level": "h2"}),
        *_paragraphs(
            "Khi bạn gửi hồ sơ đề nghị công nhận danh hiệu hoặc đăng ký tham gia phong trào, Hội "
            "thu thập họ tên, năm sinh, địa chỉ, số điện thoại, thư điện tử và các tài liệu minh "
            "chứng bạn gửi kèm.",
        ),
        ("heading", {"text": "Mục đích sử dụng", "level": "h2"}),
        *_paragraphs(
            "Dữ liệu chỉ dùng để xét duyệt hồ sơ, liên hệ với bạn về kết quả và lập số liệu thống "
            "kê không gắn với danh tính. Hội không bán hay chia sẻ dữ liệu cho bên thứ ba vì mục "
            "đích thương mại.",
        ),
        ("heading", {"text": "Quyền của bạn", "level": "h2"}),
        *_paragraphs(
            "Bạn có quyền xem, sửa, yêu cầu xóa dữ liệu của mình và rút lại sự đồng ý bất cứ lúc "
            "nào bằng cách liên hệ văn phòng Hội theo địa chỉ ở trang Liên hệ.",
        ),
    ],
}
