"""Chinese labels for coded values, as printed on the ledger, the notice and the figures.

One place for the words a document shows, so the device and the server print the same.
Category names follow the 检查方法 codes of DOMAIN.md §4.3.
"""

from __future__ import annotations

from domain.lifecycle import HazardState, HazardStatus
from domain.records import Handling, HazardLevel, HazardSource, InspectionKind

LEVEL_ZH: dict[str, str] = {HazardLevel.general: "一般隐患", HazardLevel.major: "重大隐患"}

HANDLING_ZH: dict[str, str] = {
    Handling.on_site: "现场整改",
    Handling.deadline: "限期整改",
    Handling.suspend: "停产停业整改",
}

SOURCE_ZH: dict[str, str] = {
    HazardSource.grid_patrol: "网格巡查",
    HazardSource.supervision: "监督检查",
    HazardSource.complaint: "投诉举报",
    HazardSource.self_check: "企业自查",
    HazardSource.other: "其他",
}

INSPECTION_KIND_ZH: dict[str, str] = {
    InspectionKind.routine: "日常巡查",
    InspectionKind.special: "专项检查",
    InspectionKind.joint: "联合检查",
    InspectionKind.recheck: "回头看",
    InspectionKind.self_check: "企业自查",
}

ESCALATION_ZH: dict[str, str] = {"reminder": "督办提醒", "listed": "挂牌督办"}

CATEGORY_ZH: dict[str, str] = {
    "A01": "资质证照",
    "A02": "安全生产管理机构及人员",
    "A03": "安全生产责任制",
    "A04": "安全生产规章制度",
    "A05": "安全生产教育培训",
    "A06": "安全生产管理基础档案",
    "A07": "应急管理",
    "A08": "职业卫生",
    "A09": "安全操作规程",
    "A10": "安全生产投入",
    "A11": "特种设备基础管理",
    "A12": "相关方基础管理",
    "A99": "其他基础管理",
    "B01": "生产设备设施",
    "B02": "特种设备现场管理",
    "B03": "消防与应急安全",
    "B04": "用电安全",
    "B05": "职业卫生现场管理",
    "B06": "危险化学品",
    "B07": "场所环境",
    "B08": "从业人员操作行为",
    "B09": "有限空间现场管理",
    "B10": "辅助动力系统",
    "B11": "相关方现场管理",
    "B99": "其他现场管理",
}


def category_zh(code: str) -> str:
    """``B03 消防与应急安全``; an unknown code is shown as it is."""
    name = CATEGORY_ZH.get(code)
    return f"{code} {name}" if name else code


def status_zh(state: HazardState) -> str:
    """The hazard's state in the ledger's words (DOMAIN.md §5)."""
    if state.status == HazardStatus.open:
        return "待整改"
    if state.status == HazardStatus.rectified:
        return "复查合格待销号" if state.recheck_passed else "已整改待复查"
    if state.status == HazardStatus.closed:
        return "已销号"
    if state.status == HazardStatus.voided:
        return "已作废"
    return "未登记"


def short_ref(record_id: str) -> str:
    """The random tail of a record's UUID, to tell records apart before they have a number."""
    return record_id[-8:].upper()


def provisional_number(record_id: str) -> str:
    """What stands for a 隐患编号 / 文号 until the server gives one on receipt."""
    return f"待同步-{short_ref(record_id)}"
