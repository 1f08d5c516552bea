"""Elasticsearch 9: what the backend would send, checked without a server.

No Elasticsearch server runs where these tests are written, so the client is a mock that
records the index settings, mappings, documents and queries. The last test runs against a
real server only when ELASTICSEARCH_TEST_URL is set (e.g. http://127.0.0.1:9200).
"""

import copy
import os
import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from elastic_transport import ConnectionError as ESConnectionError
from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend

from khuyenhoc.text import fold
from news.models import DocumentPage, NewsArticlePage

pytestmark = pytest.mark.django_db


def suggestions_url():
    with translation.override("vi"):
        return reverse("search_suggestions")


def es_params(url="http://es.invalid:9200", prefix="khtest_"):
    """The backend settings base.py builds when ELASTICSEARCH_URL is set."""
    return {
        "BACKEND": "wagtail.search.backends.elasticsearch9",
        "URLS": [url],
        "INDEX_PREFIX": prefix,
        "TIMEOUT": 5,
        "INDEX_SETTINGS": copy.deepcopy(settings.ELASTICSEARCH_INDEX_SETTINGS),
    }


@pytest.fixture
def es_client():
    """Every Elasticsearch9 backend built in the test talks to this mock."""
    with mock.patch.object(Elasticsearch9SearchBackend, "client_class") as client_class:
        client = client_class.return_value
        client.search.return_value = {"hits": {"hits": [], "total": {"value": 0}}}
        client.count.return_value = {"count": 0}
        yield client


@pytest.fixture
def backend(es_client):
    params = es_params()
    params.pop("BACKEND")
    return Elasticsearch9SearchBackend(params)


def test_settings_pick_elasticsearch9_with_the_folding_analyzer():
    analysis = settings.ELASTICSEARCH_INDEX_SETTINGS["settings"]["analysis"]
    assert analysis["char_filter"]["vietnamese_d"] == {
        "type": "mapping",
        "mappings": ["đ => d", "Đ => D"],
    }


def test_index_is_created_with_vietnamese_folding(backend, es_client):
    index = backend.get_index_for_model(NewsArticlePage)
    assert index.name == "khtest_wagtailcore_page"
    index.put()
    kwargs = es_client.indices.create.call_args.kwargs
    assert kwargs["index"] == "khtest_wagtailcore_page"
    analysis = kwargs["settings"]["analysis"]
    default = analysis["analyzer"]["default"]
    assert default["tokenizer"] == "standard"
    assert default["char_filter"] == ["vietnamese_d"]
    assert default["filter"] == ["lowercase", "asciifolding"]
    for name in ["edgengram_analyzer", "ngram_analyzer"]:
        assert analysis["analyzer"][name]["char_filter"] == ["vietnamese_d"]
        assert "asciifolding" in analysis["analyzer"][name]["filter"]
    # Wagtail's own definitions are merged, not replaced.
    assert analysis["filter"]["edgengram"] == {"type": "edge_ngram", "min_gram": 1, "max_gram": 15}
    assert kwargs["settings"]["index"]["max_ngram_diff"] == 12


def test_mappings_boost_titles_and_keep_dates_filterable(backend, es_client):
    index = backend.get_index_for_model(NewsArticlePage)
    index.add_model(NewsArticlePage)
    properties = es_client.indices.put_mapping.call_args.kwargs["properties"]
    assert properties["title"]["type"] == "text"
    assert properties["title"]["copy_to"] == ["_all_text", "_all_text_boost_10_0"]
    assert properties["news_newsarticlepage__body"] == {"type": "text", "copy_to": "_all_text"}
    assert properties["title_edgengrams"]["analyzer"] == "edgengram_analyzer"
    assert properties["news_newsarticlepage__date_published_filter"] == {"type": "date"}
    index.add_model(DocumentPage)
    properties = es_client.indices.put_mapping.call_args.kwargs["properties"]
    assert "_all_text_boost_3_0" in properties["news_documentpage__number_normalised"]["copy_to"]


