"""Demo news: a news index, categories in both languages, and 30 articles with photos.

The articles are written by us from a few building blocks (activities, places, figures);
photos are drawn with Pillow. Running it again changes nothing.
"""

import datetime
import io
import random

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.rich_text import RichText

from home.models import HomePage
from khuyenhoc.text import fold
from news.models import (
    Comment,
    CommentStatus,
    DocumentFile,
    DocumentIndexPage,
    DocumentPage,
    DocumentStatus,
    IssuingBody,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    RelatedArticle,
)

CATEGORIES = [
    ("hoat-dong-khuyen-hoc", "Hoạt động khuyến học", "Study promotion activities"),
    ("van-ban-chi-dao", "Văn bản - Chỉ đạo", "Directives"),
    ("guong-sang-hieu-hoc", "Gương sáng hiếu học", "Inspiring learners"),
    ("xay-dung-xa-hoi-hoc-tap", "Xây dựng xã hội học tập", "Building a learning society"),
]

PLACES = [
    "xã Đông Hưng",
    "phường Trung Tâm",
    "xã Tiền Hải",
    "xã Quỳnh Phụ",
    "phường Hòa Bình",
    "đặc khu Cồn Cỏ",
    "xã Vũ Thư",
    "xã Kiến Xương",
]

STORIES = [
    (
        "hoat-dong-khuyen-hoc",
        "Hội Khuyến học {place} trao {count} suất học bổng cho học sinh vượt khó",
        "Sáng nay, Hội Khuyến học {place} tổ chức lễ trao {count} suất học bổng cho học sinh "
        "có hoàn cảnh khó khăn nhưng đạt kết quả học tập tốt.",
        ["học bổng", "học sinh nghèo vượt khó"],
    ),
    (
        "xay-dung-xa-hoi-hoc-tap",
        "{place} tổng kết phong trào xây dựng gia đình học tập năm {year}",
        "Hội nghị đánh giá kết quả xây dựng mô hình gia đình học tập, dòng họ học tập và "
        "cộng đồng học tập tại {place} trong năm {year}.",
        ["gia đình học tập", "dòng họ học tập"],
    ),
    (
        "guong-sang-hieu-hoc",
        "Cụ bà {age} tuổi ở {place} vẫn đều đặn đến Trung tâm học tập cộng đồng",
        "Dù đã {age} tuổi, cụ vẫn tham gia đầy đủ các lớp học về chăm sóc sức khỏe và sử dụng "
        "điện thoại thông minh tại Trung tâm học tập cộng đồng {place}.",
        ["học tập suốt đời", "người cao tuổi"],
    ),
    (
        "van-ban-chi-dao",
        "Triển khai kế hoạch xây dựng xã hội học tập giai đoạn 2023–2030 tại {place}",
        "Ban Thường vụ Hội Khuyến học {place} họp bàn các bước triển khai kế hoạch của tỉnh về "
        "xây dựng xã hội học tập, trong đó có việc đánh giá danh hiệu Công dân học tập.",
        ["xã hội học tập", "công dân học tập"],
    ),
    (
        "hoat-dong-khuyen-hoc",
        "Đại hội Chi hội Khuyến học {place} nhiệm kỳ {year}–{next_year}",
        "Đại hội đã bầu Ban Chấp hành gồm {count} hội viên và đề ra mục tiêu tăng số gia đình "
        "học tập thêm 10% trong nhiệm kỳ mới.",
        ["đại hội", "chi hội khuyến học"],
    ),
]

BODY = [
    "Phát biểu tại buổi lễ, đại diện Hội Khuyến học tỉnh ghi nhận những cố gắng của chi hội "
    "trong việc vận động các gia đình, dòng họ và doanh nghiệp cùng chung tay chăm lo cho việc "
    "học.",
    "Trong năm qua, quỹ khuyến học của địa phương đã huy động được hơn {money} triệu đồng từ "
    "hội viên, các nhà hảo tâm và con em quê hương đi làm ăn xa.",
    "Nhiều thầy cô giáo nghỉ hưu tiếp tục tham gia dạy các lớp bồi dưỡng kiến thức cho người "
    "dân tại Trung tâm học tập cộng đồng, góp phần để mỗi người dân đều có cơ hội học tập.",
]

