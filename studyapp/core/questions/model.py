"""The question as plain data, and its stable export form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from studyapp.core.questions.kinds import get_kind

Options = tuple[str, ...] | dict[str, tuple[str, ...]] | None
Answer = str | bool | tuple[str, ...] | tuple[tuple[str, str], ...]


class QuestionType(StrEnum):
    """The ids of the question kinds; each kind is described by its class in ``types/``."""

    MULTIPLE_CHOICE = "multiple_choice"
    CLOZE = "cloze"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    ORDERING = "ordering"
    MATCHING = "matching"
    EXPLAIN = "explain"


@dataclass(frozen=True)
class Source:
    """Where in the essay a question comes from."""

    section: str
    quote: str
    sentence_id: str | None = None


@dataclass(frozen=True)
class Question:
    """One quiz item."""

    id: str
    type: QuestionType
    prompt: str
    options: Options
    answer: Answer
    accept: tuple[str, ...]
    explanation: str
    sources: tuple[Source, ...]  # every sentence the key rests on; the first is the main one
    fact_ids: tuple[str, ...]
    erratum: str | None = None  # where the essay departs from the historical record

    @property
    def source(self) -> Source:
        """The main source sentence."""
        return self.sources[0]

    @property
    def why(self) -> str:
        """The explanation without its trailing note on the record (pages show that note apart,
        beside the key; the export keeps it in the explanation for readers of the file)."""
        note = f" Note on the record: {self.erratum}" if self.erratum else ""
        return self.explanation.removesuffix(note) if note else self.explanation

    @property
    def section(self) -> str:
        return self.source.section

    def to_dict(self) -> dict[str, Any]:
        """The question in the stable export schema (JSON-serialisable)."""
        options: Any
        if isinstance(self.options, dict):
            options = {"left": list(self.options["left"]), "right": list(self.options["right"])}
        elif self.options is None:
            options = None
        else:
            options = list(self.options)
        answer: Any = self.answer
        if isinstance(answer, tuple):
            answer = [list(a) if isinstance(a, tuple) else a for a in answer]
        return {
            "id": self.id,
            "type": str(self.type),
            "prompt": self.prompt,
            "options": options,
            "answer": answer,
            "accept": list(self.accept),
            "explanation": self.explanation,
            "source": _source_dict(self.source),
            "sources": [_source_dict(s) for s in self.sources],
            "fact_ids": list(self.fact_ids),
            "erratum": self.erratum,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        """Rebuild a question from its export form."""
        kind = get_kind(data["type"])
        raw_sources = data.get("sources") or [data["source"]]
        return cls(
            id=data["id"],
            type=kind.id,  # type: ignore[arg-type]
            prompt=data["prompt"],
            options=kind.options_from_dict(data.get("options")),
            answer=kind.answer_from_dict(data["answer"]),
            accept=tuple(data.get("accept") or ()),
            explanation=data["explanation"],
            sources=tuple(
                Source(str(s["section"]), s["quote"], s.get("sentence_id")) for s in raw_sources
            ),
            fact_ids=tuple(data["fact_ids"]),
            erratum=data.get("erratum"),
        )


def _source_dict(source: Source) -> dict[str, Any]:
    return {"section": source.section, "quote": source.quote, "sentence_id": source.sentence_id}


def make_id(qtype: QuestionType, fact_ids: tuple[str, ...], variant: str = "") -> str:
    """A stable id from what defines the item (type, facts, variant), not from option order."""
    digest = hashlib.sha1(
        "|".join([str(qtype), *fact_ids, variant]).encode("utf-8"), usedforsecurity=False
    ).hexdigest()
    return f"{get_kind(qtype).prefix}-{digest[:12]}"
