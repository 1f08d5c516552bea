"""Versioned keys stay correct when the cache drops the version itself."""

import pytest
from django.core.cache import cache

from khuyenhoc.cache import CacheVersion


def test_a_bump_retires_the_keys():
    version = CacheVersion("test-bump")
    cache.set(version.key("x"), "old")
    version.bump()
    assert cache.get(version.key("x")) is None


def test_an_evicted_version_never_comes_back_as_an_old_number():
    version = CacheVersion("test-evicted")
    seen = {version.get()}
    for _ in range(3):
        version.bump()
        seen.add(version.get())
    cache.set(version.key("x"), "stale")
    cache.delete(version.version_key)  # a full cache evicted it
    assert version.get() not in seen
    assert cache.get(version.key("x")) is None


@pytest.mark.django_db
def test_the_active_locale_is_read_once_and_follows_the_sites_languages(
    demo, django_assert_num_queries
):
    from django.utils import translation
    from wagtail.models import Locale

    from khuyenhoc.cache import active_locale, published_content

    for language in ("vi", "en"):
        with translation.override(language):
            active_locale()
            with django_assert_num_queries(0):
                assert active_locale().language_code == language
    # A language added (or removed) moves the version: the locales are read again.
    before = published_content.get()
    Locale.objects.create(language_code="fr")
    assert published_content.get() != before
    with translation.override("vi"), django_assert_num_queries(1):
        assert active_locale().language_code == "vi"
