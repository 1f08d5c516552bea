"""The site search: Vietnamese with or without diacritics, ranking, numbers, filters,
highlighting, suggestions and bad input. Runs on SQLite and on PostgreSQL
(DATABASE_URL=postgres://... .venv/bin/python -m pytest tests/search)."""

import datetime
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from home.views import SORT_NEWEST
from khuyenhoc.search import MAX_QUERY_LENGTH
from news.models import DocumentPage

pytestmark = pytest.mark.django_db


def search(client, q, **params):
    response = client.get("/tim-kiem/", {"q": q, **params})
    assert response.status_code == 200
    return response


def result_urls(response):
    return [result["page"].url for result in response.context["results"]]


# --- Diacritics ----------------------------------------------------------------------


@pytest.fixture
def quang_tri(make_page):
    return make_page(
        "Hội Khuyến học tỉnh Quảng Trị tổng kết năm",
        body="Năm nay có thêm 40 đơn vị học tập được công nhận ở các xã ven biển.",
    )


@pytest.mark.parametrize(
    "query",
    [
        "khuyến học",
        "khuyen hoc",
        "KHUYEN HOC",
        "Khuyên hoc",  # a phone keyboard that dropped one mark
        "quang tri",
        "Quảng Trị",
        "QUANG TRI",
        "đơn vị học tập",
        "don vi hoc tap",
        "DON VI HOC TAP",
    ],
)
def test_diacritics_are_optional(client, quang_tri, query):
    # General pages only: the demo news mention "khuyến học" often enough to fill page one.
    assert quang_tri.url in result_urls(search(client, query, loai="trang"))


def test_words_that_are_not_there_find_nothing(client, quang_tri):
    assert result_urls(search(client, "quang ninh")) == []
    # "don" folds "đơn", but the AND of all words must hold.
    assert quang_tri.url not in result_urls(search(client, "don vi hoc phi"))


def test_pages_are_indexed_when_published_and_dropped_when_unpublished(client, make_page):
    page = make_page("Trại hè Sáng tạo trẻ", body="Đăng ký trước ngày 30/5.")
    assert page.url in result_urls(search(client, "trai he sang tao"))
    page.unpublish()
    assert result_urls(search(client, "trai he sang tao")) == []


def test_only_the_readers_language(client, demo):
    with translation.override("en"):
        response = client.get("/en/search/", {"q": "purpose"})
    assert [r["page"].locale.language_code for r in response.context["results"]] == ["en"]


# --- Ranking -------------------------------------------------------------------------


def test_a_title_match_ranks_before_a_body_match(client, make_page):
    in_body = make_page(
        "Tin hoạt động tháng Năm",
        body="Các chi hội tổ chức đua thuyền rồng và nhiều hoạt động khác cho thiếu nhi.",
    )
    in_title = make_page(
        "Đua thuyền rồng mừng lễ khai giảng",
        body="Các chi hội tổ chức nhiều hoạt động cho học sinh và phụ huynh trong dịp lễ.",
    )
    urls = result_urls(search(client, "thuyen rong"))
    assert urls == [in_title.url, in_body.url]


# --- Document numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["135/KH-UBND", "135 KH-UBND", "135 kh ubnd", "135/KH–UBND", "135/kh-ubnd"]
)
def test_a_document_is_found_by_its_number_and_its_parts(client, demo, query):
    document = DocumentPage.objects.get(number="135/KH-UBND")
    urls = result_urls(search(client, query))
    assert urls[:1] == [document.url]


def test_a_document_number_does_not_match_another_number(client, make_document):
    make_document("135/KH-UBND-X", "Kế hoạch thử.", title="Kế hoạch thử")
    other = make_document("136/KH-UBND", "Kế hoạch khác.", title="Kế hoạch khác")
    assert other.url not in result_urls(search(client, "135/KH-UBND"))


# --- Filters and sorting -------------------------------------------------------------


@pytest.fixture
def three_kinds(make_page, make_article, make_document):
    now = timezone.now()
    return {
        "page": make_page("Quy chế thi đua Bông sen vàng", body="Quy chế mới."),
        "old_article": make_article(
            "Bông sen vàng năm trước", body="Tin cũ.", when=now.replace(year=2023)
        ),
        "article": make_article("Trao giải Bông sen vàng", body="Tin mới.", when=now),
        "document": make_document(
            "77/QĐ-HKH",
            "Quyết định khen thưởng giải Bông sen vàng.",
            issued=datetime.date(2024, 6, 1),
        ),
    }


