from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.models import PAGE_TRANSLATABLE_FIELDS
from khuyenhoc.cache import CONTENT_TIMEOUT, published_content
from khuyenhoc.forms import PageForm
from khuyenhoc.pages import OneChildTypeRouteMixin, VietnameseSlugMixin, public
from khuyenhoc.search import SearchablePage
from khuyenhoc.text import fold, slugify_vi

DOCUMENTS_PER_PAGE = 20
# What a short list of documents (home page, campaign) reads of each: 7 of their 37 columns.
LIST_ITEM_FIELDS = ("title", "url_path", "locale", "number", "issuer", "date_issued", "summary")


def as_list_items(documents):
    """``documents`` with what a short list shows: number, issuer, date and summary."""
    return documents.select_related("issuer").only(*LIST_ITEM_FIELDS)


class DocumentType(models.TextChoices):
    DECISION = "quyet-dinh", _("Decision (Quyết định)")
    CIRCULAR = "thong-tu", _("Circular (Thông tư)")
    DIRECTIVE = "chi-thi", _("Directive (Chỉ thị)")
    RESOLUTION = "nghi-quyet", _("Resolution (Nghị quyết)")
    PLAN = "ke-hoach", _("Plan (Kế hoạch)")
    GUIDANCE = "huong-dan", _("Guidance (Hướng dẫn)")
    OFFICIAL_LETTER = "cong-van", _("Official letter (Công văn)")


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in-force", _("In force")
    EXPIRED = "expired", _("Expired")
    REPLACED = "replaced", _("Replaced")


class IssuingBody(models.Model):
    """Who issued a document: "UBND tỉnh", "Bộ Giáo dục và Đào tạo"..."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("issuing body")
        verbose_name_plural = _("issuing bodies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify_vi(self.name)[:255]
        super().save(*args, **kwargs)


def normalise_number(number):
    """ "135/KH-UBND", "135 kh ubnd" and "135/KH–UBND" all become "135 KH UBND"."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in fold(number or "").upper())
    return " ".join(cleaned.split())


class DocumentFilterForm(forms.Form):
    """The library's filters: every value is checked, a bad one is simply not applied."""

    so = forms.CharField(
        label=pgettext_lazy("official document", "Number"), required=False, max_length=60
    )
    loai = forms.ChoiceField(label=pgettext_lazy("official document", "Type"), required=False)
    # By slug, from one query that both lists and checks them.
    co_quan = forms.ChoiceField(label=_("Issued by"), required=False)
    nam = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loai"].choices = [
            ("", pgettext_lazy("official document", "All types")),
            *DocumentType.choices,
        ]
        self.fields["co_quan"].choices = [
            ("", _("All issuing bodies")),
            *IssuingBody.objects.values_list("slug", "name"),
        ]
        self.fields["nam"].choices = [("", _("All years"))] + [(y, y) for y in years]


class DocumentIndexPage(VietnameseSlugMixin, OneChildTypeRouteMixin, Page):
    """The library of official documents, newest first, filtered by a GET form."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [TranslatableField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.DocumentPage"]
    base_form_class = PageForm

    class Meta:
        verbose_name = _("document library")
        verbose_name_plural = _("document libraries")

    @property
    def documents(self):
        return (
            public(DocumentPage.objects.child_of(self).live())
            .select_related("issuer")
            .order_by("-date_issued", "-pk")
        )

    def years(self, documents=None):
        """Years that have documents, newest first: cached until the next publication,
        since finding them reads every document."""

        def years():
            listing = self.documents if documents is None else documents
            return [d.year for d in listing.dates("date_issued", "year", order="DESC")]

        return published_content.cached(("document-years", self.pk), years, CONTENT_TIMEOUT)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        documents = self.documents
        form = DocumentFilterForm(request.GET or None, years=self.years(documents))
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data["so"]:
                documents = documents.filter(
                    number_normalised__contains=normalise_number(data["so"])
                )
            if data["loai"]:
                documents = documents.filter(doc_type=data["loai"])
            if data["co_quan"]:
                documents = documents.filter(issuer__slug=data["co_quan"])
            if data["nam"]:
                documents = documents.filter(date_issued__year=data["nam"])
        paginator = Paginator(documents, DOCUMENTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            page_obj=page_obj,
            documents=page_obj.object_list,
            page_range=paginator.get_elided_page_range(page_obj.number, on_each_side=1),
            filter_query=query.urlencode(),
        )
        return context


class DocumentPage(SearchablePage, VietnameseSlugMixin, Page):
    """An official document: its number, issuer, dates, status and files."""

    search_type = "van-ban"
    search_type_label = _("Official document")
    search_date_field = "date_issued"
    search_snippet_fields = ["summary", "body"]

    number = models.CharField(_("number"), max_length=60, help_text=_("e.g. 135/KH-UBND"))
    number_normalised = models.CharField(max_length=60, editable=False, db_index=True)
    doc_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices)
    issuer = models.ForeignKey(
        IssuingBody,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    signer = models.CharField(_("signed by"), max_length=255, blank=True)
    date_issued = models.DateField(_("date issued"), db_index=True)
    date_effective = models.DateField(_("date effective"), null=True, blank=True)
    summary = models.TextField(_("summary (trích yếu)"))
    body = RichTextField(_("notes"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.IN_FORCE
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("number"), FieldPanel("doc_type")]),
        FieldRowPanel([FieldPanel("issuer"), FieldPanel("signer")]),
        FieldRowPanel([FieldPanel("date_issued"), FieldPanel("date_effective")]),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("status"), FieldPanel("replaced_by")], heading=_("Status")),
        InlinePanel("files", label=_("Files"), heading=_("Files"), min_num=1),
        InlinePanel("related_pages", label=_("Related"), heading=_("Related documents and news")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("number", boost=3),
        index.SearchField("number_normalised", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("signer"),
        index.FilterField("doc_type"),
        index.FilterField("date_issued"),
    ]
    translatable_fields = PAGE_TRANSLATABLE_FIELDS + [
        TranslatableField("summary"),
        TranslatableField("body"),
        SynchronizedField("number"),
        SynchronizedField("doc_type"),
        SynchronizedField("issuer"),
        SynchronizedField("signer"),
        SynchronizedField("date_issued"),
        SynchronizedField("date_effective"),
        SynchronizedField("status"),
        SynchronizedField("replaced_by"),
        SynchronizedField("files"),
    ]
    parent_page_types = ["news.DocumentIndexPage"]
    subpage_types = []
    base_form_class = PageForm

    class Meta:
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")

    def save(self, *args, **kwargs):
        self.number_normalised = normalise_number(self.number)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.date_effective and self.date_issued and self.date_effective < self.date_issued:
            raise ValidationError(
                {"date_effective": _("The effective date cannot be before the date issued.")}
            )
        if self.status == DocumentStatus.REPLACED and not self.replaced_by_id:
            raise ValidationError({"replaced_by": _("Choose the document that replaces this one.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["files"] = [f for f in self.files.select_related("document") if f.document]
        context["related"] = [
            link.page.specific
            for link in self.related_pages.select_related("page")
            if link.page.live
        ]
        return context


class DocumentFile(Orderable):
    page = ParentalKey(DocumentPage, related_name="files", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(
        _("label"), max_length=255, blank=True, help_text=_("e.g. Full text, Appendix")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def is_pdf(self):
        return self.document.file_extension.lower() == "pdf"


class DocumentRelatedPage(Orderable):
    source = ParentalKey(DocumentPage, related_name="related_pages", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("page", page_type=["news.DocumentPage", "news.NewsArticlePage"])]
