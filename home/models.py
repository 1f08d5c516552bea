from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home import cache as home_cache
from home.blocks import HomeStreamBlock
from khuyenhoc.blocks import BaseStreamBlock
from khuyenhoc.cache import CONTENT_TIMEOUT, published_content
from khuyenhoc.forms import PageForm
from khuyenhoc.pages import VietnameseSlugMixin, public
from khuyenhoc.search import SearchablePage

PAGE_TRANSLATABLE_FIELDS = [
    TranslatableField("title"),
    TranslatableField("slug"),
    TranslatableField("seo_title"),
    TranslatableField("search_description"),
    SynchronizedField("show_in_menus"),
]


class HomePage(SearchablePage, VietnameseSlugMixin, Page):
    """The root of each language's tree: what a reader and an applicant need at a glance,
    in blocks editors choose and order (news, campaigns, figures, documents, ways in)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(HomeStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [
        TranslatableField("intro"),
        TranslatableField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    base_form_class = PageForm

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def serve(self, request, *args, **kwargs):
        # Anonymous readers get a cached copy until content changes (see home/cache.py).
        return home_cache.serve_cached(
            request, self, lambda: super(HomePage, self).serve(request, *args, **kwargs)
        )


class StandardPage(SearchablePage, VietnameseSlugMixin, Page):
    """About, contact, privacy notice and any other page of plain content."""

    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown in bold under the title")
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [
        TranslatableField("intro"),
        TranslatableField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    base_form_class = PageForm

    class Meta:
        verbose_name = _("general page")
        verbose_name_plural = _("general pages")

    def get_context(self, request, *args, **kwargs):
        # A section page (such as the one holding the application forms) leads to what is
        # under it, so readers never meet a dead end.
        context = super().get_context(request, *args, **kwargs)
        context["subpages"] = public(self.get_children().live())
        return context


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Who the association is and how to reach it: shown in the header and footer."""

    name = models.CharField(_("association name"), max_length=255, default="Hội Khuyến học")
    name_en = models.CharField(_("association name in English"), max_length=255, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    facebook_url = models.URLField(_("Facebook page"), blank=True)
    youtube_url = models.URLField(_("YouTube channel"), blank=True)
    zalo_url = models.URLField(_("Zalo official account"), blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Linked from every page's footer"),
    )
    footer_text = models.TextField(_("footer text"), blank=True)
    footer_text_en = models.TextField(_("footer text in English"), blank=True)

    select_related = ["logo", "privacy_page"]

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("logo")],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("Contacts"),
        ),
        MultiFieldPanel(
            [FieldPanel("facebook_url"), FieldPanel("youtube_url"), FieldPanel("zalo_url")],
            heading=_("Social networks"),
        ),
        MultiFieldPanel(
            [FieldPanel("privacy_page"), FieldPanel("footer_text"), FieldPanel("footer_text_en")],
            heading=_("Footer"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    def __str__(self):
        return self.name

    @classmethod
    def for_site(cls, site):
        """Kept in the cache until the settings, a page or a picture change: every page reads
        them for its header and footer."""
        from khuyenhoc.templatetags.cached_images import pictures

        load = super().for_site
        return published_content.cached(
            ("site-settings", getattr(site, "pk", None), pictures.get()),
            lambda: load(site),
            CONTENT_TIMEOUT,
        )

    @property
    def display_name(self):
        """The name in the reader's language, Vietnamese when no English one is set."""
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_footer_text(self):
        if get_language() == "en" and self.footer_text_en:
            return self.footer_text_en
        return self.footer_text

    @property
    def social_links(self):
        links = [
            ("Facebook", self.facebook_url),
            ("YouTube", self.youtube_url),
            ("Zalo", self.zalo_url),
        ]
        return [(label, url) for label, url in links if url]
