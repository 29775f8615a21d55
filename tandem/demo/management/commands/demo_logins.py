from typing import Any

from django.core.management.base import BaseCommand

from tandem.demo import organisation


class Command(BaseCommand):
    help = "Print the demo personas' logins."

    def handle(self, *args: Any, **options: Any) -> None:
        password = organisation.demo_password()
        self.stdout.write(f"Log in as any of these (password for all: {password}):")
        for key, email in organisation.persona_logins():
            self.stdout.write(f"  {key:<18} {email}")
