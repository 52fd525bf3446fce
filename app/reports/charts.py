"""Server-side SVG charts, readable in black and white: hatched bars, outlines and printed values.

Only presentation attributes (no style attributes), so the page's Content-Security-Policy allows them
and WeasyPrint draws them the same way.
"""

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

LABEL_WIDTH = 210
BAR_WIDTH = 300
VALUE_WIDTH = 60
ROW_HEIGHT = 24
BAR_HEIGHT = 14
TOP = 8
AXIS_HEIGHT = 20
MAX_LABEL_CHARS = 30
FONT = "Noto Sans, Noto Sans CJK JP, DejaVu Sans, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float  # 0-100


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def topic_profile_svg(bars: list[Bar], *, title: str) -> Markup:
    """A horizontal bar per topic, 0-100% with gridlines every 25%; each bar's value printed beside it."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TOP + ROW_HEIGHT * len(bars) + AXIS_HEIGHT
    bottom = TOP + ROW_HEIGHT * len(bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="5" height="5">'
        '<path d="M0,5 L5,0" stroke="#000" stroke-width="1"/></pattern></defs>',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#666" '
            f'stroke-width="0.5" stroke-dasharray="2,2"/>'
        )
        parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{tick}%</text>')
    for index, bar in enumerate(bars):
        percent = min(max(bar.percent, 0.0), 100.0)
        y = TOP + index * ROW_HEIGHT
        bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        text_y = y + ROW_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{text_y:.1f}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{bar_y:.1f}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
            f'fill="none" stroke="#999" stroke-width="0.5"/>'
        )
        parts.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{bar_y:.1f}" width="{BAR_WIDTH * percent / 100:.1f}" '
            f'height="{BAR_HEIGHT}" fill="url(#hatch)" stroke="#000" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{text_y:.1f}" font-weight="bold">'
            f"{percent:.0f}%</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text is escaped above)
