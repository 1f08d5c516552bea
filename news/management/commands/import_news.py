"""Move old articles in from a JSON Lines file, one article per line.

Each line is an object such as::

    {"title": "...", "published_at": "2023-12-20T17:13:00+07:00", "lead": "...",
     "body": ["Đoạn một.", "Đoạn hai."] or "<p>HTML</p>", "author": "...",
     "source_name": "...", "source_url": "https://...", "category": "...",
     "tags": ["...", "..."], "image": "anh/1.jpg", "image_caption": "...",
     "image_credit": "..."}

Only ``title``, ``published_at`` and ``body`` are required; other keys are ignored. The
fields the importer knows are taken from the line every time, so running the same file
again updates the articles it made (matched on ``source_url``, else on title and time)
instead of copying them. Each line goes in its own transaction: a bad line is reported
with its number and the others still go in.
"""

import datetime
import json
import traceback
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils.html import escape, strip_tags
from PIL import Image as PILImage
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter, WhitelistRule
from wagtail.images import get_image_model
from wagtail.images.utils import get_allowed_image_extensions
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText
from wagtail.utils.file import hash_filelike
from wagtail.whitelist import allow_without_attributes

from khuyenhoc.text import slugify_vi
from news.models import NewsArticlePage, NewsCategory, NewsIndexPage, NewsTag

REQUIRED = ("title", "published_at", "body")

# Elements whose content is not text for readers: removed together with what is inside.
DROPPED_ELEMENTS = [
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "canvas",
    "audio",
    "video",
    "head",
    "title",
    "textarea",
    "select",
]

BLOCK_ELEMENTS = [
    "p",
    "div",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "address",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "main",
    "nav",
    "figure",
    "figcaption",
]
# Draftail cannot follow inline elements wrapped around blocks (<b><p>..</p></b>): such
# an inline element is dropped and its content kept.
INLINE_ELEMENTS = ["a", "b", "strong", "i", "em", "u", "s", "sup", "sub", "code", "span", "font"]

# Inline styles Draftail allows whose whitelist rule exists only for Draftail (contentstate),
# not for the editor-HTML whitelister used as the first, safe step.
CONTENTSTATE_ONLY_ELEMENTS = {
    "superscript": "sup",
    "subscript": "sub",
    "strikethrough": "s",
    "code": "code",
}

# Pillow's format names for the extensions Wagtail may accept.
FORMAT_EXTENSIONS = {
    "JPEG": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "AVIF": "avif",
    "HEIF": "heic",
    "BMP": "bmp",
    "TIFF": "tiff",
}


class LineError(Exception):
    """A line that cannot be imported; the message says why, in Vietnamese."""


@dataclass
class ImageSource:
    path: Path
    name: str
    size: int
    file_hash: str


@dataclass
class Article:
    title: str
    published: datetime.datetime
    body: list
    lead: str = ""
    author: str = ""
    source_name: str = ""
    source_url: str = ""
    category: str = ""
    tags: tuple = ()
    image: ImageSource | None = None
    image_caption: str = ""
    image_credit: str = ""


class RichTextCleaner:
    """Reduce any HTML to what the article's paragraph block allows, as the editor stores it.

    Wagtail's own whitelister (the one behind ``EditorHTMLConverter``) removes every element,
    attribute and link scheme the block's features do not allow. A round trip through
    Draftail's contentstate then gives the block structure the editor itself would save;
    when that converter cannot follow the nesting, the whitelisted HTML is kept as it is.
    """

    def __init__(self, features):
        self.whitelist = EditorHTMLConverter(features=features)
        self.whitelist.converter_rules.extend(
            WhitelistRule(element, allow_without_attributes)
            for feature, element in CONTENTSTATE_ONLY_ELEMENTS.items()
            if feature in features
        )
        self.contentstate = ContentstateConverter(features)
        # Blocks the features do not allow (headings, quotes, cells...) become paragraphs,
        # so their text keeps its own line; "div" too, as the whitelister would do.
        allowed = self.whitelist.whitelister.element_rules
        self.paragraph_like = [
            name for name in BLOCK_ELEMENTS if name == "div" or name not in allowed
        ]

    def clean(self, html):
        soup = BeautifulSoup(html, "html.parser")
        for element in soup.find_all(DROPPED_ELEMENTS):
            element.decompose()
        for element in soup.find_all(INLINE_ELEMENTS):
            if element.find(BLOCK_ELEMENTS):
                element.unwrap()
        for element in soup.find_all("li"):
            if element.parent is None or element.parent.name not in ("ul", "ol"):
                element.name = "p"  # a list item outside any list
        for element in soup.find_all([*self.paragraph_like, "p"]):
            if element.find(BLOCK_ELEMENTS):
                element.unwrap()  # it wraps other blocks, which stay
            elif element.name != "p":
                element.name = "p"
        cleaned = self.whitelist.to_database_format(str(soup))
        try:
            return self.contentstate.to_database_format(
                self.contentstate.from_database_format(cleaned)
            )
        except Exception:  # noqa: BLE001 - the converter asserts on unusual nesting
            return cleaned


