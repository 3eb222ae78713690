"""`create_editor`: a staff user in the Editors group, with a password only they chose."""

from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import (
    CommandError,
    call_command,
    execute_from_command_line,
    load_command_class,
)

pytestmark = pytest.mark.django_db

GOOD = "violet-harbour-lantern-42"


def run(*args, passwords=(), **kwargs) -> tuple[str, str]:
    """Run the command, answering its password prompts in turn from `passwords`."""
    out, err = StringIO(), StringIO()
    with mock.patch(
        "deployments.records.management.commands.create_editor.getpass",
        side_effect=list(passwords),
    ):
        call_command("create_editor", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_it_creates_a_staff_user_in_the_editors_group_with_the_typed_password():
    out, _ = run("alice", "--email", "alice@example.org", passwords=[GOOD, GOOD])
    user = User.objects.get(username="alice")
    assert user.is_staff and not user.is_superuser
    assert user.email == "alice@example.org"
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.check_password(GOOD)
    assert user.has_perm("records.change_event")
    assert not user.has_perm("auth.view_user")
    assert out.strip() == 'Created editor "alice" (staff, in the Editors group).'


def test_it_asks_again_when_the_two_entries_differ():
    _, err = run("alice", passwords=[GOOD, GOOD + "x", GOOD, GOOD])
    assert "do not match" in err
    assert User.objects.get(username="alice").check_password(GOOD)


def test_it_asks_again_when_the_validators_refuse_the_password():
    _, err = run("alice", passwords=["password", "password", "123", "123", GOOD, GOOD])
    assert "too common" in err
    assert "too short" in err
    assert User.objects.get(username="alice").check_password(GOOD)


def test_it_refuses_a_password_too_like_the_username():
    _, err = run("lanternkeeper", passwords=["lanternkeeper1", "lanternkeeper1", GOOD, GOOD])
    assert "too similar" in err


def test_without_input_it_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", GOOD)
    run("bob", "--no-input")
    assert User.objects.get(username="bob").check_password(GOOD)


def test_without_input_and_without_the_variable_it_fails_and_creates_no_one(monkeypatch):
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_EDITOR_PASSWORD"):
        run("bob", "--no-input")
    assert not User.objects.filter(username="bob").exists()


def test_without_input_a_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="Password refused"):
        run("bob", "--no-input")
    assert not User.objects.filter(username="bob").exists()


def test_it_refuses_an_existing_username_without_touching_that_user():
    User.objects.create_user("alice", password=GOOD)
    with pytest.raises(CommandError, match='A user named "alice" already exists'):
        run("alice", passwords=[GOOD + "2", GOOD + "2"])
    user = User.objects.get(username="alice")
    assert user.check_password(GOOD) and not user.is_staff


def test_it_refuses_an_invalid_username():
    with pytest.raises(CommandError, match="Invalid username"):
        run("no spaces allowed", passwords=[GOOD, GOOD])


def test_it_exits_non_zero_with_the_message_from_the_command_line(monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "create_editor", "bob", "--no-input"])
    assert exit_info.value.code == 1
    assert "DJANGO_EDITOR_PASSWORD" in capsys.readouterr().err


def test_it_has_help_text():
    assert "Editors group" in load_command_class("deployments.records", "create_editor").help
