"""The essay: a Markdown file with TOML front matter, parsed into sections, paragraphs, sentences.

Sentence ids are positional (``"3.1.4"`` = section 3, paragraph 1, sentence 4), so they stay the
same as long as the essay text does; questions cite them and the reader anchors them.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FRONT_ID = "front"

# Abbreviations that end with a period but do not end a sentence (compared case-sensitively,
# without the final period).
ABBREVIATIONS = frozenset(
    {
        "U.S", "U.K", "U.N", "Dr", "Prof", "Mr", "Mrs", "Ms", "St", "No", "Nos", "Vol", "pp",
        "p", "e.g", "i.e", "etc", "vs", "cf", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
        "Sep", "Sept", "Oct", "Nov", "Dec", "Gen", "Col", "Lt", "Sgt", "Jr", "Sr", "Inc", "Co",
    }
)  # fmt: skip
_OPEN_QUOTES = "“‘"
_CLOSERS = "”’\"')]"
_TERMINALS = ".?!"
_EMPHASIS = re.compile(r"(?<!\*)\*(?!\*)([^*]+)\*(?!\*)")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the essay."""

    id: str
    section_id: str
    paragraph: int
    index: int
    text: str  # plain text: emphasis markers removed
    markup: str  # with the *emphasis* markers kept, for rendering


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: its sentences in order."""

    id: str
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        """The paragraph's plain text, sentences joined by single spaces."""
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Section:
    """A numbered section of the essay (or the front part, id ``"front"``)."""

    id: str
    number: int | None
    title: str
    paragraphs: tuple[Paragraph, ...]

    def sentences(self) -> Iterator[Sentence]:
        """Every sentence of the section, in reading order."""
        for paragraph in self.paragraphs:
            yield from paragraph.sentences


