"""qualify the search helper functions so pg_restore can rebuild the trigram indexes

pg_restore runs with an empty search_path; an index expression whose function
calls another function by its bare name then fails to rebuild.

Revision ID: 9e3f4a5b6c72
Revises: 8d2e3f4a5b61
Create Date: 2026-11-29
"""
from alembic import op

revision = "9e3f4a5b6c72"
down_revision = "8d2e3f4a5b61"
branch_labels = None
depends_on = None


def _define(words: str) -> None:
    op.execute(
        "CREATE OR REPLACE FUNCTION xc_challenge_text(title text, description text, skills json, fields json) "
        "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        f"$$ SELECT lower(title || ' ' || description || ' ' || {words}(skills) || ' ' || {words}(fields)) $$"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION xc_engineer_text(name text, title text, region text, bio text, skills json, "
        "fields json) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT lower(name || ' ' || coalesce(title, '') || ' ' || coalesce(region, '') || ' ' "
        f"|| coalesce(bio, '') || ' ' || {words}(skills) || ' ' || {words}(fields)) $$"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _define("public.xc_json_words")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _define("xc_json_words")
