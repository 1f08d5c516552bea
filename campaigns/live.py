"""Live targets: achieved values counted from recognised applications.

The applications and their review (the status "đã công nhận") belong to ``forms_app`` and
are not built yet. This module is the one place that will read them. Until ``forms_app``
offers the query function below, live targets have no value and the pages say "no live
data yet" instead of showing a number nobody counted.

What ``forms_app`` must provide (the contract this module expects):

``forms_app.stats.recognised_counts(specs)``
    ``specs`` maps a key to ``{"title": <Title value>, "year_from": int | None,
    "year_to": int | None, "area": str}``; returns ``{key: int}``, counted in the database
    in one aggregate query over applications whose status is "recognised", and cached
    until an application changes status.
"""

import importlib

COUNTER_MODULE = "forms_app.stats"
COUNTER_FUNCTION = "recognised_counts"


def recognised_counter():
    """``forms_app``'s counting function, or None while it does not exist."""
    try:
        module = importlib.import_module(COUNTER_MODULE)
    except ImportError:
        return None
    return getattr(module, COUNTER_FUNCTION, None)


def attach_live_values(targets):
    """Set ``live_value`` on each live target: a count, or None when there is no data."""
    live_targets = [target for target in targets if target.is_live]
    for target in live_targets:
        target.live_value = None
    counter = recognised_counter()
    if counter is None or not live_targets:
        return
    specs = {
        target.pk: {
            "title": target.live_title,
            "year_from": target.live_year_from,
            "year_to": target.live_year_to,
            "area": target.live_area,
        }
        for target in live_targets
    }
    counts = counter(specs)
    for target in live_targets:
        target.live_value = counts.get(target.pk)
