"""Versioned keys stay correct when the cache drops the version itself."""

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
