"""No lost edits: two editors saving the same event; the second is told, not overwritten."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

from deployments.records.models import EditConflict, Event

from .conftest import editors_group
from .factories import cite, make_article, make_event
from .test_admin import event_form


def change_url(event: Event) -> str:
    return reverse("admin:records_event_change", args=[event.pk])


@pytest.mark.django_db
class TestModelLevel:
    def test_a_save_from_an_older_copy_is_refused_and_the_newer_edit_kept(self):
        event = make_event(summary="First")
        mine, theirs = Event.objects.get(pk=event.pk), Event.objects.get(pk=event.pk)
        theirs.summary = "Theirs"
        theirs.save()
        mine.summary = "Mine"
        with pytest.raises(EditConflict, match=f"Event {event.pk} changed while"):
            mine.save()
        event.refresh_from_db()
        assert (event.summary, event.version) == ("Theirs", 2)

    def test_each_save_counts_one_version_and_is_in_the_history(self):
        event = make_event(summary="One")
        for text in ("Two", "Three"):
            event.summary = text
            event.save()
        assert event.version == 3
        assert [h.summary for h in event.history.order_by("history_date")] == [
            "One",
            "Two",
            "Three",
        ]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_version_let_exactly_one_through():
    event = make_event(summary="Start")
    copies = [Event.objects.get(pk=event.pk) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(copy: Event, text: str) -> None:
        copy.summary = text
        barrier.wait()
        try:
            copy.save()
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(copy, f"Edit {n}")) for n, copy in enumerate(copies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    event.refresh_from_db()
    assert event.version == 2 and event.summary in ("Edit 0", "Edit 1")


@pytest.mark.django_db
class TestAdminForm:
    @pytest.fixture
    def other_editor(self):
        user = User.objects.create_user("olga", password="x", is_staff=True)
        user.groups.add(editors_group())
        return user

    def test_the_second_editor_is_told_who_changed_what_and_nothing_is_lost(
        self, client, editor_client, other_editor
    ):
        event = make_event(summary="About 500 US troops in Lithuania")
        page = editor_client.get(change_url(event)).content.decode()
        assert 'name="version" value="1"' in page

        client.force_login(other_editor)
        response = client.post(change_url(event), event_form(summary="Olga's wording"))
        assert response.status_code == 302

        client.force_login(User.objects.get(username="eddie"))
        response = client.post(change_url(event), event_form(summary="Eddie's wording"))
        assert response.status_code == 200
        errors = str(response.context["adminform"].form.errors)
        assert "changed while you were editing it: olga at" in errors
        assert "summary: &#x27;About 500 US troops in Lithuania&#x27; → " in errors
        assert "Olga&#x27;s wording" in errors
        assert "Your changes were not saved" in errors
        event.refresh_from_db()
        assert (event.summary, event.version) == ("Olga's wording", 2)

    def test_publishing_from_the_list_counts_as_a_change(self, editor_client):
        event = make_event(status="draft")
        cite(event, make_article("About 500 US troops rotate."), "About 500 US troops")
        changelist = reverse("admin:records_event_changelist")
        editor_client.post(changelist, {"action": "publish", "_selected_action": [event.pk]})
        event.refresh_from_db()
        assert (event.status, event.version) == ("published", 2)
        response = editor_client.post(change_url(event), event_form(status="draft"))
        assert "changed while you were editing it" in str(response.context["adminform"].form.errors)

    def test_a_form_without_its_version_is_refused(self, editor_client):
        event = make_event()
        data = event_form()
        del data["version"]
        response = editor_client.post(change_url(event), data)
        assert "version" in response.context["adminform"].form.errors
