from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from khuyenhoc.accounts import two_factor


class Command(BaseCommand):
    help = (
        "Remove a user's two-factor devices (a lost phone), for when no administrator can sign "
        "in to do it from Settings > Account security. They set it up again at next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username})
        if not user.exists():
            raise CommandError(f"No user named {username!r}.")
        two_factor.reset(user.get())
        self.stdout.write(f"Two-factor sign-in reset for {username}.")
