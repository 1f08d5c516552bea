"""Live targets: achieved values counted from recognised applications.

The applications and their review (the status "đã công nhận") belong to ``forms_app``;
this module is the one place in ``campaigns`` that reads them. Without the query functions
below, live targets have no value and the pages say "no live data yet" instead of showing a
number nobody counted.

What ``forms_app.stats`` provides (the contract this module expects):

``recognised_counts(specs)``
    ``specs`` maps a key to ``{"title": <Title value>, "year_from": int | None,
    "year_to": int | None, "province": code | None, "commune": code | None}``; returns
    ``{key: int}``, counted in the database in one aggregate query over applications whose
    status is "recognised", and cached until such an application changes.
``results_by_commune(specs)``
    the same specs as a list; the communes with the most recognised applications, with a
    count per spec, in one grouped query, cached alike.
"""

import importlib

COUNTER_MODULE = "forms_app.stats"
COUNTER_FUNCTION = "recognised_counts"


def recognised_counter(name=COUNTER_FUNCTION):
    """``forms_app``'s counting function, or None while it does not exist."""
    try:
        module = importlib.import_module(COUNTER_MODULE)
    except ImportError:
        return None
    return getattr(module, name, None)


def target_spec(target):
    return {
        "title": target.live_title,
        "year_from": target.live_year_from,
        "year_to": target.live_year_to,
        "province": target.live_province_id,
        "commune": target.live_commune_id,
    }


def attach_live_values(targets):
    """Set ``live_value`` on each live target: a count, or None when there is no data."""
    live_targets = [target for target in targets if target.is_live]
    for target in live_targets:
        target.live_value = None
    counter = recognised_counter()
    if counter is None or not live_targets:
        return
    specs = {target.pk: target_spec(target) for target in live_targets}
    counts = counter(specs)
    for target in live_targets:
        target.live_value = counts.get(target.pk)


def results_by_commune(targets):
    """The campaign's table of results by commune for its live targets (counted with
    ``attach_live_values`` first), or None when no figure comes from applications:
    ``{"targets": [...], "rows": [{"commune", "province", "counts"}], "more": bool}``."""
    live_targets = [target for target in targets if target.is_live]
    counter = recognised_counter("results_by_commune")
    if counter is None or not live_targets:
        return None
    results = counter([target_spec(target) for target in live_targets])
    return {"targets": live_targets, **results}
