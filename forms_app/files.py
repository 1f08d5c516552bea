"""Evidence files: the type is read from the content and its structure, never from the name.

Accepted: PDF (parsed by pypdf: no scripts, automatic actions, attached files or password),
JPEG and PNG (decoded by Pillow, at most ``MAX_IMAGE_PIXELS``), HEIC (an ISO media file whose
brand says HEIF, decoded by pillow-heif), DOCX (a zip holding a Word document, without
macros, unsafe paths or parts that unpack to far more than the file). A file that holds web
page code where a browser would look for it (a PDF/HTML polyglot) is refused whatever it is.
Anything else, such as a program, an SVG or a text file renamed ``.pdf``, is refused too.
Every refusal is a Vietnamese message naming the file.

Reviewers open these files on their own computers, so the checks are about what a reader
program would run or unpack, not only about what the server does with them.
"""

import io
import re
import warnings
import zipfile
from pathlib import PurePosixPath

import pillow_heif
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_TOTAL_SIZE = 30 * 1024 * 1024
ACCEPT = ".pdf,.jpg,.jpeg,.png,.heic,.heif,.docx"
# A 50 megapixel phone photo passes; decoding one takes about 150 MB of memory.
MAX_IMAGE_PIXELS = 50_000_000

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The extension a file is stored and served with, by the type found in it; the ones the
# applicant may already have used are kept.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/heic": (".heic", ".heif"),
    DOCX_TYPE: (".docx",),
}

# Markup a browser would run if it ever took the file for a web page. Searched in the whole
# file, so only patterns long enough never to occur by chance in compressed data.
MARKUP = re.compile(
    rb"<(?:script|iframe|!doctype\s+html|(?:html|body|object|embed)[\s>]|svg\s+xmlns)",
    re.IGNORECASE,
)
# Browsers guess a type from the first bytes: there, any tag-like start counts (but for a
# zip, whose first part may be stored as plain XML).
MARKUP_HEAD = re.compile(rb"<(?:[a-z]+[\s/>]|!--|!doctype)", re.IGNORECASE)
HEAD_BYTES = 1024

# PDF: what a reader program can run or unpack. OpenAction itself is allowed (it often only
# says which page to show); its action is checked like every other one.
PDF_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/EF",
    "/RichMedia",
    "/XFA",
}
PDF_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/GoToR",
    "/RichMediaExecute",
    "/Rendition",
    "/Movie",
    "/Sound",
}
PDF_MAX_OBJECTS = 200_000

# DOCX: a Word document is a few hundred parts at most and its XML packs about ten times.
DOCX_MAX_ENTRIES = 2000
DOCX_MAX_UNPACKED = 100 * 1024 * 1024
DOCX_MAX_RATIO = 200
# The parts read here (content types, relationships) are a few KB in a real document.
DOCX_MAX_PART_READ = 1024 * 1024
DOCX_MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.IGNORECASE)
DOCX_MACRO_TYPES = re.compile(rb"macroEnabled|vbaProject|activeX", re.IGNORECASE)
# External relationships: only links the reader clicks are kept.
RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>", re.IGNORECASE)


