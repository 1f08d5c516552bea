"""The menu, the language links and the private sections are cached, and follow every
change readers should see at once."""

import pytest
from wagtail.models import Page, PageViewRestriction

from home import cache as home_cache
from home.models import StandardPage
from khuyenhoc.pages import public
from news.models import NewsArticlePage


@pytest.fixture
def article(demo):
    return NewsArticlePage.objects.live().filter(locale__language_code="vi").first()


def listed(client, article):
    home_cache.invalidate()
    home = client.get("/").content.decode()
    news = client.get("/tin-tuc/").content.decode()
    return article.url in home or article.url in news


@pytest.mark.django_db
def test_a_restriction_hides_a_page_at_once_and_its_removal_shows_it(client, article):
    assert listed(client, article)  # the private sections are now cached
    assert client.get(article.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.LOGIN
    )
    assert not listed(client, article)
    assert article.pk not in public(NewsArticlePage.objects.all()).values_list("pk", flat=True)
    # Served only after logging in, although an unrestricted site skips the check.
    response = client.get(article.url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    restriction.delete()
    assert listed(client, article)
    assert client.get(article.url).status_code == 200


@pytest.mark.django_db
def test_a_private_section_hides_its_descendants_wherever_it_moves(client, demo, article):
    section = StandardPage(title="Nội bộ", show_in_menus=True)
    demo["home"].add_child(instance=section)
    section.save_revision().publish()
    menu_link = f'href="{section.url}"'
    assert menu_link in client.get("/tin-tuc/").content.decode()
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    assert menu_link not in client.get("/tin-tuc/").content.decode()  # the main menu
    assert listed(client, article)
    article.move(section, pos="last-child")
    assert not listed(client, article)
    # The section's path changes when it moves; its pages stay private.
    section.move(demo["about"], pos="last-child")
    assert not public(Page.objects.filter(pk=article.pk)).exists()
    assert not listed(client, article)


@pytest.mark.django_db
def test_the_menu_and_language_links_follow_publication(client, demo):
    page = StandardPage(title="Quỹ khuyến học", show_in_menus=True)
    demo["home"].add_child(instance=page)
    page.save_revision().publish()
    html = client.get("/tin-tuc/").content.decode()
    assert ">Quỹ khuyến học</a>" in html
    page.title = "Quỹ Khuyến học tỉnh"
    page.save_revision().publish()
    html = client.get("/tin-tuc/").content.decode()
    assert ">Quỹ Khuyến học tỉnh</a>" in html
    # The page's English link: the English home page until the page is translated.
    assert 'href="/en/" lang="en" hreflang="en"' in client.get(page.url).content.decode()
    english = page.copy_for_translation(demo["home_en"].locale, copy_parents=True)
    english.save_revision().publish()
    link = f'href="{english.url}" lang="en" hreflang="en"'
    assert link in client.get(page.url).content.decode()
    page.unpublish()
    assert ">Quỹ Khuyến học tỉnh</a>" not in client.get("/tin-tuc/").content.decode()


@pytest.mark.django_db
def test_the_footer_privacy_link_follows_the_site_settings(client, demo):
    from home.models import SiteSettings

    privacy = SiteSettings.for_site(demo["site"]).privacy_page
    assert f'<a href="{privacy.url}">{privacy.title}</a>' in client.get("/").content.decode()
    settings = SiteSettings.for_site(demo["site"])
    settings.privacy_page = demo["about"]
    settings.save()
    html = client.get("/tin-tuc/").content.decode()
    assert f'<a href="{demo["about"].url}">{demo["about"].title}</a>' in html
    assert f'<a href="{privacy.url}">' not in html


@pytest.mark.django_db
def test_index_pages_route_to_their_children_and_to_any_other_child(client, demo, article):
    index = article.get_parent()
    assert client.get(article.url).status_code == 200
    assert client.get(f"{index.url}khong-co-bai-nay/").status_code == 404
    # A child of another type (moved in by a script, say) is still served.
    other = StandardPage(title="Trang lạc chỗ")
    index.add_child(instance=other)
    other.save_revision().publish()
    assert client.get(other.url).status_code == 200
