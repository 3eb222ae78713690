"""The database triggers that keep citations inside their article's body, in SQL per vendor.

- A citation's span must lie inside its article's body once the body is there.
- An article's body, once set, never changes: every citation offset depends on it.

SQLite rebuilds a table to alter it (copy, drop, rename), which drops or breaks these
triggers: a migration that alters records_article or records_citation must call `drop` before
and `create` after (see 0005).
"""

SQLITE = [
    """
    CREATE TRIGGER records_citation_span_insert BEFORE INSERT ON records_citation
    WHEN NEW."end" > (SELECT CASE WHEN length(body) = 0 THEN NEW."end" ELSE length(body) END
                      FROM records_article WHERE id = NEW.article_id)
    BEGIN SELECT RAISE(ABORT, 'citation span lies outside the article body'); END
    """,
    """
    CREATE TRIGGER records_citation_span_update BEFORE UPDATE ON records_citation
    WHEN NEW."end" > (SELECT CASE WHEN length(body) = 0 THEN NEW."end" ELSE length(body) END
                      FROM records_article WHERE id = NEW.article_id)
    BEGIN SELECT RAISE(ABORT, 'citation span lies outside the article body'); END
    """,
    """
    CREATE TRIGGER records_article_body_update BEFORE UPDATE OF body ON records_article
    WHEN NEW.body IS NOT OLD.body
    BEGIN
        SELECT RAISE(ABORT, 'an article body cannot change once set') WHERE OLD.body <> '';
        SELECT RAISE(ABORT, 'citation span lies outside the article body')
        WHERE EXISTS (SELECT 1 FROM records_citation
                      WHERE article_id = NEW.id AND "end" > length(NEW.body));
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS records_citation_span_insert",
    "DROP TRIGGER IF EXISTS records_citation_span_update",
    "DROP TRIGGER IF EXISTS records_article_body_update",
]

POSTGRESQL = [
    """
    CREATE FUNCTION records_citation_span_check() RETURNS trigger AS $$
    DECLARE body_length integer;
    BEGIN
        SELECT length(body) INTO body_length FROM records_article WHERE id = NEW.article_id;
        IF body_length > 0 AND NEW."end" > body_length THEN
            RAISE EXCEPTION 'citation span lies outside the article body'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER records_citation_span BEFORE INSERT OR UPDATE ON records_citation
    FOR EACH ROW EXECUTE FUNCTION records_citation_span_check()
    """,
    """
    CREATE FUNCTION records_article_body_check() RETURNS trigger AS $$
    BEGIN
        IF NEW.body IS DISTINCT FROM OLD.body THEN
            IF OLD.body <> '' THEN
                RAISE EXCEPTION 'an article body cannot change once set'
                    USING ERRCODE = 'check_violation';
            END IF;
            IF EXISTS (SELECT 1 FROM records_citation
                       WHERE article_id = NEW.id AND "end" > length(NEW.body)) THEN
                RAISE EXCEPTION 'citation span lies outside the article body'
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER records_article_body BEFORE UPDATE OF body ON records_article
    FOR EACH ROW EXECUTE FUNCTION records_article_body_check()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS records_citation_span ON records_citation",
    "DROP FUNCTION IF EXISTS records_citation_span_check()",
    "DROP TRIGGER IF EXISTS records_article_body ON records_article",
    "DROP FUNCTION IF EXISTS records_article_body_check()",
]


def execute(schema_editor, statements_by_vendor, what: str = "integrity triggers") -> None:
    """Run the statements for this database's vendor (also used by data_version.py)."""
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        raise NotImplementedError(f"No {what} for {vendor}")
    for statement in statements_by_vendor[vendor]:
        schema_editor.execute(statement)


def create(apps, schema_editor) -> None:
    execute(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def drop(apps, schema_editor) -> None:
    execute(schema_editor, {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE})
