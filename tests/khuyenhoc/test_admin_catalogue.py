"""Our Vietnamese catalogue of Wagtail's and wagtail-localize's strings: complete for the
installed versions, placeholders intact, compiled, and used by the admin."""

import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from khuyenhoc.management.commands.refresh_admin_catalogue import (
    DOMAINS,
    catalogue_dir,
    source_entries,
    translated,
)

THRESHOLD = 99.0
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[A-Za-z0-9_]*\}")
# Words that would say something else in this site's glossary (docs/glossary-vi.md).
WRONG_WORDS = ["Phân trang", "Tập", "đoạn mã", "Phê chuẩn", "Phê duyệt"]


def catalogue(domain):
    return polib.pofile(str(catalogue_dir() / f"{domain}.po"))


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_installed_msgid_is_in_the_catalogue_and_translated(domain):
    entries = {(e.msgctxt, e.msgid): e for e in catalogue(domain)}
    sources = source_entries(domain)
    missing = sorted(msgid for (ctx, msgid) in sources if (ctx, msgid) not in entries)
    assert not missing, (
        f"{len(missing)} msgids of the installed Wagtail are not in the catalogue: run "
        f"manage.py refresh_admin_catalogue and translate them; first: {missing[:5]}"
    )
    done = sum(translated(entries[key]) for key in sources)
    assert 100 * done / len(sources) >= THRESHOLD, f"{domain}: {done} of {len(sources)}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_their_placeholders_and_the_glossary(domain):
    problems = []
    for entry in catalogue(domain):
        if not translated(entry):
            continue
        text = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        # Vietnamese has one plural form, written with the plural's placeholders; it may
        # use any of the singular's too, and none that neither has.
        allowed = set(PLACEHOLDER.findall(entry.msgid)) | set(
            PLACEHOLDER.findall(entry.msgid_plural or "")
        )
        wanted = PLACEHOLDER.findall(entry.msgid_plural or entry.msgid)
        used = PLACEHOLDER.findall(text)
        if set(used) - allowed or sorted(set(wanted)) != sorted(set(used) & set(wanted)):
            problems.append((entry.msgid, text))
        elif not entry.msgid_plural and sorted(used) != sorted(wanted):
            problems.append((entry.msgid, text))
        problems += [(entry.msgid, text) for word in WRONG_WORDS if word in text]
    assert not problems, problems[:10]


def test_the_catalogue_declares_one_plural_form_and_is_compiled():
    for domain in DOMAINS:
        po = catalogue(domain)
        assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
        mo = polib.mofile(str(catalogue_dir() / f"{domain}.mo"))
        compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in mo}
        for entry in po.translated_entries():
            text = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
            assert compiled.get((entry.msgctxt, entry.msgid)) == text, (
                f"{domain}.mo is older than {domain}.po: run manage.py compile_catalogues"
            )


def test_the_admin_speaks_vietnamese_through_it():
    assert Path(settings.ADMIN_CATALOGUE_DIR) in [Path(p) for p in settings.LOCALE_PATHS]
    with translation.override("vi"):
        for msgid in ["Save draft", "Set schedule", "Awaiting your review", "Drag and drop"]:
            entry = next((e for e in catalogue("django") if e.msgid.startswith(msgid)), None)
            assert entry is not None, msgid
            assert translation.gettext(entry.msgid) == entry.msgstr != entry.msgid


def test_the_admin_javascript_catalogue_is_vietnamese(client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", "q@example.org", "x")
    client.force_login(user)
    response = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    body = response.content.decode()
    entries = [e for e in catalogue("djangojs") if e.msgstr and e.msgid.startswith("Close")]
    assert entries
    for entry in entries:
        assert json.dumps(entry.msgstr) in body, entry.msgid


def test_our_msgids_shared_with_wagtail_keep_wagtails_wording():
    """Django looks our catalogue up first, so one of our msgids without a context that
    Wagtail also uses would reword Wagtail's screens ("Pages" as "Phân trang"). Ours must
    read exactly as the admin catalogue does, or carry a context (pgettext)."""
    ours = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "vi/LC_MESSAGES/django.po"))
    admin = {(e.msgctxt, e.msgid): e for e in catalogue("django")}
    clashes = []
    for entry in ours:
        theirs = admin.get((entry.msgctxt, entry.msgid))
        if entry.obsolete or theirs is None or not translated(theirs):
            continue
        mine = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
        wagtails = theirs.msgstr_plural.get(0) if theirs.msgid_plural else theirs.msgstr
        if mine != wagtails:
            clashes.append((entry.msgid, mine, wagtails))
    assert not clashes, (
        f"give these msgids a context in our code, or the same words in both catalogues: {clashes}"
    )
