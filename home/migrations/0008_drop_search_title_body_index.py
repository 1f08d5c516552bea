"""PostgreSQL only: drop the GIN index on the search index's ``title || body``.

The site's search now matches each word in ``title`` or in ``body`` (khuyenhoc.search_backend),
which the GIN indexes Wagtail keeps on each column serve; nothing matches the concatenation
any more, and the index only slowed every write to the search index. Other databases skip
this migration; going back recreates the index.
"""

from django.db import migrations

from home.migrations import _postgresql, _search_index


class Migration(migrations.Migration):
    dependencies = [("home", "0007_body_embedded_form")]

    operations = [
        _postgresql.run_sql(_search_index.DROP, _search_index.CREATE),
    ]