PHOTO_COLOURS = ["#0b5394", "#1e8449", "#b9770e", "#7d3c98", "#c0392b", "#117a65"]


def load(command):
    vi = Locale.objects.get(language_code="vi")
    home = HomePage.objects.get(locale=vi, depth=2)
    index = _news_index(command, home)
    categories = _categories(command, vi)
    photos = _photos(command)
    _articles(command, index, categories, photos)
    _comments(command, index)
    _documents(command, home)


def _news_index(command, home):
    existing = NewsIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    index = NewsIndexPage(
        title="Tin tức",
        slug="tin-tuc",
        intro="Tin hoạt động khuyến học, khuyến tài và xây dựng xã hội học tập trong tỉnh.",
        show_in_menus=True,
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    # Keep the menu order: news right after the home page.
    first = home.get_first_child()
    if first and first.pk != index.pk:
        index.move(first, pos="left")
    command.report("news index")
    return NewsIndexPage.objects.get(pk=index.pk)


def _categories(command, vi):
    en = Locale.objects.get(language_code="en")
    categories = {}
    for order, (slug, name, name_en) in enumerate(CATEGORIES):
        category = NewsCategory.objects.filter(locale=vi, slug=slug).first()
        if category is None:
            category = NewsCategory.objects.create(
                locale=vi, slug=slug, name=name, sort_order=order
            )
            command.report(f"category {slug}")
        if not NewsCategory.objects.filter(
            translation_key=category.translation_key, locale=en
        ).exists():
            translation = category.copy_for_translation(en)
            translation.name = name_en
            translation.save()
        categories[slug] = category
    return categories


def _photos(command):
    Image = get_image_model()
    photos = []
    for number, colour in enumerate(PHOTO_COLOURS, start=1):
        title = f"Ảnh tin tức minh họa {number}"
        photo = Image.objects.filter(title=title).first()
        if photo is None:
            canvas = PILImage.new("RGB", (1200, 675), colour)
            draw = ImageDraw.Draw(canvas)
            rng = random.Random(number)
            for _ in range(8):
                left, top = rng.randint(0, 1000), rng.randint(0, 500)
                size = rng.randint(60, 200)
                draw.ellipse([left, top, left + size, top + size], fill="#ffffff", width=0)
            draw.rectangle([0, 560, 1200, 675], fill="#f0b400")
            buffer = io.BytesIO()
            canvas.save(buffer, format="JPEG", quality=80)
            photo = Image(title=title, file=ImageFile(buffer, name=f"tin-tuc-{number}.jpg"))
            photo.save()
            command.report(f"photo {number}")
        photos.append(photo)
    return photos


def _articles(command, index, categories, photos):
    if NewsArticlePage.objects.child_of(index).exists():
        return
    rng = random.Random(2026)
    start = timezone.make_aware(datetime.datetime(2026, 11, 20, 8, 30))
    created = []
    for number in range(30):
        category_slug, title, lead, tags = STORIES[number % len(STORIES)]
        place = PLACES[number % len(PLACES)]
        year = 2026 - number // 12
        values = {
            "place": place,
            "count": rng.randint(20, 150),
            "year": year,
            "next_year": year + 5,
            "age": rng.randint(75, 92),
            "money": rng.randint(80, 900),
        }
        published = start - datetime.timedelta(days=number * 15, hours=number % 7)
        body = [
            ("paragraph", RichText(f"<p>{BODY[0]}</p>")),
            ("paragraph", RichText(f"<p>{BODY[1].format(**values)}</p>")),
            ("quote", {"text": "Học, học nữa, học mãi.", "attribution": "Lời dạy của Bác Hồ"}),
            ("paragraph", RichText(f"<p>{BODY[2]}</p>")),
        ]
        article = NewsArticlePage(
            title=title.format(**values),
            lead=lead.format(**values),
            category=categories[category_slug],
            date_published=published,
            hero_image=photos[number % len(photos)],
            hero_caption=f"Quang cảnh buổi sinh hoạt tại {place}",
            hero_credit="Ảnh: Hội Khuyến học tỉnh An Bình",
            body=body,
            author=rng.choice(["Minh Anh", "Thu Hà", "Quốc Tuấn", "Lan Phương"]),
            featured=number in (0, 3),
        )
        if number % 6 == 5:
            article.source_name = "Báo Dân trí điện tử của tỉnh (bản tin tổng hợp)"
            article.source_url = f"https://example.org/tin-tong-hop/{number}"
        index.add_child(instance=article)
        article.tags.add(*tags)
        revision = article.save_revision()
        revision.publish()
        NewsArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=published, last_published_at=published
        )
        created.append(article)
    # Editors chose related articles for the newest one.
    newest = NewsArticlePage.objects.get(pk=created[0].pk)
    newest.related_links = [RelatedArticle(page=other) for other in created[5:7]]
    newest.save_revision().publish()
    command.report(f"{len(created)} articles")


