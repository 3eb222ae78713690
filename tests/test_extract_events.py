"""`extract_events`: candidates from a file or a stored article, as lines or JSON."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .factories import make_article

TEXT = (
    "Dutch troops for Lithuania\n\n"
    "The Netherlands will increase its contingent in Lithuania from 270 to 350 soldiers, the "
    "Dutch defence ministry said on February 9, 2022.\n\n"
    "Subscribe to our newsletter: 900 readers joined.\n"
)
KEYS = [
    "host_country",
    "contributor",
    "quantity",
    "qualifier",
    "unit",
    "kind",
    "date",
    "start",
    "end",
    "quote",
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("extract_events", *args, stdout=out)
    return out.getvalue()


def test_json_gives_one_object_a_line_with_exactly_the_documented_keys(tmp_path):
    path = tmp_path / "dutch.txt"
    path.write_text(TEXT)
    records = [json.loads(line) for line in run(str(path), "--json").splitlines()]
    assert records and all(list(record) == KEYS for record in records)
    found = {(r["contributor"], r["host_country"], r["quantity"], r["kind"]) for r in records}
    assert ("NL", "LT", 80, "increase") in found and ("NL", "LT", 350, "presence") in found
    for record in records:
        assert TEXT[record["start"] : record["end"]] == record["quote"]
        assert "Subscribe" not in record["quote"]
    assert {r["date"] for r in records if r["quantity"] == 350} == {"2022-02-09"}


def test_a_stored_article_is_read_by_id_skipping_its_boilerplate(db):
    article = make_article(TEXT, published=date(2022, 2, 9))
    start = TEXT.index("The Netherlands")
    article.boilerplate = [[start, TEXT.index("\n", start), "a test"]]
    article.save()
    out = run(str(article.pk))
    assert "350" not in out
    assert out.splitlines()[-1].endswith(f"in {article.pk}")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("424242", "424242: no such file, and no article with that id"),
        ("/nonexistent/article.txt", "no such file or folder"),
    ],
)
def test_a_bad_source_is_named(db, source, message):
    with pytest.raises(CommandError, match=message):
        run(source)


def test_an_article_without_text_says_so(db):
    article = make_article(sha256="a" * 64)
    with pytest.raises(CommandError, match="has no text yet"):
        run(str(article.pk))
