"""Accessible server-rendered SVG charts (no scripts, no external assets).

Every label is escaped; each chart carries a <title> and a <desc> that states its numbers, so a
screen reader (or a text browser) gets the data without the picture.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from html import escape

_ids = itertools.count(1)


def _frame(width: int, height: int, title: str, desc: str, body: str) -> str:
    n = next(_ids)
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-t{n} chart-d{n}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-t{n}">{escape(title)}</title>'
        f'<desc id="chart-d{n}">{escape(desc)}</desc>{body}</svg>'
    )


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    y_label: str,
    max_value: float | None = None,
    width: int = 640,
    height: int = 220,
) -> str:
    """Vertical bars, one per (label, value)."""
    if not items or not any(v for _, v in items):
        desc = "No data yet."
        body = (
            f'<text class="label" x="{width / 2}" y="{height / 2}" text-anchor="middle">'
            "No data yet</text>"
        )
        return _frame(width, height, title, desc, body)
    top = max_value or max(v for _, v in items) or 1
    left, bottom, right, upper = 40, 40, 10, 16
    plot_w, plot_h = width - left - right, height - bottom - upper
    step = plot_w / len(items)
    bar_w = max(step * 0.7, 1)
    parts = [
        f'<line class="axis" x1="{left}" y1="{upper + plot_h}" x2="{width - right}" '
        f'y2="{upper + plot_h}" stroke="#8895a3"/>',
        f'<text class="label" x="4" y="{upper + 8}" font-size="11">{escape(_fmt(top))}</text>',
        f'<text class="label" x="4" y="{upper + plot_h}" font-size="11">0</text>',
        f'<text class="label" x="4" y="{height - 4}" font-size="11">{escape(y_label)}</text>',
    ]
    label_every = max(len(items) // 8, 1)
    for i, (label, value) in enumerate(items):
        h = plot_h * (value / top) if top else 0
        x = left + i * step + (step - bar_w) / 2
        y = upper + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
            f'fill="#3c78c3"><title>{escape(label)}: {escape(_fmt(value))}</title></rect>'
        )
        if i % label_every == 0:
            parts.append(
                f'<text class="label" x="{x + bar_w / 2:.1f}" y="{upper + plot_h + 14}" '
                f'font-size="10" text-anchor="middle">{escape(label)}</text>'
            )
    desc = "; ".join(f"{label}: {_fmt(value)}" for label, value in items)
    return _frame(width, height, title, desc, "".join(parts))


def histogram_chart(bins: Sequence[tuple[float, float, int]], *, title: str, x_label: str) -> str:
    """A histogram from (low, high, count) bins."""
    items = [(f"{_fmt(lo)}–{_fmt(hi)}", float(count)) for lo, hi, count in bins]
    return bar_chart(items, title=title, y_label=x_label)


def progress_bar(value: float, *, label: str, width: int = 200, height: int = 14) -> str:
    """A small horizontal meter for a share between 0 and 1."""
    share = min(max(value, 0.0), 1.0)
    body = (
        f'<rect x="0" y="0" width="{width}" height="{height}" rx="3" fill="#e3e8ee"/>'
        f'<rect class="bar" x="0" y="0" width="{width * share:.1f}" height="{height}" rx="3" '
        f'fill="#3c78c3"/>'
    )
    return _frame(width, height, label, f"{label}: {round(share * 100)}%", body)
