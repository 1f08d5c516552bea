from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
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
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.models import PAGE_TRANSLATABLE_FIELDS
from khuyenhoc.forms import PageForm
from khuyenhoc.pages import VietnameseSlugMixin
from khuyenhoc.text import slugify_vi
from news.blocks import ArticleStreamBlock
from news.models.categories import NewsCategory

# Renditions the listing's {% picture %} asks for; prefetched with the articles.
LISTING_IMAGE_SPEC = "fill-{400x225,800x450}|format-{avif,webp,jpeg}"
ARTICLES_PER_PAGE = 12
RELATED_ARTICLES = 4


def listing_renditions():
    return Filter.expand_spec(LISTING_IMAGE_SPEC)


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


class NewsIndexPage(VietnameseSlugMixin, RoutablePageMixin, Page):
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
        Image = get_image_model()
        return (
            NewsArticlePage.objects.child_of(self)
            .live()
            .public()
            .select_related("category")
            .prefetch_related(
                Prefetch(
                    "hero_image",
                    queryset=Image.objects.prefetch_renditions(*listing_renditions()),
                )
            )
            .order_by("-date_published", "-pk")
        )

    def categories(self):
        return NewsCategory.objects.filter(locale_id=self.locale_id)

    def years(self):
        dates = self.articles.dates("date_published", "year", order="DESC")
        return [moment.year for moment in dates]

    def paginate(self, request, articles):
        paginator = Paginator(articles, ARTICLES_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        return {
            "page_obj": page_obj,
            "articles": page_obj.object_list,
            "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=1),
        }

    def render_listing(self, request, articles, **context):
        pinned = []
        if not context and request.GET.get("page") in (None, "", "1"):
            pinned = list(self.articles.filter(featured=True)[:3])
        return self.render(
            request,
            context_overrides={
                **self.paginate(request, articles),
                "pinned": pinned,
                "categories": self.categories(),
                "years": self.years(),
                **context,
            },
        )

    @path("")
    def all_articles(self, request):
        return self.render_listing(request, self.articles)

    @path("chuyen-muc/<slug:slug>/")
    def by_category(self, request, slug):
        category = get_object_or_404(NewsCategory, locale=self.locale, slug=slug)
        return self.render_listing(
            request, self.articles.filter(category=category), category=category
        )

    @path("the/<slug:slug>/")
    def by_tag(self, request, slug):
        tag = get_object_or_404(NewsTag, slug=slug)
        return self.render_listing(request, self.articles.filter(tags=tag), tag=tag)

    @path("nam/<int:year>/")
    def by_year(self, request, year):
        if not 1900 <= year <= 2999:
            raise Http404
        return self.render_listing(
            request, self.articles.filter(date_published__year=year), year=year
        )


class NewsArticlePage(VietnameseSlugMixin, Page):
    """A news article as Vietnamese news sites lay it out: lead, hero photo, body, source."""

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

    def related_articles(self, limit=RELATED_ARTICLES):
        """Articles chosen by the editor first, then the newest sharing a category or tag."""
        chosen = [
            link.page
            for link in self.related_links.select_related("page").all()
            if link.page.live and link.page.pk != self.pk
        ][:limit]
        if len(chosen) >= limit:
            return chosen
        siblings = (
            NewsArticlePage.objects.live()
            .public()
            .filter(locale_id=self.locale_id)
            .exclude(pk__in=[self.pk, *(page.pk for page in chosen)])
        )
        tag_ids = list(self.tags.values_list("pk", flat=True))
        same_topic = models.Q(tags__in=tag_ids) if tag_ids else models.Q(pk__in=[])
        if self.category_id:
            same_topic |= models.Q(category_id=self.category_id)
        Image = get_image_model()
        automatic = (
            siblings.filter(same_topic)
            .distinct()
            .select_related("category")
            .prefetch_related(
                Prefetch(
                    "hero_image",
                    queryset=Image.objects.prefetch_renditions(*listing_renditions()),
                )
            )
            .order_by("-date_published", "-pk")[: limit - len(chosen)]
        )
        return chosen + list(automatic)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_articles"] = self.related_articles()
        context["news_index"] = self.get_parent().specific_deferred
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
