"""Input models of 在线问诊: the question, an answer or reply, the rating of an answerer."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from core.lookup import MAX_ID
from core.schemas import CleanLine, CleanText
from marketplace.importer.records import CellError, parse_list


def clean_text(value):
    """Strip text; refuse the NUL character, which PostgreSQL cannot store."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        raise ValueError("含有非法的空字符")
    return value.strip()


class ConsultationCreate(BaseModel):
    title: CleanLine = Field(min_length=2, max_length=200)
    description: CleanText = Field(min_length=5, max_length=5000)
    fields: list[str] = []
    skills: list[str] = []
    region: CleanLine | None = Field(default=None, max_length=20)

    @field_validator("title", "description", "region", mode="before")
    @classmethod
    def _strip(cls, value):
        return clean_text(value)

    @field_validator("fields", "skills", mode="before")
    @classmethod
    def _split(cls, value):
        try:
            return parse_list(value)
        except CellError as exc:
            raise ValueError(str(exc)) from None


class AnswerCreate(BaseModel):
    body: CleanText = Field(min_length=2, max_length=5000)
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)

    @field_validator("body", mode="before")
    @classmethod
    def _strip(cls, value):
        return clean_text(value)
