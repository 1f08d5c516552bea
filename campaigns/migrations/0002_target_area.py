# The area of a live target becomes a province and/or a commune from the official lists
# instead of free text, so it can be counted.

import django.db.models.deletion
from django.db import migrations, models


def area_text_to_units(apps, schema_editor):
    """Carry over areas typed as an exact commune or province name; others count everywhere
    until an editor chooses them again (they were never counted before)."""
    Target = apps.get_model("campaigns", "Target")
    Commune = apps.get_model("forms_app", "Commune")
    Province = apps.get_model("forms_app", "Province")
    for target in Target.objects.exclude(live_area=""):
        text = target.live_area.strip()
        communes = list(Commune.objects.filter(name__iexact=text)[:2])
        if len(communes) == 1:
            target.live_commune_id = communes[0].pk
            target.live_province_id = communes[0].province_id
        else:
            province = Province.objects.filter(name__iexact=text).first()
            target.live_province_id = province.pk if province else None
        target.save(update_fields=["live_commune", "live_province"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("forms_app", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="target",
            name="live_commune",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty to count the whole province",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="forms_app.commune",
                verbose_name="commune",
            ),
        ),
        migrations.AddField(
            model_name="target",
            name="live_province",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty to count every province",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="forms_app.province",
                verbose_name="province",
            ),
        ),
        migrations.RunPython(area_text_to_units, migrations.RunPython.noop),
        migrations.RemoveField(model_name="target", name="live_area"),
    ]