# Readers' comments on the newest articles: (name, text, hours after publication, approved).
COMMENTS = [
    [
        (
            "Nguyễn Văn Hùng",
            "Xin chúc mừng các em học sinh được nhận học bổng. Mong các em "
            "tiếp tục cố gắng học tập thật tốt!",
            3,
            True,
        ),
        (
            "Phạm Thị Lan",
            "Cảm ơn Hội Khuyến học đã quan tâm tới các cháu có hoàn cảnh khó khăn ở địa phương.",
            5,
            True,
        ),
        ("Trần Minh", "Cho tôi hỏi năm sau hồ sơ xin học bổng nộp ở đâu ạ?", 8, False),
    ],
    [
        (
            "Lê Thị Hương",
            "Mô hình gia đình học tập rất thiết thực, nhà tôi ba thế hệ cùng đăng ký tham gia.",
            4,
            True,
        ),
        (
            "Đỗ Quang Vinh",
            "Đề nghị Hội tổ chức thêm lớp tin học cho người lớn tuổi vào buổi tối.",
            26,
            True,
        ),
    ],
    [
        (
            "Vũ Thị Mai",
            "Tấm gương của cụ thật đáng để con cháu noi theo. Học tập suốt đời là có thật!",
            2,
            True,
        ),
    ],
]


def _comments(command, index):
    """A few approved comments (and one awaiting moderation) on the newest articles."""
    articles = list(
        NewsArticlePage.objects.child_of(index).order_by("-date_published", "-pk")[: len(COMMENTS)]
    )
    if not articles or Comment.objects.filter(article__in=articles).exists():
        return
    for article, comments in zip(articles, COMMENTS, strict=False):
        for name, text, hours, approved in comments:
            sent = article.date_published + datetime.timedelta(hours=hours)
            Comment.objects.create(
                article=article,
                name=name,
                text=text,
                created_at=sent,
                status=CommentStatus.APPROVED if approved else CommentStatus.PENDING,
                moderated_at=sent + datetime.timedelta(hours=1) if approved else None,
            )
    command.report(f"comments on {len(articles)} articles")


