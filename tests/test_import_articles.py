"""Article import: decoding files into bodies, storing them by SHA-256, and loading curated data."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict

from deployments.ingest.articles import (
    MAX_BYTES,
    BinaryData,
    EmptyText,
    NotUtf8,
    TooLarge,
    decode_article,
    decode_article_bytes,
)
from deployments.ingest.importing import StoreStatus, store_text
from deployments.records.models import Article, Citation, Event, Outlet, text_sha256
from tests.factories import make_article, make_event, make_outlet

TEXT = "Lithuania Seeks US Presence\n\nAbout 500 US troops rotate through Lithuania.  \n"


def run_import(*paths) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing_import(*paths) -> tuple[str, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(excinfo.value)


def write(directory: Path, name: str, data: bytes | str) -> Path:
    path = directory / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


class TestDecodeArticle:
    def test_it_keeps_utf8_text_exactly(self):
        assert decode_article(TEXT.encode("utf-8")) == TEXT

    def test_it_normalizes_crlf_and_lone_cr_to_newlines(self):
        assert decode_article(b"Title\r\nline two\rline three\r\n") == (
            "Title\nline two\nline three\n"
        )

    def test_it_drops_a_leading_bom_only(self):
        assert decode_article(b"\xef\xbb\xbfTitle \xef\xbb\xbf\n") == "Title \ufeff\n"

    def test_it_accepts_text_that_file_mistakes_for_a_blink_archive(self):
        assert decode_article(b"Blinken Says US, NATO Mulling").startswith("Blinken")

    def test_it_accepts_html_tags_as_text(self):
        assert decode_article(b"<p>Troops</p>\n") == "<p>Troops</p>\n"

    def test_it_rejects_nul_bytes_as_binary(self):
        with pytest.raises(BinaryData, match="NUL"):
            decode_article(b"Title\x00\x01")

    def test_it_rejects_mostly_control_characters_as_binary(self):
        with pytest.raises(BinaryData, match="control characters"):
            decode_article(b"ab\x01\x02\x03\x04\x05\x06\x07\x08")

    def test_it_rejects_a_nul_character_even_in_utf_16(self):
        # It decodes, but PostgreSQL cannot store it: it was a database error there.
        data = "A headline\nAbout 500 US troops rotate through Lithuania.\x00".encode("utf-16")
        with pytest.raises(BinaryData, match="a NUL character at offset 56"):
            decode_article(data)

    def test_it_rejects_undecodable_control_bytes_as_binary_not_as_another_encoding(self):
        with pytest.raises(BinaryData):
            decode_article(b"\xff\xfe\x01\x02\x03\x04\x05\x06")

    @pytest.mark.parametrize(
        ("text", "encoding"),
        [
            ("Café in Vilnius: Bundeswehr-Soldaten grüßen", "cp1252"),
            (
                "В Литву прибыли американские солдаты, сообщило министерство обороны. "  # noqa: RUF001
                "Они останутся в стране на несколько месяцев, сказал министр.",
                "cp1251",
            ),
            ("\ufeffUS troops arrived in Lithuania.", "utf-16-le"),
        ],
    )
    def test_it_converts_text_in_another_real_encoding(self, text, encoding):
        read = decode_article_bytes(text.encode(encoding))
        assert read.text == text.removeprefix("\ufeff")
        assert read.encoding != "utf-8"

    def test_it_refuses_bytes_that_are_no_text_encoding(self):
        with pytest.raises(NotUtf8, match=r"not UTF-8 \(byte 0x80 at offset 0 is invalid\)"):
            decode_article(bytes(range(128, 256)) * 3)

    def test_it_rejects_empty_and_whitespace_only_text(self):
        with pytest.raises(EmptyText, match="empty"):
            decode_article(b"\xef\xbb\xbf")
        with pytest.raises(EmptyText, match="only whitespace"):
            decode_article(b" \r\n\t\n")

    def test_it_rejects_more_than_5_mb(self):
        with pytest.raises(TooLarge, match="larger than 5 MB"):
            decode_article(b"a" * (MAX_BYTES + 1))


@pytest.mark.django_db
class TestImportArticles:
    def test_a_new_text_is_created_with_its_first_line_as_title_and_its_exact_body(self, tmp_path):
        path = write(tmp_path, "a.txt", "\n   Lithuania Seeks US Presence  \nBody.\n")

        out, err = run_import(path)

        article = Article.objects.get()
        assert article.body == "\n   Lithuania Seeks US Presence  \nBody.\n"
        assert article.sha256 == text_sha256(article.body)
        assert article.title == "Lithuania Seeks US Presence"
        assert article.filename == "a.txt"
        assert article.imported_at is not None
        assert article.outlet is None
        assert article.published is None
        assert "first line" in article.metadata_notes
        assert f'{path}: created article {article.pk} "Lithuania Seeks US Presence"' in out
        assert err == ""

    def test_a_title_longer_than_500_characters_is_cut(self, tmp_path):
        run_import(write(tmp_path, "a.txt", "x" * 600 + "\nbody"))

        assert Article.objects.get().title == "x" * 500

    def test_crlf_and_lone_cr_are_stored_as_newlines(self, tmp_path):
        run_import(write(tmp_path, "a.txt", b"Title\r\nOne\rTwo\r\n"))

        article = Article.objects.get()
        assert article.body == "Title\nOne\nTwo\n"
        assert article.sha256 == text_sha256("Title\nOne\nTwo\n")

    def test_a_leading_bom_is_dropped(self, tmp_path):
        run_import(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8")))

        assert Article.objects.get().body == TEXT

    def test_the_body_is_otherwise_byte_identical_to_the_file(self, tmp_path):
        data = "  Title\t\n\n\u2014 \u201cquoted\u201d  <p>500</p>\u00a0 \n\n".encode()
        run_import(write(tmp_path, "a.txt", data))

        assert Article.objects.get().body.encode("utf-8") == data

    def test_importing_the_same_text_again_changes_nothing(self, tmp_path):
        path = write(tmp_path, "a.txt", TEXT)
        run_import(path)
        before = model_to_dict(Article.objects.get())
        before_imported_at = Article.objects.get().imported_at

        out, _ = run_import(path, write(tmp_path, "copy.txt", TEXT.replace("\n", "\r\n")))

        article = Article.objects.get()
        assert model_to_dict(article) == before
        assert article.imported_at == before_imported_at
        assert out.count(": unchanged article") == 2
        assert "2 files: 0 created, 0 filled, 2 unchanged, 0 duplicate, 0 failed" in out

    def test_a_matching_sha256_fills_a_curated_article_and_keeps_its_metadata(self, tmp_path):
        outlet = make_outlet("LRT")
        curated = make_article(
            sha256=text_sha256(TEXT), title="Curated title", outlet=outlet, metadata_notes="Kept."
        )

        out, _ = run_import(write(tmp_path, "seed.txt", TEXT))

        article = Article.objects.get()
        assert article.pk == curated.pk
        assert article.body == TEXT
        assert article.filename == "seed.txt"
        assert article.imported_at is not None
        assert (article.title, article.outlet, article.published) == (
            "Curated title",
            outlet,
            curated.published,
        )
        assert article.metadata_notes == "Kept."
        assert f'seed.txt: filled article {curated.pk} "Curated title"' in out

    def test_a_folder_imports_its_article_files_in_name_order(self, tmp_path):
        write(tmp_path, "b.txt", "Second\n")
        write(tmp_path, "a.txt", "First\n")
        write(tmp_path, "notes.pdf", "Not an article format\n")
        (tmp_path / "sub").mkdir()
        write(tmp_path / "sub", "c.txt", "Nested\n")

        out, _ = run_import(tmp_path)

        assert sorted(Article.objects.values_list("title", flat=True)) == ["First", "Second"]
        lines = out.splitlines()
        assert lines[0].startswith(f"{tmp_path / 'a.txt'}: created")
        assert lines[1].startswith(f"{tmp_path / 'b.txt'}: created")
        assert lines[-1] == "2 files: 2 created, 0 filled, 0 unchanged, 0 duplicate, 0 failed"

    @pytest.mark.parametrize(
        ("name", "make", "reason"),
        [
            ("missing.txt", None, "no such file"),
            ("empty.txt", b"", "empty"),
            ("blank.txt", b"  \r\n\t \n", "only whitespace"),
            ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
            ("control.txt", b"ab\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f", "binary"),
            ("noise.txt", bytes(range(128, 256)) * 3, "not UTF-8"),
            ("huge.txt", "sparse", "larger than 5 MB"),
            ("nothing-here", "folder", "no .htm, .html, .markdown, .md, .txt files"),
        ],
    )
    def test_a_bad_file_is_reported_and_the_others_still_import(self, tmp_path, name, make, reason):
        bad = tmp_path / name
        if make == "sparse":
            with bad.open("wb") as handle:
                handle.truncate(MAX_BYTES + 1)
        elif make == "folder":
            bad.mkdir()
        elif make is not None:
            bad.write_bytes(make)
        good = write(tmp_path, "good.txt", TEXT)

        out, err, error = run_failing_import(bad, good)

        assert f"{bad}: failed: " in err
        assert reason in err.split(f"{bad}: failed: ")[1].splitlines()[0]
        assert Article.objects.get().body == TEXT
        assert "2 files: 1 created, 0 filled, 0 unchanged, 0 duplicate, 1 failed" in out
        assert "1 of 2 files" in error

    def test_a_file_the_database_refuses_leaves_its_article_untouched(self, tmp_path):
        curated = make_article(sha256=text_sha256(TEXT), title="Curated")
        Citation.objects.create(event=make_event(), article=curated, start=0, end=len(TEXT) + 10)

        _, err, _ = run_failing_import(write(tmp_path, "a.txt", TEXT))

        curated.refresh_from_db()
        assert (curated.body, curated.filename, curated.imported_at) == ("", "", None)
        assert "a.txt: failed: the database refused it" in err

    def test_the_summary_counts_each_outcome(self, tmp_path):
        make_article(sha256=text_sha256("Curated\n"), title="Curated")
        make_article("Known\n")
        write(tmp_path, "1.txt", "New\n")
        write(tmp_path, "2.txt", "Curated\n")
        write(tmp_path, "3.txt", "Known\n")
        write(tmp_path, "4.txt", b"")
        write(tmp_path, "5.txt", "  known \n")

        out, _, _ = run_failing_import(tmp_path)

        summary = "5 files: 1 created, 1 filled, 1 unchanged, 1 duplicate, 1 failed"
        assert out.splitlines()[-1] == summary

    def test_it_needs_at_least_one_path(self):
        with pytest.raises(CommandError, match="PATH"):
            call_command("import_articles")


@pytest.mark.django_db
class TestStoreText:
    def test_it_normalizes_newlines_itself_so_the_identity_matches_a_file_import(self):
        article, status = store_text("Title\r\nBody", filename="/some/dir/a.txt")

        assert status == StoreStatus.CREATED
        assert article.body == "Title\nBody"
        assert article.filename == "a.txt"

    def test_it_refuses_whitespace_only_text(self):
        with pytest.raises(EmptyText):
            store_text(" \n ")
        assert not Article.objects.exists()

    def test_an_address_that_is_no_valid_url_is_noted_not_stored(self):
        # The URL field refused it: the import raised a ValidationError and stored nothing.
        article, status = store_text("A headline\nhttp://a\nAbout 500 US troops arrived.")
        assert status == StoreStatus.CREATED
        assert article.url == ""
        assert "Address: 'http://a' is not a valid URL" in article.metadata_notes


def write_fixture(path: Path, sha256: str) -> Path:
    stamp = "2024-01-01T00:00:00Z"
    rows = [
        {"model": "records.outlet", "pk": 1, "fields": {"name": "LRT", "kind": "broadcaster"}},
        {
            "model": "records.article",
            "pk": 1,
            "fields": {"outlet": 1, "title": "Curated title", "sha256": sha256},
        },
        {
            "model": "records.event",
            "pk": 1,
            "fields": {
                "date": "2022-02-09",
                "contributor": "US",
                "kind": "presence",
                "summary": "About 500 US troops",
                "created_at": stamp,
                "updated_at": stamp,
            },
        },
        {
            "model": "records.citation",
            "pk": 1,
            "fields": {"event": 1, "article": 1, "start": 0, "end": 5},
        },
    ]
    path.write_text(json.dumps(rows))
    return path


def run_load_curated(*args) -> str:
    out = StringIO()
    call_command("load_curated", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
class TestLoadCurated:
    def test_it_loads_the_fixture_into_an_empty_database_and_counts_the_rows(self, tmp_path):
        fixture = write_fixture(tmp_path / "curated.json", text_sha256(TEXT))

        out = run_load_curated("--fixture", fixture)

        assert Article.objects.get().title == "Curated title"
        assert Citation.objects.count() == 1
        assert "1 outlets, 1 articles (0 with text), 1 events, 1 citations" in out

    def test_it_skips_when_events_are_already_present(self, tmp_path):
        make_event()
        fixture = write_fixture(tmp_path / "curated.json", text_sha256(TEXT))

        out = run_load_curated("--fixture", fixture)

        assert "curated data already present (1 events); skipped" in out
        assert not Outlet.objects.exists()

    def test_it_skips_when_outlets_are_already_present(self, tmp_path):
        make_outlet("Someone")
        fixture = write_fixture(tmp_path / "curated.json", text_sha256(TEXT))

        out = run_load_curated("--fixture", fixture)

        assert "skipped" in out
        assert not Event.objects.exists()

    def test_force_reloads_over_edits_and_keeps_imported_bodies(self, tmp_path):
        fixture = write_fixture(tmp_path / "curated.json", text_sha256(TEXT))
        run_load_curated("--fixture", fixture)
        run_import(write(tmp_path, "a.txt", TEXT))
        Event.objects.update(summary="Edited")

        run_load_curated("--fixture", fixture, "--force")

        assert Event.objects.get().summary == "About 500 US troops"
        article = Article.objects.get()
        assert (article.body, article.filename) == (TEXT, "a.txt")

    def test_a_missing_fixture_is_a_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match="Fixture file not found"):
            run_load_curated("--fixture", tmp_path / "nope.json")


PAGE = """<html><head><title>US troops arrive in Lithuania | LRT</title>
<meta property="og:site_name" content="LRT">
<meta property="article:published_time" content="2022-02-09T10:00:00Z">
<link rel="canonical" href="https://www.lrt.lt/en/news-in-english/19/1609867"></head>
<body><nav>Home News Sport Culture</nav><article><h1>US troops arrive in Lithuania</h1>
<p>About 500 US troops arrived in Lithuania on Wednesday, the defence ministry said. The soldiers
will stay for several months and train with Lithuanian units.</p>
<p>Germany also sent 350 soldiers to the NATO battlegroup in Rukla, the ministry added in a
statement on Wednesday evening.</p></article>
<footer>Subscribe to our newsletter</footer></body></html>"""

STORY = (
    "US troops reach Lithuania\n\n"
    "About 500 U.S. troops arrived in Lithuania on Wednesday to reinforce NATO's eastern flank, "
    "the defence ministry said. The soldiers, from the 1st Cavalry Division, will train with "
    "Lithuanian units near the border with Belarus for several months, the ministry said.\n"
)


@pytest.mark.django_db
class TestArticleForms:
    """Every form an article arrives in, and what the import makes of it."""

    def test_a_saved_web_page_becomes_its_main_text_with_the_pages_metadata(self, tmp_path):
        path = write(tmp_path, "lrt.html", PAGE)
        out, _ = run_import(path)
        article = Article.objects.get()
        assert "created" in out
        assert article.body.startswith("US troops arrive in Lithuania\nAbout 500 US troops")
        assert "Subscribe" not in article.body and "Home News" not in article.body
        assert article.source_format == "html"
        assert article.source_sha256 == hashlib.sha256(PAGE.encode()).hexdigest()
        assert article.sha256 == text_sha256(article.body)
        assert article.title == "US troops arrive in Lithuania"
        assert article.outlet.name == "LRT"
        assert (article.published, article.published_precision) == (date(2022, 2, 9), "day")
        assert article.url == "https://www.lrt.lt/en/news-in-english/19/1609867"
        assert "Outlet:" in article.metadata_notes and "Published:" in article.metadata_notes

    def test_a_web_page_with_no_article_text_fails_and_the_rest_import(self, tmp_path):
        write(tmp_path, "a.html", "<html><body><nav>Home News Sport</nav></body></html>")
        write(tmp_path, "b.txt", STORY)
        _, err, message = run_failing_import(tmp_path)
        assert "a.html: failed: a web page with no article text" in err
        assert Article.objects.count() == 1
        assert "1 of 2 files could not be imported" in message

    def test_without_a_headline_the_title_is_the_first_line_that_is_not_boilerplate(self, tmp_path):
        lead = "About 500 U.S. troops arrived in Lithuania on Wednesday, the ministry said."
        text = f"Become a member now and help us prepare for 2025.\nSkip to content\n\n{lead}\n"
        run_import(write(tmp_path, "a.txt", text))
        assert Article.objects.get().title == lead

    def test_markdown_is_stored_as_it_is(self, tmp_path):
        text = "# Troops in Latvia\n\nCanada leads the **NATO** brigade in Latvia.\n"
        run_import(write(tmp_path, "latvia.md", text))
        article = Article.objects.get()
        assert (article.body, article.source_format) == (text, "markdown")

    def test_text_in_another_encoding_is_converted_and_noted(self, tmp_path):
        text = "Bundeswehr in Litauen\n\nDie Soldaten grüßen aus Rukla, sagte der Minister.\n"
        run_import(write(tmp_path, "de.txt", text.encode("cp1252")))
        article = Article.objects.get()
        assert article.body == text
        assert article.encoding != "utf-8"
        assert f"The file was {article.encoding}, converted to UTF-8." in article.metadata_notes

    def test_the_same_text_retyped_is_a_duplicate_and_not_stored_again(self, tmp_path):
        run_import(write(tmp_path, "a.txt", STORY))
        retyped = STORY.replace("NATO's", "NATO\u2019s").replace(" troops", "  troops").upper()
        out, _ = run_import(write(tmp_path, "b.txt", retyped))
        original = Article.objects.get()
        assert f"b.txt: duplicate the same text as article {original.pk}" in out

    def test_the_same_story_in_another_outlet_is_linked_to_its_twin(self, tmp_path):
        run_import(write(tmp_path, "a.txt", STORY))
        rerun = "Yanks land in the Baltics\n\n" + STORY.split("\n\n", 1)[1] + "Read more.\n"
        run_import(write(tmp_path, "b.txt", rerun))
        first, second = Article.objects.order_by("pk")
        assert second.twin == first
        assert f"Tells the same story as article {first.pk}" in second.metadata_notes

    def test_boilerplate_is_marked_and_the_body_left_byte_for_byte(self, tmp_path):
        text = STORY + "\nSubscribe to our newsletter\nEnter your email to subscribe\n"
        run_import(write(tmp_path, "a.txt", text))
        article = Article.objects.get()
        assert article.body == text
        marked = [article.body[start:end] for start, end, _ in article.boilerplate]
        assert any("Subscribe to our newsletter" in span for span in marked)
        assert not any("500 U.S. troops" in span for span in marked)
