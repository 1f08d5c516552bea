"""The library of official documents: filters, lookup by number, the document page."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from news.models import DocumentIndexPage, DocumentPage, DocumentStatus, IssuingBody
from news.models.documents import normalise_number


@pytest.fixture
def library(demo):
    return DocumentIndexPage.objects.get(locale__language_code="vi")


def listed(response):
    return [document.number for document in response.context["documents"]]


@pytest.mark.django_db
def test_library_lists_documents_newest_first(client, library):
    response = client.get("/van-ban/")
    assert response.status_code == 200
    numbers = listed(response)
    assert len(numbers) == 12
    assert numbers[0] == "160/CV-HKH"
    dates = [d.date_issued for d in response.context["documents"]]
    assert dates == sorted(dates, reverse=True)
    html = response.content.decode()
    assert "12 văn bản" in html
    assert "21/09/2026" in html


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["135/KH-UBND", "135 KH-UBND", "135 kh ubnd", "135/kh–ubnd"])
def test_a_document_is_found_by_its_number(client, library, typed):
    response = client.get("/van-ban/", {"so": typed})
    assert listed(response) == ["135/KH-UBND"]


@pytest.mark.django_db
def test_number_with_vietnamese_letters_is_found_without_diacritics(client, library):
    assert listed(client.get("/van-ban/", {"so": "22/2020/TT-BGDĐT"})) == ["22/2020/TT-BGDĐT"]
    assert listed(client.get("/van-ban/", {"so": "tt-bgddt"})) == [
        "24/2023/TT-BGDĐT",
        "22/2020/TT-BGDĐT",
    ]
    assert normalise_number("677/QĐ-TTg") == "677 QD TTG"


@pytest.mark.django_db
def test_library_filters_by_type_issuer_and_year(client, library):
    assert listed(client.get("/van-ban/", {"loai": "thong-tu"})) == [
        "24/2023/TT-BGDĐT",
        "22/2020/TT-BGDĐT",
    ]
    ministry = IssuingBody.objects.get(name="Bộ Giáo dục và Đào tạo")
    assert ministry.slug == "bo-giao-duc-va-dao-tao"
    assert len(listed(client.get("/van-ban/", {"co_quan": ministry.slug}))) == 2
    assert listed(client.get("/van-ban/", {"nam": "2025"})) == ["112/CV-HKH", "45/HD-HKH"]
    combined = client.get("/van-ban/", {"loai": "huong-dan", "nam": "2026"})
    assert listed(combined) == ["46/HD-HKH"]
    assert 'value="huong-dan" selected' in combined.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"loai": "khong-co"},
        {"co_quan": "khong-co"},
        {"nam": "abc"},
        {"nam": "1800"},
        {"page": "999"},
        {"page": "abc"},
        {"so": "x" * 500},
        {"so": "' OR 1=1 --"},
    ],
)
def test_bad_filter_values_give_a_normal_page(client, library, params):
    response = client.get("/van-ban/", params)
    assert response.status_code == 200


@pytest.mark.django_db
def test_document_page_shows_its_metadata_files_and_replacement(client, library):
    old = DocumentPage.objects.get(number="45/HD-HKH")
    response = client.get(old.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "45/HD-HKH" in html
    assert "Hội Khuyến học tỉnh An Bình" in html
    assert "15/01/2025" in html
    assert "Hướng dẫn" in html
    assert "Văn bản này không còn hiệu lực." in html
    new = DocumentPage.objects.get(number="46/HD-HKH")
    assert f'<a href="{new.url}">46/HD-HKH</a>' in html
    file = old.files.first().document
    assert f'href="{file.url}" download' in html
    assert f'<object class="document-pdf d-none d-md-block" data="{file.url}"' in html
    assert "PDF" in html
    pdf = client.get(file.url)
    assert pdf.status_code == 200
    # Framed by the document page itself, by nobody else.
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_document_rules_are_checked(library):
    document = DocumentPage.objects.get(number="135/KH-UBND")
    document.date_effective = document.date_issued - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "date_effective" in error.value.message_dict
    document.date_effective = None
    document.status = DocumentStatus.REPLACED
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "replaced_by" in error.value.message_dict


# The years of the filter are cached until the next publication; the issuing bodies are
# listed in one query.
DOCUMENT_LIBRARY_QUERIES = 4


@pytest.mark.django_db
def test_library_query_count_does_not_grow(client, library, django_assert_num_queries):
    client.get("/van-ban/")
    with django_assert_num_queries(DOCUMENT_LIBRARY_QUERIES):
        client.get("/van-ban/")
    issuer = IssuingBody.objects.first()
    for number in range(25):
        page = DocumentPage(
            title=f"Công văn số {number}",
            number=f"{number}/CV-TEST",
            doc_type="cong-van",
            issuer=issuer,
            date_issued=datetime.date(2026, 10, 1),
            summary="Công văn thử.",
        )
        library.add_child(instance=page)
        page.save_revision().publish()
    client.get("/van-ban/")
    with django_assert_num_queries(DOCUMENT_LIBRARY_QUERIES):
        client.get("/van-ban/", {"page": 2, "loai": "cong-van"})
