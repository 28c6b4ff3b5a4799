"""A signature pad: strokes kept in Python (testable), drawn on a canvas as they are made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft
import flet.canvas as cv

Point = tuple[float, float]
PAD_WIDTH, PAD_HEIGHT = 320, 160


class SignaturePad:
    def __init__(
        self, identifier: str, clear_label: str, on_change: Callable[[], None] | None = None
    ) -> None:
        self.strokes: list[list[Point]] = []
        self.on_change = on_change
        self.canvas = cv.Canvas(shapes=[], width=PAD_WIDTH, height=PAD_HEIGHT)
        self.detector = ft.GestureDetector(
            content=ft.Container(
                self.canvas,
                width=PAD_WIDTH,
                height=PAD_HEIGHT,
                bgcolor=ft.Colors.WHITE,
                border=ft.Border.all(1, ft.Colors.GREY_500),
                border_radius=6,
            ),
            on_pan_start=self.pan_start,
            on_pan_update=self.pan_update,
            drag_interval=10,
        )
        self.control = ft.Column(
            [
                ft.Semantics(identifier=identifier, label=identifier, content=self.detector),
                ft.TextButton(clear_label, icon=ft.Icons.REFRESH, on_click=self.clear),
            ],
            spacing=4,
        )

    @staticmethod
    def _point(e: Any) -> Point:
        pos = e.local_position
        return (max(0.0, min(PAD_WIDTH, float(pos.x))), max(0.0, min(PAD_HEIGHT, float(pos.y))))

    def pan_start(self, e: Any) -> None:
        self.strokes.append([self._point(e)])
        self._redraw()

    def pan_update(self, e: Any) -> None:
        if not self.strokes:
            self.strokes.append([])
        self.strokes[-1].append(self._point(e))
        self._redraw()

    def clear(self, _: Any = None) -> None:
        self.strokes = []
        self._redraw()

    @property
    def empty(self) -> bool:
        return not any(len(s) >= 2 for s in self.strokes)

    def scaled(self, width: int = 600, height: int = 240) -> list[list[Point]]:
        """The strokes in the renderer's coordinates."""
        sx, sy = width / PAD_WIDTH, height / PAD_HEIGHT
        return [[(x * sx, y * sy) for x, y in s] for s in self.strokes if len(s) >= 2]

    def _redraw(self) -> None:
        paint = ft.Paint(
            stroke_width=3,
            style=ft.PaintingStyle.STROKE,
            stroke_cap=ft.StrokeCap.ROUND,
            stroke_join=ft.StrokeJoin.ROUND,
            color=ft.Colors.BLACK,
        )
        shapes: list[cv.Shape] = []
        for stroke in self.strokes:
            if len(stroke) < 2:
                continue
            elements = [cv.Path.MoveTo(*stroke[0])] + [cv.Path.LineTo(x, y) for x, y in stroke[1:]]
            shapes.append(cv.Path(elements=elements, paint=paint))
        self.canvas.shapes = shapes
        if self.on_change:
            self.on_change()
