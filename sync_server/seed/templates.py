"""Checklist templates shipped as project files (assets/templates/<CODE>.json)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from domain.reference import ChecklistTemplate

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "assets" / "templates"


def load_template_files(folder: Path = TEMPLATES_DIR) -> list[ChecklistTemplate]:
    """Every ``*.json`` template in ``folder``, validated, sorted by file name.

    Raises ValueError naming the file and the problem: unreadable or invalid JSON, a model
    violation, or a file not named after its code (so no code can appear twice).
    """
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise ValueError(f"{folder}: no template files (*.json)")
    return [load_template_file(path) for path in paths]


def load_template_file(path: Path) -> ChecklistTemplate:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name}: cannot read JSON: {exc}") from exc
    try:
        template = ChecklistTemplate.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{path.name}: invalid template: {_describe(exc)}") from exc
    if path.stem != template.code:
        raise ValueError(f"{path.name}: file name does not match template code {template.code}")
    return template


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
