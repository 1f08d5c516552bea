"""PostgreSQL only: a text search configuration that ignores Vietnamese diacritics.

"khuyenhoc_vi" is "simple" (no stemming: Vietnamese words are syllables) with
``unaccent`` first, so "khuyen hoc" matches "khuyến học". Pages also index a folded
copy of their text (khuyenhoc/search.py), so search works even where ``unaccent``'s
rules differ. Other databases skip this migration.
"""

from django.db import migrations

from home.migrations import _postgresql

CONFIG = "khuyenhoc_vi"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple);
    END IF;
END
$$;
ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;
"""

DROP = f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};"


class Migration(migrations.Migration):
    dependencies = [("home", "0003_home_blocks")]

    operations = [_postgresql.run_sql(CREATE, DROP)]
