"""The data version: a token in a one-row table that the database itself changes, by trigger,
with every insert, update or delete of an outlet, article, event or citation (the admin's bulk
actions, raw SQL and restores included). Caches of anything readers see are keyed by it.

Reading it is one indexed single-row query, whatever the size of the data (counting and
scanning the tables on every cached request had cost more than serving the page).

Each change writes a fresh random token rather than adding one: the table is part of the
writer's transaction, so readers never see a version before its data is committed, and a
rolled-back change can never hand its token to different data committed later.

SQLite rebuilds a table to alter it, dropping its triggers: a migration that alters one of
these tables must call `drop` before and `create` after, as for records/triggers.py.
"""

from .triggers import execute

WHAT = "data version triggers"
TABLE = "records_dataversion"
TABLES = ("records_outlet", "records_article", "records_event", "records_citation")

# SQL for a fresh random value, per vendor.
FRESH = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "md5(random()::text || clock_timestamp()::text)",
}

SQLITE = [
    f"""
    CREATE TRIGGER {table}_version_{operation.lower()} AFTER {operation} ON {table}
    BEGIN UPDATE {TABLE} SET token = {FRESH["sqlite"]} WHERE id = 1; END
    """  # noqa: S608 - constants only
    for table in TABLES
    for operation in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {table}_version_{operation.lower()}"
    for table in TABLES
    for operation in ("INSERT", "UPDATE", "DELETE")
]

POSTGRESQL = [
    f"""
    CREATE FUNCTION records_new_data_version() RETURNS trigger AS $$
    BEGIN
        UPDATE {TABLE} SET token = {FRESH["postgresql"]} WHERE id = 1;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,  # noqa: S608 - constants only
    # Per statement: a bulk change of 100,000 rows writes one token. TRUNCATE counts too.
    *(
        f"""
        CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION records_new_data_version()
        """
        for table in TABLES
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS records_new_data_version()",
]


def create_table(apps, schema_editor) -> None:
    fresh = FRESH[schema_editor.connection.vendor]
    schema_editor.execute(f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, token text NOT NULL)")
    schema_editor.execute(f"INSERT INTO {TABLE} (id, token) VALUES (1, {fresh})")  # noqa: S608


def drop_table(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def create(apps, schema_editor) -> None:
    execute(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL}, WHAT)


def drop(apps, schema_editor) -> None:
    execute(schema_editor, {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}, WHAT)


def current(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")  # noqa: S608
        return cursor.fetchone()[0]
