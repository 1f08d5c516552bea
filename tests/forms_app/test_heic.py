"""HEIC photos (what iPhones take) are accepted by their content; other files named .heic are not.

``files/goc-hoc-tap.heic`` is a real 64×48 HEIC image written by pillow-heif 1.8.1 (libheif,
HEVC): ``ftyp`` with the ``heic`` brand, then ``meta`` and ``mdat``.
"""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from forms_app.files import sniff
from forms_app.models import Application, EvidenceFile

from .conftest import TOKEN, form_data

HEIC = (Path(__file__).parent / "files" / "goc-hoc-tap.heic").read_bytes()


def box(kind, payload):
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def upload(content, name="anh-chup.heic"):
    return SimpleUploadedFile(name, content, content_type="image/heic")


NOT_HEIC = {
    "text": b"just some text, not a photo\n" * 4,
    # A video: an ISO media file like HEIC, but with the MP4 brand and no image metadata.
    "mp4": box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    + box(b"moov", b"\x00" * 40)
    + box(b"mdat", b"\x00" * 40),
    # HEIC's first bytes followed by anything else.
    "heic header only": HEIC[:32] + b"MZ" + b"\x00" * 200,
    "heic brand, no meta": box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + box(b"mdat", b"x" * 64),
}


def test_the_fixture_is_a_real_heic_file():
    assert HEIC[4:12] == b"ftypheic"
    assert sniff(upload(HEIC)) == "image/heic"


@pytest.mark.parametrize("content", NOT_HEIC.values(), ids=NOT_HEIC.keys())
def test_other_content_is_not_heic(content):
    assert sniff(upload(content)) is None


def test_heic_photo_sent_with_an_application(client, pages, commune):
    page = pages["gia-dinh-hoc-tap"]
    response = client.post(page.url, form_data(page, commune, evidence=[upload(HEIC)]))
    assert response.status_code == 302
    item = Application.objects.get(submission_token=TOKEN).files.get()
    assert (item.original_name, item.content_type, item.size) == (
        "anh-chup.heic",
        "image/heic",
        len(HEIC),
    )
    with item.file.open("rb") as stored:
        assert stored.read() == HEIC


@pytest.mark.parametrize("content", NOT_HEIC.values(), ids=NOT_HEIC.keys())
def test_file_named_heic_that_is_not_heic_is_refused(client, pages, commune, content):
    page = pages["gia-dinh-hoc-tap"]
    data = form_data(page, commune, evidence=[upload(content, "anh-gia.heic")])
    response = client.post(page.url, data)
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one("#error-summary").text
    assert "anh-gia.heic" in summary
    # The rest of what was typed is still there.
    assert soup.select_one("input[name=hamlet]")["value"] == "Tổ dân phố 3"
    assert not EvidenceFile.objects.exists() and not Application.objects.exists()
