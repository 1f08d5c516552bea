"""PostgreSQL only: an index of live pages by language and type, holding their id and path.

Every search joins its matches to the live pages of the reader's language and the searched
types (``khuyenhoc/search_backend.py``). Without this index PostgreSQL reads the whole page
table for it (3.3 ms with 10,000 articles); with it, an index-only scan (0.9 ms). The path
is there so the filter leaving out private sections is read from the index too. Other
databases skip this migration.
"""

from django.db import migrations

from home.migrations import _postgresql

INDEX = "khuyenhoc_live_page_language_type"

CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX}
    ON wagtailcore_page (locale_id, content_type_id) INCLUDE (id, path) WHERE live;
"""

DROP = f"DROP INDEX IF EXISTS {INDEX};"


class Migration(migrations.Migration):
    dependencies = [("home", "0008_drop_search_title_body_index")]

    operations = [_postgresql.run_sql(CREATE, DROP)]
