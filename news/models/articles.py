from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images.models import Filter
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.models import PAGE_TRANSLATABLE_FIELDS
from khuyenhoc.cache import CONTENT_TIMEOUT, published_content
from khuyenhoc.forms import PageForm
from khuyenhoc.pages import OneChildTypeRouteMixin, VietnameseSlugMixin, public, with_photo
from khuyenhoc.search import SearchablePage
from khuyenhoc.text import slugify_vi
from news.blocks import ArticleStreamBlock
from news.models.categories import NewsCategory

# Renditions the listing's {% picture %} asks for; prefetched with the articles.
LISTING_IMAGE_SPEC = "fill-{400x225,800x450}|format-{avif,webp,jpeg}"
ARTICLES_PER_PAGE = 12
RELATED_ARTICLES = 4


def listing_renditions():
    return Filter.expand_spec(LISTING_IMAGE_SPEC)


# What an article card (news/includes/article_card.html) reads of an article: 8 of its 42
# columns. Loading and compiling the rest (the body above all) cost a list of 4 cards 0.8 ms.
CARD_FIELDS = ("title", "url_path", "locale", "date_published", "lead", "category", "hero_image")


def with_listing_related(articles):
    """What an article card shows: the few fields it reads, its category, its photo and the
    photo's listing renditions, each in one query for the whole list."""
    articles = articles.select_related("category").only(*CARD_FIELDS)
    return with_photo(articles, "hero_image", listing_renditions())


def in_locale(pages, locale):
    """Filter on the language without the index of ``Page.locale``: with two languages it
    matches half the pages, and SQLite, which keeps no statistics unless asked, would use
    it and read every article of the language to sort them, instead of walking the date
    index until it has the few newest (10-15 ms against 1 ms with 10,000 articles)."""
    return pages.alias(locale_unindexed=models.F("locale_id") + 0).filter(locale_unindexed=locale)


def tagged_with(tag_ids):
    """Articles carrying one of the tags, as a subquery: joining the tags would repeat an
    article per matching tag and need a costly ``DISTINCT`` over the whole sorted set."""
    return models.Q(
        pk__in=ArticleTag.objects.filter(tag_id__in=tag_ids).values("content_object_id")
    )


def chosen_then_newest_ids(chosen_ids, automatic, limit):
    """The ids of the articles chosen by editors, in their order, then of the newest of
    ``automatic``: enough to fill every place even if no chosen article is live any more."""
    automatic_ids = automatic.exclude(pk__in=chosen_ids).order_by("-date_published", "-pk")
    return [*chosen_ids, *automatic_ids.values_list("pk", flat=True)[:limit]]


def load_in_order(articles, ids, limit):
    """Up to ``limit`` of the live ``articles`` with these ids, in their order, with what their
    cards show: the articles with their photos, then the photos' renditions."""
    found = with_listing_related(articles).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found][:limit]


def paginate_by_ids(queryset, number, per_page, count_parts=None):
    """Page through ``queryset`` sorting only its ids, then load that page's rows.

    A deep page ("?page=400") makes the database skip thousands of rows; skipping narrow
    ids rows is several times cheaper than skipping whole pages. Counting reads every row,
    so with ``count_parts`` (what names this listing) the count is cached until the next
    publication.
    Returns the page (its object_list holds the rows, in order) and the elided page range.
    """
    paginator = Paginator(queryset.values_list("pk", flat=True), per_page)
    if count_parts is not None:
        # Paginator.count is a cached_property: set, it is not counted again.
        paginator.count = published_content.cached(
            ("news-count", *count_parts), lambda: paginator.count, CONTENT_TIMEOUT
        )
    page_obj = paginator.get_page(number)
    ids = list(page_obj.object_list)
    rows = queryset.order_by().in_bulk(ids)
    page_obj.object_list = [rows[pk] for pk in ids if pk in rows]
    return page_obj, paginator.get_elided_page_range(page_obj.number, on_each_side=1)


