"""Structured data for search engines and social networks on news pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from home.models import SiteSettings

register = template.Library()

# Inside <script> only "</" can end the element; escaping <, > and & as JSON does it safely.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}


@register.simple_tag
def og_locale():
    """The OpenGraph locale of the reader's language: vi_VN or en_US."""
    return OG_LOCALES.get(get_language(), "vi_VN")


@register.simple_tag(takes_context=True)
def article_json_ld(context, page, image_url=""):
    """A schema.org NewsArticle for ``page`` in a <script type="application/ld+json">."""
    request = context.get("request")
    site_name = SiteSettings.for_request(request).display_name if request else ""
    url = page.get_full_url(request)
    publisher = {"@type": "Organization", "name": site_name}
    if request is not None:
        publisher["url"] = request.build_absolute_uri("/")
    published = timezone.localtime(page.date_published)
    modified = max(filter(None, [page.last_published_at, page.date_published]))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": page.lead or page.search_description,
        "datePublished": published,
        "dateModified": timezone.localtime(modified),
        "inLanguage": get_language(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "author": ({"@type": "Person", "name": page.author} if page.author else publisher.copy()),
        "publisher": publisher,
    }
    if image_url:
        data["image"] = [image_url]
    if page.category_id:
        data["articleSection"] = page.category.name
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_SCRIPT_ESCAPES)),
    )
