"""Vietnamese text folding shared by slugs and search.

Vietnamese readers type with and without diacritics, and URLs must stay ASCII, so
both need the same answer to "what is the plain letter under this one?". Django's
``slugify`` drops ``Đ`` entirely and Wagtail's admin turns it into ``dj``; this
module is the single place that gets it right.
"""

import re
import unicodedata

from django.utils.text import slugify

# Đ/đ is a letter of its own in Unicode, not D plus a mark, so NFD cannot split it.
_STROKED = str.maketrans({"Đ": "D", "đ": "d"})


def fold(text: str) -> str:
    """Remove Vietnamese diacritics: "Đơn vị học tập" -> "Don vi hoc tap"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).translate(_STROKED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def slugify_vi(text: str) -> str:
    """An ASCII slug readable by Vietnamese speakers: "Đơn vị học tập" -> "don-vi-hoc-tap"."""
    return slugify(fold(text))


def _vietnamese_letters() -> dict[str, str]:
    """Every precomposed Latin letter whose folded form is a plain ASCII letter."""
    letters: dict[str, list[str]] = {}
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        if not char.isalpha():
            continue
        base = fold(char)
        if base != char and len(base) == 1 and base.isascii():
            letters.setdefault(base, []).append(char)
    return {base: "".join(chars) for base, chars in sorted(letters.items())}


def slug_js_formatters() -> list[tuple[str, str]]:
    """Regex replacements for Wagtail's slug widget, built from ``fold`` itself.

    The admin generates slugs in the browser while an editor types a title; these
    pairs make it fold exactly as the server does.
    """
    return [(f"[{re.escape(chars)}]", base) for base, chars in _vietnamese_letters().items()]
