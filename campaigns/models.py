"""Emulation campaigns (phong trào thi đua): period, targets and their progress, pledges."""

import datetime
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, IntegerField, Prefetch, Value, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from campaigns import formatting, live
from campaigns.blocks import CampaignStreamBlock
from home.models import PAGE_TRANSLATABLE_FIELDS
from khuyenhoc.antispam import rate_limited, too_many_requests
from khuyenhoc.cache import CONTENT_TIMEOUT, published_content
from khuyenhoc.forms import PageForm
from khuyenhoc.pages import OneChildTypeRouteMixin, VietnameseSlugMixin, public, with_photo
from khuyenhoc.search import SearchablePage
from khuyenhoc.text import normalize_phone
from news.models.articles import (
    NewsArticlePage,
    chosen_then_newest_ids,
    in_locale,
    listing_renditions,
    load_in_order,
    tagged_with,
)
from news.models.documents import DocumentPage, as_list_items

RELATED_NEWS = 4
YEAR_VALIDATORS = [MinValueValidator(1945), MaxValueValidator(2100)]


class CampaignStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    ONGOING = "ongoing", _("Ongoing")
    ENDED = "ended", _("Ended")


# The index lists ongoing campaigns first, then upcoming, then past ones.
STATUS_ORDER = [CampaignStatus.ONGOING, CampaignStatus.UPCOMING, CampaignStatus.ENDED]


def status_for(start_year, end_year, today=None):
    """A campaign runs from 1 January of its first year to 31 December of its last,
    in the association's time zone."""
    today = today or timezone.localdate()
    if today < datetime.date(start_year, 1, 1):
        return CampaignStatus.UPCOMING
    if today > datetime.date(end_year, 12, 31):
        return CampaignStatus.ENDED
    return CampaignStatus.ONGOING


def with_status_order(queryset, today=None):
    """Order campaigns as the index shows them, in the database: ongoing (newest start
    first), upcoming (soonest first), ended (latest end first)."""
    year = (today or timezone.localdate()).year
    upcoming = models.Q(start_year__gt=year)
    ended = models.Q(end_year__lt=year)
    return queryset.annotate(
        status_rank=Case(
            When(upcoming, then=Value(1)),
            When(ended, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        status_sort=Case(
            When(upcoming, then=F("start_year")),
            When(ended, then=-F("end_year")),
            default=-F("start_year"),
            output_field=IntegerField(),
        ),
    ).order_by("status_rank", "status_sort", "-pk")


# What a campaign card (campaigns/includes/campaign_card.html) reads of a campaign.
CARD_FIELDS = ("title", "url_path", "locale", "slogan", "start_year", "end_year", "hero_image")


def _listing_prefetches(queryset):
    queryset = queryset.only(*CARD_FIELDS)
    return with_photo(queryset, "hero_image", listing_renditions()).prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("sort_order", "pk")),
    )


