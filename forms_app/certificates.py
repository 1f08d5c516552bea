"""The certificate (giấy công nhận) of a recognised application, as PDF.

Drawn with reportlab on A4 landscape, with DejaVu Sans embedded (``forms_app/fonts``): the PDF
base fonts have no Vietnamese, and a font left to the reader's machine may lack it too. Every
string is NFC-normalised, so "ễ" is one precomposed glyph the font has rather than "e" with
combining marks drawn apart.

The wording is Vietnamese whatever the staff member's admin language: it is an official paper
issued in the national language. Its verification code and QR code lead to the public
verification page, at the Vietnamese address that never changes.
"""

import unicodedata
from functools import cache
from io import BytesIO
from pathlib import Path

import segno
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from forms_app import workflow
from forms_app.models import Application, ApplicationStatus
from home.models import SiteSettings

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE = landscape(A4)
INK = colors.HexColor("#7a1f1f")


@cache
def register_fonts():
    """Once per process: reportlab keeps registered fonts in a global registry."""
    pdfmetrics.registerFont(TTFont(REGULAR, FONT_DIR / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))


def nfc(text):
    return unicodedata.normalize("NFC", str(text or ""))


def verify_url(code):
    """The absolute address the QR code holds: the Vietnamese one, printed on paper for good."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("forms_app:verify_code", args=[code])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def certified(queryset=None):
    """Applications that have a certificate: recognised, with a code, personal data kept."""
    queryset = Application.objects.all() if queryset is None else queryset
    return queryset.filter(
        status=ApplicationStatus.APPROVED,
        certificate_code__isnull=False,
        anonymised_at__isnull=True,
    )


def address_of(application):
    return ", ".join(
        part
        for part in (application.hamlet, application.commune.name, application.province.name)
        if part
    )


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _long_date(value):
    return f"ngày {value:%d} tháng {value:%m} năm {value:%Y}"


def _centred(canvas, text, top, font, size, width, min_size=None, leading=1.3):
    """Centre ``text`` under ``top``, shrinking it to fit the width down to ``min_size``, then
    wrapping; returns the top of what comes next."""
    text = nfc(text)
    min_size = min_size or size
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    canvas.setFont(font, size)
    for line in simpleSplit(text, font, size, width):
        canvas.drawCentredString(PAGE[0] / 2, top - size, line)
        top -= size * leading
    return top


def _draw_qr(canvas, data, x, y, size):
    """The QR code as vector squares: sharp at any print size, no image library involved."""
    qr = segno.make(data, error="m", micro=False)
    matrix = qr.matrix
    module = size / len(matrix)
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        for col_index, dark in enumerate(row):
            if dark:
                path.rect(x + col_index * module, top, module, module)
    canvas.drawPath(path, stroke=0, fill=1)


def render_pdf(application, association_name):
    """The certificate's bytes."""
    register_fonts()
    with translation.override(settings.LANGUAGE_CODE):
        title = nfc(application.get_learning_title_display())
    code = application.certificate_code
    width, height = PAGE
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1, initialFontName=REGULAR)
    canvas.setTitle(nfc(f"Giấy công nhận {title} – {application.applicant_name}"))
    canvas.setAuthor(nfc(association_name))
    canvas.setSubject(code)
    canvas.setCreator("khuyenhoc")

    # Frame.
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    # Header: the association on the left, the national motto on the right.
    canvas.setFillColor(colors.black)
    left_x, right_x, top = 75 * mm, width - 75 * mm, height - 30 * mm
    association = simpleSplit(nfc(association_name).upper(), BOLD, 11, 110 * mm)
    canvas.setFont(BOLD, 11)
    for index, line in enumerate(association):
        canvas.drawCentredString(left_x, top - index * 14, line)
    if application.decision_number:
        canvas.setFont(REGULAR, 10)
        canvas.drawCentredString(
            left_x, top - len(association) * 14 - 4, nfc(f"Số: {application.decision_number}")
        )
    canvas.setFont(BOLD, 11)
    canvas.drawCentredString(right_x, top, nfc("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    motto = nfc("Độc lập – Tự do – Hạnh phúc")
    canvas.drawCentredString(right_x, top - 15, motto)
    half = pdfmetrics.stringWidth(motto, BOLD, 11) / 2
    canvas.setLineWidth(0.6)
    canvas.setStrokeColor(colors.black)
    canvas.line(right_x - half, top - 20, right_x + half, top - 20)

    # Body.
    text_width = width - 70 * mm
    canvas.setFillColor(INK)
    top = _centred(canvas, "GIẤY CÔNG NHẬN", height - 55 * mm, BOLD, 34, text_width)
    top = _centred(canvas, title, top - 2 * mm, BOLD, 24, text_width, min_size=16)
    canvas.setFillColor(colors.black)
    if application.recognised_on:
        top = _centred(
            canvas, f"Năm {application.recognised_on.year}", top, REGULAR, 13, text_width
        )
    top = _centred(canvas, "Công nhận", top - 5 * mm, REGULAR, 12, text_width)
    top = _centred(canvas, application.applicant_name, top, BOLD, 22, text_width, min_size=14)
    top = _centred(
        canvas, f"Địa chỉ: {address_of(application)}", top, REGULAR, 13, text_width, min_size=10
    )
    decision = f"Theo Quyết định số {application.decision_number}"
    if application.decision_date:
        decision += f" ngày {_date(application.decision_date)}"
    top = _centred(canvas, decision, top - 3 * mm, REGULAR, 13, text_width, min_size=10)
    if application.valid_until:
        _centred(
            canvas,
            f"Có giá trị đến hết ngày {_date(application.valid_until)}",
            top,
            REGULAR,
            13,
            text_width,
        )

    # Verification, bottom left: the QR code, the code and the address.
    qr_size = 32 * mm
    qr_x, qr_y = 24 * mm, 22 * mm
    url = verify_url(code)
    _draw_qr(canvas, url, qr_x, qr_y, qr_size)
    canvas.setFont(REGULAR, 9)
    text_x = qr_x + qr_size + 4 * mm
    canvas.drawString(text_x, qr_y + qr_size - 10, nfc("Mã xác minh:"))
    canvas.setFont(BOLD, 13)
    canvas.drawString(text_x, qr_y + qr_size - 26, code)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(text_x, qr_y + 12, nfc("Quét mã QR hoặc xem tại"))
    canvas.drawString(text_x, qr_y + 2, url)

    # Signature block, bottom right.
    sign_x, sign_top = width - 75 * mm, 58 * mm
    if application.decision_date:
        canvas.setFont(REGULAR, 11)
        canvas.drawCentredString(sign_x, sign_top, nfc(_long_date(application.decision_date)))
    canvas.setFont(BOLD, 11)
    for index, line in enumerate(
        simpleSplit(nfc(application.decision_signer).upper(), BOLD, 11, 90 * mm)
    ):
        canvas.drawCentredString(sign_x, sign_top - 16 - index * 14, line)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def association_name(request):
    """The name the site's settings give, as the page templates show it."""
    return SiteSettings.for_request(request).name


@cache_control(private=True, no_store=True)
def certificate(request, pk):
    """The PDF, to staff who may see the application (404 for others and before recognition)."""
    queryset = workflow.visible(
        certified().select_related("commune", "province"),
        request.user,
    )
    application = get_object_or_404(queryset, pk=pk)
    content = render_pdf(application, association_name(request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="giay-cong-nhan-{application.certificate_code}.pdf"'
    )
    return response