def test_filter_by_type(client, three_kinds):
    assert set(result_urls(search(client, "bong sen vang", loai="tin-tuc"))) == {
        three_kinds["old_article"].url,
        three_kinds["article"].url,
    }
    assert result_urls(search(client, "bong sen vang", loai="van-ban")) == [
        three_kinds["document"].url
    ]
    assert result_urls(search(client, "bong sen vang", loai="trang")) == [three_kinds["page"].url]


def test_filter_by_year_uses_each_types_own_date(client, three_kinds):
    assert result_urls(search(client, "bong sen vang", nam="2023")) == [
        three_kinds["old_article"].url
    ]
    assert result_urls(search(client, "bong sen vang", nam="2024")) == [three_kinds["document"].url]
    response = search(client, "bong sen vang")
    years = [value for value, _label in response.context["form"].fields["nam"].choices]
    assert {2023, 2024, timezone.now().year} <= set(years)


def test_sort_by_newest(client, three_kinds):
    urls = result_urls(search(client, "bong sen vang", sap_xep=SORT_NEWEST))
    assert urls.index(three_kinds["article"].url) < urls.index(three_kinds["document"].url)
    assert urls.index(three_kinds["document"].url) < urls.index(three_kinds["old_article"].url)
    assert len(urls) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"loai": "khong-co"},
        {"nam": "abc"},
        {"nam": "1800"},
        {"sap_xep": "'; DROP TABLE x"},
    ],
)
def test_bad_filters_are_not_applied(client, three_kinds, params):
    assert len(result_urls(search(client, "bong sen vang", **params))) == 4


def test_filters_and_sorting_survive_pagination(client, make_article):
    for number in range(12):
        make_article(f"Gương sáng Lúa vàng số {number}", body="Nội dung.")
    response = search(client, "lua vang", loai="tin-tuc", sap_xep=SORT_NEWEST)
    html = response.content.decode()
    assert "q=lua+vang&amp;loai=tin-tuc&amp;sap_xep=moi-nhat&amp;page=2" in html
    second = search(client, "lua vang", loai="tin-tuc", sap_xep=SORT_NEWEST, page="2")
    assert len(result_urls(second)) == 2


# --- Results: type, date, highlighted snippet ----------------------------------------


def test_a_result_shows_type_date_and_highlighted_snippet(client, make_article):
    when = timezone.make_aware(datetime.datetime(2025, 4, 9, 8, 0))
    article = make_article(
        "Ngày hội đọc sách",
        lead="Sáng 9/4, Hội Khuyến học xã Đông Hưng tổ chức ngày hội đọc sách cho thiếu nhi.",
        when=when,
    )
    response = search(client, "khuyen hoc dong hung doc sach")
    html = response.content.decode()
    result = response.context["results"][0]
    assert result["page"].url == article.url
    assert result["date"] == when
    assert f'<a href="{article.url}">Ngày hội <mark>đọc</mark> <mark>sách</mark></a>' in html
    assert (
        "Hội <mark>Khuyến</mark> <mark>học</mark> xã <mark>Đông</mark> <mark>Hưng</mark> "
        "tổ chức ngày hội <mark>đọc</mark> <mark>sách</mark>"
    ) in html
    assert '<time datetime="2025-04-09">09/04/2025</time>' in html


def test_page_text_is_escaped_around_highlights(client, make_page):
    make_page("Thông báo tuyển sinh", intro="Lớp <b>học</b> & khuyến <script>x</script> học")
    html = search(client, "tuyen sinh").content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;b&gt;học&lt;/b&gt; &amp; khuyến &lt;script&gt;x&lt;/script&gt; học" in html


# --- Suggestions ---------------------------------------------------------------------


def suggest(client, q, lang="vi"):
    with translation.override(lang):
        url = reverse("search_suggestions")
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response


def test_suggestions_match_titles_folded(client, quang_tri):
    for query in ["quang tr", "Quảng Tr", "hoi khuyen hoc tinh q"]:
        data = json.loads(suggest(client, query).content)
        titles = [item["title"] for item in data["suggestions"]]
        assert quang_tri.title in titles, query
    item = next(
        item
        for item in json.loads(suggest(client, "quang tr").content)["suggestions"]
        if item["title"] == quang_tri.title
    )
    assert item["url"] == quang_tri.url


