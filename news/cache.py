"""Small derived data about the news (the years that have articles or documents, counts),
cached until published content changes.

Keys carry ``khuyenhoc.cache.published_content``, the version that publishing, unpublishing,
moving or deleting a page, or changing a view restriction, bumps: every process sharing
the cache (Redis in production) drops the old values at once. Whole pages are not cached
here; they render fast uncached.
"""

from khuyenhoc.cache import CONTENT_TIMEOUT as TIMEOUT  # noqa: F401 - used by the models
from khuyenhoc.cache import published_content


def key(name, *parts):
    return published_content.key("news", name, *parts)