def test_documents_sent_carry_a_folded_copy(backend, es_client, demo):
    article = NewsArticlePage.objects.live().filter(title__contains="Khuyến học").first()
    backend.get_index_for_model(NewsArticlePage).add_item(article)
    document = es_client.index.call_args.kwargs["document"]
    assert document["title"] == f"{article.title}\n{fold(article.title)}"
    assert "Khuyen hoc" in document["title_edgengrams"]
    assert fold(article.lead) in document["news_newsarticlepage__lead"]


def test_the_search_page_sends_folded_words(client, demo, es_client):
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": es_params()}):
        response = client.get("/tim-kiem/", {"q": "Đơn VỊ học-tập", "nam": "2026"})
    assert response.status_code == 200
    body = es_client.search.call_args.kwargs
    assert body["index"] == "khtest_wagtailcore_page"
    query = body["query"]["bool"]
    assert query["must"]["multi_match"]["query"] == "don vi hoc tap"
    assert query["must"]["multi_match"]["operator"] == "and"
    assert "_all_text_boost_10_0^10.0" in query["must"]["multi_match"]["fields"]
    # The year filter arrives as the ids of that year's pages.
    assert "'id_filter'" in str(query["filter"])


def test_sorting_by_newest_falls_back_to_first_publication(client, demo, es_client):
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": es_params()}):
        response = client.get("/tim-kiem/", {"q": "hoc", "sap_xep": "moi-nhat"})
    assert response.status_code == 200
    assert es_client.search.call_args.kwargs["sort"] == [{"first_published_at_filter": "desc"}]


def test_suggestions_send_folded_prefixes(client, demo, es_client):
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": es_params()}):
        response = client.get(suggestions_url(), {"q": "Khuyến h"})
    assert response.status_code == 200
    query = es_client.search.call_args.kwargs["query"]["bool"]["must"]
    assert query == {"match": {"_edgengrams": {"query": "khuyen h", "operator": "and"}}}


def test_an_unreachable_server_gives_a_message(client, demo, es_client):
    es_client.search.side_effect = ESConnectionError("connection refused")
    es_client.count.side_effect = ESConnectionError("connection refused")
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": es_params()}):
        response = client.get("/tim-kiem/", {"q": "hoc"})
        suggestions = client.get(suggestions_url(), {"q": "hoc"})
    assert response.status_code == 200
    assert "Không thể tìm kiếm với các từ này" in response.content.decode()
    assert suggestions.json()["suggestions"] == []


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_TEST_URL"),
    reason="set ELASTICSEARCH_TEST_URL to run against a real Elasticsearch 9 server",
)
def test_against_a_real_server(client, demo):
    prefix = f"khtest_{uuid.uuid4().hex[:8]}_"
    params = es_params(os.environ["ELASTICSEARCH_TEST_URL"], prefix)
    try:
        with override_settings(WAGTAILSEARCH_BACKENDS={"default": params}):
            call_command("update_index", stdout=open(os.devnull, "w"))
            document = DocumentPage.objects.get(number="135/KH-UBND")
            for query in ["135/KH-UBND", "135 KH-UBND", "ke hoach xay dung xa hoi hoc tap"]:
                response = client.get("/tim-kiem/", {"q": query})
                urls = [r["page"].url for r in response.context["results"]]
                assert document.url in urls, query
            for query in ["khuyen hoc", "KHUYEN HOC", "don vi hoc tap"]:
                response = client.get("/tim-kiem/", {"q": query})
                assert response.context["results"], query
            assert client.get(suggestions_url(), {"q": "khuyen h"}).json()["suggestions"]
    finally:
        backend = Elasticsearch9SearchBackend({k: v for k, v in params.items() if k != "BACKEND"})
        for name in backend.es.indices.get(index=f"{prefix}*"):
            backend.es.indices.delete(index=name)
