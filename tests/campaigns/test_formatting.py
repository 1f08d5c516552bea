"""Figures as each language writes them: 64.410, 80,5%, 40 tỉ đồng."""

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from campaigns.formatting import format_money, format_number, format_percent, ratio_percent


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", ["64.410", "80.000", "1.234,5", "0", "-1.500"]),
        ("en", ["64,410", "80,000", "1,234.5", "0", "-1,500"]),
    ],
)
def test_numbers(language, expected):
    with translation.override(language):
        assert [
            format_number(64410),
            format_number("80000"),
            format_number(Decimal("1234.50")),
            format_number(0),
            format_number(-1500),
        ] == expected


def test_percent_keeps_one_decimal_and_drops_a_zero_one():
    with translation.override("vi"):
        assert format_percent(ratio_percent(64410, 80000)) == "80,5%"
        assert format_percent(100) == "100%"
        assert format_percent(Decimal("32.84")) == "32,8%"
        assert format_percent(Decimal("0.05")) == "0,1%"  # rounded half up
    with translation.override("en"):
        assert format_percent(ratio_percent(64410, 80000)) == "80.5%"
    assert ratio_percent(10, 0) is None
    assert ratio_percent(None, 10) is None


def test_money_in_vietnamese():
    with translation.override("vi"):
        assert format_money(40_000_000_000) == "40 tỉ đồng"
        assert format_money(39_850_000_000) == "39,9 tỉ đồng"
        assert format_money(1_250_000_000_000) == "1.250 tỉ đồng"
        assert format_money(850_000_000) == "850 triệu đồng"
        assert format_money(2_500_000) == "2,5 triệu đồng"
        assert format_money(500_000) == "500.000 đồng"


def test_money_in_english():
    with translation.override("en"):
        assert format_money(40_000_000_000) == "40 billion VND"
        assert format_money(850_000_000) == "850 million VND"
        assert format_money(500_000) == "500,000 VND"


def test_empty_and_bad_values_print_nothing():
    for value in (None, "", "không rõ"):
        assert format_number(value) == ""
        assert format_percent(value) == ""
        assert format_money(value) == ""


def test_template_filters():
    template = engines["django"].from_string(
        "{% load campaign_format %}{{ n|number }} | {{ p|percent }} | {{ m|money }}"
    )
    context = {"n": 216652, "p": Decimal("80.5125"), "m": 40_000_000_000}
    with translation.override("vi"):
        assert template.render(context) == "216.652 | 80,5% | 40 tỉ đồng"
    with translation.override("en"):
        assert template.render(context) == "216,652 | 80.5% | 40 billion VND"
