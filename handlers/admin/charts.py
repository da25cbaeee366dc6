"""Chart geometry for server-side SVG (drawn by templates/_charts.html): no script, no CDN."""
from __future__ import annotations

from dataclasses import dataclass

from bot.desk.reports import TARGETS, Satisfaction
from handlers.admin.numbers import vn_number

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class Guide:
    y: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: tuple[Point, ...]
    guides: tuple[Guide, ...]     # target lines (90 %, 95 %) and the axis range
    left: int
    right_edge: int
    bottom_y: int

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def satisfaction_chart(by_week: dict[str, Satisfaction]) -> LineChart:
    """Weekly satisfaction against the 90 % and 95 % targets (y from 50 % unless a week falls below it)."""
    weeks = [(w, s.percent) for w, s in by_week.items() if s.percent is not None]
    low = 0 if any(v < 50 for _, v in weeks) else 50
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + inner_h * (100 - value) / (100 - low)

    step = inner_w / max(len(weeks) - 1, 1)
    points = tuple(Point(LEFT + (i * step if len(weeks) > 1 else inner_w / 2), y(v), w, f"{vn_number(v)} %")
                   for i, (w, v) in enumerate(weeks))
    guides = tuple(Guide(y(v), f"{v} %") for v in (low, *TARGETS, 100))
    return LineChart(WIDTH, HEIGHT, points, guides, LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM)


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    label: str
    value: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]
    bar_height: int
    targets: tuple[tuple[float, str, str], ...]   # x, label, text-anchor of the target lines (percent charts)


_BAR, _GAP, _LABEL_W = 20, 8, 200


def bar_chart(items: dict[str, float], unit: str = "", percent: bool = False) -> BarChart:
    inner = WIDTH - _LABEL_W - 70
    top = max(items.values(), default=0) if not percent else 100
    bars = tuple(Bar(i * (_BAR + _GAP) + 4, inner * v / top if top else 0, k, f"{vn_number(v)}{unit}")
                 for i, (k, v) in enumerate(items.items()))
    anchors = ("end", "start")  # 90 % and 95 % are close: labels go either side so they never overlap
    targets = tuple((_LABEL_W + inner * t / 100, f"{t} %", a) for t, a in zip(TARGETS, anchors)) if percent else ()
    return BarChart(WIDTH, len(bars) * (_BAR + _GAP) + 24, _LABEL_W, bars, _BAR, targets)


def satisfaction_bars(groups: dict[str, Satisfaction]) -> BarChart:
    return bar_chart({k: s.percent for k, s in groups.items() if s.percent is not None}, " %", percent=True)