# Numbers and dates of national documents are public facts; the summaries are ours.
DOCUMENTS = [
    (
        "677/QĐ-TTg",
        "quyet-dinh",
        "Thủ tướng Chính phủ",
        "2022-06-03",
        "Quyết định về chương trình đánh giá, công nhận danh hiệu Công dân học tập.",
    ),
    (
        "22/2020/TT-BGDĐT",
        "thong-tu",
        "Bộ Giáo dục và Đào tạo",
        "2020-08-06",
        "Thông tư quy định việc đánh giá, xếp loại đơn vị học tập, gồm điều kiện, kết quả "
        "học tập của thành viên và tác động, theo thang điểm 100.",
    ),
    (
        "24/2023/TT-BGDĐT",
        "thong-tu",
        "Bộ Giáo dục và Đào tạo",
        "2023-12-01",
        "Thông tư về công nhận đơn vị học tập theo hai mức, có giá trị trong ba năm.",
    ),
    (
        "448/QĐ-KHVN",
        "quyet-dinh",
        "Hội Khuyến học Việt Nam",
        "2015-05-20",
        "Quyết định ban hành hướng dẫn đánh giá gia đình học tập, dòng họ học tập, cộng đồng "
        "học tập.",
    ),
    (
        "135/KH-UBND",
        "ke-hoach",
        "UBND tỉnh An Bình",
        "2023-05-12",
        "Kế hoạch xây dựng xã hội học tập trên địa bàn tỉnh giai đoạn 2023–2030.",
    ),
    (
        "08/CT-UBND",
        "chi-thi",
        "UBND tỉnh An Bình",
        "2024-02-19",
        "Chỉ thị về tăng cường công tác khuyến học, khuyến tài trong tình hình mới.",
    ),
    (
        "21/NQ-HKH",
        "nghi-quyet",
        "Hội Khuyến học tỉnh An Bình",
        "2024-12-10",
        "Nghị quyết hội nghị Ban Chấp hành về nhiệm vụ năm 2025.",
    ),
    (
        "45/HD-HKH",
        "huong-dan",
        "Hội Khuyến học tỉnh An Bình",
        "2025-01-15",
        "Hướng dẫn đánh giá, công nhận danh hiệu gia đình học tập, dòng họ học tập năm 2025.",
    ),
    (
        "112/CV-HKH",
        "cong-van",
        "Hội Khuyến học tỉnh An Bình",
        "2025-08-04",
        "Công văn về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2025.",
    ),
    (
        "46/HD-HKH",
        "huong-dan",
        "Hội Khuyến học tỉnh An Bình",
        "2026-01-12",
        "Hướng dẫn đánh giá, công nhận danh hiệu gia đình học tập, dòng họ học tập năm 2026, "
        "thay thế hướng dẫn năm 2025.",
    ),
    (
        "15/KH-HKH",
        "ke-hoach",
        "Hội Khuyến học tỉnh An Bình",
        "2026-02-02",
        "Kế hoạch trao học bổng cho học sinh, sinh viên vượt khó học tốt năm 2026.",
    ),
    (
        "160/CV-HKH",
        "cong-van",
        "Hội Khuyến học tỉnh An Bình",
        "2026-09-21",
        "Công văn đề nghị các xã, phường báo cáo số liệu khuyến học năm 2026.",
    ),
]


def _pdf(number, summary):
    """A one-page PDF showing the document's number and summary (ASCII: no font needed)."""
    page = PILImage.new("RGB", (1240, 1754), "#ffffff")
    draw = ImageDraw.Draw(page)
    draw.text((120, 120), fold(f"So: {number}"), fill="#000000", font_size=48)
    words, line, top = fold(summary).split(), "", 260
    for word in words:
        if len(line) + len(word) > 48:
            draw.text((120, top), line, fill="#000000", font_size=36)
            line, top = "", top + 56
        line = f"{line} {word}".strip()
    draw.text((120, top), line, fill="#000000", font_size=36)
    draw.text(
        (120, 1600), "Ban trinh dien - Hoi Khuyen hoc tinh An Binh", fill="#555555", font_size=28
    )
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


def _documents(command, home):
    library = DocumentIndexPage.objects.child_of(home).first()
    if library is None:
        library = DocumentIndexPage(
            title="Văn bản",
            slug="van-ban",
            intro="Văn bản chỉ đạo, hướng dẫn về khuyến học và xây dựng xã hội học tập.",
            show_in_menus=True,
        )
        home.add_child(instance=library)
        library.save_revision().publish()
        command.report("document library")
    if DocumentPage.objects.child_of(library).exists():
        return
    Document = get_document_model()
    pages = {}
    for number, doc_type, issuer_name, issued, summary in DOCUMENTS:
        issuer, _ = IssuingBody.objects.get_or_create(name=issuer_name)
        slug_number = number.replace("/", "-")
        document = Document(title=f"Văn bản {number}")
        document.file.save(f"{slug_number}.pdf", ContentFile(_pdf(number, summary)), save=False)
        document.save()
        page = DocumentPage(
            title=summary.split(",")[0].rstrip("."),
            number=number,
            doc_type=doc_type,
            issuer=issuer,
            signer="" if issuer_name == "Thủ tướng Chính phủ" else "Chủ tịch",
            date_issued=datetime.date.fromisoformat(issued),
            summary=summary,
            files=[DocumentFile(document=document, title="Toàn văn")],
        )
        library.add_child(instance=page)
        page.save_revision().publish()
        pages[number] = page
    old = DocumentPage.objects.get(pk=pages["45/HD-HKH"].pk)
    old.status = DocumentStatus.REPLACED
    old.replaced_by = pages["46/HD-HKH"]
    old.save_revision().publish()
    command.report(f"{len(pages)} documents")
