"""A bank whose first ordering question cites two sentences and carries an erratum.

The generated bank gives each item one source today; ``cite_two_sentences`` syncs a bank where
one item rests on a second sentence (in another section, cited by no other question) and has a
note on the record, the way the fact base can describe it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from studyapp.core.essay import Sentence
from studyapp.core.questions import Bank, QuestionType, Source
from studyapp.extensions import db
from studyapp.models import QuestionSource
from studyapp.services import bank

ERRATUM = (
    "The essay dates Dubček's election to May 1968; he became First Secretary on 5 January 1968."
)


@dataclass(frozen=True)
class Cited:
    question_id: str
    fact_id: str
    main: Sentence
    extra: Sentence
    generated: tuple[str, ...]  # the sentence ids the generator itself cites


def cite_two_sentences(monkeypatch) -> Cited:  # type: ignore[no-untyped-def]
    """Sync the changed bank (the real generator comes back when the test ends)."""
    essay = bank.essay()
    generated = bank.generate_bank(essay, bank.fact_base(), seed=0)
    target = generated.by_type(QuestionType.ORDERING)[0]
    main = essay.sentence(target.source.sentence_id)
    cited = set(db.session.scalars(select(QuestionSource.sentence_id)))
    extra = next(
        s
        for s in essay.sentences()
        if s.id not in cited and s.section_id not in ("front", main.section_id)
    )
    changed = replace(
        target,
        sources=(target.source, Source(extra.section_id, extra.text, extra.id), target.source),
        erratum=ERRATUM,
    )
    questions = tuple(changed if q.id == target.id else q for q in generated.questions)
    monkeypatch.setattr(bank, "generate_bank", lambda *args, **kwargs: Bank(questions, ()))
    result = bank.sync_bank(0)
    assert (result.added, result.updated, result.dropped) == (0, 1, 0)
    generated_ids = tuple(src.sentence_id for src in target.sources)
    return Cited(target.id, target.fact_ids[0], main, extra, generated_ids)
