"""Full-text search over challenges and engineers (Chinese-friendly).

SQLite: FTS5 tables with the trigram tokenizer, kept in sync by triggers.
PostgreSQL: pg_trgm GIN indexes on an immutable text expression.
Lists (skills, fields) are JSON arrays; both sides index their decoded items,
since the stored JSON escapes Chinese characters.

Revision ID: 5e2a7c1f9b30
Revises: c1ae27eac1e0
Create Date: 2026-11-29
"""

from alembic import op

revision = "5e2a7c1f9b30"
down_revision = "c1ae27eac1e0"
branch_labels = None
depends_on = None

# table -> (fts columns, SQL producing each column from a row alias)
SQLITE_SOURCES = {
    "challenge": {
        "title": "{r}.title",
        "description": "{r}.description",
        "tags": "(SELECT group_concat(value, ' ') FROM json_each({r}.skills)) || ' ' || "
                "(SELECT coalesce(group_concat(value, ' '), '') FROM json_each({r}.fields))",
    },
    "engineer": {
        "name": "{r}.name || ' ' || coalesce({r}.title, '') || ' ' || coalesce({r}.region, '')",
        "bio": "coalesce({r}.bio, '')",
        "tags": "(SELECT coalesce(group_concat(value, ' '), '') FROM json_each({r}.skills)) || ' ' || "
                "(SELECT coalesce(group_concat(value, ' '), '') FROM json_each({r}.fields))",
    },
}


def _sqlite_upgrade() -> None:
    for table, columns in SQLITE_SOURCES.items():
        fts = f"{table}_fts"
        names = ", ".join(columns)
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, tokenize='trigram')")
        values = ", ".join(f"coalesce({expr}, '')" for expr in columns.values())
        insert = f"INSERT INTO {fts}(rowid, {names}) SELECT new.id, {values.format(r='new')};"
        op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN DELETE FROM {fts} WHERE rowid = old.id; END")
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; {insert} END"
        )
        op.execute(f"INSERT INTO {fts}(rowid, {names}) SELECT r.id, {values.format(r='r')} FROM {table} r")


def _postgres_upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE FUNCTION xc_json_words(items json) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT coalesce(string_agg(value, ' '), '') FROM json_array_elements_text(items) $$"
    )
    op.execute(
        "CREATE FUNCTION xc_challenge_text(title text, description text, skills json, fields json) "
        "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT lower(title || ' ' || description || ' ' || xc_json_words(skills) || ' ' || xc_json_words(fields)) $$"
    )
    op.execute(
        "CREATE FUNCTION xc_engineer_text(name text, title text, region text, bio text, skills json, fields json) "
        "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT lower(name || ' ' || coalesce(title, '') || ' ' || coalesce(region, '') || ' ' || coalesce(bio, '') "
        "|| ' ' || xc_json_words(skills) || ' ' || xc_json_words(fields)) $$"
    )
    op.execute(
        "CREATE INDEX ix_challenge_search_trgm ON challenge USING gin "
        "(xc_challenge_text(title, description, skills, fields) gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_engineer_search_trgm ON engineer USING gin "
        "(xc_engineer_text(name, title, region, bio, skills, fields) gin_trgm_ops)"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in SQLITE_SOURCES:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_engineer_search_trgm")
        op.execute("DROP INDEX IF EXISTS ix_challenge_search_trgm")
        op.execute("DROP FUNCTION IF EXISTS xc_engineer_text(text, text, text, text, json, json)")
        op.execute("DROP FUNCTION IF EXISTS xc_challenge_text(text, text, json, json)")
        op.execute("DROP FUNCTION IF EXISTS xc_json_words(json)")
