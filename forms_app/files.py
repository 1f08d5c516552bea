"""Evidence files: the type is read from the content, never from the name.

Accepted: PDF, JPEG, PNG (opened by Pillow), HEIC (an ISO media file whose brand says HEIF),
DOCX (a zip holding a Word document). Anything else, such as a program or a text file renamed
``.pdf``, is refused with a Vietnamese message.
"""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_TOTAL_SIZE = 30 * 1024 * 1024
ACCEPT = ".pdf,.jpg,.jpeg,.png,.heic,.heif,.docx"

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pillow(upload, fmt):
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format != fmt:
                return False
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def _docx(upload):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _heif(upload):
    """An ISO media file (boxes end to end) that opens with a HEIF brand and holds the
    ``meta`` box every HEIF image needs; an MP4 or a renamed file has neither."""
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    position, boxes = 0, []
    while position < size and len(boxes) < 64:
        upload.seek(position)
        header = upload.read(16)
        if len(header) < 8:
            return False
        length, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if length == 1 and len(header) == 16:
            length = int.from_bytes(header[8:16], "big")
        elif length == 0:
            length = size - position
        if length < 8 or position + length > size:
            return False
        if not boxes:
            upload.seek(position + 8)
            if kind != b"ftyp" or upload.read(4) not in HEIF_BRANDS:
                return False
        boxes.append(kind)
        if kind == b"meta":
            return True
        position += length
    return False


def sniff(upload):
    """The content type of an accepted file, or None."""
    upload.seek(0)
    head = upload.read(32)
    if head.startswith(b"%PDF-"):
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(max(0, size - 2048))
        return "application/pdf" if b"%%EOF" in upload.read() else None
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg" if _pillow(upload, "JPEG") else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png" if _pillow(upload, "PNG") else None
    if head[4:8] == b"ftyp":
        return "image/heic" if _heif(upload) else None
    if head.startswith(b"PK\x03\x04"):
        return DOCX_TYPE if _docx(upload) else None
    return None


def check_upload(upload, already_attached=0):
    """Return the sniffed content type, or raise a ValidationError naming the file."""
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
    content_type = sniff(upload)
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG, PNG, HEIC or DOCX file.") % {"name": name},
            code="file_type",
        )
    return content_type
