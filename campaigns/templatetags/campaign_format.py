"""Template filters for figures: ``{{ value|number }}``, ``|percent``, ``|money``."""

from django import template

from campaigns import formatting

register = template.Library()


@register.filter
def number(value):
    return formatting.format_number(value)


@register.filter
def percent(value):
    return formatting.format_percent(value)


@register.filter
def money(value):
    return formatting.format_money(value)
