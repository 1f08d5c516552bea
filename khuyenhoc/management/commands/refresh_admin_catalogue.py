"""Keeps our Vietnamese catalogue of Wagtail's and wagtail-localize's strings in step with the
installed versions: after an upgrade, new msgids appear untranslated and gone ones are dropped,
while every translation already made is kept."""

from importlib import import_module
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

DOMAINS = ("django", "djangojs")


def catalogue_dir():
    return Path(settings.ADMIN_CATALOGUE_DIR) / "vi" / "LC_MESSAGES"


def source_entries(domain):
    """Every msgid the installed packages declare, from their English templates."""
    entries = {}
    for package in settings.ADMIN_CATALOGUE_PACKAGES:
        root = Path(import_module(package).__path__[0])
        for path in sorted(root.glob(f"**/locale/en/LC_MESSAGES/{domain}.po")):
            for entry in polib.pofile(str(path)):
                if not entry.obsolete:
                    entries.setdefault((entry.msgctxt, entry.msgid), entry)
    return entries


def translated(entry):
    if entry.msgid_plural:
        return bool(entry.msgstr_plural.get(0))
    return bool(entry.msgstr)


class Command(BaseCommand):
    help = (
        "Refresh khuyenhoc/locale_admin from the installed Wagtail and wagtail-localize, keep "
        "the translations made, compile, and print what is left to translate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report; write nothing.")

    def handle(self, *args, check=False, **options):
        directory = catalogue_dir()
        directory.mkdir(parents=True, exist_ok=True)
        for domain in DOMAINS:
            path = directory / f"{domain}.po"
            known = {}
            if path.exists():
                known = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path))}
            catalogue = polib.POFile(wrapwidth=100)
            catalogue.metadata = {
                "Project-Id-Version": "khuyenhoc admin (Wagtail, wagtail-localize)",
                "Language": "vi",
                "MIME-Version": "1.0",
                "Content-Type": "text/plain; charset=UTF-8",
                "Content-Transfer-Encoding": "8bit",
                "Plural-Forms": "nplurals=1; plural=0;",
            }
            missing = []
            for key, source in sorted(
                source_entries(domain).items(), key=lambda item: (item[0][1], item[0][0] or "")
            ):
                entry = polib.POEntry(
                    msgctxt=source.msgctxt,
                    msgid=source.msgid,
                    msgid_plural=source.msgid_plural,
                    occurrences=source.occurrences[:1],
                    flags=[flag for flag in source.flags if flag != "fuzzy"],
                )
                old = known.get(key)
                if source.msgid_plural:
                    entry.msgstr_plural = {0: old.msgstr_plural.get(0, "") if old else ""}
                else:
                    entry.msgstr = old.msgstr if old else ""
                if not translated(entry):
                    missing.append(source.msgid)
                catalogue.append(entry)
            total = len(catalogue)
            self.stdout.write(
                f"{domain}: {total - len(missing)} of {total} translated "
                f"({100 * (total - len(missing)) / max(total, 1):.1f} %)"
            )
            for msgid in missing[:20]:
                self.stdout.write(f"  untranslated: {msgid!r}")
            if not check:
                catalogue.save(str(path))
                catalogue.save_as_mofile(str(path.with_suffix(".mo")))