class Command(BaseCommand):
    help = (
        "Import old news articles from a JSON Lines file (one article per line) into the "
        "news index. Running the same file again updates the articles instead of copying them."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON Lines file (UTF-8), one article per line.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the articles, dated at their original time; otherwise save drafts.",
        )
        parser.add_argument(
            "--index",
            type=int,
            metavar="PAGE_ID",
            help="The news index to import into; the Vietnamese news index by default.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f'Không tìm thấy tệp "{path}".')
        self.publish = options["publish"]
        self.verbosity = options["verbosity"]
        self.base_dir = path.resolve().parent
        index = self.target_index(options["index"])
        self.index_pk = index.pk
        self.locale = index.locale
        paragraph = NewsArticlePage.body.field.stream_block.child_blocks["paragraph"]
        self.cleaner = RichTextCleaner(paragraph.features)
        created = updated = failed = 0

        with path.open("rb") as lines:
            for number, raw in enumerate(lines, start=1):
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    failed += 1
                    self.report_error(number, "không đọc được dòng (tệp phải mã hóa UTF-8).")
                    continue
                if not text.strip():
                    continue
                self.stored_files = []
                try:
                    article = self.parse(text)
                    with transaction.atomic():
                        page, is_new = self.save_article(article)
                except Exception as error:  # noqa: BLE001 - one bad line must not stop the rest
                    failed += 1
                    self.discard_stored_files()
                    self.report_error(number, reason(error))
                    if options["traceback"] and not isinstance(error, LineError):
                        self.stderr.write(traceback.format_exc())
                    continue
                if is_new:
                    created += 1
                else:
                    updated += 1
                if self.verbosity >= 2:
                    action = "đã nhập" if is_new else "đã cập nhật"
                    state = "" if self.publish else " (bản nháp)"
                    self.stdout.write(f'Dòng {number}: {action} "{page.title}"{state}.')

        self.stdout.write(f"Đã nhập {created} bài mới, cập nhật {updated} bài, {failed} dòng lỗi.")
        if failed:
            raise CommandError(
                f"Có {failed} dòng không nhập được; các dòng còn lại đã được nhập.", returncode=1
            )

    def report_error(self, number, message):
        self.stderr.write(f"Dòng {number}: {message}")

    def discard_stored_files(self):
        """Image files saved for a line that was rolled back would stay in storage."""
        for storage, name in self.stored_files:
            storage.delete(name)

    # Where the articles go

    def target_index(self, index_id):
        if index_id is not None:
            page = Page.objects.filter(pk=index_id).first()
            if page is None:
                raise CommandError(f"Không có trang nào có ID {index_id}.")
            page = page.specific
            if not isinstance(page, NewsIndexPage):
                raise CommandError(
                    f'Trang {index_id} ("{page.title}") không phải trang danh sách tin tức.'
                )
            return page
        try:
            locale = Locale.get_default()
        except Locale.DoesNotExist:
            locale = None
        index = (
            NewsIndexPage.objects.live().filter(locale=locale).order_by("path").first()
            if locale is not None
            else None
        )
        if index is None:
            raise CommandError(
                "Chưa có trang danh sách tin tức tiếng Việt nào đang hiển thị; hãy tạo trang "
                "đó trước hoặc chỉ rõ trang bằng --index."
            )
        return index

    # Reading a line

    def parse(self, text):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise LineError(f"không phải JSON hợp lệ (cột {error.colno}: {error.msg}).") from None
        if not isinstance(data, dict):
            raise LineError("mỗi dòng phải là một đối tượng JSON {...}.")
        for key in REQUIRED:
            if data.get(key) is None:
                raise LineError(f'thiếu trường bắt buộc "{key}".')

        title = " ".join(text_field(data, "title", 255).split())
        if not title:
            raise LineError('trường "title" để trống.')
        # Checked in the order of the fields; the image, the slowest, last.
        article = Article(
            title=title,
            published=parse_time(data["published_at"]),
            body=self.body_blocks(data["body"]),
            lead=text_field(data, "lead"),
            author=text_field(data, "author", 255),
            source_name=text_field(data, "source_name", 255),
            source_url=url_field(data, "source_url", 500),
            category=" ".join(text_field(data, "category", 120).split()),
            tags=tag_names(data.get("tags")),
            image_caption=text_field(data, "image_caption", 500),
            image_credit=text_field(data, "image_credit", 255),
        )
        article.image = self.image_source(data)
        return article

    def body_blocks(self, body):
        if isinstance(body, list):
            blocks = []
            for position, paragraph in enumerate(body, start=1):
                if not isinstance(paragraph, str):
                    raise LineError(f'đoạn thứ {position} của "body" không phải chuỗi.')
                if paragraph.strip():
                    blocks.append(("paragraph", RichText(f"<p>{escape(paragraph.strip())}</p>")))
        elif isinstance(body, str):
            html = self.cleaner.clean(body)
            blocks = [("paragraph", RichText(html))] if strip_tags(html).strip() else []
        else:
            raise LineError('trường "body" phải là danh sách các đoạn văn hoặc một chuỗi HTML.')
        if not blocks:
            raise LineError('trường "body" không có nội dung.')
        return blocks

    def image_source(self, data):
        value = text_field(data, "image")
        if not value:
            return None
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = self.base_dir / path
        if not path.is_file():
            raise LineError(f'không tìm thấy tệp ảnh "{value}".')
        size = path.stat().st_size
        max_size = getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
        if max_size is not None and size > max_size:
            raise LineError(
                f'ảnh "{value}" quá lớn ({size / 1048576:.1f} MB), '
                f"tối đa {max_size / 1048576:.0f} MB."
            )
        try:
            with PILImage.open(path) as picture:
                image_format = picture.format
                width, height = picture.size
                frames = getattr(picture, "n_frames", 1)
                picture.verify()
            max_pixels = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)
            if max_pixels is not None and width * height * frames > max_pixels:
                raise LineError(f'ảnh "{value}" có quá nhiều điểm ảnh.')
            # verify() leaves the file unusable and does not decode JPEG data: read it all.
            with PILImage.open(path) as picture:
                picture.load()
        except LineError:
            raise
        except Exception:  # noqa: BLE001 - Pillow raises many kinds for broken files
            raise LineError(f'tệp "{value}" không phải ảnh hợp lệ.') from None
        extension = FORMAT_EXTENSIONS.get(image_format)
        allowed = [ext.lower() for ext in get_allowed_image_extensions()]
        if extension not in allowed and not (extension == "jpg" and "jpeg" in allowed):
            raise LineError(
                f'ảnh "{value}" có định dạng {image_format}, chỉ nhận '
                f"{', '.join(ext.upper() for ext in allowed)}."
            )
        with path.open("rb") as content:
            file_hash = hash_filelike(content)
        return ImageSource(
            path=path, name=f"{path.stem}.{extension}", size=size, file_hash=file_hash
        )

    # Writing an article

    def save_article(self, article):
        # Fetched again for each line: a rolled-back line leaves an in-memory parent's
        # tree counters wrong.
        index = NewsIndexPage.objects.get(pk=self.index_pk)
        existing = self.find_existing(index, article)
        if existing is None:
            page = NewsArticlePage(live=self.publish)
        else:
            page = existing.get_latest_revision_as_object()

        page.title = article.title
        page.date_published = article.published
        page.lead = article.lead
        page.body = article.body
        page.author = article.author
        page.source_name = article.source_name
        page.source_url = article.source_url
        page.category = self.category(article.category)
        page.hero_image = self.image(article)
        page.hero_caption = article.image_caption
        page.hero_credit = article.image_credit
        page.tags.set(self.tags(article.tags))

        if existing is None:
            index.add_child(instance=page)
        revision = page.save_revision()
        if self.publish:
            revision.publish()
            NewsArticlePage.objects.filter(pk=page.pk).update(
                first_published_at=article.published, last_published_at=article.published
            )
        return page, existing is None

    def find_existing(self, index, article):
        articles = NewsArticlePage.objects.child_of(index).order_by("pk")
        if article.source_url:
            match = articles.filter(source_url=article.source_url).first()
            if match is not None:
                return match
            # Imported earlier without a link: the same title and time is the same article.
            articles = articles.filter(source_url="")
        return articles.filter(title=article.title, date_published=article.published).first()

    def category(self, name):
        if not name:
            return None
        in_locale = NewsCategory.objects.filter(locale=self.locale)
        # Compared in Python: SQLite only folds ASCII case ("Đ" vs "đ").
        for category in in_locale:
            if " ".join(category.name.split()).casefold() == name.casefold():
                return category
        slug = slugify_vi(name)[:120]
        if not slug:
            raise LineError(f'tên chuyên mục "{name}" không có chữ cái hay chữ số nào.')
        # "Hoc bong" and "Học bổng" share a slug: the same category typed without diacritics.
        same_slug = in_locale.filter(slug=slug).first()
        if same_slug is not None:
            return same_slug
        last = in_locale.aggregate(last=Max("sort_order"))["last"]
        return NewsCategory.objects.create(
            locale=self.locale,
            name=name,
            slug=slug,
            sort_order=0 if last is None else last + 1,
        )

    def tags(self, names):
        """Existing tags by name, ignoring case (SQLite cannot); new names stay strings."""
        tags = []
        for name in names:
            candidates = NewsTag.objects.filter(slug__startswith=slugify_vi(name)[:90] or "the")
            match = next(
                (tag for tag in candidates if tag.name.casefold() == name.casefold()), None
            )
            tags.append(match or name)
        return tags

    def image(self, article):
        source = article.image
        if source is None:
            return None
        Image = get_image_model()
        existing = Image.objects.filter(file_hash=source.file_hash).order_by("pk").first()
        if existing is not None:
            return existing
        with source.path.open("rb") as content:
            image = Image(
                title=(article.image_caption or article.title)[:255],
                file=ImageFile(content, name=source.name),
                file_size=source.size,
                file_hash=source.file_hash,
            )
            image.save()
        self.stored_files.append((image.file.storage, image.file.name))
        return image


