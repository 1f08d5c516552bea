"""Numbers, percentages and sums of money written the way each language reads them.

Separators come from the format modules (``khuyenhoc/formats``): "64.410" and "80,5%" in
Vietnamese, "64,410" and "80.5%" in English. Large sums of money are shortened with the
scale words of each language ("40 tỉ đồng", "40 billion VND"); like the separators, these
words are locale data rather than interface text, so they live here next to the rules
that use them instead of in the message catalogue.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language

# (threshold, word) from the largest scale down, then the word for plain amounts.
MONEY_SCALES = {
    "vi": ([(10**9, "tỉ đồng"), (10**6, "triệu đồng")], "đồng"),
    "en": ([(10**9, "billion VND"), (10**6, "million VND")], "VND"),
}


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _trimmed(value, places):
    """Round half up to ``places`` decimals and drop a zero fraction (80.50 -> 80,5)."""
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return formats.number_format(rounded, decimal_pos=0, force_grouping=True)
    text = formats.number_format(rounded, decimal_pos=places, force_grouping=True)
    separator = formats.get_format("DECIMAL_SEPARATOR")
    return text.rstrip("0") if separator in text else text


def format_number(value):
    """Whole numbers with thousands grouped: 64410 -> "64.410" (vi), "64,410" (en)."""
    number = _decimal(value)
    if number is None:
        return ""
    return _trimmed(number, 2)


def format_percent(value, places=1):
    """A percentage with at most one decimal: 80.5125 -> "80,5%" (vi), "80.5%" (en)."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{_trimmed(number, places)}%"


def format_money(value):
    """A sum in đồng, shortened: 40_000_000_000 -> "40 tỉ đồng", 850_000_000 -> "850 triệu đồng"."""
    number = _decimal(value)
    if number is None:
        return ""
    scales, plain = MONEY_SCALES.get((get_language() or "vi")[:2], MONEY_SCALES["vi"])
    for threshold, word in scales:
        if abs(number) >= threshold:
            return f"{_trimmed(number / threshold, 1)} {word}"
    return f"{_trimmed(number, 0)} {plain}"


def ratio_percent(achieved, target):
    """How far ``achieved`` has come towards ``target``, in percent (None when unknown)."""
    achieved, target = _decimal(achieved), _decimal(target)
    if achieved is None or not target:
        return None
    return achieved * 100 / target
