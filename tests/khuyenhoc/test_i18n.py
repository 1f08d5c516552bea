"""Vietnamese first: formats, the catalogue, and the URLs of each language."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import formats, timezone, translation

CATALOGUE = Path(settings.BASE_DIR) / "khuyenhoc/locale/vi/LC_MESSAGES/django.po"


def test_vietnamese_is_the_default_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def test_vietnamese_dates_and_numbers():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2023, 12, 20), "SHORT_DATE_FORMAT") == "20/12/2023"
        assert formats.date_format(datetime.date(2023, 12, 20)) == "20/12/2023"
        assert intcomma(216652) == "216.652"
        assert formats.number_format(32.84, decimal_pos=2) == "32,84"
        moment = datetime.datetime(2023, 12, 20, 10, 13, tzinfo=datetime.UTC)
        rendered = Template("{{ moment|date:'SHORT_DATETIME_FORMAT' }}").render(
            Context({"moment": timezone.localtime(moment, ZoneInfo("Asia/Ho_Chi_Minh"))})
        )
        assert rendered == "17:13 20/12/2023"
        assert Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 64410})) == (
            "64.410"
        )


def test_english_numbers_keep_english_separators():
    with translation.override("en"):
        assert intcomma(216652) == "216,652"
        assert formats.date_format(datetime.date(2023, 12, 20), "SHORT_DATE_FORMAT") == "20/12/2023"


def test_vietnamese_input_formats_are_accepted():
    from django import forms

    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = DateForm({"day": "20/12/2023"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2023, 12, 20)


def test_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(CATALOGUE))
    assert po.metadata["Language"] == "vi"
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    mo = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    compiled = {(entry.msgid, entry.msgstr) for entry in mo if not entry.msgid_plural}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert (entry.msgid, entry.msgstr) in compiled, f"recompile: {entry.msgid!r}"


def test_search_urls_are_translated():
    from django.urls import reverse

    with translation.override("vi"):
        assert reverse("search") == "/tim-kiem/"
    with translation.override("en"):
        assert reverse("search") == "/en/search/"


@pytest.mark.django_db
def test_english_browser_still_gets_vietnamese_at_root(client, demo):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode()
