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


def search_key(text: str) -> str:
    """What a typed name is compared on: folded, lower case, single spaces
    ("  Nguyễn  VĂN " -> "nguyen van")."""
    return " ".join(fold(text).lower().split())


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


# Phone numbers: forms and duplicate checks compare numbers in one canonical form.
_PHONE_JUNK = re.compile(r"[\s.\-()]")
# Mobile numbers: 0 + 3/5/7/8/9 + 8 digits; landlines: 02 + 9 digits.
_PHONE_OK = re.compile(r"^0(?:[35789]\d{8}|2\d{9})$")


def normalize_phone(value):
    """``0912 345 678``, ``+84 912 345 678``, ``84912345678`` → ``0912345678``; else None."""
    number = _PHONE_JUNK.sub("", value or "")
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("84") and len(number) in (11, 12):
        number = "0" + number[2:]
    elif number.startswith("0084"):
        number = "0" + number[4:]
    if number.startswith("00"):
        return None
    return number if _PHONE_OK.match(number) else None