class NewsTag(TagBase):
    """A tag whose slug folds Vietnamese ("tọa đàm" -> toa-dam); taggit's own drops "đ"."""

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def slugify(self, tag, i=None):
        slug = slugify_vi(tag)[:90] or "the"
        return slug if i is None else f"{slug}-{i}"


class ArticleTag(ItemBase):
    tag = models.ForeignKey(NewsTag, related_name="tagged_articles", on_delete=models.CASCADE)
    content_object = ParentalKey(
        "news.NewsArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsIndexPage(VietnameseSlugMixin, RoutablePageMixin, OneChildTypeRouteMixin, Page):
    """The news listing, with readable URLs for each filter:
    ``chuyen-muc/<category>/``, ``the/<tag>/`` and ``nam/<year>/``."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [TranslatableField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsArticlePage"]
    base_form_class = PageForm

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    @property
    def articles(self):
        """Live articles under this index, newest first, with what the listing shows."""
        return with_listing_related(
            public(NewsArticlePage.objects.child_of(self).live()).order_by("-date_published", "-pk")
        )

    def categories(self):
        return NewsCategory.objects.filter(locale_id=self.locale_id)

    def years(self, articles=None):
        """Years that have articles, newest first: cached until the next publication, since
        finding them reads every article."""

        def years():
            listing = self.articles if articles is None else articles
            return [moment.year for moment in listing.dates("date_published", "year", "DESC")]

        return published_content.cached(("news-years", self.pk), years, CONTENT_TIMEOUT)

    def paginate(self, request, articles, count_parts=None):
        page_obj, page_range = paginate_by_ids(
            articles, request.GET.get("page"), ARTICLES_PER_PAGE, count_parts
        )
        return {"page_obj": page_obj, "articles": page_obj.object_list, "page_range": page_range}

    def render_listing(self, request, filters=None, **context):
        """The listing, filtered by ``filters`` (a Q) that ``context`` names (category, tag
        or year); the unfiltered first page also leads with the pinned articles."""
        articles = self.articles
        pinned = []
        if not context and request.GET.get("page") in (None, "", "1"):
            pinned = list(articles.filter(featured=True)[:3])
        listing = articles.filter(filters) if filters is not None else articles
        named = [f"{name}={getattr(value, 'pk', value)}" for name, value in context.items()]
        count_parts = (self.pk, *sorted(named))
        return self.render(
            request,
            context_overrides={
                **self.paginate(request, listing, count_parts),
                "pinned": pinned,
                "categories": self.categories(),
                "years": self.years(articles),
                **context,
            },
        )

    @path("")
    def all_articles(self, request):
        return self.render_listing(request)

    @path("chuyen-muc/<slug:slug>/")
    def by_category(self, request, slug):
        category = get_object_or_404(NewsCategory, locale_id=self.locale_id, slug=slug)
        return self.render_listing(request, models.Q(category=category), category=category)

    @path("the/<slug:slug>/")
    def by_tag(self, request, slug):
        tag = get_object_or_404(NewsTag, slug=slug)
        return self.render_listing(request, models.Q(tags=tag), tag=tag)

    @path("nam/<int:year>/")
    def by_year(self, request, year):
        if not 1900 <= year <= 2999:
            raise Http404
        return self.render_listing(request, models.Q(date_published__year=year), year=year)


class NewsArticlePage(SearchablePage, VietnameseSlugMixin, Page):
    """A news article as Vietnamese news sites lay it out: lead, hero photo, body, source."""

    search_type = "tin-tuc"
    search_type_label = _("News")
    search_date_field = "date_published"

    category = models.ForeignKey(
        NewsCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    date_published = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        db_index=True,
        help_text=_("Shown on the article; to publish later, set the go-live time instead"),
    )
    lead = models.TextField(_("lead"), blank=True, help_text=_("The sapo shown in bold"))
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_caption = models.CharField(_("photo caption"), max_length=500, blank=True)
    hero_credit = models.CharField(
        _("photo credit"), max_length=255, blank=True, help_text=_("e.g. Photo: HKH Thai Binh")
    )
    body = StreamField(ArticleStreamBlock(), verbose_name=_("body"), blank=True)
    author = models.CharField(_("author"), max_length=255, blank=True)
    source_name = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("When the article comes from elsewhere"),
    )
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    featured = models.BooleanField(
        _("pinned"), default=False, help_text=_("Pinned articles lead the news index")
    )
    comments_enabled = models.BooleanField(_("readers may comment"), default=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("category"), FieldPanel("date_published")]),
        FieldPanel("lead"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_caption"), FieldPanel("hero_credit")],
            heading=_("Main photo"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("author"), FieldPanel("source_name"), FieldPanel("source_url")],
            heading=_("Author and source"),
        ),
        FieldPanel("tags"),
        InlinePanel("related_links", label=_("Related articles"), heading=_("Related articles")),
        FieldRowPanel([FieldPanel("featured"), FieldPanel("comments_enabled")]),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date_published"),
        index.FilterField("category"),
    ]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [
        TranslatableField("lead"),
        TranslatableField("hero_caption"),
        TranslatableField("hero_credit"),
        TranslatableField("body"),
        TranslatableField("category"),
        SynchronizedField("date_published"),
        SynchronizedField("hero_image"),
        SynchronizedField("author"),
        SynchronizedField("source_name"),
        SynchronizedField("source_url"),
        SynchronizedField("tags"),
        SynchronizedField("featured"),
        SynchronizedField("comments_enabled"),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    base_form_class = PageForm

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        indexes = [
            # The newest pinned articles (home page, news index): a few rows among thousands,
            # found at once instead of reading every article to pick them out.
            models.Index(
                fields=["date_published"],
                condition=models.Q(featured=True),
                name="news_article_pinned_newest",
            ),
        ]

    def related_articles(self, limit=RELATED_ARTICLES, tags=None):
        """Articles chosen by the editor first, then the newest sharing a category or tag.

        A fixed number of queries whatever the number of articles: the chosen ids, the
        automatic ids (tags come in through a subquery, so no DISTINCT), then one fetch of
        them all with their photos.
        """
        chosen_ids = [
            pk
            for pk in self.related_links.order_by("sort_order").values_list("page_id", flat=True)
            if pk != self.pk
        ]
        articles = public(NewsArticlePage.objects.live())
        if tags is None:
            tag_ids = list(self.tags.values_list("pk", flat=True))
        else:
            tag_ids = [tag.pk for tag in tags]
        same_topic = tagged_with(tag_ids)
        if self.category_id:
            same_topic |= models.Q(category_id=self.category_id)
        automatic = articles.filter(same_topic, locale_id=self.locale_id).exclude(pk=self.pk)
        return load_in_order(articles, chosen_then_newest_ids(chosen_ids, automatic, limit), limit)

    def approved_comments(self):
        """Approved comments, oldest first, in one query; the others never show."""
        return list(
            self.comments.approved()
            .only("pk", "article", "name", "text", "created_at")
            .order_by("created_at", "pk")
        )

    def serve(self, request, *args, **kwargs):
        # Readers post comments to the article's own URL; GET is served as usual.
        if request.method == "POST":
            from news.views import post_comment

            return post_comment(request, self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tags"] = tags = list(self.tags.all())
        context["related_articles"] = self.related_articles(tags=tags)
        context["news_index"] = self.get_parent().specific_deferred
        context["comments"] = self.approved_comments()
        if self.comments_enabled:
            from news.forms import CommentForm

            context["comment_form"] = CommentForm()
        return context


class RelatedArticle(Orderable):
    source = ParentalKey(NewsArticlePage, related_name="related_links", on_delete=models.CASCADE)
    page = models.ForeignKey(
        NewsArticlePage,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
