import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Apps contribute demo content through a ``demo`` module with a ``load(command)``
# function, in this order: later apps build on pages and users made by earlier ones.
DEMO_APPS = ["home", "news", "campaigns", "forms_app"]


class Command(BaseCommand):
    help = "Build the demo page tree and content. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with production settings (demo accounts have public passwords).",
        )

    def handle(self, *args, **options):
        if settings.ENVIRONMENT == "production" and not options["force"]:
            raise CommandError(
                "load_demo tạo tài khoản có mật khẩu công khai; không chạy với cấu hình "
                "production (dùng --force nếu thật sự muốn)."
            )
        for app_label in DEMO_APPS:
            if not apps.is_installed(app_label):
                continue
            module_name = f"{app_label}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            # No surrounding transaction: Wagtail defers parts of publishing to
            # on_commit hooks, which would then save stale tree counters.
            importlib.import_module(module_name).load(self)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

    def report(self, message):
        self.stdout.write(f"  {message}")