def test_suggestions_are_few_cached_and_public(client, make_article, django_assert_num_queries):
    for number in range(12):
        make_article(f"Hoa phượng đỏ số {number}")
    response = suggest(client, "hoa phuong")
    assert len(json.loads(response.content)["suggestions"]) == 8
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    with django_assert_num_queries(0):
        again = suggest(client, "HOA PHUONG")
    assert again.content == response.content.replace(b"hoa phuong", b"HOA PHUONG")


def test_suggestions_follow_the_language(client, demo):
    data = json.loads(suggest(client, "abou", lang="en").content)
    assert [item["url"] for item in data["suggestions"]] == ["/en/about/"]


@pytest.mark.parametrize("q", ["", "a", "   ", "\x00", "*", '"', "x" * 10_000, "' OR 1=1 --"])
def test_suggestions_with_bad_input(client, demo, q):
    data = json.loads(suggest(client, q).content)
    assert data["suggestions"] == []


def test_suggestions_only_answer_get(client, demo):
    assert client.post(reverse("search_suggestions"), {"q": "hoc"}).status_code == 405


# --- Bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {},
        {"q": "x" * 10_000},
        {"q": "học " * 5_000},
        {"q": "' OR 1=1; --"},
        {"q": "'; DROP TABLE wagtailcore_page; --"},
        {"q": '"học" AND (khuyến OR NOT)'},
        {"q": '"học'},
        {"q": "học*"},
        {"q": "NEAR(học khuyến)"},
        {"q": "học^2 -khuyến +đơn"},
        {"q": "title:học AND body:khuyến~2 /regex/ {!lucene}"},
        {"q": '{"query": {"match_all": {}}}'},
        {"q": "\x00\x1f học\x07\u200b\ufeff"},
        {"q": "\x00"},
        {"q": "học", "page": "999"},
        {"q": "học", "page": "abc"},
        {"q": "học", "page": "-1"},
        {"q": "học", "page": "1e9"},
        {"q": "học", "page": "9" * 40},
        {"q": ["học", "khuyến"]},
        {"q": "%00%27"},
    ],
)
def test_bad_input_gives_a_normal_page(client, demo, params):
    response = client.get("/tim-kiem/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tìm kiếm</h1>" in html
    assert len(response.context["search_query"]) <= MAX_QUERY_LENGTH
    assert "\x00" not in html


def test_a_long_query_is_cut_and_still_searches(client, quang_tri):
    response = search(client, "quang tri " + "x" * 10_000)
    assert len(response.context["search_query"]) == MAX_QUERY_LENGTH
    assert result_urls(response) == []
    response = search(client, "quang" + " " * 5_000 + "tri")
    assert quang_tri.url in result_urls(response)


def test_a_page_past_the_end_shows_the_last_page(client, demo):
    response = search(client, "hoc", page="999")
    page_obj = response.context["page_obj"]
    assert page_obj.number == page_obj.paginator.num_pages
    assert response.context["results"]


def test_search_page_queries_do_not_grow_with_results(
    client, make_article, django_assert_num_queries
):
    for number in range(3):
        make_article(f"Cánh diều tuổi thơ {number}", body="Nội dung.")
    search(client, "canh dieu")
    # SQLite ranks in two queries (scores, then page ids), PostgreSQL counts and ranks in one.
    expected = {"sqlite": 7, "postgresql": 5}[connection.vendor]
    with django_assert_num_queries(expected):
        search(client, "canh dieu")
    for number in range(3, 12):
        make_article(f"Cánh diều tuổi thơ {number}", body="Nội dung.")
    search(client, "canh dieu")  # the menu and language links are cached again
    with django_assert_num_queries(expected):
        search(client, "canh dieu")


def test_relevance_pages_split_the_ranked_matches(client, make_article):
    best = make_article("Thả diều trên đê làng", body="Nội dung.")
    for number in range(11):
        make_article(f"Sinh hoạt hè số {number}", body="Các em thả diều trên đê.")
    first = search(client, "tha dieu")
    second = search(client, "tha dieu", page="2")
    assert first.context["page_obj"].paginator.count == 12
    assert result_urls(first)[0] == best.url
    urls = result_urls(first) + result_urls(second)
    assert len(urls) == len(set(urls)) == 12


def test_all_words_must_match_but_each_may_be_in_title_or_body(client, make_page):
    both = make_page("Lớp học đàn bầu", body="Mở cửa cho các cháu ở thôn Đông.")
    title_only = make_page("Lớp học đàn tranh", body="Mở cửa cho các cháu ở thôn Tây.")
    urls = result_urls(search(client, "dan bau thon dong"))
    assert urls == [both.url]
    assert title_only.url not in result_urls(search(client, "dan tranh thon dong"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_postgres_matches_each_word_in_title_or_body(quang_tri):
    from wagtail.models import Page

    results = Page.objects.live().search("quang tri", operator="and")
    matches = results.query_compiler.search(
        results.query_compiler.get_config(results.backend), None, None, backend=results.backend
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
            ["wagtailsearch_indexentry"],
        )
        definitions = " ".join(row[0] for row in cursor.fetchall())
    # Each word is looked up in the title and body columns, which have their own GIN
    # indexes; the vectors are never concatenated row by row (bench/search.py times it).
    assert "USING gin (title)" in definitions
    assert "USING gin (body)" in definitions
    sql = str(matches.query)
    title, body = '"wagtailsearch_indexentry"."title" @@', '"wagtailsearch_indexentry"."body" @@'
    assert sql.count(title) == sql.count(body) == 2
    assert '"title" || "wagtailsearch_indexentry"."body"' not in sql
    assert 'AS "_vector_"' not in sql
    assert [page.pk for page in matches] == [quang_tri.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ranking query")
@pytest.mark.parametrize(
    "query, types",
    [
        ("khuyen hoc", None),  # the demo's pages and the articles below
        ("tha dieu", None),
        ("tha dieu tren de", None),
        ("khuyen hoc", "tin-tuc"),
        ("quang tri", "trang"),
    ],
)
def test_postgres_ranks_in_the_entries_scan_in_wagtails_order(
    make_article, make_page, quang_tri, query, types
):
    """The ids ranked where the entries are read come in the order of Wagtail's own query
    (the page joined to its entry, then ranked), ties newest first."""
    from wagtail.models import Locale, Page

    from home.views import _content_type_ids
    from khuyenhoc.search import search_types

    make_article("Thả diều trên đê làng", body="Khuyến học ở đê làng.")
    make_article("Sinh hoạt hè", body="Các em thả diều trên đê, khuyến học khuyến tài.")
    make_article("Thả diều", body="Thả diều, thả diều và thả diều.")
    make_article("Khuyến học thôn Đông", body="Chuyện thả diều.")
    make_page("Khuyến học và thả diều", body="Khuyến học.")
    pages = Page.objects.live().filter(locale=Locale.objects.get(language_code="vi"))
    if types:
        models = [m for value, _label, group in search_types() if value == types for m in group]
        pages = pages.filter(content_type__in=_content_type_ids(models))
    results = pages.specific().search(query, operator="and")
    compiler = results.query_compiler
    config = compiler.get_config(results.backend)
    ranked = compiler.ranked_pks(config)
    wagtails = list(compiler.search(config, None, None).values_list("pk", flat=True))
    assert len(wagtails) >= 1
    assert ranked == wagtails
    # And the results use it: counted and paged from the ranked ids.
    assert results.count() == len(ranked)
    assert [page.pk for page in results[:3]] == ranked[:3]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
@pytest.mark.parametrize("private_section", [False, True])
def test_postgres_joins_the_live_pages_from_their_index(client, make_article, private_section):
    """The search's join reads the live pages of one language from the partial index of
    migration home/0009 alone, private sections left out from it too (the page table is
    never read: bench/search.py)."""
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import PageViewRestriction

    article = make_article("Thả diều thôn Đông", body="Khuyến học.")
    if private_section:
        PageViewRestriction.objects.create(
            page=make_article("Thả diều nội bộ"), restriction_type=PageViewRestriction.LOGIN
        )
    with CaptureQueriesContext(connection) as queries:
        response = search(client, "tha dieu")
    assert result_urls(response) == [article.url]
    (ranking,) = [q["sql"] for q in queries.captured_queries if "ARRAY_AGG" in q["sql"]]
    assert ('"wagtailcore_page"."path"' in ranking) is private_section
    with connection.cursor() as cursor:
        # A test database holds too few pages for the planner to prefer an index, so it is
        # left only index-only scans: the page table must be readable from one index alone.
        for method in ("seqscan", "bitmapscan", "indexscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {ranking}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using khuyenhoc_live_page_language_type on wagtailcore_page" in plan
    assert "Seq Scan on wagtailcore_page" not in plan
