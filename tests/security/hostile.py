"""Hostile values for the fuzz suite: what attackers, broken clients and pasted text send.

``Hostile(seed)`` draws values and mutates a valid submission a few fields at a time (replace a
value, slip something into it, repeat the field, drop it, add a field with a hostile name), so
each request passes most of the form's checks and reaches deep into the view. Everything comes
from one ``random.Random``: the seed is ``FUZZ_SEED`` (fixed by default, so CI runs the same
requests every time) and the number of requests per form ``FUZZ_REQUESTS``.
"""

import math
import os
import random
import re
from decimal import Decimal

SEED = int(os.environ.get("FUZZ_SEED", "20261208"))
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "300"))

NULS = ["\x00", "a\x00b", "\x00" * 3, "Nguyễn\x00Văn"]
CONTROLS = ["\x01", "\x02", "\x08", "\x0b", "\x0c", "\x1b", "\x1b[31m", "\x7f", "\x85", "\x9f"]
NUMBERS = [
    "NaN",
    "nan",
    "sNaN",
    "-NaN",
    "+sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "-inf",
    "1e999",
    "-1e999",
    "1e-999",
    "1E+999999999",
    "9" * 40,
    "9" * 400,
    "9" * 5000,
    "-1",
    "-0",
    "0",
    "000000000000",
    "1.5e3",
    "0x1f",
    "1_000",
    "17,5",
    "17.55555555",
    "١٢",
    "１２",
    "Ⅻ",
    "½",
    "1/2",
    "3.4028235e38",
    "1e308",
    "4.9e-324",
    "99999999999999999999",
    "-9223372036854775809",
]
TEXTS = [
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    "'; DROP TABLE forms_app_application; --",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "%00",
    "%C3%A9",
    "../../etc/passwd",
    "é",
    "Nguyễn Văn Ấn",
    "😀",
    "\u202eabc",
    "\u200b",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "İ",
    "ß",
    "ﬃ",
    "GDHT-2026-000001",
    "0912345678",
    "a@b",
    "ABCD-EFGH-JKLM",
]
NAMES = [
    "\x00",
    "a\x00b",
    "\x01field",
    "\x1b[0m",
    "é",
    "tên",
    "",
    " ",
    "x" * 1000,
    "__proto__",
    "members-0-name\x00",
    "members-99999999999999999999-name",
    "members-TOTAL_FORMS",
    "points_99999999999999999999",
    "points_-1",
    "note_\x00",
    "files_1",
    "evidence",
    "csrfmiddlewaretoken",
    "action",
    "form_started",
    "website",
    "draft_token",
    "remove_files",
    "province[]",
    "page",
    "q",
    "t",
]
NUMERIC = re.compile(r"^[\d.,+-]+$")
LONG_UNITS = ["A", "é", "😀", "\x01", "9", " "]

# What a stored value may not hold: every control character but tab and line breaks.
DIRTY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Hostile:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)

    def choice(self, items):
        return self.rng.choice(items)

    def long(self):
        return self.choice(LONG_UNITS) * self.choice([256, 1001, 4097, 20_000])

    def value(self, original=""):
        """One hostile value; sometimes the original with something slipped into it."""
        kind = self.rng.random()
        if isinstance(original, str) and NUMERIC.match(original) and kind < 0.5:
            # A number field: mostly what numbers look like when they are not numbers.
            atom = self.choice(NUMBERS)
        elif kind < 0.12:
            atom = self.choice(NULS)
        elif kind < 0.32:
            atom = self.choice(CONTROLS)
        elif kind < 0.55:
            atom = self.choice(NUMBERS)
        elif kind < 0.9:
            atom = self.choice(TEXTS)
        else:
            return self.long()
        original = original if isinstance(original, str) else ""
        where = self.rng.random()
        if where < 0.45 or not original:
            return atom
        if where < 0.6:
            return atom + original
        if where < 0.75:
            return original + atom
        cut = self.rng.randrange(len(original) + 1)
        return original[:cut] + atom + original[cut:]

    def name(self):
        name = self.choice(NAMES)
        return name + self.choice(["", "", self.choice(CONTROLS)])

    def mutate(self, data, keep=()):
        """A copy of ``data`` with one to three hostile changes (fields in ``keep`` stay)."""
        data = dict(data)
        fields = [name for name in data if name not in keep]
        for _ in range(self.rng.choice([1, 1, 2, 3])):
            move = self.rng.random()
            name = self.choice(fields) if fields else None
            if name is None or move < 0.12:
                data[self.name()] = self.value()
            elif move < 0.6:
                data[name] = self.value(data[name])
            elif move < 0.75:
                count = self.choice([2, 3, 50])
                data[name] = [self.value(data[name]) for _ in range(count)]
            elif move < 0.88:
                data.pop(name, None)
                fields.remove(name)
            else:
                # The same value under a hostile name, or a valid name repeated with a twin.
                data[name + self.choice(CONTROLS + NULS + ["[]", "é"])] = data.get(name, "")
        return data


def dirty(value):
    """What in a stored value breaks a database, a spreadsheet or a log: a control character
    or a number that is not finite. None when clean."""
    if isinstance(value, str):
        match = DIRTY.search(value)
        return repr(match.group()) if match else None
    if isinstance(value, Decimal):
        return None if value.is_finite() else value
    if isinstance(value, float):
        return None if math.isfinite(value) else value
    if isinstance(value, dict):
        for key, item in value.items():
            found = dirty(key) or dirty(item)
            if found:
                return found
    if isinstance(value, list | tuple):
        for item in value:
            found = dirty(item)
            if found:
                return found
    return None
