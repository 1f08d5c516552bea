from crispy_forms.utils import render_crispy_form
from django import template
from django.utils.translation import get_language

register = template.Library()

_EMPTY_FORMS = {}


@register.simple_tag
def pledge_fields(form):
    """crispy's markup of the pledge form's fields.

    An empty pledge form is the same markup for every campaign and every reader of a
    language, and crispy takes 1.5 ms to render it on a page that cannot be cached (it
    carries a CSRF token): kept per language for the life of the process. A form sent back
    with errors holds the reader's entries, and one with a value given in advance holds it:
    those are rendered every time. (The start time, outside crispy's fields, changes with each
    request: ``includes/antispam_fields.html`` renders it.)
    """
    antispam = form.antispam_field_names()
    if form.is_bound or any(v for name, v in form.initial.items() if name not in antispam):
        return render_crispy_form(form)
    key = (type(form), get_language())
    if key not in _EMPTY_FORMS:
        _EMPTY_FORMS[key] = render_crispy_form(form)
    return _EMPTY_FORMS[key]
