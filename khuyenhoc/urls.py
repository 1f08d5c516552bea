from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views import serve as document_serve

from home import sitemaps
from home import views as home_views
from khuyenhoc import routing, views
from news.feeds import LatestNewsAtomFeed, LatestNewsFeed

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    # Official documents' PDFs are shown inline on their own pages, so this site may frame
    # them (every other response keeps X-Frame-Options: DENY).
    re_path(
        r"^documents/(\d+)/(.*)$",
        xframe_options_sameorigin(document_serve.serve),
        name="wagtaildocs_serve",
    ),
    path("documents/", include(wagtaildocs_urls)),
    # One file while the site is small, else an index of sections (home/sitemaps.py).
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # Applications: communes of a province (JSON) and applicants' files behind a check.
    path("", include("forms_app.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Vietnamese pages at /, English ones under /en/.
urlpatterns += i18n_patterns(
    path(_("search/"), home_views.search, name="search"),
    path(_("search/suggestions/"), home_views.suggestions, name="search_suggestions"),
    # News feeds in the reader's language: /rss/, /atom/, /rss/<category>/, /en/rss/...
    path("rss/", LatestNewsFeed(), name="news_feed_rss"),
    path("atom/", LatestNewsAtomFeed(), name="news_feed_atom"),
    path("rss/<slug:category>/", LatestNewsFeed(), name="news_category_feed_rss"),
    path("atom/<slug:category>/", LatestNewsAtomFeed(), name="news_category_feed_atom"),
    # Wagtail's page view, with routes remembered between publications (khuyenhoc/routing.py);
    # Wagtail's own patterns after it (password and login pages for private sections).
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "khuyenhoc.views.page_not_found"
handler500 = "khuyenhoc.views.server_error"
