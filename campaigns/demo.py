"""Demo campaigns: one running (2023–2030) and one finished (2016–2020), with targets,
pledges, related news and documents. The text is our own; running it again changes nothing."""

import datetime

from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.rich_text import RichText

from campaigns.models import (
    CampaignDocumentLink,
    CampaignIndexPage,
    CampaignNewsLink,
    CampaignPage,
    Pledge,
    Target,
)
from home.models import HomePage
from news.models import DocumentPage, NewsArticlePage, NewsTag


def load(command):
    vi = Locale.objects.get(language_code="vi")
    home = HomePage.objects.get(locale=vi, depth=2)
    index = _index(command, home)
    photo = get_image_model().objects.filter(title="Lớp học cộng đồng").first()
    for content in (ONGOING, PAST):
        campaign = _campaign(command, index, content, photo)
        if content.get("pledges"):
            _pledges(command, campaign, content["pledges"])


def _index(command, home):
    existing = CampaignIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    index = CampaignIndexPage(
        title="Phong trào thi đua",
        slug="phong-trao",
        intro=(
            "Các phong trào thi đua xây dựng xã hội học tập trong tỉnh: mục tiêu, tiến độ và "
            "cách mỗi gia đình, dòng họ, đơn vị cùng tham gia."
        ),
        show_in_menus=True,
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    command.report("campaign index")
    return CampaignIndexPage.objects.get(pk=index.pk)


def _campaign(command, index, content, photo):
    existing = CampaignPage.objects.child_of(index).filter(slug=content["slug"]).first()
    if existing is not None:
        return existing
    campaign = CampaignPage(
        title=content["title"],
        slug=content["slug"],
        slogan=content["slogan"],
        start_year=content["start_year"],
        end_year=content["end_year"],
        launched_by=content["launched_by"],
        launched_on=content["launched_on"],
        intro=content["intro"],
        hero_image=photo,
        hero_caption=content["hero_caption"],
        hero_credit="Ảnh: Hội Khuyến học tỉnh An Bình",
        body=content["body"],
        search_description=content["intro"][:160],
    )
    campaign.targets = [Target(**target) for target in content["targets"]]
    campaign.news_tags = list(NewsTag.objects.filter(name__in=content["tags"]))
    articles = NewsArticlePage.objects.filter(
        locale=index.locale, title__startswith=content["news_title_start"]
    ).order_by("-date_published")[:1]
    campaign.news_links = [CampaignNewsLink(page=article) for article in articles]
    documents = DocumentPage.objects.filter(number__in=content["documents"]).order_by(
        "-date_issued"
    )
    campaign.document_links = [CampaignDocumentLink(page=document) for document in documents]
    index.add_child(instance=campaign)
    campaign.save_revision().publish()
    command.report(f"campaign {content['slug']}")
    return campaign


def _pledges(command, campaign, pledges):
    if Pledge.objects.filter(campaign=campaign).exists():
        return
    for name, organisation, commune, contact in pledges:
        Pledge.objects.create(
            campaign=campaign,
            name=name,
            organisation=organisation,
            commune=commune,
            contact=contact,
        )
    command.report(f"{len(pledges)} pledges")


def _paragraph(text):
    return ("paragraph", RichText(f"<p>{text}</p>"))


ONGOING = {
    "title": "Phong trào thi đua xây dựng xã hội học tập tỉnh An Bình giai đoạn 2023–2030",
    "slug": "xay-dung-xa-hoi-hoc-tap-2023-2030",
    "slogan": "Mỗi người dân tự học, học tập suốt đời; mỗi gia đình, dòng họ là một tổ ấm học tập",
    "start_year": 2023,
    "end_year": 2030,
    "launched_by": "Ủy ban nhân dân tỉnh An Bình",
    "launched_on": datetime.date(2023, 5, 12),
    "intro": (
        "Phong trào kêu gọi mọi người dân, gia đình, dòng họ, cộng đồng và đơn vị trong tỉnh "
        "cùng học tập thường xuyên, để đến năm 2030 việc học suốt đời trở thành nếp sống."
    ),
    "hero_caption": "Buổi học tin học cho người lớn tuổi tại Trung tâm học tập cộng đồng",
    "body": [
        (
            "goals",
            {
                "heading": "Mục tiêu đến năm 2030",
                "goals": [
                    "Ít nhất 80.000 hộ đạt danh hiệu Gia đình học tập.",
                    "Ít nhất 700 dòng họ đạt danh hiệu Dòng họ học tập.",
                    "Quỹ khuyến học các cấp vận động được 50 tỉ đồng.",
                    "Mỗi xã, phường có Trung tâm học tập cộng đồng hoạt động hiệu quả.",
                ],
            },
        ),
        ("heading", {"text": "Cách tham gia", "level": "h2"}),
        _paragraph(
            "Đầu năm, các gia đình, dòng họ và đơn vị đăng ký xây dựng mô hình học tập với chi "
            "hội khuyến học ở thôn, tổ dân phố. Cuối năm, Hội hướng dẫn tự đánh giá theo bộ tiêu "
            "chí và gửi hồ sơ đề nghị công nhận."
        ),
        _paragraph(
            "Người dân, hội viên và các tổ chức có thể đăng ký hưởng ứng phong trào ngay trên "
            "trang này; Hội sẽ liên hệ để cùng triển khai ở địa phương."
        ),
    ],
    "targets": [
        {
            "indicator": "Hộ được công nhận Gia đình học tập",
            "unit": "household",
            "baseline": 52000,
            "target_value": 80000,
            "deadline": datetime.date(2030, 12, 31),
            "source": "manual",
            "achieved_value": 64410,
            "achieved_updated_on": datetime.date(2025, 12, 15),
            "achieved_source": "Báo cáo tổng kết năm 2025 của Hội Khuyến học tỉnh",
        },
        {
            "indicator": "Dòng họ được công nhận Dòng họ học tập",
            "unit": "clan",
            "baseline": 410,
            "target_value": 700,
            "deadline": datetime.date(2030, 12, 31),
            "source": "manual",
            "achieved_value": 583,
            "achieved_updated_on": datetime.date(2025, 12, 15),
            "achieved_source": "Báo cáo tổng kết năm 2025 của Hội Khuyến học tỉnh",
        },
        {
            "indicator": "Tiền vận động cho Quỹ khuyến học các cấp",
            "unit": "money",
            "target_value": 50_000_000_000,
            "deadline": datetime.date(2030, 12, 31),
            "source": "manual",
            "achieved_value": 39_850_000_000,
            "achieved_updated_on": datetime.date(2025, 12, 15),
            "achieved_source": "Báo cáo tài chính Quỹ khuyến học năm 2025",
        },
        {
            "indicator": "Gia đình học tập được công nhận qua hồ sơ trực tuyến",
            "unit": "household",
            "target_value": 5000,
            "deadline": datetime.date(2030, 12, 31),
            "source": "live",
            "live_title": "family",
            "live_year_from": 2026,
            "live_year_to": 2030,
        },
    ],
    "tags": ["gia đình học tập", "dòng họ học tập", "xã hội học tập"],
    "news_title_start": "Triển khai kế hoạch xây dựng xã hội học tập",
    "documents": ["135/KH-UBND", "45/HD-HKH", "46/HD-HKH"],
    "pledges": [
        ("Nguyễn Văn Bình", "Gia đình ông Nguyễn Văn Bình", "xã Đông Hưng", "0912 345 678"),
        ("Trần Thị Hoa", "Dòng họ Trần thôn Nam", "xã Tiền Hải", "hoa.tran@example.org"),
        ("Lê Minh Đức", "Trường Tiểu học Quỳnh Phụ", "xã Quỳnh Phụ", "0987 654 321"),
    ],
}

PAST = {
    "title": "Phong trào “Gia đình hiếu học, dòng họ khuyến học” giai đoạn 2016–2020",
    "slug": "gia-dinh-hieu-hoc-dong-ho-khuyen-hoc-2016-2020",
    "slogan": "Nhà nhà hiếu học, họ họ khuyến học",
    "start_year": 2016,
    "end_year": 2020,
    "launched_by": "Hội Khuyến học tỉnh An Bình",
    "launched_on": datetime.date(2016, 3, 8),
    "intro": (
        "Phong trào đã vận động hàng chục nghìn gia đình và hàng trăm dòng họ lập quỹ, khen "
        "thưởng con cháu học giỏi và cùng nhau học tập."
    ),
    "hero_caption": "Lễ tổng kết phong trào năm 2020",
    "body": [
        ("heading", {"text": "Kết quả", "level": "h2"}),
        _paragraph(
            "Sau năm năm, phong trào vượt các chỉ tiêu đề ra. Nhiều dòng họ đã duy trì quỹ "
            "khuyến học riêng và tiếp tục tham gia phong trào giai đoạn 2023–2030."
        ),
    ],
    "targets": [
        {
            "indicator": "Hộ được công nhận Gia đình học tập",
            "unit": "household",
            "baseline": 30000,
            "target_value": 50000,
            "deadline": datetime.date(2020, 12, 31),
            "source": "manual",
            "achieved_value": 52000,
            "achieved_updated_on": datetime.date(2020, 12, 20),
            "achieved_source": "Báo cáo tổng kết phong trào giai đoạn 2016–2020",
        },
        {
            "indicator": "Dòng họ có quỹ khuyến học",
            "unit": "clan",
            "target_value": 400,
            "deadline": datetime.date(2020, 12, 31),
            "source": "manual",
            "achieved_value": 410,
            "achieved_updated_on": datetime.date(2020, 12, 20),
            "achieved_source": "Báo cáo tổng kết phong trào giai đoạn 2016–2020",
        },
    ],
    "tags": ["dòng họ học tập"],
    "news_title_start": "Hội Khuyến học",
    "documents": ["448/QĐ-KHVN"],
}
