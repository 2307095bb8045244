"""The colour themes of app.css: contrast of every colour pair the pages use, light and dark.

Text needs 4.5:1 against its background (WCAG 1.4.3); the focus ring, control borders and chart
marks need 3:1 against what they sit on (WCAG 1.4.11).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "studyapp" / "static" / "css"
APP_CSS = (CSS / "app.css").read_text(encoding="utf-8")

BACKGROUNDS = ["bg", "card", "surface", "tint", "field"]
ALERT_BACKGROUNDS = ["ok-bg", "bad-bg", "warn-bg", "flagged-bg", "typed-bg", "target-bg"]

# (foreground, [backgrounds]) pairs as the stylesheets use them.
TEXT = [
    ("fg", BACKGROUNDS + ALERT_BACKGROUNDS),
    ("fg-soft", ["bg", "card", "surface"]),
    ("muted", ["bg", "card", "surface", "tint", "flagged-bg", "warn-bg"]),
    ("accent", ["bg", "card", "surface", "tint", "cite-bg", "flagged-bg", "warn-bg"]),
    ("accent-fg", ["accent"]),
    ("badge-fg", ["badge-bg"]),
    ("ok", ["ok-bg", "card", "flagged-bg"]),
    ("bad", ["bad-bg", "card", "bg"]),
    ("warn", ["warn-bg", "card", "flagged-bg"]),
    ("topbar-fg", ["topbar"]),
    ("topbar-strong", ["topbar"]),
    ("chart-text", ["card"]),
]
NON_TEXT = [
    ("focus", BACKGROUNDS + ALERT_BACKGROUNDS),
    ("focus-on-dark", ["topbar"]),
    ("control-border", ["bg", "card", "field"]),
    ("rating-again", ["card"]),
    ("rating-easy", ["card"]),
    ("chart-bar", ["card", "chart-track"]),
    ("chart-axis", ["card"]),
]


def _properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", block))


def _themes() -> dict[str, dict[str, str]]:
    light = re.search(r"^:root \{(.*?)^\}", APP_CSS, re.S | re.M)
    dark = re.search(
        r"@media \(prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}\s*\}", APP_CSS, re.S
    )
    assert light and dark, "app.css needs a :root block and a dark :root block"
    base = _properties(light.group(1))
    return {"light": base, "dark": {**base, **_properties(dark.group(1))}}


def _luminance(colour: str) -> float:
    hexes = colour.lstrip("#")
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    channels = [int(hexes[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two sRGB colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_matches_wcag_examples():
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


def test_the_old_amber_focus_ring_was_too_faint_on_the_light_background():
    assert contrast("#f0a500", "#f7f7f4") < 3


def test_a_dark_theme_follows_the_system_setting():
    assert re.search(r":root \{\s*color-scheme: light dark;", APP_CSS)
    themes = _themes()
    assert themes["dark"]["bg"] != themes["light"]["bg"]
    assert contrast(themes["dark"]["bg"], "#000") < 2  # dark, not merely different


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("minimum", "pairs"), [(4.5, TEXT), (3.0, NON_TEXT)], ids=["text", "ui"])
def test_colour_pairs_reach_wcag_contrast(theme, minimum, pairs):
    colours = _themes()[theme]
    low = []
    for fg, backgrounds in pairs:
        for bg in backgrounds:
            ratio = contrast(colours[fg], colours[bg])
            if ratio < minimum:
                low.append(f"--{fg} {colours[fg]} on --{bg} {colours[bg]}: {ratio:.2f}")
    assert not low, f"{theme} theme below {minimum}:1:\n" + "\n".join(low)


def test_stylesheets_take_colours_from_the_theme():
    """Outside the theme blocks no rule names a colour, so both themes cover every page."""
    for path in sorted(CSS.glob("*.css")):
        text = path.read_text(encoding="utf-8")
        if path.name == "app.css":
            text = text[text.index("* { box-sizing") :]
        stray = re.findall(r"#[0-9a-fA-F]{3,6}\b|rgba?\(|(?<![\w-])(?:white|black)(?![\w-])", text)
        assert not stray, f"{path.name}: {stray}"


def test_focus_ring_uses_the_theme_focus_colour():
    rule = re.search(r"a:focus-visible,[^{]*\{([^}]*)\}", APP_CSS)
    assert rule and "var(--focus)" in rule.group(1)
    assert re.search(r"\.topbar, \.skip \{ --focus: var\(--focus-on-dark\); \}", APP_CSS)


def test_every_chart_part_is_coloured_by_the_theme():
    from studyapp.core import charts

    svg = charts.bar_chart([("a", 1)], title="t", y_label="y") + charts.progress_bar(0.5, label="p")
    classes = {name for names in re.findall(r'class="([^"]+)"', svg) for name in names.split()}
    assert classes >= {"bar", "track", "axis", "grid", "label"}
    for css_class in classes - {"chart", "progress", "value"}:
        rule = rf"svg\.\w+ \.{css_class}\b[^{{]*\{{[^}}]*var\(--chart-"
        assert re.search(rule, APP_CSS), css_class
    assert 'fill="currentColor"' in svg
