"""Submit admin forms the way a browser does: every field as the page rendered it."""

from bs4 import BeautifulSoup


def form_values(html, form_selector="form"):
    """The values a browser would send for the first form matching ``form_selector``."""
    form = BeautifulSoup(html, "html.parser").select_one(form_selector)
    assert form is not None, f"no form matches {form_selector!r}"
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "select":
            selected = field.find_all("option", selected=True) or field.find_all("option")[:1]
            values = [option.get("value", option.text) for option in selected]
            data[name] = values if field.has_attr("multiple") else (values[0] if values else "")
        elif field.name == "textarea":
            data[name] = field.text
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "image", "file"):
            data[name] = field.get("value", "")
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in data.items()}
