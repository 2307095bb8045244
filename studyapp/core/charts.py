"""Accessible server-rendered SVG charts (no scripts, no external assets).

Every function returns SVG markup that the web layer inserts as-is, so every piece of text that
goes in is escaped here. Each chart has role="img", a <title> and a <desc> that states its
numbers (a screen reader, or a text browser, gets the data without the picture), a viewBox so
it scales down on a phone, and CSS classes (chart, progress, bar, track, axis, grid, label) that
the stylesheet colours from its theme variables, light or dark. Text is drawn in currentColor, so
it follows the page's text colour; the shapes carry light-theme fills only as a fallback for a
page without the stylesheet (its rules override them).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from html import escape
from typing import Any

BAR_FILL = "#3c78c3"
TEXT_FILL = "currentColor"
AXIS_STROKE = "#8895a3"
GRID_STROKE = "#dde3ea"
TRACK_FILL = "#e3e8ee"
NO_DATA = "No data yet"

# Characters XML 1.0 forbids (and lone surrogates, which UTF-8 cannot encode).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TICK_LABEL_CHARS = 12


def _text(value: Any) -> str:
    """Text safe inside an SVG element or attribute."""
    return escape(_NOT_XML.sub("", str(value)))


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"


def _drawable(value: float) -> float:
    """A bar length: non-finite and negative values draw as nothing."""
    return value if math.isfinite(value) and value > 0 else 0.0


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 4, 6, 8 x a power of ten that is at least value (halves stay round)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 6, 8, 10):
        if value <= step * power * (1 + 1e-9):
            return step * power
    return 10 * power


def _short(label: str) -> str:
    return label if len(label) <= _TICK_LABEL_CHARS else label[: _TICK_LABEL_CHARS - 1] + "…"


def _frame(
    width: int, height: int, title: str, desc: str, body: str, *, css_class: str = "chart"
) -> str:
    key = "\x1f".join([css_class, str(width), str(height), title, desc])
    uid = (
        "chart-"
        + hashlib.sha1(key.encode("utf-8", "replace"), usedforsecurity=False).hexdigest()[:10]
    )
    size = "" if css_class == "chart" else f' width="{width}" height="{height}"'
    return (
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}"{size} role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{uid}-t">{_text(title)}</title>'
        f'<desc id="{uid}-d">{_text(desc)}</desc>{body}</svg>'
    )


def _empty(width: int, height: int, title: str, message: str, detail: str = "") -> str:
    body = (
        f'<text class="label" x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" '
        f'font-size="14" fill="{TEXT_FILL}">{_text(message)}</text>'
    )
    return _frame(width, height, title, f"{message}.{detail}", body)


def _bars(
    rows: list[tuple[str, float]],
    *,
    title: str,
    y_label: str,
    x_label: str | None,
    max_value: float | None,
    width: int,
    height: int,
    gap: float,
    empty_text: str,
) -> str:
    if not rows:
        return _empty(width, height, title, empty_text)
    lengths = [_drawable(v) for _, v in rows]
    if not any(lengths):
        return _empty(width, height, title, empty_text, f" All {len(rows)} values are 0.")
    if max_value is not None and math.isfinite(max_value) and max_value > 0:
        top = float(max_value)
    else:
        top = _nice_ceiling(max(lengths) * 1.08)  # headroom for the value over the tallest bar
    left, right, upper = 52, 12, 14
    lower = 26 + (18 if x_label else 0)
    plot_w, plot_h = width - left - right, height - upper - lower
    base = upper + plot_h
    parts = []
    for tick in (0.0, top / 2, top):
        y = base - plot_h * tick / top
        if tick:
            parts.append(
                f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" '
                f'y2="{y:.1f}" stroke="{GRID_STROKE}"/>'
            )
        parts.append(
            f'<text class="label" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="{TEXT_FILL}">{_fmt(tick)}</text>'
        )
    parts.append(
        f'<text class="label" transform="translate(14 {upper + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-size="11" fill="{TEXT_FILL}">{_text(y_label)}</text>'
    )
    step = plot_w / len(rows)
    bar_w = max(step * (1 - gap), 1.0)
    label_every = max(1, math.ceil(len(rows) / max(1, plot_w // 56)))
    show_values = len(rows) <= 12
    for i, ((label, value), length) in enumerate(zip(rows, lengths, strict=True)):
        h = plot_h * min(length, top) / top
        x = left + i * step + (step - bar_w) / 2
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}" fill="{BAR_FILL}"><title>{_text(label)}: {_fmt(value)}</title>'
            "</rect>"
        )
        if show_values and length:
            parts.append(
                f'<text class="label value" x="{x + bar_w / 2:.1f}" y="{base - h - 3:.1f}" '
                f'text-anchor="middle" font-size="10" fill="{TEXT_FILL}">{_fmt(value)}</text>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text class="label" x="{x + bar_w / 2:.1f}" y="{base + 15}" '
                f'text-anchor="middle" font-size="10" fill="{TEXT_FILL}">'
                f"{_text(_short(label))}</text>"
            )
    parts.append(
        f'<line class="axis" x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" '
        f'stroke="{AXIS_STROKE}"/>'
    )
    if x_label:
        parts.append(
            f'<text class="label" x="{left + plot_w / 2:.1f}" y="{height - 6}" '
            f'text-anchor="middle" font-size="11" fill="{TEXT_FILL}">{_text(x_label)}</text>'
        )
    axis = f" by {x_label}" if x_label else ""
    desc = f"{y_label}{axis}: " + "; ".join(f"{label}: {_fmt(value)}" for label, value in rows)
    return _frame(width, height, title, desc + ".", "".join(parts))


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    y_label: str,
    x_label: str | None = None,
    max_value: float | None = None,
    width: int = 640,
    height: int = 240,
    empty_text: str = NO_DATA,
) -> str:
    """Vertical bars, one per (label, value), from 0 up to max_value or a round number above."""
    rows = [(str(label), float(value)) for label, value in items]
    return _bars(
        rows,
        title=title,
        y_label=y_label,
        x_label=x_label,
        max_value=max_value,
        width=width,
        height=height,
        gap=0.3,
        empty_text=empty_text,
    )


def histogram_chart(
    bins: Sequence[Any],
    *,
    title: str,
    x_label: str,
    y_label: str = "count",
    width: int = 640,
    height: int = 240,
    empty_text: str = NO_DATA,
) -> str:
    """Touching bars from stats.Bin objects (or (lo, hi, count) tuples); x_label names the range."""
    rows = []
    for b in bins:
        lo, hi, count = (b.lo, b.hi, b.count) if hasattr(b, "lo") else b
        rows.append((f"{_fmt(lo)}–{_fmt(hi)}", float(count)))
    return _bars(
        rows,
        title=title,
        y_label=y_label,
        x_label=x_label,
        max_value=None,
        width=width,
        height=height,
        gap=0.06,
        empty_text=empty_text,
    )


def progress_bar(value: float, *, label: str, width: int = 200, height: int = 16) -> str:
    """A small horizontal meter for a share between 0 and 1 (drawn at its own size)."""
    share = min(max(value, 0.0), 1.0) if math.isfinite(value) else 0.0
    body = (
        f'<rect class="track" x="0" y="0" width="{width}" height="{height}" rx="3" '
        f'fill="{TRACK_FILL}"/>'
        f'<rect class="bar" x="0" y="0" width="{width * share:.1f}" height="{height}" rx="3" '
        f'fill="{BAR_FILL}"/>'
    )
    return _frame(
        width, height, label, f"{label}: {round(share * 100)}%", body, css_class="progress"
    )