# Field helpers


def text_field(data, key, max_length=None):
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LineError(f'trường "{key}" phải là chuỗi.')
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise LineError(f'trường "{key}" dài {len(value)} ký tự, tối đa {max_length}.')
    return value


def url_field(data, key, max_length):
    value = text_field(data, key, max_length)
    if value:
        try:
            URLValidator()(value)
        except ValidationError:
            raise LineError(f'trường "{key}" không phải địa chỉ web hợp lệ.') from None
    return value


def parse_time(value):
    if not isinstance(value, str):
        raise LineError('trường "published_at" phải là chuỗi ngày giờ ISO 8601.')
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise LineError(f'"published_at" không phải ngày giờ ISO 8601 hợp lệ: "{value}".') from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise LineError(
            f'"published_at" thiếu múi giờ: "{value}" (ví dụ "2023-12-20T17:13:00+07:00").'
        )
    return moment.astimezone(datetime.UTC)


def tag_names(value):
    if value is None:
        return ()
    if not isinstance(value, list):
        raise LineError('trường "tags" phải là một danh sách.')
    names = []
    seen = set()
    for tag in value:
        if not isinstance(tag, str):
            raise LineError('mỗi thẻ trong "tags" phải là chuỗi.')
        name = " ".join(tag.split())
        if len(name) > 100:
            raise LineError(f'thẻ "{name[:30]}…" dài {len(name)} ký tự, tối đa 100.')
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return tuple(names)


def reason(error):
    """Why a line failed, for the person running the import."""
    if isinstance(error, LineError):
        return str(error)
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            details = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
        else:
            details = " ".join(error.messages)
        return f"dữ liệu không hợp lệ: {details}"
    return f"lỗi không mong đợi ({type(error).__name__}: {error})."
