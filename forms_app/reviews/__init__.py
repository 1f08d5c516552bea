"""The review workflow in Wagtail's admin (the rules themselves are in ``forms_app.workflow``).

- ``viewsets``: the applications list (filters, search, counts per status, sorting), scoped to
  the user's areas, the review assignments, and the extra URLs (export, certificate).
- ``filters``: the list's filters, shared with the export.
- ``detail``: one application with its files, scores, history and action forms.
- ``bulk``: bulk actions on a selection.
- ``exports``: streamed XLSX and CSV of the filtered list.
- ``dashboard``: the admin home panel.
"""
