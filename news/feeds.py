"""RSS 2.0 and Atom feeds of the latest news, for the whole site or one category.

They follow the reader's language: under /en/ they list the English articles.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail.images.models import Filter
from wagtail.models import Page, Site

from home.models import SiteSettings
from khuyenhoc.cache import active_locale
from khuyenhoc.pages import public, with_photo
from news.models import NewsArticlePage, NewsCategory, NewsIndexPage

FEED_ITEMS = 20
# Already made for the listing (LISTING_IMAGE_SPEC), so feeds rarely render new files.
ENCLOSURE_SPEC = "fill-800x450|format-jpeg"


@dataclass
class FeedSource:
    """What one request's feed is about; Feed instances are shared between requests."""

    request: HttpRequest
    site_name: str
    root: Page | None
    index: NewsIndexPage | None
    category: NewsCategory | None


def _site_root(request, locale):
    """The site's home page in that language, if it has been translated."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    return site.root_page.get_translations(inclusive=True).filter(locale=locale).first()


class LatestNewsFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, category=None):
        locale = active_locale()
        root = _site_root(request, locale)
        index = None
        if root is not None:
            index = public(NewsIndexPage.objects.descendant_of(root).live()).first()
        chosen = None
        if category is not None:
            chosen = NewsCategory.objects.filter(locale=locale, slug=category).first()
            if chosen is None:
                raise Http404("No such news category")
        return FeedSource(
            request=request,
            site_name=SiteSettings.for_request(request).display_name,
            root=root,
            index=index,
            category=chosen,
        )

    def title(self, obj):
        if obj.category is not None:
            return f"{obj.category.name} – {obj.site_name}"
        return f"{_('News')} – {obj.site_name}"

    def description(self, obj):
        if obj.category is not None:
            return _("The latest news in %(category)s from %(site)s") % {
                "category": obj.category.name,
                "site": obj.site_name,
            }
        return _("The latest news from %(site)s") % {"site": obj.site_name}

    def author_name(self, obj):
        return obj.site_name

    def link(self, obj):
        if obj.index is not None:
            url = obj.index.get_full_url(obj.request)
            if obj.category is not None:
                url += obj.index.reverse_subpage("by_category", args=[obj.category.slug])
            return url
        if obj.root is not None:
            return obj.root.get_full_url(obj.request)
        return obj.request.build_absolute_uri("/")

    def items(self, obj):
        if obj.root is None:
            return []
        articles = with_photo(
            public(NewsArticlePage.objects.descendant_of(obj.root).live()),
            "hero_image",
            Filter.expand_spec(ENCLOSURE_SPEC),
        )
        articles = (
            articles.filter(locale_id=obj.root.locale_id)
            .select_related("category")
            .prefetch_related("tags")
            .order_by("-date_published", "-pk")
        )
        if obj.category is not None:
            articles = articles.filter(category=obj.category)
        articles = list(articles[:FEED_ITEMS])
        for article in articles:
            # item_* methods only see the item: give it what needs the request.
            article.feed_link = article.get_full_url(obj.request)
            article.feed_image = _enclosure_image(article, obj.request)
        return articles

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.feed_link

    def item_description(self, item):
        return item.lead or item.search_description

    def item_pubdate(self, item):
        return item.date_published

    def item_updateddate(self, item):
        return max(filter(None, [item.last_published_at, item.date_published]))

    def item_author_name(self, item):
        return item.author or None

    def item_categories(self, item):
        names = [item.category.name] if item.category else []
        return names + sorted(tag.name for tag in item.tags.all())

    def item_enclosure_url(self, item):
        return item.feed_image["url"] if item.feed_image else None

    def item_enclosure_length(self, item):
        return item.feed_image["length"]

    def item_enclosure_mime_type(self, item):
        return "image/jpeg"


class LatestNewsAtomFeed(LatestNewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


def _enclosure_image(article, request):
    """URL and size of a JPEG of the article's photo, or None when there is none to give."""
    if article.hero_image is None:
        return None
    try:
        rendition = article.hero_image.get_rendition(ENCLOSURE_SPEC)
        length = rendition.file.size
    except OSError:  # SourceImageIOError is one: the original file is missing
        return None
    return {"url": request.build_absolute_uri(rendition.url), "length": length}