@dataclass(frozen=True)
class Essay:
    """The parsed essay with its front matter."""

    slug: str
    title: str
    author: str
    affiliation: str
    series: str
    number: int
    date: str
    publisher: str
    front: Section
    sections: tuple[Section, ...]
    _by_id: dict[str, Sentence] = field(default_factory=dict, repr=False, compare=False)
    _by_text: dict[str, Sentence] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for sentence in self.sentences():
            self._by_id[sentence.id] = sentence
            self._by_text.setdefault(_squash(sentence.text), sentence)

    def all_sections(self) -> tuple[Section, ...]:
        """The front part first, then the numbered sections."""
        return (self.front, *self.sections)

    def section(self, section_id: str) -> Section:
        """The section with this id (KeyError if unknown)."""
        for section in self.all_sections():
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def sentences(self) -> Iterator[Sentence]:
        """Every sentence, front part first."""
        for section in self.all_sections():
            yield from section.sentences()

    def sentence(self, sentence_id: str) -> Sentence:
        """The sentence with this id (KeyError if unknown)."""
        return self._by_id[sentence_id]

    def find_sentence(self, text: str) -> Sentence | None:
        """The sentence equal to ``text``, else the only sentence containing it, else None."""
        key = _squash(text)
        if key in self._by_text:
            return self._by_text[key]
        matches = [s for s in self._by_id.values() if key and key in _squash(s.text)]
        return matches[0] if len(matches) == 1 else None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _word_before(text: str, end: int) -> str:
    """The run of letters and inner periods ending just before ``end``."""
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    return text[start:end].lstrip(".")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences.

    Handles abbreviations ("U.S.", "Dr.", "No. 7"), initials, an ellipsis inside a quotation,
    and sentence-final quotes and brackets (``."``, ``.”``, ``.)``, ``.".``).
    """
    text = _squash(text)
    sentences: list[str] = []
    start = 0
    in_quote = False
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "“":
            in_quote = True
        elif ch == "”":
            in_quote = False
        elif ch == '"':
            in_quote = not in_quote
        if ch not in _TERMINALS:
            i += 1
            continue
        j = i
        while j < n and text[j] in _TERMINALS:
            j += 1
        ellipsis = text[i:j].count(".") >= 3
        closed_quote = False
        while j < n and (text[j] in _CLOSERS or text[j] in _TERMINALS):
            if text[j] in '”"':
                closed_quote = True
                in_quote = False if text[j] == "”" else not in_quote
            j += 1
        boundary = (
            j < n
            and text[j] == " "
            and j + 1 < n
            and (
                text[j + 1].isupper() or text[j + 1].isdigit() or text[j + 1] in _OPEN_QUOTES + '"('
            )
        )
        if j >= n:
            boundary = True
        if boundary and not closed_quote:
            if in_quote or ellipsis:
                boundary = False
            elif ch == "." and j == i + 1:
                word = _word_before(text, i)
                if word in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                    boundary = False
        if boundary:
            sentences.append(text[start:j].strip())
            start = j + 1
            in_quote = False
        i = j
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [s for s in sentences if s]


def _plain(markup: str) -> str:
    return _EMPHASIS.sub(r"\1", markup)


def _parse_front_matter(markdown: str) -> tuple[dict, str]:
    if not markdown.startswith("+++"):
        raise ValueError("essay.md must start with TOML front matter between +++ lines")
    _, meta, body = markdown.split("+++", 2)
    return tomllib.loads(meta), body


_HEADING = re.compile(r"^##\s+(?:(\d+)\.\s+)?(.+?)\s*$")


def parse_essay(markdown: str) -> Essay:
    """Parse the essay's Markdown (front matter, then ``##`` sections of paragraphs)."""
    meta, body = _parse_front_matter(markdown)
    raw_sections: list[tuple[int | None, str, list[str]]] = []
    for block in re.split(r"\n\s*\n", body.strip()):
        block = block.strip()
        if not block:
            continue
        heading = _HEADING.match(block)
        if heading and "\n" not in block:
            number = int(heading.group(1)) if heading.group(1) else None
            raw_sections.append((number, heading.group(2), []))
        elif not raw_sections:
            raise ValueError("essay text before the first heading")
        else:
            raw_sections[-1][2].append(" ".join(block.split()))
    built: list[Section] = []
    for number, title, paragraphs in raw_sections:
        section_id = str(number) if number is not None else FRONT_ID
        built.append(_build_section(section_id, number, title, paragraphs))
    front = [s for s in built if s.id == FRONT_ID]
    numbered = tuple(s for s in built if s.id != FRONT_ID)
    if len(front) != 1:
        raise ValueError("essay.md needs exactly one unnumbered (front) section")
    return Essay(
        slug=meta["slug"],
        title=meta["title"],
        author=meta["author"],
        affiliation=meta["affiliation"],
        series=meta["series"],
        number=int(meta["number"]),
        date=meta["date"],
        publisher=meta["publisher"],
        front=front[0],
        sections=numbered,
    )


def _build_section(
    section_id: str, number: int | None, title: str, paragraphs: list[str]
) -> Section:
    built = []
    for p_no, text in enumerate(paragraphs, start=1):
        pid = f"{section_id}.{p_no}"
        sentences = tuple(
            Sentence(
                id=f"{pid}.{s_no}",
                section_id=section_id,
                paragraph=p_no,
                index=s_no,
                text=_plain(markup),
                markup=markup,
            )
            for s_no, markup in enumerate(split_sentences(text), start=1)
        )
        built.append(Paragraph(id=pid, sentences=sentences))
    return Section(id=section_id, number=number, title=title, paragraphs=tuple(built))


def default_seed_dir() -> Path:
    """The folder holding essay.md and facts.toml (``STUDYAPP_SEED_DIR`` overrides it)."""
    override = os.environ.get("STUDYAPP_SEED_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "seed"


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Essay:
    return parse_essay(Path(path).read_text(encoding="utf-8"))


def load_essay(path: str | Path | None = None) -> Essay:
    """Load and parse the essay (the seed copy by default); parsed once per path."""
    target = Path(path) if path is not None else default_seed_dir() / "essay.md"
    return _load_cached(str(target.resolve()))
