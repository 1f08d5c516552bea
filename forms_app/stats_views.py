"""The public statistics page of the learning titles, with its CSV.

Registrations, requests for recognition sent and recognitions, by title, year and province (by
commune once a province is chosen), filtered by year, province and title. The figures come from
``forms_app.stats.statistics`` (one grouped query, cached until an application changes) and are
shown three ways that say the same: bar charts drawn on the server as inline SVG (no script, so
they print and work on a closed network), tables for screen readers and copying, and a CSV of the
same rows for spreadsheets. A filter value that makes no sense is ignored, with a note: the page
always answers.
"""

import csv

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms_app import stats
from forms_app.models import LearningTitle

TEMPLATE = "forms_app/statistics.html"
CHART_TEMPLATE = "forms_app/statistics_chart.html"

# The chart's drawing, in SVG user units: it scales to the width of the phone.
CHART_WIDTH = 320
BAR_SPACE = 250  # the longest bar; the rest of the width holds its figure
LABEL_HEIGHT = 16
BAR_HEIGHT = 10
BAR_GAP = 2
ROW_GAP = 10
# The areas drawn in the chart; the table lists them all.
CHART_AREAS = 10
COLOURS = ("#7aa7d6", "#1f5fa8", "#1b7a3d")


def figure_labels():
    return [_("Registrations"), _("Requests for recognition sent"), _("Recognised")]


class StatisticsFilter(forms.Form):
    """The filters, in the query string: ``nam`` (year), ``tinh`` (province code) and
    ``danh_hieu`` (title); an empty value means all."""

    nam = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )
    tinh = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    danh_hieu = forms.ChoiceField(label=gettext_lazy("Learning title"), required=False)

    def __init__(self, data, *, years, provinces):
        super().__init__(data)
        self.fields["nam"].choices = [("", _("All years"))] + [(y, y) for y in years]
        self.fields["tinh"].choices = [("", _("All provinces"))] + list(provinces)
        self.fields["danh_hieu"].choices = [("", _("All titles"))] + list(LearningTitle.choices)

    def filters(self):
        """``(year, province, title)``, each None when not chosen or not understood."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("nam"), data.get("tinh") or None, data.get("danh_hieu") or None


def _read_filters(request):
    provinces = stats.statistics_provinces()
    form = StatisticsFilter(request.GET, years=stats.statistics_years(), provinces=provinces)
    year, province, title = form.filters()
    province_name = dict(provinces).get(province)
    return form, year, province, province_name, title


def _rows(figures, province):
    """The page's three tables as ``(key, heading, item heading, rows)``, each row
    ``(code, label, counts)``: by title, by year, by province or commune."""
    titles = [
        (title.value, title.label, figures["by_title"].get(title.value, [0, 0, 0]))
        for title in LearningTitle
    ]
    years = [(year, str(year), figures["by_year"][year]) for year in figures["years"]]
    areas = [(area["code"], area["name"], area["counts"]) for area in figures["by_area"]]
    if province:
        area_heading = (_("By commune"), _("Commune"))
    else:
        area_heading = (_("By province"), _("Province"))
    return [
        ("title", _("By learning title"), _("Learning title"), titles),
        ("year", _("By year"), _("Year"), years),
        ("area", *area_heading, areas),
    ]


def _chart(key, heading, rows):
    """Bars for ``rows`` laid out for the SVG template: one group per row, its label above
    three bars, each with its figure after it."""
    labels = figure_labels()
    largest = max((n for _code, _label, counts in rows for n in counts), default=0) or 1
    groups, y = [], 0
    for _code, label, counts in rows:
        bars = []
        for index, count in enumerate(counts):
            top = y + LABEL_HEIGHT + index * (BAR_HEIGHT + BAR_GAP)
            width = round(count * BAR_SPACE / largest, 1)
            bars.append(
                {
                    "y": top,
                    "width": width,
                    "text_x": width + 4,
                    "text_y": top + BAR_HEIGHT - 1,
                    "colour": COLOURS[index],
                    "figure": labels[index],
                    "count": count,
                }
            )
        groups.append({"label": label, "label_y": y + LABEL_HEIGHT - 4, "bars": bars})
        y += LABEL_HEIGHT + 3 * BAR_HEIGHT + 2 * BAR_GAP + ROW_GAP
    return {
        "id": f"chart-{key}",
        "heading": heading,
        "width": CHART_WIDTH,
        "height": max(y - ROW_GAP, 1),
        "bar_height": BAR_HEIGHT,
        "groups": groups,
    }


def _chart_rows(key, rows):
    """What the chart draws: every title and year; the areas with the most applications."""
    if key != "area" or len(rows) <= CHART_AREAS:
        return rows
    return sorted(rows, key=lambda row: (-row[2][2], -row[2][1], -row[2][0]))[:CHART_AREAS]


def _filter_summary(year, province_name, title):
    parts = [str(year) if year else _("All years")]
    parts.append(province_name or _("All provinces"))
    parts.append(LearningTitle(title).label if title else _("All titles"))
    return " · ".join(str(part) for part in parts)


def statistics(request):
    form, year, province, province_name, title = _read_filters(request)
    figures = stats.statistics(year=year, province=province, title=title)
    tables = []
    for key, heading, item_heading, rows in _rows(figures, province):
        chart_rows = _chart_rows(key, rows)
        tables.append(
            {
                "key": key,
                "heading": heading,
                "item_heading": item_heading,
                "rows": rows,
                "total": figures["total"],
                "chart": _chart(key, heading, chart_rows),
                "chart_is_part": len(chart_rows) < len(rows),
                "chart_count": len(chart_rows),
            }
        )
    context = {
        "form": form,
        "ignored": [form.fields[name].label for name in form.errors],
        "summary": _filter_summary(year, province_name, title),
        "province_name": province_name,
        "figure_labels": list(zip(figure_labels(), COLOURS, figures["total"], strict=True)),
        "total": figures["total"],
        "tables": tables,
        "has_data": any(figures["total"]),
        "chart_template": CHART_TEMPLATE,
        "csv_query": request.GET.urlencode(),
    }
    return render(request, TEMPLATE, context)


def statistics_csv(request):
    """The page's tables in one CSV, for the same filters: UTF-8 with a BOM so that Excel
    reads the Vietnamese, headings in the reader's language and plain numbers."""
    _form, year, province, province_name, title = _read_filters(request)
    figures = stats.statistics(year=year, province=province, title=title)
    name = "-".join(str(part) for part in ("thong-ke", year, province, title) if part)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Breakdown"), _("Item"), _("Code"), *figure_labels()])
    writer.writerow(
        [_("In all"), _filter_summary(year, province_name, title), "", *figures["total"]]
    )
    for _key, heading, _item_heading, rows in _rows(figures, province):
        for code, label, counts in rows:
            writer.writerow([heading, label, code, *counts])
    return response
