"""The dashboard's charts (flet-charts), drawn from figures the services computed.

Charts are for looking: every number in them is also in a table next to them, so
nothing depends on reading a bar's height or hovering a tooltip.
"""

from __future__ import annotations

import math

import flet as ft
import flet_charts as fch

from app.services.office import MonthBar

GENERAL_COLOR = ft.Colors.BLUE_400
MAJOR_COLOR = ft.Colors.RED_400
CLOSED_COLOR = ft.Colors.GREEN_500
RATE_COLOR = ft.Colors.TEAL_400


def legend(entries: list[tuple[str, str]]) -> ft.Row:
    """Coloured squares with their meaning."""
    return ft.Row(
        [
            ft.Row(
                [ft.Container(width=12, height=12, bgcolor=color, border_radius=2), ft.Text(text)],
                spacing=4,
                tight=True,
            )
            for text, color in entries
        ],
        spacing=16,
        wrap=True,
    )


def nice_axis(value: float) -> tuple[int, int]:
    """A round top for an axis and its grid step: at most four steps of 1, 2 or 5 × 10ⁿ."""
    magnitude = 1
    while True:
        for unit in (1, 2, 5):
            step = unit * magnitude
            if value <= 4 * step:
                return step * max(1, math.ceil(value / step)), step
        magnitude *= 10


def month_chart(bars: list[MonthBar], labels: dict[str, str]) -> ft.Control:
    """Per month: hazards found (general and major stacked) beside those closed out."""
    top, step = nice_axis(max([b.general + b.major for b in bars] + [b.closed for b in bars] + [0]))
    groups = []
    for i, b in enumerate(bars):
        found = b.general + b.major
        groups.append(
            fch.BarChartGroup(
                x=i,
                rods=[
                    fch.BarChartRod(
                        from_y=0,
                        to_y=found,
                        width=10,
                        border_radius=2,
                        color=GENERAL_COLOR,
                        stack_items=[
                            fch.BarChartRodStackItem(0, b.general, GENERAL_COLOR),
                            fch.BarChartRodStackItem(b.general, found, MAJOR_COLOR),
                        ],
                        tooltip=f"{b.label} {labels['general']} {b.general} · "
                        f"{labels['major']} {b.major}",
                    ),
                    fch.BarChartRod(
                        from_y=0,
                        to_y=b.closed,
                        width=10,
                        border_radius=2,
                        color=CLOSED_COLOR,
                        tooltip=f"{b.label} {labels['closed']} {b.closed}",
                    ),
                ],
                spacing=2,
            )
        )
    return ft.Column(
        [
            legend(
                [
                    (labels["general"], GENERAL_COLOR),
                    (labels["major"], MAJOR_COLOR),
                    (labels["closed"], CLOSED_COLOR),
                ]
            ),
            fch.BarChart(
                groups=groups,
                max_y=top,
                interactive=True,
                height=240,
                left_axis=fch.ChartAxis(label_size=36),
                bottom_axis=fch.ChartAxis(
                    label_size=28,
                    labels=[
                        fch.ChartAxisLabel(value=i, label=ft.Text(b.label, size=11))
                        for i, b in enumerate(bars)
                    ],
                ),
                horizontal_grid_lines=fch.ChartGridLines(
                    interval=step, color=ft.Colors.GREY_300, width=1
                ),
            ),
        ],
        spacing=8,
    )


def rate_chart(names: list[str], rates: list[float | None], caption: str) -> ft.Control:
    """One bar per community: a rate in percent (the 晾晒 comparison)."""
    groups = [
        fch.BarChartGroup(
            x=i,
            rods=[
                fch.BarChartRod(
                    from_y=0,
                    to_y=round((rate or 0) * 100, 1),
                    width=18,
                    border_radius=2,
                    color=RATE_COLOR,
                    tooltip=f"{name} {caption} " + ("—" if rate is None else f"{rate * 100:.1f}%"),
                )
            ],
        )
        for i, (name, rate) in enumerate(zip(names, rates, strict=True))
    ]
    return ft.Column(
        [
            legend([(caption, RATE_COLOR)]),
            fch.BarChart(
                groups=groups,
                max_y=100,
                height=220,
                left_axis=fch.ChartAxis(label_size=36),
                bottom_axis=fch.ChartAxis(
                    label_size=28,
                    labels=[
                        fch.ChartAxisLabel(value=i, label=ft.Text(n[:6], size=11))
                        for i, n in enumerate(names)
                    ],
                ),
                horizontal_grid_lines=fch.ChartGridLines(
                    interval=20, color=ft.Colors.GREY_300, width=1
                ),
            ),
        ],
        spacing=8,
    )
