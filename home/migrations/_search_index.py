"""The GIN index on ``title || body`` that migration 0006 creates and 0008 drops."""

INDEX = "wagtailsearch_indexentry_title_body_gin"

CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX}
    ON wagtailsearch_indexentry USING gin ((title || body));
"""

DROP = f"DROP INDEX IF EXISTS {INDEX};"

