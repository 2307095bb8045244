"""The cleaned essay and its sentence splitter."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.core.essay import load_essay, parse_essay, split_sentences

ESSAY = load_essay()
TERMINAL = re.compile(r"""[.?!]["”’')\]]*\.?$""")


def test_front_matter():
    assert ESSAY.title == "On the Resilience of the Sino-DPRK Relations"
    assert ESSAY.author == "Daekwon Son"
    assert ESSAY.affiliation == "Sogang University"  # the PDF's "Univeristy" is fixed
    assert (ESSAY.series, ESSAY.number, ESSAY.date) == ("Sungkyun China Insight", 7, "January 2023")
    assert "Sungkyunkwan University" in ESSAY.publisher


def test_four_numbered_sections_and_a_front_part():
    assert [s.number for s in ESSAY.sections] == [1, 2, 3, 4]
    assert [s.title for s in ESSAY.sections] == [
        "Sino-DPRK Relations: From Sabre-Rattling to High-Stakes Summitry",
        "Deterioration of the Sino-DPRK Relations during the Cultural Revolution",
        "Sino-DPRK Relations Restored",
        "Extrapolation from Experiences of the Cultural Revolution",
    ]
    assert ESSAY.front.id == "front" and ESSAY.front.number is None
    assert ESSAY.front.title == "About the author"
    assert ESSAY.sentence("front.1.1").text.startswith(
        "Prof. Daekwon Son is an Assistant Professor"
    )
    assert [s.id for s in ESSAY.all_sections()] == ["front", "1", "2", "3", "4"]


def test_running_header_and_boilerplate_are_gone():
    text = " ".join(s.text for s in ESSAY.sentences())
    for junk in ("SUNGKYUN CHINA INSIGHT", "COPYRIGHT", "SUNGKYUNKWAN-RO", "sics.skku.edu"):
        assert junk not in text


def test_split_paragraphs_are_rejoined():
    first = ESSAY.sections[0].paragraphs[0].text
    assert '"The loss of this ‘ally [North Korea]’ would be little felt in Beijing,”' in first
    second = ESSAY.sections[1].paragraphs[1].text
    assert "the new leadership of the Soviet Union would not be much different" in second


def test_no_paragraph_ends_mid_sentence():
    for section in ESSAY.all_sections():
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                assert TERMINAL.search(sentence.text), sentence.id


def test_no_sentence_is_split_at_an_abbreviation():
    for sentence in ESSAY.sentences():
        assert not re.search(r"\b(U\.S|Dr|Prof|No|Mr)\.$", sentence.text), sentence.text
        assert sentence.text[0].isupper() or sentence.text[0] in '“"(', sentence.text


def test_sentence_ids_are_unique_and_positional():
    ids = [s.id for s in ESSAY.sentences()]
    assert len(ids) == len(set(ids))
    assert ESSAY.sentence("3.1.18").text.startswith("Under these circumstances, a military clash")
    assert ESSAY.find_sentence("near Zhenbao (Damansky) Island").id == "3.1.18"
    assert ESSAY.find_sentence("China") is None  # ambiguous
    assert ESSAY.find_sentence("The volte-face   came\nin 2018, however.").id == "1.2.1"
    with pytest.raises(KeyError):
        ESSAY.sentence("9.9.9")


def test_emphasis_is_kept_as_markup_only():
    sentence = ESSAY.find_sentence("Deng wrote in Foreign Affairs that")
    assert "*Foreign Affairs*" in sentence.markup and "*" not in sentence.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It joined the U.S.-led front. Then it left.", 2),
        ("See the U.S. Army. It was big.", 2),
        ("January 2023, No.7 of the series. Next.", 2),
        ("Ask Dr. Daekwon Son. He knows.", 2),
        ("Ask Prof. Son about No. 7 today. Fine.", 2),
        ('He said "we must ... If it grows, it is a danger." At the same time, no.', 2),
        ("“China should know that ... North Korea has pathways.” Ultimately, it changed.", 2),
        ('We had "fantasies about the Soviet Union in the past.". Mao agreed.', 2),
        ("Why did it happen? Nobody knows.", 2),
        ("It was (as J. Smith wrote) late. Then more.", 2),
        ("He wrote in 1969. 1970 was calmer.", 2),
    ],
)
def test_splitter_cases(text, expected):
    assert len(split_sentences(text)) == expected


@given(st.lists(st.sampled_from(["Alpha beta.", "Gamma U.S. delta.", "Why now?"]), max_size=8))
def test_splitter_keeps_every_character(parts):
    text = " ".join(parts)
    assert " ".join(split_sentences(text)) == text


def test_parse_rejects_missing_front_matter():
    with pytest.raises(ValueError):
        parse_essay("## 1. Title\n\nText.")
