"""Blocks of the home page: every one optional, placed and ordered by editors.

The news, document and campaign models are looked up through the app registry when a
block renders: ``news`` and ``campaigns`` import ``home``, so ``home`` must not import them.
Each block runs a fixed number of queries, whatever the size of the database.
"""

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from khuyenhoc.blocks import BaseStreamBlock
from khuyenhoc.cache import CONTENT_TIMEOUT, default_locale, published_content
from khuyenhoc.pages import public


class CallToActionBlock(blocks.StructBlock):
    """A clear way in: apply for a title, follow an application, pledge to a campaign."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or a link"),
        required=False,
        max_length=500,
        help_text=_("An address on this site (/ho-so/) or elsewhere (https://...)"),
        validators=[
            RegexValidator(
                r"^(https?://|/)\S*$",
                _("Enter an address starting with / or https://"),
            )
        ],
    )

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "home/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or enter a link."))}
            )
        return value


def _count_block(default, maximum=12):
    return blocks.IntegerBlock(label=_("How many"), default=default, min_value=1, max_value=maximum)


def _items_for_page(queryset, page, count, kind):
    """Up to ``count`` items in the page's language; in the site's main language when the
    page's has none yet (English readers then see the Vietnamese items, marked as such).
    ``kind`` names the listing for the cache."""
    from news.models.articles import in_locale as _in_locale

    locale_id = getattr(page, "locale_id", None)
    if locale_id is None:
        return list(_in_locale(queryset, default_locale().pk)[:count]), None
    # Pages are served in their own language, so the active one tells the page's.
    if get_language() == settings.LANGUAGE_CODE:
        return list(_in_locale(queryset, locale_id)[:count]), None
    # Another language holds few pages: its index finds them (or none) at once, where
    # walking the dates would read every Vietnamese article looking for one. Whether it has
    # any of this kind is kept until content changes (or the day does), so its readers do not
    # pay an empty query before the fallback on every page.
    has_own = published_content.cached(
        ("own-items", kind, locale_id, timezone.localdate()),
        lambda: queryset.filter(locale_id=locale_id).exists(),
        CONTENT_TIMEOUT,
    )
    items = list(queryset.filter(locale_id=locale_id)[:count]) if has_own else []
    if items:
        return items, None
    fallback = list(_in_locale(queryset, default_locale().pk)[:count])
    return fallback, (settings.LANGUAGE_CODE if fallback else None)


def _articles():
    """Live articles, newest first, with the renditions the article card shows."""
    from news.models.articles import with_listing_related

    NewsArticlePage = apps.get_model("news", "NewsArticlePage")
    return with_listing_related(public(NewsArticlePage.objects.live())).order_by(
        "-date_published", "-pk"
    )


class _ListingBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        label=_("Title"), required=False, help_text=_("Leave empty for the usual title")
    )

    def items(self, value, page):
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        context["items"], context["items_lang"] = self.items(value, page)
        context["default_title"] = self.default_title
        return context


class LatestNewsBlock(_ListingBlock):
    count = _count_block(4)
    default_title = _("Latest news")

    class Meta:
        icon = "list-ul"
        label = _("Latest news")
        template = "home/blocks/news.html"

    def items(self, value, page):
        return _items_for_page(_articles(), page, value["count"], "latest-news")


class FeaturedNewsBlock(_ListingBlock):
    count = _count_block(3)
    default_title = _("Featured news")

    class Meta:
        icon = "pick"
        label = _("Featured news")
        help_text = _("The articles marked as pinned, newest first")
        template = "home/blocks/news.html"

    def items(self, value, page):
        return _items_for_page(
            _articles().filter(featured=True), page, value["count"], "featured-news"
        )


class OngoingCampaignsBlock(_ListingBlock):
    count = _count_block(3, maximum=6)
    default_title = _("Ongoing campaigns")

    class Meta:
        icon = "pick"
        label = _("Ongoing campaigns")
        template = "home/blocks/campaigns.html"

    def items(self, value, page):
        CampaignPage = apps.get_model("campaigns", "CampaignPage")
        campaigns, lang = _items_for_page(
            CampaignPage.ongoing_listing(), page, value["count"], "ongoing-campaigns"
        )
        CampaignPage.attach_live_values(campaigns)
        return campaigns, lang


class DocumentsBlock(_ListingBlock):
    count = _count_block(5)
    default_title = _("Newest documents")

    class Meta:
        icon = "doc-full"
        label = _("Newest documents")
        template = "home/blocks/documents.html"

    def items(self, value, page):
        from news.models.documents import as_list_items

        DocumentPage = apps.get_model("news", "DocumentPage")
        queryset = as_list_items(public(DocumentPage.objects.live())).order_by(
            "-date_issued", "-pk"
        )
        return _items_for_page(queryset, page, value["count"], "documents")


class FigureBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=120)
    value = blocks.DecimalBlock(label=_("Value"), max_digits=18, decimal_places=2)
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[
            ("number", pgettext_lazy("figure kind", "Number")),
            ("money", _("Money (đồng)")),
            ("percent", _("Percent")),
        ],
        default="number",
        widget=forms.RadioSelect,
    )
    note = blocks.CharBlock(
        label=_("Note"), required=False, max_length=255, help_text=_("e.g. as of 31/12/2025")
    )


class KeyFiguresBlock(blocks.StructBlock):
    """Figures of the movement: live counts of recognised titles by type, then those
    entered by editors (members, the study fund, scholarships)."""

    title = blocks.CharBlock(
        label=_("Title"), required=False, help_text=_("Leave empty for the usual title")
    )
    live_counts = blocks.BooleanBlock(
        label=_("Show the counts of recognised titles"),
        required=False,
        default=True,
        help_text=_("Counted from the applications recognised online, by title"),
    )
    figures = blocks.ListBlock(FigureBlock(), label=_("Figures"), min_num=0)

    class Meta:
        icon = "table"
        label = _("Key figures")
        template = "home/blocks/key_figures.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["live_figures"] = []
        if value.get("live_counts"):
            # ``forms_app`` imports ``home``: look its statistics up when the block renders.
            from forms_app import stats

            context["live_figures"] = stats.recognised_by_title()
        return context


class HomeStreamBlock(BaseStreamBlock):
    latest_news = LatestNewsBlock()
    featured_news = FeaturedNewsBlock()
    campaigns = OngoingCampaignsBlock()
    key_figures = KeyFiguresBlock()
    documents = DocumentsBlock()
    call_to_action = CallToActionBlock()