class Refused(Exception):
    """A file that is not accepted; ``message`` names it for the applicant."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message, self.code = message, code


def _size(upload):
    upload.seek(0, io.SEEK_END)
    return upload.tell()


def _read_all(upload):
    upload.seek(0)
    return upload.read()


# --- Messages --------------------------------------------------------------------------------


def _not_accepted(name):
    return Refused(
        _("%(name)s is not a PDF, JPEG, PNG, HEIC or DOCX file.") % {"name": name}, "file_type"
    )


def _damaged(name):
    return Refused(
        _("%(name)s is damaged and cannot be opened. Please send the file again.") % {"name": name},
        "file_damaged",
    )


def _markup(name):
    return Refused(
        _(
            "%(name)s has web page code (HTML) mixed into the file. Please send the original "
            "document or a photo of it."
        )
        % {"name": name},
        "file_markup",
    )


def _image_too_large(name):
    return Refused(
        _(
            "%(name)s is too large an image (more than %(max)s megapixels). "
            "Please send a smaller photo."
        )
        % {"name": name, "max": MAX_IMAGE_PIXELS // 1_000_000},
        "image_too_large",
    )


# --- PDF -------------------------------------------------------------------------------------


def _pdf(upload, name, content):
    """A PDF from its first byte to its last ``%%EOF``, that pypdf reads, without a password
    and without anything a reader program would run or unpack."""
    end = content.rfind(b"%%EOF")
    if end < 0:
        raise _not_accepted(name)
    if content[end + 5 :].strip(b" \t\r\n\f\x00"):
        raise Refused(
            _(
                "%(name)s has other content added after the end of the PDF. Please send the "
                "original document."
            )
            % {"name": name},
            "pdf_trailing",
        )
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            _pdf_active(reader, name)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - a hostile file may break the parser in any way
        raise _damaged(name) from None
    if encrypted:
        raise Refused(
            _("%(name)s is protected by a password. Please send it without the password.")
            % {"name": name},
            "pdf_encrypted",
        )


def _pdf_active(reader, name):
    active = Refused(
        _(
            "%(name)s is a PDF with scripts, automatic actions or attached files. Please print "
            "it to a new PDF, or send a photo of it."
        )
        % {"name": name},
        "pdf_active",
    )
    seen, stack = set(), [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > PDF_MAX_OBJECTS:
                raise _damaged(name)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if PDF_ACTIVE_KEYS.intersection(item.keys()):
                raise active
            if _resolved(item, "/S") in PDF_ACTIVE_ACTIONS:
                raise active
            if _resolved(item, "/Type") == "/EmbeddedFile":
                raise active
            if _resolved(item, "/URI").strip().lower().startswith(("javascript:", "file:")):
                raise active
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _resolved(dictionary, key):
    value = dictionary.get(key)
    return "" if value is None else str(value.get_object())


# --- Images ----------------------------------------------------------------------------------


def _pillow(upload, name, fmt):
    """Decoded by Pillow in its own format, with no more pixels than ``MAX_IMAGE_PIXELS``.

    The size is known from the header: a decompression bomb (a small PNG of 20000×20000) is
    refused before any pixel is decoded. Pillow's own bomb warning is an error here too.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=[fmt]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise _image_too_large(name)
                image.verify()
            upload.seek(0)
            with Image.open(upload, formats=[fmt]) as image:
                if fmt == "JPEG":
                    # Every byte is still decoded, at an eighth of the size in memory.
                    image.draft(image.mode, (image.width // 8, image.height // 8))
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _image_too_large(name) from None
    except UnidentifiedImageError:
        raise _not_accepted(name) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _damaged(name) from None


def _heif(upload, name):
    """An ISO media file (boxes end to end) that opens with a HEIF brand and holds the
    ``meta`` box every HEIF image needs (an MP4 or a renamed file has neither), and whose
    images libheif decodes."""
    size = _size(upload)
    position, boxes = 0, []
    while position < size and len(boxes) < 64:
        upload.seek(position)
        header = upload.read(16)
        if len(header) < 8:
            raise _not_accepted(name)
        length, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if length == 1 and len(header) == 16:
            length = int.from_bytes(header[8:16], "big")
        elif length == 0:
            length = size - position
        if length < 8 or position + length > size:
            raise _not_accepted(name)
        if not boxes:
            upload.seek(position + 8)
            if kind != b"ftyp" or upload.read(4) not in HEIF_BRANDS:
                raise _not_accepted(name)
        boxes.append(kind)
        if kind == b"meta":
            break
        position += length
    else:
        raise _not_accepted(name)
    try:
        upload.seek(0)
        heif = pillow_heif.open_heif(upload, convert_hdr_to_8bit=True)
        if any(w * h > MAX_IMAGE_PIXELS for w, h in (image.size for image in heif)):
            raise _image_too_large(name)
        heif[heif.primary_index].load()
    except Refused:
        raise
    except (ValueError, SyntaxError, RuntimeError, EOFError, OSError, IndexError):
        raise _damaged(name) from None


# --- DOCX ------------------------------------------------------------------------------------


def _docx(upload, name):
    """A zip holding a Word document, with safe entry names, no macros or ActiveX, no
    external template or object, and parts that unpack to a sane size."""
    not_word = Refused(
        _(
            "%(name)s is not a valid Word document. Please save it again from Word as .docx "
            "or as PDF, and send it again."
        )
        % {"name": name},
        "docx_invalid",
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = [entry.filename for entry in entries]
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise _not_accepted(name)
            if len(entries) > DOCX_MAX_ENTRIES or len(set(names)) != len(names):
                raise not_word
            for entry in entries:
                path = PurePosixPath(entry.filename)
                if (
                    path.is_absolute()
                    or ".." in path.parts
                    or re.search(r"[\\\x00-\x1f]|^[A-Za-z]:", entry.filename)
                    or entry.flag_bits & 0x1  # encrypted
                ):
                    raise not_word
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > DOCX_MAX_UNPACKED or any(
                entry.file_size > 1024 * 1024
                and entry.file_size > DOCX_MAX_RATIO * max(entry.compress_size, 1)
                for entry in entries
            ):
                raise Refused(
                    _(
                        "%(name)s unpacks to far more than its size, as no real document "
                        "does. Please save it again from Word, or as PDF."
                    )
                    % {"name": name},
                    "docx_bomb",
                )
            macros = Refused(
                _(
                    "%(name)s contains macros or embedded controls. Please save it as a plain "
                    "Word document (.docx) or as PDF, and send it again."
                )
                % {"name": name},
                "docx_macros",
            )
            if any(DOCX_MACRO_PARTS.search(n) for n in names):
                raise macros
            read = [n for n in names if n == "[Content_Types].xml" or n.endswith(".rels")]
            if any(archive.getinfo(n).file_size > DOCX_MAX_PART_READ for n in read):
                raise not_word
            if DOCX_MACRO_TYPES.search(archive.read("[Content_Types].xml")):
                raise macros
            for rels in (n for n in read if n.endswith(".rels")):
                for relation in RELATIONSHIP.findall(archive.read(rels)):
                    if re.search(rb'TargetMode\s*=\s*"External"', relation) and not re.search(
                        rb'Type\s*=\s*"[^"]*/hyperlink"', relation
                    ):
                        raise Refused(
                            _(
                                "%(name)s loads content from outside the document (a linked "
                                "template or object). Please save it as PDF and send it again."
                            )
                            % {"name": name},
                            "docx_external",
                        )
            if archive.testzip() is not None:
                raise _damaged(name)
    except Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, RuntimeError):
        raise _damaged(name) from None
    except NotImplementedError:  # a compression method zipfile does not know
        raise not_word from None


# --- Entry points ----------------------------------------------------------------------------


def identify(upload, name=None):
    """The content type of an accepted file; raises ``Refused`` with the reason otherwise."""
    name = name or upload.name
    content = _read_all(upload)
    is_zip = content.startswith(b"PK\x03\x04")
    if MARKUP.search(content) or (not is_zip and MARKUP_HEAD.search(content[:HEAD_BYTES])):
        raise _markup(name)
    if content.startswith(b"%PDF-"):
        _pdf(upload, name, content)
        content_type = "application/pdf"
    elif content.startswith(b"\xff\xd8\xff"):
        _pillow(upload, name, "JPEG")
        content_type = "image/jpeg"
    elif content.startswith(b"\x89PNG\r\n\x1a\n"):
        _pillow(upload, name, "PNG")
        content_type = "image/png"
    elif content[4:8] == b"ftyp":
        _heif(upload, name)
        content_type = "image/heic"
    elif is_zip:
        _docx(upload, name)
        content_type = DOCX_TYPE
    else:
        raise _not_accepted(name)
    upload.seek(0)
    return content_type


def sniff(upload):
    """The content type of an accepted file, or None."""
    try:
        return identify(upload)
    except Refused:
        return None
    finally:
        upload.seek(0)


def detected_name(name, content_type):
    """``name`` with the extension of the type found in the file: ``hoso.html`` holding a PDF
    becomes ``hoso.pdf``; ``anh.jpeg`` stays."""
    extensions = EXTENSIONS.get(content_type)
    if not extensions:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and f".{extension.lower()}" in extensions:
        return name
    stem = stem if dot else name
    return (stem or "tep")[: 255 - len(extensions[0])] + extensions[0]


def check_upload(upload, already_attached=0):
    """Return the content type found in the file and give the upload the extension of that
    type (it is stored and served under it), or raise a ValidationError naming the file."""
    name = upload.name
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError(
            _("%(name)s is larger than %(max)s.")
            % {"name": name, "max": filesizeformat(MAX_FILE_SIZE)},
            code="file_too_large",
        )
    if already_attached + upload.size > MAX_TOTAL_SIZE:
        raise ValidationError(
            _("%(name)s would bring the files of this application over %(max)s.")
            % {"name": name, "max": filesizeformat(MAX_TOTAL_SIZE)},
            code="total_too_large",
        )
    try:
        content_type = identify(upload, name)
    except Refused as refusal:
        raise ValidationError(refusal.message, code=refusal.code) from None
    finally:
        upload.seek(0)
    upload.name = detected_name(name, content_type)
    return content_type
