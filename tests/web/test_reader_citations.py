"""The essay reads as an essay: cited sentences are marked only when the reader asks."""

from __future__ import annotations

import re


def _marked(html: str) -> bool:
    return bool(re.search(r'<article class="essay show-cited">', html))


def test_citations_are_quiet_until_asked_for_and_the_choice_is_remembered(client):
    quiet = client.get("/essay").get_data(as_text=True)
    assert not _marked(quiet) and 'href="/essay?cited=show"' in quiet
    assert "sentences are cited by questions" in quiet

    shown = client.get("/essay?cited=show")
    assert _marked(shown.get_data(as_text=True))
    cookie = client.get_cookie("studyapp_reader_cited")
    assert cookie is not None and cookie.value == "show" and cookie.http_only
    again = client.get("/essay").get_data(as_text=True)
    assert _marked(again) and 'href="/essay?cited=hide"' in again

    assert not _marked(client.get("/essay?cited=hide").get_data(as_text=True))
    assert client.get_cookie("studyapp_reader_cited") is None
    assert not _marked(client.get("/essay").get_data(as_text=True))


def test_an_unknown_choice_changes_nothing(client):
    client.get("/essay?cited=show")
    assert _marked(client.get("/essay?cited=sideways").get_data(as_text=True))
    assert client.get_cookie("studyapp_reader_cited").value == "show"


def test_the_marks_and_counts_are_in_the_page_either_way(client):
    """The stylesheet hides them when quiet; links into the bank stay in the markup."""
    html = client.get("/essay").get_data(as_text=True)
    assert len(re.findall(r'class="sentence cited"', html)) > 30
    assert re.search(r'<a class="cite" href="/questions\?sentence=', html)
