"""Server-rendered SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from studyapp.core import charts
from studyapp.core.stats import Bin, histogram

NS = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert('x')</script> & \"more\""


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{NS}rect") if r.get("class") == "bar"]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def assert_accessible(root: ET.Element, title: str) -> str:
    """role=img, labelled by its own title and desc; returns the desc text."""
    assert root.get("role") == "img" and root.get("viewBox")
    title_el, desc_el = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title_el is not None and desc_el is not None
    assert title_el.text == title
    assert root.get("aria-labelledby").split() == [title_el.get("id"), desc_el.get("id")]
    return desc_el.text or ""


def test_bar_chart_is_accessible_svg_with_the_numbers_in_its_description():
    svg = charts.bar_chart(
        [("Mon", 3), ("Tue", 7), ("Wed", 0)], title="Answers per day", y_label="answers"
    )
    root = parse(svg)
    assert svg.startswith('<svg class="chart"') and root.get("width") is None  # scales via CSS
    desc = assert_accessible(root, "Answers per day")
    assert "Mon: 3" in desc and "Tue: 7" in desc and "Wed: 0" in desc
    assert "answers" in texts(root) and "Mon" in texts(root)
    assert any(el.get("class") == "axis" for el in root.iter(f"{NS}line"))
    assert all(b.get("fill") for b in bars(root))  # readable without the stylesheet


def test_bar_heights_are_proportional_to_values():
    root = parse(charts.bar_chart([("a", 1), ("b", 2), ("c", 4)], title="t", y_label="n"))
    heights = [float(b.get("height")) for b in bars(root)]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.15)
    assert heights[2] == pytest.approx(4 * heights[0], abs=0.15)
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in bars(root)}
    assert len(bottoms) == 1  # all bars stand on the same axis


def test_max_value_fixes_the_scale_and_caps_bars():
    root = parse(
        charts.bar_chart(
            [("half", 50), ("full", 100), ("over", 130)], title="t", y_label="%", max_value=100
        )
    )
    half, full, over = (float(b.get("height")) for b in bars(root))
    assert half == pytest.approx(full / 2, abs=0.1) and over == full
    assert "100" in texts(root)


def test_labels_and_titles_are_escaped():
    svg = charts.bar_chart([(EVIL, 1)], title=EVIL, y_label=EVIL, x_label=EVIL)
    root = parse(svg)
    assert "<script" not in svg
    assert not any(el.tag.endswith("script") for el in root.iter())
    desc = assert_accessible(root, EVIL)
    assert EVIL in desc
    bar_title = bars(root)[0].find(f"{NS}title")
    assert bar_title is not None and bar_title.text == f"{EVIL}: 1"


def test_characters_xml_forbids_are_dropped():
    root = parse(charts.bar_chart([("a\x00b\x1b", 1)], title="t\x07", y_label="\ud800y"))
    assert root.find(f"{NS}title").text == "t"
    assert "ab" in texts(root)


def test_long_labels_are_shortened_on_the_axis_but_whole_in_the_description():
    label = "The Cultural Revolution and its aftermath"
    root = parse(charts.bar_chart([(label, 2)], title="t", y_label="n"))
    assert any(t.endswith("…") and len(t) <= 12 for t in texts(root))
    assert label in root.find(f"{NS}desc").text


@pytest.mark.parametrize("items", [[], [("Mon", 0), ("Tue", 0)]])
def test_no_data_says_so(items):
    svg = charts.bar_chart(items, title="Cards due", y_label="cards")
    root = parse(svg)
    desc = assert_accessible(root, "Cards due")
    assert desc.startswith("No data yet") and "No data yet" in texts(root)
    assert bars(root) == []


def test_empty_text_can_be_chosen():
    root = parse(charts.bar_chart([], title="Cards due", y_label="cards", empty_text="Nothing due"))
    assert texts(root) == ["Nothing due"]


def test_values_that_are_not_numbers_draw_nothing_but_are_reported():
    root = parse(
        charts.bar_chart([("a", float("nan")), ("b", -2), ("c", 2)], title="t", y_label="n")
    )
    heights = [float(b.get("height")) for b in bars(root)]
    assert heights[0] == heights[1] == 0 and heights[2] > 0
    assert "a: n/a" in root.find(f"{NS}desc").text


def test_output_is_deterministic_and_ids_differ_between_charts():
    one = charts.bar_chart([("a", 1)], title="One", y_label="n")
    assert one == charts.bar_chart([("a", 1)], title="One", y_label="n")
    two = charts.bar_chart([("a", 1)], title="Two", y_label="n")
    assert parse(one).get("aria-labelledby") != parse(two).get("aria-labelledby")


def test_histogram_chart_takes_stats_bins():
    svg = charts.histogram_chart(
        histogram([5, 15, 15, 95, 100]), title="Scores", x_label="score (%)", y_label="students"
    )
    root = parse(svg)
    desc = assert_accessible(root, "Scores")
    assert "0–10: 1" in desc and "10–20: 2" in desc and "90–100: 2" in desc
    assert "score (%)" in texts(root) and "students" in texts(root)
    assert len(bars(root)) == 10


def test_histogram_chart_also_takes_tuples_and_says_when_empty():
    from_tuples = charts.histogram_chart([(0.0, 50.0, 1), (50.0, 100.0, 3)], title="t", x_label="x")
    from_bins = charts.histogram_chart(
        [Bin(0.0, 50.0, 1), Bin(50.0, 100.0, 3)], title="t", x_label="x"
    )
    assert from_tuples == from_bins
    empty = parse(charts.histogram_chart(histogram([]), title="t", x_label="x"))
    assert "No data yet" in texts(empty)


@pytest.mark.parametrize(
    ("value", "share"), [(0.42, 0.42), (0.0, 0.0), (1.0, 1.0), (1.7, 1.0), (-1, 0.0)]
)
def test_progress_bar_fills_its_share(value, share):
    root = parse(charts.progress_bar(value, label="Mastery <b>"))
    desc = assert_accessible(root, "Mastery <b>")
    assert desc == f"Mastery <b>: {round(share * 100)}%"
    (bar,) = bars(root)
    assert float(bar.get("width")) == pytest.approx(200 * share, abs=0.1)
    assert root.get("width") == "200"  # a small meter keeps its own size


def test_progress_bar_of_nan_is_empty():
    (bar,) = bars(parse(charts.progress_bar(float("nan"), label="x")))
    assert float(bar.get("width")) == 0
