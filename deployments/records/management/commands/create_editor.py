"""Create an editor: a staff user in the Editors group, with a password they choose."""

from __future__ import annotations

import os
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

GROUP = "Editors"
PASSWORD_ENV = "DJANGO_EDITOR_PASSWORD"  # noqa: S105 - the variable's name, not a password


class Command(BaseCommand):
    help = (
        "Create an editor: a staff user in the Editors group who can curate outlets, articles, "
        "events and citations in the admin, and nothing else. Asks for the password twice; "
        f"with --no-input it is read from ${PASSWORD_ENV}."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's e-mail address.")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt: read the password from ${PASSWORD_ENV}.",
        )

    def handle(self, *args, username, email, interactive, **options):
        User = get_user_model()
        username_field = User._meta.get_field(User.USERNAME_FIELD)
        try:
            username = username_field.clean(username, None)
        except ValidationError as error:
            raise CommandError(f"Invalid username: {' '.join(error.messages)}") from error
        if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(f'A user named "{username}" already exists.')
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist as error:
            raise CommandError(f'There is no "{GROUP}" group: run "manage.py migrate".') from error

        user = User(**{User.USERNAME_FIELD: username}, email=email, is_staff=True)
        password = self._prompt(user) if interactive else self._from_env(user)
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(f'Created editor "{username}" (staff, in the {GROUP} group).')
        )

    def _from_env(self, user) -> str:
        password = os.environ.get(PASSWORD_ENV, "")
        if not password:
            raise CommandError(f"--no-input needs the password in ${PASSWORD_ENV}; it is not set.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(f"Password refused: {' '.join(error.messages)}") from error
        return password

    def _prompt(self, user) -> str:
        """Ask until the two entries match and pass the validators (Ctrl-C gives up)."""
        while True:
            try:
                password = getpass("Password: ")
                again = getpass("Password (again): ")
            except KeyboardInterrupt as error:
                raise CommandError("Cancelled: no editor created.") from error
            if password != again:
                self.stderr.write("The passwords do not match. Try again.")
                continue
            if not password.strip():
                self.stderr.write("The password cannot be blank. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages) + " Try again.")
                continue
            return password
