from django.db.models import Max, Q
from django.utils.functional import cached_property
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.models import Page

from khuyenhoc.pages import public


class MultilingualSitemap(Sitemap):
    """Every live public page of the site in every language.

    Wagtail's own sitemap walks only the default-language tree under the site root.
    """

    # Pages per sitemap file. Beyond that, /sitemap.xml becomes an index of sections
    # (/sitemap-pages.xml?p=2...), so no single response grows with the site.
    limit = 1000

    @cached_property
    def _pages(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_a_tree = Q()
        for root in roots:
            in_a_tree |= Q(path__startswith=root.path)
        return public(Page.objects.filter(in_a_tree).live())

    def pages(self):
        return self._pages.all()

    def items(self):
        return self.pages().order_by("path").defer_streamfields().specific()

    def get_latest_lastmod(self):
        # Django's default reads every page of the site to find the latest; one query instead.
        return self.pages().aggregate(latest=Max("last_published_at"))["latest"]


SITEMAPS = {"pages": MultilingualSitemap}


def sitemap(request):
    """The sitemap while the site fits in one file, else the index of its sections."""
    sitemaps = sitemap_views.prepare_sitemaps(request, SITEMAPS)
    if all(section.paginator.num_pages <= 1 for section in sitemaps.values()):
        return sitemap_views.sitemap(request, sitemaps)
    return sitemap_views.index(request, sitemaps, sitemap_url_name="sitemap_section")


def sitemap_section(request, section):
    """One section's file; ``?p=2`` and on for its further pages (404 past the last)."""
    return sitemap_views.sitemap(request, SITEMAPS, section=section)
