from django.core.management.base import BaseCommand

from forms_app.units import sync_units


class Command(BaseCommand):
    help = "Write the 34 provinces and 3,321 communes from the vietnamadminunits package."

    def handle(self, *args, **options):
        written = sync_units(force=True)
        self.stdout.write(self.style.SUCCESS(f"{written} administrative units written."))