class CampaignIndexPage(VietnameseSlugMixin, OneChildTypeRouteMixin, Page):
    """All campaigns: ongoing first, then upcoming, then past."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [TranslatableField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["campaigns.CampaignPage"]
    base_form_class = PageForm

    class Meta:
        verbose_name = _("campaign index")
        verbose_name_plural = _("campaign indexes")

    def campaigns(self):
        return _listing_prefetches(
            with_status_order(public(CampaignPage.objects.child_of(self).live()))
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        campaigns = list(self.campaigns())
        CampaignPage.attach_live_values(campaigns)
        context["groups"] = [
            (status, [c for c in campaigns if c.status == status]) for status in STATUS_ORDER
        ]
        context["groups"] = [(status, items) for status, items in context["groups"] if items]
        return context


class CampaignPage(SearchablePage, VietnameseSlugMixin, Page):
    """One emulation campaign: its slogan, period, who launched it, goals and targets."""

    search_type = "phong-trao"
    search_type_label = _("Campaign")
    search_date_field = "launched_on"

    @property
    def search_date(self):
        # Campaigns without a launch date sort by publication, as the search query does.
        return self.launched_on or self.first_published_at

    slogan = models.CharField(_("slogan"), max_length=255, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    launched_by = models.CharField(
        _("launched by"),
        max_length=255,
        blank=True,
        help_text=_("e.g. Prime Minister, Vietnam Study Promotion Association"),
    )
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    intro = models.TextField(
        _("summary"), blank=True, help_text=_("Shown in lists and under the title")
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_caption = models.CharField(_("photo caption"), max_length=500, blank=True)
    hero_credit = models.CharField(_("photo credit"), max_length=255, blank=True)
    body = StreamField(CampaignStreamBlock(), verbose_name=_("goals and content"), blank=True)
    news_tags = ParentalManyToManyField(
        "news.NewsTag",
        verbose_name=_("news tags"),
        blank=True,
        related_name="+",
        help_text=_("News with these tags is listed after the articles chosen below"),
    )
    pledges_enabled = models.BooleanField(
        _("collect pledges"),
        default=True,
        help_text=_("Show the form where people and organisations pledge to take part"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("slogan"),
        FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")], heading=_("Period")),
        FieldRowPanel([FieldPanel("launched_by"), FieldPanel("launched_on")]),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_caption"), FieldPanel("hero_credit")],
            heading=_("Main photo"),
        ),
        FieldPanel("body"),
        InlinePanel("targets", label=pgettext_lazy("campaign", "Target"), heading=_("Targets")),
        InlinePanel("form_links", label=_("Application form"), heading=_("Application forms")),
        MultiFieldPanel(
            [FieldPanel("news_tags"), InlinePanel("news_links", label=_("Article"))],
            heading=_("Related news"),
        ),
        InlinePanel(
            "document_links",
            label=pgettext_lazy("official document", "Document"),
            heading=_("Related documents"),
        ),
        FieldPanel("pledges_enabled"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("slogan", boost=2),
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("launched_by"),
        index.FilterField("start_year"),
        index.FilterField("end_year"),
    ]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [
        TranslatableField("slogan"),
        TranslatableField("launched_by"),
        TranslatableField("intro"),
        TranslatableField("hero_caption"),
        TranslatableField("hero_credit"),
        TranslatableField("body"),
        TranslatableField("targets"),
        SynchronizedField("start_year"),
        SynchronizedField("end_year"),
        SynchronizedField("launched_on"),
        SynchronizedField("hero_image"),
        SynchronizedField("news_tags"),
        SynchronizedField("news_links"),
        SynchronizedField("document_links"),
        SynchronizedField("form_links"),
        SynchronizedField("pledges_enabled"),
    ]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []
    base_form_class = PageForm

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year cannot be before the first year.")})

    @property
    def status(self):
        return status_for(self.start_year, self.end_year)

    def get_status_display(self):
        return CampaignStatus(self.status).label

    @property
    def period(self):
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"

    @property
    def main_target(self):
        """The first target: what the home page and the index show for the campaign."""
        targets = list(self.targets.all())
        return targets[0] if targets else None

    @classmethod
    def ongoing_listing(cls, today=None):
        """Live campaigns running today, with what a card shows (for the home page)."""
        year = (today or timezone.localdate()).year
        queryset = public(cls.objects.live()).filter(start_year__lte=year, end_year__gte=year)
        return _listing_prefetches(queryset.order_by("-start_year", "-pk"))

    @staticmethod
    def attach_live_values(campaigns):
        """Count the live targets of listed campaigns (their prefetched targets) at once."""
        live.attach_live_values([t for campaign in campaigns for t in campaign.targets.all()])

    # Related content -------------------------------------------------------------

    def related_news(self, limit=RELATED_NEWS, cached=False):
        """Articles chosen by editors first, then the newest sharing one of the campaign's
        tags: ids first, then one load, as an article's related articles. With ``cached``
        the ids are kept until published content changes (not for previews: their links
        and tags are the draft's)."""
        articles = public(NewsArticlePage.objects.live())

        def ids():
            chosen_ids = [link.page_id for link in self.news_links.all()]
            tag_ids = [tag.pk for tag in self.news_tags.all()]
            automatic = in_locale(articles.filter(tagged_with(tag_ids)), self.locale_id)
            if not tag_ids:
                automatic = automatic.none()
            return chosen_then_newest_ids(chosen_ids, automatic, limit)

        if cached:
            parts = ("campaign-news", self.pk, limit)
            return load_in_order(
                articles, published_content.cached(parts, ids, CONTENT_TIMEOUT), limit
            )
        return load_in_order(articles, ids(), limit)

    def related_documents(self):
        ids = [link.page_id for link in self.document_links.all()]
        by_id = as_list_items(public(DocumentPage.objects.live())).in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def application_forms(self):
        return [
            link
            for link in self.form_links.select_related("page")
            if link.page is not None and link.page.live
        ]

    def pledge_key_page(self):
        """Pledges belong to the campaign in the site's main language, so every
        translation shows the same count and refuses the same duplicates."""
        if self.locale.language_code == settings.LANGUAGE_CODE:
            return self
        original = (
            self.get_translations().filter(locale__language_code=settings.LANGUAGE_CODE).first()
        )
        return original.specific if original else self

    def pledge_count(self):
        return Pledge.objects.filter(campaign__translation_key=self.translation_key).count()

    # Serving ---------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        targets = list(self.targets.all())
        live.attach_live_values(targets)
        context.update(
            targets=targets,
            commune_results=live.results_by_commune(targets),
            related_news=self.related_news(cached=not getattr(request, "is_preview", False)),
            related_documents=self.related_documents(),
            application_forms=self.application_forms(),
        )
        if self.pledges_enabled:
            context["pledge_count"] = self.pledge_count()
            context.setdefault("pledge_form", None)
            if context["pledge_form"] is None:
                from campaigns.forms import PledgeForm

                context["pledge_form"] = PledgeForm(campaign=self)
        return context

    def serve(self, request, *args, **kwargs):
        response = self._serve(request, *args, **kwargs)
        # The page carries a CSRF token and a signed start time: never cache it.
        add_never_cache_headers(response)
        return response

    def _serve(self, request, *args, **kwargs):
        if request.method != "POST" or not self.pledges_enabled:
            return super().serve(request, *args, **kwargs)
        from campaigns.forms import PledgeForm

        if rate_limited(request, "pledges"):
            return too_many_requests(request)
        campaign = self.pledge_key_page()
        form = PledgeForm(request.POST, campaign=campaign)
        if form.is_valid():
            if not form.is_duplicate:
                try:
                    with transaction.atomic():
                        form.save()
                except IntegrityError:
                    pass  # the same contact sent twice at the same moment: one row is kept
            messages.success(request, _("Thank you! Your pledge to take part has been recorded."))
            return HttpResponseRedirect(self.get_url(request) + "#pledge")
        context = self.get_context(request, *args, **kwargs)
        context["pledge_form"] = form
        return TemplateResponse(
            request, self.get_template(request, *args, **kwargs), context, status=400
        )


class Unit(models.TextChoices):
    HOUSEHOLD = "household", _("households (hộ gia đình)")
    CLAN = "clan", _("clans (dòng họ)")
    ORGANISATION = "organisation", _("organisations (đơn vị)")
    PERSON = "person", _("people (người)")
    MONEY = "money", _("đồng (money)")


# How a figure's unit reads after the number: "80.000 hộ".
UNIT_AFTER_NUMBER = {
    Unit.HOUSEHOLD: pgettext_lazy("after a number", "households"),
    Unit.CLAN: pgettext_lazy("after a number", "clans"),
    Unit.ORGANISATION: pgettext_lazy("after a number", "organisations"),
    Unit.PERSON: pgettext_lazy("after a number", "people"),
}


class TargetSource(models.TextChoices):
    MANUAL = "manual", _("Entered by editors")
    LIVE = "live", _("Counted from recognised applications")


class Title(models.TextChoices):
    """The five learning titles (danh hiệu) a live target can count."""

    # The values are those of ``forms_app.models.LearningTitle``.
    CITIZEN = "citizen", _("Learning citizen")
    FAMILY = "family", _("Learning family")
    CLAN = "clan", _("Learning clan")
    COMMUNITY = "community", _("Learning community")
    UNIT = "unit", _("Learning unit")


class Target(TranslatableMixin, Orderable):
    """A measurable target of a campaign and how far it has come."""

    campaign = ParentalKey(CampaignPage, related_name="targets", on_delete=models.CASCADE)
    indicator = models.CharField(
        _("indicator"), max_length=255, help_text=_("e.g. Families recognised as learning families")
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    baseline = models.PositiveBigIntegerField(
        _("baseline"), null=True, blank=True, help_text=_("The figure when the campaign began")
    )
    target_value = models.PositiveBigIntegerField(_("target"), validators=[MinValueValidator(1)])
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    source = models.CharField(
        _("achieved value comes from"),
        max_length=10,
        choices=TargetSource.choices,
        default=TargetSource.MANUAL,
    )
    achieved_value = models.PositiveBigIntegerField(_("achieved"), null=True, blank=True)
    achieved_updated_on = models.DateField(_("figure updated on"), null=True, blank=True)
    achieved_source = models.CharField(
        _("source of the figure"),
        max_length=255,
        blank=True,
        help_text=_("e.g. Report 21/BC-HKH of 15/12/2025"),
    )
    live_title = models.CharField(
        _("title counted"), max_length=30, choices=Title.choices, blank=True
    )
    live_year_from = models.PositiveSmallIntegerField(
        _("from year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    live_year_to = models.PositiveSmallIntegerField(
        _("to year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    # The area counted: a commune, else a province, else every application received.
    live_province = models.ForeignKey(
        "forms_app.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty to count every province"),
    )
    live_commune = models.ForeignKey(
        "forms_app.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty to count the whole province"),
    )

    panels = [
        FieldPanel("indicator"),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("deadline")]),
        FieldRowPanel([FieldPanel("baseline"), FieldPanel("target_value")]),
        FieldPanel("source"),
        FieldRowPanel(
            [
                FieldPanel("achieved_value"),
                FieldPanel("achieved_updated_on"),
                FieldPanel("achieved_source"),
            ],
            heading=_("Entered by editors"),
        ),
        FieldRowPanel(
            [
                FieldPanel("live_title"),
                FieldPanel("live_year_from"),
                FieldPanel("live_year_to"),
            ],
            heading=_("Counted from applications"),
        ),
        FieldRowPanel(
            [FieldPanel("live_province"), FieldPanel("live_commune")],
            heading=_("Area counted"),
        ),
    ]

    translatable_fields = [
        TranslatableField("indicator"),
        TranslatableField("achieved_source"),
        SynchronizedField("unit"),
        SynchronizedField("baseline"),
        SynchronizedField("target_value"),
        SynchronizedField("deadline"),
        SynchronizedField("source"),
        SynchronizedField("achieved_value"),
        SynchronizedField("achieved_updated_on"),
        SynchronizedField("live_title"),
        SynchronizedField("live_year_from"),
        SynchronizedField("live_year_to"),
        SynchronizedField("live_province"),
        SynchronizedField("live_commune"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return self.indicator

    def clean(self):
        super().clean()
        errors = {}
        if self.source == TargetSource.MANUAL:
            if self.achieved_value is not None and not self.achieved_updated_on:
                errors["achieved_updated_on"] = _("Give the date this figure was updated.")
        elif self.source == TargetSource.LIVE:
            if not self.live_title:
                errors["live_title"] = _("Choose the title to count.")
            if (
                self.live_year_from
                and self.live_year_to
                and self.live_year_to < self.live_year_from
            ):
                errors["live_year_to"] = _("The last year cannot be before the first year.")
            if self.live_commune_id:
                province_id = self.live_commune.province_id
                if self.live_province_id and self.live_province_id != province_id:
                    errors["live_commune"] = _("This commune is not in the chosen province.")
                else:
                    self.live_province_id = province_id
        if errors:
            raise ValidationError(errors)

    # Progress --------------------------------------------------------------------

    @property
    def is_live(self):
        return self.source == TargetSource.LIVE

    @property
    def achieved(self):
        """The figure reached so far, or None when there is none (yet)."""
        if self.is_live:
            return getattr(self, "live_value", None)
        return self.achieved_value

    @property
    def has_progress(self):
        return self.achieved is not None

    @property
    def percent(self):
        return formatting.ratio_percent(self.achieved, self.target_value)

    @property
    def bar_value(self):
        """What the progress bar fills, capped at the target."""
        return min(self.achieved or 0, self.target_value)

    def format_figure(self, value):
        if self.unit == Unit.MONEY:
            return formatting.format_money(value)
        return formatting.format_number(value)

    def unit_after_number(self):
        return UNIT_AFTER_NUMBER.get(self.unit, "")

    def progress_text(self):
        """The bar as words: "64.410 / 80.000 hộ — 80,5%" or "32 tỉ đồng / 40 tỉ đồng — 80%"."""
        if not self.has_progress:
            return ""
        achieved = self.format_figure(self.achieved)
        target = self.format_figure(self.target_value)
        unit = self.unit_after_number()
        figures = f"{achieved} / {target} {unit}".rstrip()
        return f"{figures} — {formatting.format_percent(self.percent)}"


class CampaignNewsLink(Orderable):
    campaign = ParentalKey(CampaignPage, related_name="news_links", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "news.NewsArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("page")]


class CampaignDocumentLink(Orderable):
    campaign = ParentalKey(CampaignPage, related_name="document_links", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "news.DocumentPage",
        verbose_name=pgettext_lazy("official document", "document"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("page")]


class CampaignFormLink(Orderable):
    """A way to apply: any page, so the form pages of ``forms_app`` need no import here."""

    campaign = ParentalKey(CampaignPage, related_name="form_links", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("form page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    label = models.CharField(
        _("link text"),
        max_length=255,
        blank=True,
        help_text=_("e.g. Register as a learning family; the page title when empty"),
    )

    panels = [PageChooserPanel("page"), FieldPanel("label")]


def normalise_contact(contact):
    """One form for a phone number or an e-mail address, to recognise a second pledge:
    "+84 912 345 678", "0912.345.678" -> "0912345678"; e-mail addresses in lower case."""
    contact = (contact or "").strip().lower()
    if "@" in contact:
        return contact
    # Numbers from abroad are kept as their digits.
    return normalize_phone(contact) or re.sub(r"[^\d+]", "", contact)


class Pledge(models.Model):
    """Someone's pledge to take part in a campaign ("Đăng ký hưởng ứng")."""

    campaign = models.ForeignKey(
        CampaignPage,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="pledges",
    )
    name = models.CharField(_("full name"), max_length=255)
    organisation = models.CharField(
        _("organisation"),
        max_length=255,
        blank=True,
        help_text=_("Family, clan, school, agency or business, if you pledge for one"),
    )
    commune = models.CharField(_("commune or ward"), max_length=255)
    contact = models.CharField(
        _("phone or e-mail"), max_length=255, help_text=_("Only the association sees it")
    )
    contact_normalised = models.CharField(max_length=255, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    panels = [
        FieldPanel("campaign", read_only=True),
        FieldPanel("name"),
        FieldPanel("organisation"),
        FieldPanel("commune"),
        FieldPanel("contact"),
    ]

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contact_normalised"], name="one_pledge_per_contact"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.contact_normalised = normalise_contact(self.contact)
        super().save(*args, **kwargs)
