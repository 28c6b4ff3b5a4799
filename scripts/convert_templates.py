"""Turn the shared checklist draft into the project's own template files.

Reads ``assets/templates/source/checklists.json`` (the domain draft, copied into the repository) and writes one file per
template to ``assets/templates/<CODE>.json``, each a valid ``domain.reference.ChecklistTemplate``
at version 1. Titles, applies_to, sections and items (code, text, major_if_failed, basis) are
kept as they are (item codes only lose their dots, see ``item_code``): evidence tags such as ``[L]`` and the ``[条号待核]`` / ``[待核]`` / ``条号需复核``
markers stay in ``basis`` so that unverified clause numbers remain visible.

Each item gets a hazard ``category`` (DOMAIN.md §4.3, A01–A12/A99 基础管理, B01–B12/B99 现场管理)
from ``CATEGORY_RULES``: the first rule with a keyword found in the item text wins; when no rule
matches, the section decides — A99 for a management section (``MANAGEMENT_SECTION_WORDS`` in its
title), B99 otherwise.

Usage: ``python scripts/convert_templates.py [--source PATH] [--out DIR]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from domain.reference import ChecklistTemplate

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO / "assets" / "templates" / "source" / "checklists.json"
DEFAULT_OUT = REPO / "assets" / "templates"
VERSION = 1

# (category, keywords): ordered, the first rule with a keyword in the item text wins.
# Specific places and activities come before the broad management and fire words, so that
# e.g. "有限空间作业审批" is B09 and not B08, and "电气线路…可燃材料" is B04 and not B03.
CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("B09", ("有限空间",)),  # 有限空间现场管理
    ("B01", ("粉尘", "除尘", "收尘", "钢丝绳")),  # 涉爆粉尘、卷扬: 生产设备设施
    ("B08", ("拆除承重结构", "拆除施工")),  # 拆除作业: 从业人员操作行为
    ("A11", ("特种设备作业人员", "使用登记", "检验合格标志")),  # 特种设备基础管理
    ("A05", ("特种作业人员", "培训", "教育", "一懂三会", "交底", "熟悉")),  # 教育培训、持证
    ("A12", ("承包", "承租", "合同")),  # 相关方基础管理
    ("A01", ("许可证", "证照", "资质")),  # 资质证照
    ("A02", ("考核合格", "安全管理人员", "安全管理机构", "三类人员")),  # 机构及人员
    ("A03", ("责任制", "责任人")),  # 安全生产责任制
    ("A07", ("预案", "演练", "应急处置", "应急器材")),  # 应急管理
    ("A10", ("投入", "责任保险")),  # 安全生产投入
    ("A04", ("制度",)),  # 规章制度
    ("A09", ("操作规程", "施工方案", "专项方案")),  # 操作规程/作业方案
    ("A06", ("台账", "记录", "档案")),  # 管理档案
    ("B08", ("审批", "临边", "安全带", "安全帽", "清库")),  # 从业人员操作行为
    ("B02", ("特种设备", "起重机械", "吊索具")),  # 特种设备现场管理
    ("B05", ("劳动防护用品", "职业病", "职业卫生")),  # 职业卫生现场管理
    ("B10", ("煤气", "燃气总管", "燃烧装置", "窑炉", "热媒炉")),  # 辅助动力系统
    # 燃气 (天然气、液化石油气、醇基燃料) counts as 危险化学品
    (
        "B06",
        ("燃气", "液化石油气", "气瓶", "燃具", "醇基燃料", "调压", "可燃气体", "检漏", "输配管道"),
    ),
    ("B04", ("电气", "用电", "线路", "配电", "漏电", "插座", "大功率", "电压", "外电", "电缆")),
    ("B06", ("危险化学品", "液氯", "保险粉", "磷化氢", "二氧化碳", "乙醇", "有机溶剂", "非水性漆")),
    (
        "B03",
        (
            "消防",
            "灭火",
            "疏散",
            "安全出口",
            "应急照明",
            "火灾",
            "防火",
            "彩钢",
            "装修",
            "逃生",
            "感烟",
            "消火栓",
            "喷水",
            "排烟",
            "外窗",
            "电动自行车",
            "明火",
            "吸烟",
            "动火",
            "住人",
            "宿舍",
            "电池",
            "楼层位置",
            "甲、乙类",
        ),
    ),
    ("B06", ("危险品", "易燃易爆", "加油站")),  # 危险化学品 (fire-safety wording wins above)
    ("B07", ("警示标志", "通风", "积水", "地坪")),  # 场所环境
    (
        "B01",
        (
            "设备",
            "装置",
            "设施",
            "防护",
            "报警",
            "脚手架",
            "吊篮",
            "卸料平台",
            "制冷",
            "冻结",
            "炉",
            "罐",
        ),
    ),  # 生产设备设施
)

MANAGEMENT_SECTION_WORDS = ("管理", "责任", "培训", "教育", "双重预防", "应急", "资质")

FIRE_STANDARD_MARK = "GB 35181"

NOTES_SOURCE = (
    "来源：shared/domain/checklists.json（DOMAIN.md 领域事实汇编，由 scripts/convert_templates.py "
    "转换为 version 1）。依据条款为简要转述，不是官方原文。依据中标有 [M]、[L]、[待核]、[条号待核] "
    "或“条号需复核”的条目，发布前必须对照官方文本核实；[L] 为地方做法，应按当地规定配置。"
    "隐患类别（A/B 代码，DOMAIN.md §4.3）按关键词规则自动归类，启用前请人工复核。"
)
NOTES_CODES = "条目编码中的“.”已改为“-”（如 FM-6.1 → FM-6-1），条号仍见依据。"
NOTES_FIRE = (
    "消防条目沿用 GB 35181-2017《重大火灾隐患判定方法》的条号；该标准已被 GB 35181-2025"
    "《重大火灾隐患判定规则》（2025-11-01 实施）替代，发布前须按 2025 版重新对应条号和内容。"
)


def category_for(item_text: str, section_title: str) -> str:
    """The hazard category code of one checklist item (see the module docstring)."""
    for code, words in CATEGORY_RULES:
        if any(word in item_text for word in words):
            return code
    return "A99" if is_management_section(section_title) else "B99"


def is_management_section(title: str) -> bool:
    return any(word in title for word in MANAGEMENT_SECTION_WORDS)


def notes_for(raw: dict[str, Any]) -> str:
    items = [item for section in raw["sections"] for item in section["items"]]
    notes = NOTES_SOURCE
    if any(FIRE_STANDARD_MARK in item.get("basis", "") for item in items):
        notes += NOTES_FIRE
    if any("." in item["code"] for item in items):
        notes += NOTES_CODES
    return notes


def item_code(raw_code: str) -> str:
    """The draft numbers fire items after GB 35181 clauses ("FM-6.1", "FM-7.3.10"), but item
    codes may only hold A–Z, 0–9 and "-": the dots become hyphens ("FM-6-1", "FM-7-3-10"). The
    clause number itself stays readable in ``basis``."""
    return raw_code.strip().upper().replace(".", "-")


def convert_item(raw: dict[str, Any], section_title: str) -> dict[str, Any]:
    return {
        "code": item_code(raw["code"]),
        "text": raw["text"],
        "major_if_failed": bool(raw.get("major_if_failed", False)),
        "basis": raw.get("basis", ""),
        "category": category_for(raw["text"], section_title),
    }


def convert_template(raw: dict[str, Any]) -> ChecklistTemplate:
    sections = [
        {"title": s["title"], "items": [convert_item(i, s["title"]) for i in s["items"]]}
        for s in raw["sections"]
    ]
    return ChecklistTemplate.model_validate(
        {
            "code": raw["code"],
            "version": VERSION,
            "title": raw["title"],
            "applies_to": raw.get("applies_to", []),
            "sections": sections,
            "notes": notes_for(raw),
        }
    )


def template_json(template: ChecklistTemplate) -> str:
    return json.dumps(template.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_templates(source: Path, out: Path) -> list[Path]:
    raws = json.loads(source.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for raw in raws:
        template = convert_template(raw)
        path = out / f"{template.code}.json"
        path.write_text(template_json(template), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for path in write_templates(args.source, args.out):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
