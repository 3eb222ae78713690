"""The database itself refuses bad rows, whatever path they come by (forms, shell, fixtures)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deployments.records.models import Article, Citation, Event, text_sha256
from tests.factories import cite, make_article, make_event, make_outlet

pytestmark = pytest.mark.django_db

BODY = "Headline\n\nAbout 500 US troops are stationed in Lithuania.\n"


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


class TestEventConstraints:
    def test_it_refuses_a_negative_quantity(self):
        assert refused(lambda: make_event(quantity=-1))

    def test_it_accepts_zero_and_no_quantity(self):
        make_event(quantity=0)
        make_event(quantity=None, qualifier="exact")
        assert Event.objects.count() == 2

    def test_it_refuses_a_kind_outside_the_choices(self):
        assert refused(lambda: make_event(kind="invasion"))

    @pytest.mark.parametrize(
        "field,value",
        [("qualifier", "roughly"), ("unit", "tanks"), ("permanence", "forever"), ("status", "x")],
    )
    def test_it_refuses_other_values_outside_the_choices(self, field, value):
        assert refused(lambda: make_event(**{field: value}))

    def test_it_refuses_a_lowercase_contributor_code(self):
        assert refused(lambda: make_event(contributor="us"))

    def test_it_refuses_a_contributor_serving_under_itself(self):
        assert refused(lambda: make_event(contributor="NATO", serves_under="NATO"))

    def test_it_refuses_a_month_precise_date_that_is_not_the_first(self):
        assert refused(lambda: make_event(date=date(2022, 2, 9), date_precision="month"))

    def test_it_refuses_a_year_precise_date_that_is_not_the_first_of_january(self):
        assert refused(lambda: make_event(date=date(2022, 2, 1), date_precision="year"))
        make_event(date=date(2022, 1, 1), date_precision="year")

    def test_clean_truncates_a_month_precise_date_to_the_first(self):
        event = Event(
            date=date(2022, 2, 9),
            date_precision="month",
            contributor="US",
            kind="presence",
            summary="x",
        )
        event.full_clean()
        assert event.date == date(2022, 2, 1)

    def test_python_validation_checks_the_precision_constraint_on_both_databases(self, caplog):
        event = make_event(date=date(2022, 2, 9))
        event.date_precision = "month"  # set without clean(), which would truncate the date
        with pytest.raises(ValidationError) as error:
            event.validate_constraints()
        assert "must be the 1st" in str(error.value)
        assert "database error" not in caplog.text

    @pytest.mark.parametrize("precision", ["day", "month", "year"])
    def test_an_undated_article_validates_without_a_database_error(self, precision, caplog):
        # PostgreSQL cannot type EXTRACT(DAY FROM NULL); Django would log it and let it pass.
        article = make_article("Body.", published=None, published_precision=precision)
        article.full_clean()
        assert "database error" not in caplog.text

    def test_clean_rejects_an_unknown_contributor_with_a_message(self):
        event = Event(date=date(2022, 2, 9), contributor="ZZ", kind="presence", summary="x")
        with pytest.raises(ValidationError) as error:
            event.full_clean()
        assert "contributor" in error.value.message_dict

    def test_an_organisation_is_a_valid_contributor(self):
        event = Event(date=date(2022, 2, 9), contributor="NATO", kind="presence", summary="x")
        event.full_clean()


class TestArticleConstraints:
    def test_sha256_is_unique(self):
        make_article(BODY)
        assert refused(lambda: make_article("", sha256=text_sha256(BODY)))

    def test_sha256_must_be_lowercase_hex(self):
        assert refused(lambda: make_article("", sha256="A" * 64))
        assert refused(lambda: make_article("", sha256="abc"))

    def test_a_body_cannot_change_once_set(self):
        article = make_article(BODY)
        article.body = BODY.replace("500", "600")
        assert refused(article.save)
        article.refresh_from_db()
        assert "500" in article.body

    def test_an_empty_body_can_be_filled(self):
        article = make_article("", sha256=text_sha256(BODY))
        article.body = BODY
        article.save()
        article.refresh_from_db()
        assert article.body == BODY

    def test_clean_rejects_a_body_that_does_not_match_the_sha256(self):
        article = Article(title="t", sha256=text_sha256("something else"), body=BODY)
        with pytest.raises(ValidationError) as error:
            article.full_clean()
        assert "body" in error.value.message_dict

    def test_an_outlet_with_articles_cannot_be_deleted(self):
        outlet = make_outlet("RFE/RL")
        make_article(BODY, outlet=outlet)
        with pytest.raises(Exception, match="protected"):
            outlet.delete()


class TestCitationConstraints:
    def test_it_refuses_a_negative_start(self):
        article, event = make_article(BODY), make_event()
        assert refused(
            lambda: Citation.objects.create(event=event, article=article, start=-1, end=4)
        )

    def test_it_refuses_an_empty_or_reversed_span(self):
        article, event = make_article(BODY), make_event()
        assert refused(
            lambda: Citation.objects.create(event=event, article=article, start=5, end=5)
        )
        assert refused(
            lambda: Citation.objects.create(event=event, article=article, start=6, end=5)
        )

    def test_it_refuses_a_span_beyond_the_body(self):
        article, event = make_article(BODY), make_event()
        end = len(BODY) + 1
        assert refused(
            lambda: Citation.objects.create(event=event, article=article, start=0, end=end)
        )
        citation = Citation.objects.create(event=event, article=article, start=0, end=len(BODY))
        citation.end = len(BODY) + 5
        assert refused(citation.save)

    def test_a_span_may_wait_for_a_body_not_yet_imported(self):
        article, event = make_article("", sha256=text_sha256(BODY)), make_event()
        Citation.objects.create(event=event, article=article, start=10, end=20)

    def test_filling_a_body_too_short_for_its_citations_is_refused(self):
        article, event = make_article("", sha256=text_sha256("x" * 500)), make_event()
        Citation.objects.create(event=event, article=article, start=10, end=400)
        article.body = "too short"
        assert refused(article.save)

    def test_the_same_span_cannot_be_cited_twice_for_one_event(self):
        article, event = make_article(BODY), make_event()
        cite(event, article, "About 500 US troops")
        assert refused(lambda: cite(event, article, "About 500 US troops"))

    def test_the_quote_is_derived_from_the_body(self):
        article, event = make_article(BODY), make_event()
        citation = cite(event, article, "About 500 US troops are stationed in Lithuania.")
        assert citation.quote == "About 500 US troops are stationed in Lithuania."
        assert BODY[citation.start : citation.end] == citation.quote


class TestEventDisplay:
    def test_quantity_display_carries_qualifier_and_unit(self):
        assert make_event(quantity=1000, qualifier="about").quantity_display == "about 1,000 troops"
        assert make_event(quantity=4, qualifier="exact", unit="aircraft").quantity_display == (
            "4 aircraft"
        )
        assert make_event(quantity=None, qualifier="exact").quantity_display == ""

    def test_date_display_follows_the_precision(self):
        assert make_event(date=date(2022, 2, 1), date_precision="month").date_display == (
            "February 2022"
        )
        assert make_event(date=date(2017, 1, 1), date_precision="year").date_display == "2017"
        assert make_event(date=date(2022, 2, 9)).date_display == "9 February 2022"


class TestHistory:
    def test_every_change_is_recorded(self):
        event = make_event(quantity=500)
        event.quantity = 600
        event.save()
        assert [h.quantity for h in event.history.order_by("history_date")] == [500, 600]
