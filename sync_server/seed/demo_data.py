"""A realistic demo sub-district (青溪街道), generated deterministically from a seed. Pure: no database.

``build_demo()`` returns reference data (4 communities, 12 grids, 320 enterprises across the
sectors of DOMAIN.md §6.1), users (admin, office1, inspector1–4, enterprise1; password
``gridcheck-demo``), the checklist templates from assets/templates, and field records from
2023-01 to ``today``: sealed inspections, hazard events and office reviews, in creation order,
plus the signature PNGs and photos they reference (``blobs``, keyed by sha256).

Every hazard follows a plan (report → rectify → re-check → close, with reminders, extensions,
listing for majors, the odd failed re-check or voiding); events later than ``today`` are cut
off, which leaves recent hazards open, overdue or waiting for a re-check. A few fixed
scenarios guarantee the rest: a 2023 major hazard still open (存量), a major hazard listed
(挂牌督办) and closed by the office, a failed re-check sent back to open, a voided hazard, and
open and rectified hazards at enterprise1's restaurant.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from PIL import Image, ImageDraw

from domain.canonical import sha256_hex
from domain.ids import new_id
from domain.records import seal
from domain.reference import (
    USCC_ALPHABET,
    ChecklistTemplate,
    Community,
    Enterprise,
    Grid,
    Role,
    TemplateItem,
    TemplateSection,
    UserPublic,
    uscc_check_char,
)
from sync_server.seed.org_import import derived_enterprise_id
from sync_server.seed.templates import TEMPLATES_DIR, load_template_files

DEMO_SEED = 20261129
DEMO_TODAY = date(2026, 11, 29)
DEMO_PASSWORD = "gridcheck-demo"
STREET = "青溪街道"
CITY = "杭州"
ADMIN_AREA = "330106"  # the 6-digit area code inside the demo credit codes
TZ = timezone(timedelta(hours=8))
HISTORY_START = date(2023, 1, 3)
EARLIEST_TODAY = date(2025, 1, 1)
ENTERPRISE_COUNT = 320
PHOTO_POOL = 36
VISITS_PER_YEAR = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}
CLOSED_UNITS_UNTIL = date(2024, 6, 30)  # units no longer open were last visited before this

Record = tuple[str, dict[str, Any]]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _names(text: str) -> tuple[str, ...]:
    """Name patterns: {b} is a brand word, {city} the city."""
    return tuple(n.replace("{city}", CITY) for n in text.split())


@dataclass(frozen=True)
class DemoUser:
    public: UserPublic
    password: str


@dataclass
class DemoData:
    communities: list[Community]
    grids: list[Grid]
    enterprises: list[Enterprise]
    users: list[DemoUser]
    templates: list[ChecklistTemplate]
    records: list[Record]  # (kind, wire dict) in creation order
    blobs: dict[str, bytes]  # sha256 → bytes: signature PNGs and photos


# ---------------------------------------------------------------- territory

COMMUNITIES: tuple[tuple[str, str, tuple[str, ...], tuple[float, float]], ...] = (
    ("QX01", "青溪社区", ("青溪路", "兴业路", "工业园路", "学府街"), (30.2735, 120.1310)),
    ("QX02", "柳岸社区", ("柳岸街", "新河路", "滨河路", "柳岸工业区路"), (30.2815, 120.1410)),
    ("QX03", "东湖村", ("东湖路", "湖塘路", "东湖村工业点", "村前路"), (30.2660, 120.1525)),
    ("QX04", "新桥社区", ("新桥路", "文化路", "长兴街", "桥西路"), (30.2590, 120.1380)),
)
GRID_KINDS: dict[str, tuple[str, str, str]] = {
    "QX01": ("commercial", "industrial", "residential"),
    "QX02": ("commercial", "residential", "industrial"),
    "QX03": ("village", "industrial", "village"),
    "QX04": ("residential", "commercial", "commercial"),
}
ORDINALS = ("一", "二", "三", "四")
AREA_WEIGHTS: dict[str, dict[str, float]] = {
    "industrial": {"industrial": 6, "village": 3, "commercial": 1, "residential": 0.5},
    "commercial": {"industrial": 0.7, "village": 1.5, "commercial": 5, "residential": 3},
}

# ---------------------------------------------------------------- sectors


@dataclass(frozen=True)
class Profile:
    key: str
    weight: int
    sectors: tuple[str, ...]
    names: tuple[str, ...]  # patterns; {b} is a brand word
    credit_prefix: str  # 91 company, 92 个体工商户, 52 民办非企业单位
    templates: tuple[str, ...]  # preferred order; each must apply to the sectors
    area: str  # "industrial" or "commercial"
    employees: tuple[int, int]
    risk: tuple[int, int, int, int]  # weights of red, orange, yellow, blue
    special: tuple[tuple[str, float], ...] = ()
    titles: tuple[str, ...] = ("负责人", "安全员")


SHOP_RISK = (0, 2, 20, 78)
PUBLIC_RISK = (2, 10, 45, 43)
FACTORY_RISK = (2, 12, 40, 46)
HIGH_RISK = (8, 30, 40, 22)
HAZMAT_RISK = (30, 45, 20, 5)
SHOP_TITLES = ("店长", "负责人")

PROFILES: tuple[Profile, ...] = (
    Profile(
        "restaurant",
        17,
        _words("餐饮 九小场所 燃气用户"),
        _names(
            "{b}家常菜馆 {b}面馆 {b}小吃店 {b}快餐店 {b}火锅店 {b}烧烤店 {b}饺子馆 {b}米线店 {b}土菜馆 {b}早餐店 {b}牛肉面馆 {b}麻辣烫"
        ),
        "92",
        _words("CATERING-GAS JX-FIRE"),
        "commercial",
        (3, 25),
        (1, 6, 33, 60),
        special=(("燃气使用", 1.0), ("瓶装液化气", 0.45)),
        titles=SHOP_TITLES,
    ),
    Profile(
        "big_restaurant",
        4,
        _words("餐饮 人员密集场所 燃气用户"),
        _names("{b}大酒店 {b}酒楼 {city}{b}餐饮有限公司"),
        "91",
        _words("CATERING-GAS FIRE-MAJOR-GB35181 GEN-SAFETY"),
        "commercial",
        (20, 120),
        PUBLIC_RISK,
        special=(("燃气使用", 1.0),),
        titles=_words("店长 负责人 安全员"),
    ),
    Profile(
        "canteen",
        2,
        _words("单位食堂 燃气用户"),
        _names("{city}{b}餐饮管理有限公司 {city}{b}团膳服务有限公司"),
        "91",
        _words("CATERING-GAS"),
        "commercial",
        (8, 40),
        (1, 6, 33, 60),
        special=(("燃气使用", 1.0),),
    ),
    Profile(
        "shop",
        14,
        _words("商贸 九小场所"),
        _names(
            "{b}便利店 {b}超市 {b}五金店 {b}日杂店 {b}烟酒店 {b}水果店 {b}服装店 {b}建材店 {b}手机店 {b}电动车行 {b}母婴店 {b}茶叶店"
        ),
        "92",
        _words("JX-FIRE GEN-SAFETY"),
        "commercial",
        (1, 8),
        SHOP_RISK,
        special=(("电动自行车集中充电", 0.08),),
        titles=SHOP_TITLES,
    ),
    Profile(
        "hotel",
        3,
        _words("住宿 九小场所 小旅馆"),
        _names("{b}宾馆 {b}旅馆 {b}快捷酒店 {b}民宿"),
        "92",
        _words("JX-FIRE FIRE-MAJOR-GB35181"),
        "commercial",
        (2, 15),
        PUBLIC_RISK,
        titles=SHOP_TITLES,
    ),
    Profile(
        "entertainment",
        4,
        _words("文化娱乐 九小场所 人员密集场所"),
        _names("{b}KTV {b}网吧 {b}电竞馆 {b}棋牌室 {b}台球俱乐部"),
        "92",
        _words("JX-FIRE FIRE-MAJOR-GB35181"),
        "commercial",
        (3, 20),
        PUBLIC_RISK,
        titles=SHOP_TITLES,
    ),
    Profile(
        "beauty",
        3,
        _words("九小场所 小美容洗浴"),
        _names("{b}美发店 {b}美容院 {b}足浴店 {b}养生馆 {b}美甲店"),
        "92",
        _words("JX-FIRE"),
        "commercial",
        (2, 12),
        SHOP_RISK,
        titles=SHOP_TITLES,
    ),
    Profile(
        "education",
        3,
        _words("教育 九小场所 小学校幼儿园培训 人员密集场所"),
        _names("{b}幼儿园 {b}艺术培训学校 {b}托育中心 {b}教育培训中心 {b}舞蹈培训中心"),
        "52",
        _words("JX-FIRE FIRE-MAJOR-GB35181"),
        "commercial",
        (5, 40),
        PUBLIC_RISK,
        titles=_words("园长 校长 安全员"),
    ),
    Profile(
        "clinic",
        3,
        _words("医疗 九小场所 小医院诊所"),
        _names("{b}诊所 {b}口腔诊所 {b}中医诊所 {b}门诊部"),
        "52",
        _words("JX-FIRE"),
        "commercial",
        (3, 20),
        SHOP_RISK,
    ),
    Profile(
        "elderly",
        2,
        _words("养老 人员密集场所"),
        _names("{b}颐养院 {b}养老院 {b}老年公寓 {b}日间照料中心"),
        "52",
        _words("FIRE-MAJOR-GB35181 GEN-SAFETY"),
        "commercial",
        (8, 45),
        PUBLIC_RISK,
        special=(("燃气使用", 0.5),),
        titles=_words("院长 安全员"),
    ),
    Profile(
        "machinery",
        9,
        _words("工贸 机械"),
        _names(
            "{city}{b}机械有限公司 {city}{b}精密机械有限公司 {city}{b}五金制品有限公司 {city}{b}模具有限公司 {city}{b}汽车配件有限公司 {city}{b}紧固件有限公司"
        ),
        "91",
        _words("GEN-SAFETY GM10-MAJOR"),
        "industrial",
        (10, 150),
        FACTORY_RISK,
        special=(("危化品使用", 0.4), ("有限空间", 0.15), ("特种设备", 0.3)),
    ),
    Profile(
        "wood",
        3,
        _words("工贸 轻工"),
        _names("{city}{b}木业有限公司 {city}{b}家具有限公司 {city}{b}木制品厂"),
        "91",
        _words("GM10-MAJOR GEN-SAFETY"),
        "industrial",
        (12, 90),
        HIGH_RISK,
        special=(("粉尘涉爆", 1.0), ("危化品使用", 0.5)),
    ),
    Profile(
        "food",
        4,
        _words("工贸 轻工"),
        _names(
            "{city}{b}食品有限公司 {city}{b}冷链仓储有限公司 {city}{b}肉制品有限公司 {city}{b}豆制品厂"
        ),
        "91",
        _words("GM10-MAJOR GEN-SAFETY"),
        "industrial",
        (10, 120),
        HIGH_RISK,
        special=(("液氨制冷", 0.5), ("有限空间", 0.5), ("燃气使用", 0.3)),
    ),
    Profile(
        "textile",
        5,
        _words("工贸 纺织 劳动密集型"),
        _names("{city}{b}服饰有限公司 {city}{b}纺织有限公司 {city}{b}制衣厂 {city}{b}针织有限公司"),
        "91",
        _words("GEN-SAFETY GM10-MAJOR"),
        "industrial",
        (20, 200),
        FACTORY_RISK,
    ),
    Profile(
        "building_materials",
        2,
        _words("工贸 建材"),
        _names("{city}{b}新型建材有限公司 {city}{b}石材有限公司 {city}{b}混凝土有限公司"),
        "91",
        _words("GM10-MAJOR GEN-SAFETY"),
        "industrial",
        (15, 80),
        HIGH_RISK,
        special=(("粉尘涉爆", 0.3), ("特种设备", 0.6)),
    ),
    Profile(
        "warehouse",
        5,
        _words("工贸 商贸 仓储"),
        _names("{city}{b}物流有限公司 {city}{b}供应链管理有限公司 {city}{b}仓储有限公司"),
        "91",
        _words("GEN-SAFETY FIRE-MAJOR-GB35181"),
        "industrial",
        (8, 80),
        (3, 15, 45, 37),
        special=(("锂电池储存", 0.2), ("特种设备", 0.5), ("有限空间", 0.1)),
    ),
    Profile(
        "chemicals",
        2,
        _words("危险化学品 易燃易爆危险品场所"),
        _names("{city}{b}化工贸易有限公司 {b}加油站 {city}{b}涂料有限公司"),
        "91",
        _words("FIRE-MAJOR-GB35181"),
        "industrial",
        (4, 30),
        HAZMAT_RISK,
        special=(("危化品经营", 1.0),),
    ),
    Profile(
        "gas_supply",
        1,
        _words("城镇燃气 燃气经营 瓶装液化石油气供应站"),
        _names("{b}液化气供应站 {b}瓶装燃气供应站"),
        "91",
        _words("GAS-OPERATOR-MAJOR"),
        "industrial",
        (5, 20),
        HAZMAT_RISK,
        special=(("燃气使用", 1.0),),
        titles=_words("站长 安全员"),
    ),
    Profile(
        "construction",
        5,
        _words("建筑施工 装饰装修 小散工程"),
        _names(
            "{city}{b}建设有限公司青溪项目部 {city}{b}建筑装饰工程有限公司 {city}{b}装饰工程有限公司 {city}{b}市政工程有限公司"
        ),
        "91",
        _words("CONSTRUCTION-SMALL"),
        "commercial",
        (6, 60),
        (5, 25, 45, 25),
        special=(("有限空间", 0.2), ("特种设备", 0.4)),
        titles=_words("项目经理 安全员"),
    ),
    Profile(
        "mall",
        2,
        _words("商贸 人员密集场所 特种设备"),
        _names("{b}购物中心 {b}生活超市 {b}百货商场"),
        "91",
        _words("FIRE-MAJOR-GB35181 GEN-SAFETY"),
        "commercial",
        (30, 150),
        (3, 15, 45, 37),
        special=(("特种设备", 1.0), ("燃气使用", 0.3)),
        titles=_words("店长 安全员"),
    ),
    Profile(
        "car_repair",
        3,
        _words("商贸 九小场所 小生产加工"),
        _names("{b}汽车维修店 {b}汽车美容店 {city}{b}汽车服务有限公司"),
        "92",
        _words("JX-FIRE GEN-SAFETY"),
        "commercial",
        (2, 15),
        (1, 8, 40, 51),
        special=(("危化品使用", 0.6),),
        titles=SHOP_TITLES,
    ),
    Profile(
        "workshop",
        3,
        _words("工贸 轻工 加工作坊"),
        _names("{city}{b}印刷有限公司 {b}纸制品厂 {city}{b}塑料制品有限公司 {b}包装厂"),
        "91",
        _words("GEN-SAFETY GM10-MAJOR"),
        "industrial",
        (5, 60),
        FACTORY_RISK,
        special=(("危化品使用", 0.5),),
    ),
)
PROFILES_BY_KEY = {p.key: p for p in PROFILES}
# The first units are fixed so that the scenarios below always have a fitting enterprise:
# (profile, grid index, special tags that must be present)
FIXED_UNITS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("restaurant", 0, ("燃气使用", "瓶装液化气")),  # enterprise1's unit, grid QX01-G1
    ("wood", 4, ("粉尘涉爆",)),  # the 2023 major still open, grid QX02-G2
    ("food", 7, ("液氨制冷", "有限空间")),  # the major closed by the office, grid QX03-G2
)

BRANDS = _words(
    "宏达 鑫源 恒丰 金穗 华茂 永盛 瑞祥 佳和 德润 兴隆 盛世 利民 光华 新锐 博远 天成 嘉禾 东升 安泰 汇通 顺发 立信 万家 百川 祥云 聚福 和美 润达 信诚 中天 明珠 丰源 同心 启航 锦程 荣昌 悦来 阳光 春晖 金桥 长青 如意 诚信 新桥 柳岸 东湖 青溪 众鑫 万隆 泰和 恒通 宝顺 益丰 康源 腾飞 远航 凯达 美佳 旺福 正大"
)
SHOP_BRANDS = _words(
    "老王 阿强 小李 张记 陈记 老周 好再来 老地方 胖哥 兰姐 阿芳 小杨 刘记 老街 家和 邻里 一品 味道 食尚 乐购 便民 惠民"
)
SURNAMES = _words(
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 沈 姚 蒋 蔡 余 叶 程 方 金 钱 俞 应 楼 孔 汪 潘"
)
GIVEN_NAMES = _words(
    "建国 伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 志强 海燕 晓东 春梅 建华 玉兰 海涛 文斌 丽华 国平 红梅 俊杰 卫东 雪芬 林峰 建平 美华 金龙 小燕 立新 永明 素珍 国强 晓红 斌 浩"
)

# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    """What a failed item looks like on site: title, place, measures, typical funds (yuan)."""

    title: str
    place: str
    measures: str
    funds: int


# code | title | place | measures | typical funds (yuan)
FINDINGS_TABLE = """
CG-3-01 | 后厨未安装可燃气体报警器 | 后厨 | 安装与燃气种类匹配的可燃气体报警装置，接通电源并保持正常使用 | 600
CG-3-05 | 燃气连接软管老化龟裂、长度超过2米 | 后厨灶台 | 更换为燃气专用金属波纹管，长度不超过2米，两端卡箍紧固 | 150
CG-3-04 | 灶具无熄火保护装置 | 后厨 | 更换为带熄火保护装置的燃具 | 1200
CG-2-06 | 液化气钢瓶卧放且紧靠灶具，备用瓶超量存放 | 后厨 | 气瓶直立存放并与灶具保持安全距离，清退超量备用瓶 | 0
CG-3-07 | 液化气钢瓶超过检验有效期 | 后厨气瓶间 | 停止使用并退回供气单位更换合格气瓶 | 0
CG-4-01 | 厨房未配置灭火毯 | 后厨 | 配置灭火毯及适用的灭火器 | 200
CG-4-02 | 排油烟管道油垢严重，无清洗记录 | 排油烟罩 | 委托专业单位清洗排油烟管道并建立清洗记录 | 800
CG-1-05 | 未张贴燃气泄漏应急处置卡，员工不知总阀位置 | 后厨 | 张贴应急处置卡，组织员工学习关阀、检漏和报警 | 0
CG-2-03 | 燃具设在员工休息间内，用气场所有人员住宿 | 后厨阁楼 | 立即停止在休息间用气，拆除床铺，实施物理隔离 | 5000
JX-3-01 | 安全出口堆放货物，疏散通道被占用 | 一楼疏散通道 | 立即清理堆物，保持疏散通道和安全出口畅通 | 0
JX-4-02 | 灭火器压力不足（指针位于红区） | 收银台旁 | 更换或重新充装灭火器，每月检查压力 | 160
JX-4-01 | 营业场所未按要求配置灭火器 | 营业大厅 | 按每50㎡不少于2具4kg ABC干粉灭火器配置，放置于明显位置 | 240
JX-3-05 | 应急照明灯损坏，疏散指示标志不亮 | 楼梯间 | 维修更换应急照明灯和疏散指示标志 | 300
JX-2-03 | 经营场所内设置员工床铺，违规住人 | 二楼仓储区 | 拆除经营区床铺，住宿与经营区域进行防火分隔 | 2000
JX-5-01 | 电线私拉乱接，未穿管保护 | 店铺后间 | 由持证电工重新敷设线路并穿管保护 | 500
JX-5-02 | 多个插座串接，违规使用大功率电器 | 员工休息区 | 拆除串接插座，停止使用大功率电器 | 50
JX-5-03 | 配电箱前堆放纸箱等可燃物 | 配电箱 | 清理配电箱前可燃物，加装漏电保护 | 0
JX-6-01 | 电动自行车在楼道内停放充电 | 一楼楼道 | 移至集中充电点停放充电，楼道内禁止停放 | 0
JX-6-02 | 电动自行车电池带入室内充电 | 二楼宿舍 | 禁止电池入户充电，使用集中充电点 | 0
JX-3-03 | 窗户安装固定防盗网，未预留逃生口 | 二楼窗户 | 改造防盗网，预留可从内部开启的逃生口 | 800
JX-1-03 | 无防火巡查、检查记录 | 办公室 | 建立每日防火巡查、每月防火检查记录台账 | 0
JX-4-03 | 未安装独立式感烟火灾探测报警器 | 客房 | 每个房间安装独立式感烟火灾探测报警器 | 600
JX-1-04 | 员工不会使用灭火器，未达到“一懂三会” | 营业场所 | 组织全员消防培训和灭火器实操 | 0
GEN-4-06 | 配电箱无漏电保护，线路私拉乱接 | 车间配电箱 | 加装漏电保护器，规范线路敷设 | 800
GEN-4-02 | 冲床传动部位防护罩缺失 | 生产车间 | 加装防护罩，防护装置恢复前停止使用该设备 | 1500
GEN-4-05 | 打磨作业人员未佩戴防护眼镜和防尘口罩 | 打磨工位 | 配发合格劳动防护用品并监督佩戴 | 300
GEN-4-07 | 油漆、稀释剂在车间内超量存放 | 喷漆工位 | 设置专用危化品储存柜，车间内存放量不超过一天用量 | 2500
GEN-4-01 | 危险区域未设置安全警示标志 | 车间 | 设置明显的安全警示标志和岗位风险告知卡 | 200
GEN-2-01 | 新员工未进行岗前安全培训，无培训档案 | 办公室 | 组织三级安全教育并建立培训档案 | 0
GEN-5-02 | 本年度未组织应急演练 | 办公室 | 制定演练计划，一个月内组织一次现场处置方案演练 | 0
GEN-5-04 | 车间安全出口被货物堵塞 | 车间北侧安全出口 | 清理安全出口堆物，划定禁止堆放区 | 0
GEN-3-02 | 未建立隐患排查治理台账 | 办公室 | 建立隐患排查治理制度和台账，如实记录自查情况 | 0
GEN-2-02 | 电工无有效特种作业操作证上岗 | 配电房 | 立即停止无证人员作业，安排持证电工，组织人员培训取证 | 3000
GEN-4-12 | 木工车间积尘严重，未落实粉尘清理制度 | 木工车间 | 停产清理积尘，落实每班清扫和记录制度 | 8000
GEN-4-10 | 污水池有限空间未辨识、无台账、无警示标志 | 污水处理池 | 辨识有限空间，建立台账，设置警示标志 | 1000
GM-11-3 | 干式除尘器未设置泄爆等爆炸防控措施 | 除尘器 | 加装泄爆装置或改为湿式除尘，改造完成前停用除尘系统及相关工位 | 60000
GM-11-10 | 砂光工位周边积尘严重 | 砂光车间 | 停产清理积尘，落实粉尘清理制度并记录 | 5000
GM-12-2 | 速冻间作业人员超过9人 | 速冻车间 | 调整排班，速冻间同时作业人员不超过9人，设置单独作业间 | 20000
GM-13-2 | 污水井作业未审批、未检测即进入 | 污水井 | 停止作业，落实审批、先通风再检测后作业和现场监护 | 3000
CS-2-05 | 楼层临边防护栏杆缺失 | 三层临边 | 立即恢复临边防护栏杆，作业人员系挂安全带 | 1500
CS-4-03 | 临时用电未做到一机一闸一漏，电缆拖地浸水 | 施工现场 | 按三级配电两级保护整改，电缆架空敷设 | 2000
CS-4-04 | 动火作业无审批，现场无监护人和灭火器 | 装修楼层 | 停止动火，履行审批，配备灭火器和监护人后方可作业 | 300
CS-1-05 | 新进场工人无安全技术交底记录 | 项目部 | 补做安全教育和技术交底并签字存档 | 0
CS-2-04 | 吊篮安全绳未独立悬挂 | 外立面吊篮 | 停止使用吊篮，安全绳独立悬挂并经验收后使用 | 4000
FM-7-3-3 | 营业期间安全出口被锁闭 | 东侧安全出口 | 立即开启安全出口，营业期间严禁锁闭 | 0
FM-7-4-3 | 室内消火栓箱内水带缺失，不能正常使用 | 二楼消火栓 | 补齐水带水枪，维保单位检测后恢复使用 | 600
FM-7-3-6 | 部分疏散指示标志损坏 | 地下一层 | 更换损坏的疏散指示标志和应急照明 | 1200
FM-7-7-2 | 火灾自动报警系统故障，控制器显示多处故障点 | 消防控制室 | 委托维保单位维修并出具检测报告 | 8000
GO-7-1 | 发现为非自有气瓶充装燃气 | 充装区 | 停止违规充装，清退非自有气瓶，向燃气主管部门报告 | 10000
"""


def _findings(table: str) -> dict[str, Finding]:
    rows = (line.split(" | ") for line in table.strip().splitlines())
    return {
        code: Finding(title, place, measures, int(funds))
        for code, title, place, measures, funds in rows
    }


FINDINGS = _findings(FINDINGS_TABLE)
GENERIC_PLACES = ("经营场所", "仓库", "一楼", "二楼", "后场", "办公室", "生产区域")
INTERIM = (
    "整改完成前设置警示标志，安排专人看守",
    "暂停使用相关设施，待整改完成后恢复",
    "临时增配灭火器材，加强每日巡查",
    "停止该区域作业，撤离无关人员",
    "落实专人管理，整改前每日报告情况",
)
MAJOR_INTERIM = "局部停产，设置隔离警戒区，落实专人值守，制定专项应急预案"
EXTENSION_REASONS = (
    "整改需采购专用设备，供货周期较长",
    "企业申请延期，已落实临时管控措施",
    "需房东配合改造，正在协调",
    "改造需停产施工，安排在生产淡季",
)
VOID_REASONS = (
    "与已登记隐患重复",
    "经核实不属于隐患（系临时存放，已当场移除）",
    "录入单位错误，已在正确单位重新登记",
)
RECHECK_FAIL_NOTES = (
    "复查不合格：整改不到位，问题仍然存在",
    "复查不合格：仅部分整改，需继续整改",
)
REFUSAL_REASONS = (
    "负责人不在现场，店员不愿签字",
    "对检查结论有异议，拒绝签字",
)

# ---------------------------------------------------------------- building


def build_demo(seed: int = DEMO_SEED, today: date = DEMO_TODAY) -> DemoData:
    """The demo sub-district; the same seed and day always give the same data.

    ``today`` must be in 2025 or later: the history starts in January 2023 and the story
    of the 2023 major hazard (存量) runs into mid-2025.
    """
    if today < EARLIEST_TODAY:
        raise ValueError(f"today must be {EARLIEST_TODAY} or later")
    builder = _Builder(random.Random(seed), today, load_template_files(TEMPLATES_DIR))
    return builder.build()


@dataclass(frozen=True)
class _Unit:
    enterprise: Enterprise
    profile: Profile
    signer_title: str


@dataclass(frozen=True)
class _Hazard:
    id: str
    unit: _Unit
    inspector_id: str


@dataclass(frozen=True)
class _Step:
    type: str
    at: datetime
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Forced:
    """A failed item whose hazard follows a fixed plan instead of a random one."""

    item_code: str
    level: str
    plan: Callable[[datetime], tuple[date, str, list[_Step]]]  # found → deadline, handling, steps


class _Builder:
    def __init__(self, rng: random.Random, today: date, templates: list[ChecklistTemplate]):
        self.rng = rng
        self.today = today
        self.now = datetime.combine(today, time(17, 30), TZ)
        self.templates = {t.code: t for t in templates}
        self.template_list = templates
        self.communities: list[Community] = []
        self.grids: list[Grid] = []
        self.grid_kinds: dict[str, str] = {}
        self.units: list[_Unit] = []
        self.users: list[DemoUser] = []
        self.grid_inspector: dict[str, str] = {}
        self.user_names: dict[str, str] = {}
        self.enterprise_user: dict[str, str] = {}  # enterprise id → its user id
        self.office_id = "u-office1"
        self.blobs: dict[str, bytes] = {}
        self.signature_of: dict[str, str] = {}  # signer key → png sha256
        self.photos: list[str] = []
        self.records: list[tuple[datetime, int, str, dict[str, Any]]] = []

    # ------------------------------------------------------------ top level

    def build(self) -> DemoData:
        self._territory()
        self._enterprises()
        self._users()
        self._photo_pool()
        self._history()
        self._scenarios()
        self._reviews()
        self.records.sort(key=lambda r: (r[0], r[1]))
        return DemoData(
            communities=self.communities,
            grids=self.grids,
            enterprises=[u.enterprise for u in self.units],
            users=self.users,
            templates=self.template_list,
            records=[(kind, wire) for _, _, kind, wire in self.records],
            blobs=self.blobs,
        )

    # ------------------------------------------------------------ reference data

    def _territory(self) -> None:
        for code, name, _streets, _centre in COMMUNITIES:
            self.communities.append(Community(id=code, code=code, name=name))
            for i, kind in enumerate(GRID_KINDS[code]):
                grid_code = f"{code}-G{i + 1}"
                grid = Grid(
                    id=grid_code,
                    code=grid_code,
                    name=f"{name}第{ORDINALS[i]}网格",
                    community_id=code,
                )
                self.grids.append(grid)
                self.grid_kinds[grid.id] = kind

    def _enterprises(self) -> None:
        names: set[str] = set()
        codes: set[str] = set()
        for profile_key, grid_index, tags in FIXED_UNITS:
            profile = PROFILES_BY_KEY[profile_key]
            self.units.append(self._unit(profile, self.grids[grid_index], names, codes, tags))
        weights = [p.weight for p in PROFILES]
        while len(self.units) < ENTERPRISE_COUNT:
            profile = self.rng.choices(PROFILES, weights)[0]
            self.units.append(self._unit(profile, self._grid_for(profile), names, codes, ()))

    def _grid_for(self, profile: Profile) -> Grid:
        area = AREA_WEIGHTS[profile.area]
        return self.rng.choices(self.grids, [area[self.grid_kinds[g.id]] for g in self.grids])[0]

    def _unit(
        self, profile: Profile, grid: Grid, names: set[str], codes: set[str], tags: Sequence[str]
    ) -> _Unit:
        rng = self.rng
        name = self._unique_name(profile, names)
        credit_code = self._credit_code(profile, codes)
        special = list(tags) or [t for t, p in profile.special if rng.random() < p]
        community = next(c for c in COMMUNITIES if c[0] == grid.community_id)
        lat, lon = community[3]
        status = rng.choices(["open", "suspended", "closed", "moved"], [96, 2, 1, 1])[0]
        enterprise = Enterprise(
            id=derived_enterprise_id(grid.community_id, grid.id, name, credit_code),
            name=name,
            credit_code=credit_code,
            address=self._address(community[2], profile),
            community_id=grid.community_id,
            grid_id=grid.id,
            sector_tags=list(profile.sectors),
            special_tags=special,
            contact_name=self._person_name(),
            contact_phone=self._mobile(),
            risk_color=self._risk(profile, special),
            status="open" if tags else status,
            employees=rng.randint(*profile.employees),
            lat=round(lat + rng.gauss(0, 0.004), 6),
            lon=round(lon + rng.gauss(0, 0.005), 6),
        )
        return _Unit(enterprise, profile, rng.choice(profile.titles))

    def _unique_name(self, profile: Profile, taken: set[str]) -> str:
        for _ in range(50):
            pattern = self.rng.choice(profile.names)
            shop = profile.credit_prefix == "92"
            brand = self.rng.choice(SHOP_BRANDS + BRANDS if shop else BRANDS)
            name = pattern.format(b=brand)
            if name not in taken:
                taken.add(name)
                return name
        raise RuntimeError(f"no free name for {profile.key}")

    def _credit_code(self, profile: Profile, taken: set[str]) -> str:
        while True:
            if self.rng.random() < 0.7:
                org = "MA2" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(6))
            else:
                org = "".join(self.rng.choice("0123456789") for _ in range(9))
            first17 = f"{profile.credit_prefix}{ADMIN_AREA}{org}"
            code = first17 + uscc_check_char(first17)
            if code not in taken:
                taken.add(code)
                return code

    def _address(self, streets: Sequence[str], profile: Profile) -> str:
        rng = self.rng
        street = rng.choice(streets)
        number = rng.randint(1, 288)
        if profile.area == "industrial":
            extra = rng.choice(("", f"{rng.randint(1, 6)}号厂房", f"{rng.randint(1, 4)}幢"))
        else:
            extra = rng.choice(("", "", f"{rng.randint(1, 3)}楼", f"{rng.randint(1, 12)}幢底商"))
        return f"{STREET}{street}{number}号{extra}"

    def _risk(self, profile: Profile, special: Sequence[str]) -> str:
        weights = list(profile.risk)
        if {"粉尘涉爆", "液氨制冷"} & set(special):
            weights = [w + add for w, add in zip(weights, (6, 20, 0, -100), strict=True)]
        colours = ("red", "orange", "yellow", "blue")
        return self.rng.choices(colours, [max(w, 0) for w in weights])[0]

    def _person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def _mobile(self) -> str:
        prefix = self.rng.choice(("13", "15", "18"))
        third = self.rng.choice("012356789" if prefix == "15" else "0123456789")
        return prefix + third + "".join(self.rng.choice("0123456789") for _ in range(8))

    def _users(self) -> None:
        def user(uid: str, username: str, name: str, role: Role, **extra: Any) -> None:
            public = UserPublic(id=uid, username=username, name=name, role=role, **extra)
            self.users.append(DemoUser(public=public, password=DEMO_PASSWORD))
            self.user_names[uid] = name

        user("u-admin", "admin", "系统管理员", Role.admin)
        user(self.office_id, "office1", "林晓燕", Role.office, phone=self._mobile())
        inspector_names = ("王志刚", "陈丽萍", "赵建军", "周海燕")
        for n, (code, *_rest) in enumerate(COMMUNITIES, start=1):
            uid = f"u-inspector{n}"
            grid_ids = [g.id for g in self.grids if g.community_id == code]
            user(
                uid,
                f"inspector{n}",
                inspector_names[n - 1],
                Role.inspector,
                grid_ids=grid_ids,
                phone=self._mobile(),
            )
            self.grid_inspector.update(dict.fromkeys(grid_ids, uid))
        unit = self.units[0]  # the fixed restaurant in inspector1's first grid
        user(
            "u-enterprise1",
            "enterprise1",
            unit.enterprise.contact_name,
            Role.enterprise,
            enterprise_id=unit.enterprise.id,
            phone=unit.enterprise.contact_phone,
        )
        self.enterprise_user[unit.enterprise.id] = "u-enterprise1"

    # ------------------------------------------------------------ media

    def _photo_pool(self) -> None:
        self.photos = [self._blob(_photo_jpeg(self.rng)) for _ in range(PHOTO_POOL)]

    def _blob(self, data: bytes) -> str:
        sha = sha256_hex(data)
        self.blobs[sha] = data
        return sha

    def _signature(self, signer_key: str) -> str:
        if signer_key not in self.signature_of:
            self.signature_of[signer_key] = self._blob(_signature_png(self.rng))
        return self.signature_of[signer_key]

    def _pick_photos(self, low: int, high: int) -> list[str]:
        return self.rng.sample(self.photos, self.rng.randint(low, high))

    # ------------------------------------------------------------ ids and records

    def _uuid7(self, when: datetime) -> str:
        """A time-ordered UUIDv7 whose random bits come from the seed (reproducible)."""
        return new_id(int(when.timestamp() * 1000), self.rng.getrandbits(74))

    def _add(self, kind: str, when: datetime, data: dict[str, Any]) -> None:
        """Seal a finished record (content hash into every signature) and keep its wire form."""
        self.records.append((when, len(self.records), kind, seal(kind, data)))

    def _inspector_signature(self, user_id: str, at: datetime) -> dict[str, Any]:
        return {
            "role": "inspector",
            "signer_name": self.user_names[user_id],
            "signer_title": "网格员",
            "signer_user_id": user_id,
            "signed_at": at.isoformat(),
            "png_sha256": self._signature(user_id),
        }

    def _enterprise_signature(
        self, unit: _Unit, at: datetime, user_id: str | None = None
    ) -> dict[str, Any]:
        return {
            "role": "enterprise",
            "signer_name": unit.enterprise.contact_name,
            "signer_title": unit.signer_title,
            "signer_user_id": user_id,
            "signed_at": at.isoformat(),
            "png_sha256": self._signature(unit.enterprise.id),
        }

    # ------------------------------------------------------------ inspections

    def _history(self) -> None:
        for unit in self.units:
            for day in self._visit_days(unit):
                self._inspection(unit, day, self._template_for(unit))

    def _visit_days(self, unit: _Unit) -> list[date]:
        per_year = VISITS_PER_YEAR[unit.enterprise.risk_color]
        last = self.today if unit.enterprise.status == "open" else CLOSED_UNITS_UNTIL
        days = []
        for year in range(HISTORY_START.year, last.year + 1):
            start = max(date(year, 1, 1), HISTORY_START)
            end = min(date(year, 12, 31), last)
            span = (end - start).days
            share = (span + 1) / 365
            count = sum(1 for _ in range(per_year) if self.rng.random() < share)
            days += [
                _weekday(start + timedelta(days=self.rng.randint(0, span)), end)
                for _ in range(count)
            ]
        return sorted(days)

    def _template_for(self, unit: _Unit) -> ChecklistTemplate:
        codes = unit.profile.templates
        weights = [6] + [4 / max(len(codes) - 1, 1)] * (len(codes) - 1)
        return self.templates[self.rng.choices(codes, weights)[0]]

    def _inspection(
        self,
        unit: _Unit,
        day: date,
        template: ChecklistTemplate,
        forced: Sequence[_Forced] = (),
        inspection_kind: str | None = None,
    ) -> None:
        rng = self.rng
        enterprise = unit.enterprise
        inspector = self.grid_inspector[enterprise.grid_id]
        start = datetime.combine(day, time(8, 30), TZ) + timedelta(minutes=rng.randint(0, 450))
        finish = start + timedelta(minutes=rng.randint(20, 75))
        kind = inspection_kind or rng.choices(("routine", "special", "joint"), (80, 12, 8))[0]
        inspectors = [inspector]
        if kind == "joint":
            others = sorted({u for u in self.grid_inspector.values() if u != inspector})
            inspectors.append(rng.choice(others))
        inspection_id = self._uuid7(finish)
        results, failed = self._item_results(unit, template, forced)
        summary = _summary(results, failed, template)
        data: dict[str, Any] = {
            "id": inspection_id,
            "enterprise_id": enterprise.id,
            "created_by": inspector,
            "template_code": template.code,
            "template_version": template.version,
            "inspection_kind": kind,
            "inspector_ids": inspectors,
            "started_at": start.isoformat(),
            "finished_at": finish.isoformat(),
            "items": results,
            "summary": summary,
            **self._location(enterprise),
        }
        signatures = [self._inspector_signature(u, finish) for u in inspectors]
        if rng.random() < 0.02 and not forced:
            data["refusal"] = {
                "reason": rng.choice(REFUSAL_REASONS),
                "witness_name": self._person_name(),
                "witness_title": "社区网格长",
                "recorded_at": finish.isoformat(),
            }
        else:
            signatures.append(self._enterprise_signature(unit, finish + timedelta(minutes=1)))
        data["signatures"] = signatures
        self._add("inspection", finish, data)
        forced_by_code = {f.item_code: f for f in forced}
        for n, (item, result) in enumerate(failed):
            found = finish + timedelta(minutes=2 + n)
            self._hazard(
                unit, inspector, inspection_id, item, result, found, forced_by_code.get(item.code)
            )

    def _location(self, enterprise: Enterprise) -> dict[str, Any]:
        roll = self.rng.random()
        if roll < 0.05 or enterprise.lat is None or enterprise.lon is None:
            return {"location": None, "location_status": "unavailable"}
        if roll < 0.07:
            return {"location": None, "location_status": "denied"}
        return {
            "location": {
                "lat": round(enterprise.lat + self.rng.gauss(0, 0.0002), 6),
                "lon": round(enterprise.lon + self.rng.gauss(0, 0.0002), 6),
                "accuracy_m": float(self.rng.randint(5, 40)),
            },
            "location_status": "ok",
        }

    def _item_results(
        self, unit: _Unit, template: ChecklistTemplate, forced: Sequence[_Forced]
    ) -> tuple[list[dict[str, Any]], list[tuple[TemplateItem, dict[str, Any]]]]:
        forced_codes = {f.item_code for f in forced}
        results: list[dict[str, Any]] = []
        failed: list[tuple[TemplateItem, dict[str, Any]]] = []
        unknown = forced_codes - {i.code for s in template.sections for i in s.items}
        if unknown:
            raise ValueError(f"{template.code} has no items {sorted(unknown)}")
        for section in template.sections:
            for item in section.items:
                relevant = _applies(template, section, item, unit)
                outcome = self._outcome(item, relevant, forced_codes, len(failed), bool(forced))
                result: dict[str, Any] = {"item_code": item.code, "result": outcome}
                if outcome == "fail":
                    finding = FINDINGS.get(item.code)
                    result["note"] = finding.title if finding else f"现场不符合：{item.text}"
                    result["photos"] = self._pick_photos(1, 2)
                    failed.append((item, result))
                results.append(result)
        return results, failed

    def _outcome(
        self, item: TemplateItem, relevant: bool, forced: set[str], fails: int, scripted: bool
    ) -> str:
        if item.code in forced:
            return "fail"
        roll = self.rng.random()
        if not relevant or roll < 0.08:
            return "na"
        if scripted or fails >= 4:
            return "pass"
        chance = 0.0025 if item.major_if_failed else (0.06 if item.code in FINDINGS else 0.012)
        return "fail" if roll > 1 - chance else "pass"

    # ------------------------------------------------------------ hazards

    def _hazard(
        self,
        unit: _Unit,
        inspector: str,
        inspection_id: str,
        item: TemplateItem,
        result: dict[str, Any],
        found: datetime,
        forced: _Forced | None,
    ) -> None:
        level = forced.level if forced else ("major" if item.major_if_failed else "general")
        if forced:
            deadline, handling, steps = forced.plan(found)
        else:
            deadline, handling, steps = self._plan(level, found)
        hazard = _Hazard(self._uuid7(found), unit, inspector)
        finding = FINDINGS.get(item.code)
        self._event(
            hazard,
            found,
            "reported",
            inspector,
            {
                "title": finding.title if finding else f"未落实：{_clip(item.text, 60)}",
                "description": f"检查发现：{finding.title if finding else item.text}。对照检查项“{_clip(item.text, 80)}”不符合要求。",
                "place": finding.place if finding else self.rng.choice(GENERIC_PLACES),
                "level": level,
                "category": item.category or "B99",
                "basis": item.basis,
                "handling": handling,
                "measures": finding.measures if finding else f"按检查项要求整改：{item.text}",
                "responsible_name": unit.enterprise.contact_name,
                "responsible_phone": unit.enterprise.contact_phone,
                "deadline": deadline.isoformat(),
                "funds_yuan": self._funds(level, handling, finding),
                "interim_measures": "" if handling == "on_site" else self._interim(level),
                "source": "grid_patrol",
                "photos": result["photos"],
                "inspection_id": inspection_id,
                "item_code": item.code,
            },
        )
        for step in steps:
            if step.at > self.now:
                break
            self._step(hazard, step)

    def _funds(self, level: str, handling: str, finding: Finding | None) -> str:
        if level == "major":
            amount = finding.funds if finding else self.rng.randint(20, 300) * 1000
        elif handling == "on_site":
            amount = 0
        else:
            amount = finding.funds if finding else self.rng.choice((0, 100, 200, 500, 1500))
        return f"{Decimal(amount):.2f}"

    def _interim(self, level: str) -> str:
        return MAJOR_INTERIM if level == "major" else self.rng.choice(INTERIM)

    def _plan(self, level: str, found: datetime) -> tuple[date, str, list[_Step]]:
        """A random but plausible course for a newly found hazard (cut off at ``now`` later)."""
        rng = self.rng
        if level == "major":
            return self._major_plan(found)
        if rng.random() < 0.015:
            return (
                found.date() + timedelta(days=7),
                "deadline",
                [
                    _Step(
                        "voided",
                        found + timedelta(days=rng.randint(1, 5), hours=2),
                        {"reason": rng.choice(VOID_REASONS)},
                    )
                ],
            )
        if rng.random() < 0.35:
            fixed = found + timedelta(minutes=rng.randint(15, 40))
            return (
                found.date(),
                "on_site",
                [
                    _Step("rectified", fixed, {"on_behalf": True}),
                    _Step(
                        "rechecked", fixed + timedelta(minutes=rng.randint(5, 15)), {"passed": True}
                    ),
                ],
            )
        days = rng.choice((3, 7, 7, 15, 15, 30))
        deadline = found.date() + timedelta(days=days)
        return deadline, "deadline", self._general_steps(found, deadline)

    def _general_steps(self, found: datetime, deadline: date) -> list[_Step]:
        """On time (70 %) or late: then either extended before the deadline or reminded after."""
        rng = self.rng
        allowed = (deadline - found.date()).days
        steps: list[_Step] = []
        if rng.random() < 0.3:
            delay = rng.randint(allowed + 3, allowed + 45)
            steps.append(
                self._extension(deadline) if rng.random() < 0.5 else self._reminder(deadline)
            )
        else:
            delay = rng.randint(1, allowed)
        fixed = _office_time(found.date() + timedelta(days=delay))
        steps.append(_Step("rectified", fixed))
        check = fixed + timedelta(days=rng.randint(1, 7))
        if rng.random() < 0.08:
            steps.append(_Step("rechecked", check, {"passed": False}))
            fixed = check + timedelta(days=rng.randint(3, 10))
            steps.append(_Step("rectified", fixed))
            check = fixed + timedelta(days=rng.randint(1, 5))
        steps.append(_Step("rechecked", check, {"passed": True}))
        return sorted(steps, key=lambda s: s.at)

    def _major_plan(self, found: datetime) -> tuple[date, str, list[_Step]]:
        """Listed within days; rectified by the deadline (or after one extension); closed by
        the office after a passed re-check."""
        rng = self.rng
        handling = "suspend" if rng.random() < 0.3 else "deadline"
        allowed = rng.randint(30, 90)
        deadline = found.date() + timedelta(days=allowed)
        steps = [_listing(_office_time(found.date() + timedelta(days=rng.randint(3, 10))))]
        if rng.random() < 0.3:
            steps.append(self._extension(deadline))
            delay = rng.randint(allowed + 5, allowed + 30)
        else:
            delay = rng.randint(20, allowed)
        fixed = _office_time(found.date() + timedelta(days=delay))
        checked = fixed + timedelta(days=rng.randint(2, 10))
        closed = checked + timedelta(days=rng.randint(3, 15))
        steps += [
            _Step("rectified", fixed),
            _Step("rechecked", checked, {"passed": True}),
            _Step("closed", closed, {"note": "经核查验收，治理完成，同意销号"}),
        ]
        return deadline, handling, steps

    def _extension(self, deadline: date) -> _Step:
        new_deadline = deadline + timedelta(days=self.rng.randint(15, 45))
        fields = {
            "new_deadline": new_deadline.isoformat(),
            "reason": self.rng.choice(EXTENSION_REASONS),
        }
        return _Step("deadline_extended", _office_time(deadline - timedelta(days=1)), fields)

    @staticmethod
    def _reminder(deadline: date) -> _Step:
        note = "逾期未整改，请于3日内完成整改并上传整改照片"
        return _Step(
            "escalated",
            _office_time(deadline + timedelta(days=2)),
            {"mode": "reminder", "note": note},
        )

    def _step(self, hazard: _Hazard, step: _Step) -> None:
        if step.type == "rectified":
            self._rectified(hazard, step)
        elif step.type == "rechecked":
            self._rechecked(hazard, step)
        else:
            self._event(hazard, step.at, step.type, self.office_id, step.fields)

    def _rectified(self, hazard: _Hazard, step: _Step) -> None:
        unit = hazard.unit
        own_user = self.enterprise_user.get(unit.enterprise.id)
        by = hazard.inspector_id if step.fields.get("on_behalf") or own_user is None else own_user
        note = (
            "已当场整改完毕"
            if step.fields.get("on_behalf")
            else "已按整改要求完成整改，附整改后照片"
        )
        self._event(
            hazard,
            step.at,
            "rectified",
            by,
            {"note": note, "photos": self._pick_photos(1, 2)},
            [self._enterprise_signature(unit, step.at, own_user if by == own_user else None)],
        )

    def _rechecked(self, hazard: _Hazard, step: _Step) -> None:
        passed = bool(step.fields["passed"])
        note = "复查合格，整改到位" if passed else self.rng.choice(RECHECK_FAIL_NOTES)
        self._event(
            hazard,
            step.at,
            "rechecked",
            hazard.inspector_id,
            {"passed": passed, "note": note, "photos": self._pick_photos(1, 1)},
            [self._inspector_signature(hazard.inspector_id, step.at)],
        )

    def _event(
        self,
        hazard: _Hazard,
        at: datetime,
        event_type: str,
        created_by: str,
        fields: dict[str, Any],
        signatures: list[dict[str, Any]] | None = None,
    ) -> None:
        data = {
            "id": self._uuid7(at),
            "enterprise_id": hazard.unit.enterprise.id,
            "created_by": created_by,
            "hazard_id": hazard.id,
            "at": at.isoformat(),
            "type": event_type,
            "signatures": signatures or [],
            **fields,
        }
        self._add("hazard_event", at, data)

    # ------------------------------------------------------------ scenarios

    def _scenarios(self) -> None:
        restaurant, wood, food = self.units[0], self.units[1], self.units[2]
        self._stock_major(wood)
        self._closed_major(food)
        self._enterprise1_story(restaurant)
        self._reopened_and_voided()

    def _stock_major(self, unit: _Unit) -> None:
        """存量: a major hazard found in 2023, listed, extended twice, still open."""
        steps = [
            _listing(_office_time(date(2023, 5, 25))),
            _step_on(
                "deadline_extended",
                date(2023, 8, 25),
                new_deadline="2024-06-30",
                reason="除尘系统整体改造需定制设备，已停用干式除尘器",
            ),
            _step_on(
                "deadline_extended",
                date(2024, 6, 20),
                new_deadline="2025-06-30",
                reason="企业计划整体搬迁，搬迁前停用相关工位",
            ),
            _step_on(
                "escalated",
                date(2025, 7, 8),
                mode="reminder",
                note="存量重大隐患逾期未销号，请企业主要负责人到街道安办说明情况",
            ),
        ]
        forced = _Forced("GM-11-3", "major", lambda found: (date(2023, 8, 31), "deadline", steps))
        self._inspection(unit, date(2023, 5, 16), self.templates["GM10-MAJOR"], [forced], "special")

    def _closed_major(self, unit: _Unit) -> None:
        """A major hazard this year: listed, rectified, re-checked, closed by the office."""
        found = self.today - timedelta(days=233)
        steps = [
            _listing(_office_time(found + timedelta(days=5))),
            _step_on("rectified", found + timedelta(days=63)),
            _step_on("rechecked", found + timedelta(days=69), passed=True),
            _step_on(
                "closed", found + timedelta(days=77), note="经专家核查验收，治理完成，同意销号"
            ),
        ]
        plan = (found + timedelta(days=81), "suspend", steps)
        forced = _Forced("GM-12-2", "major", lambda _found: plan)
        self._inspection(unit, found, self.templates["GM10-MAJOR"], [forced], "special")

    def _enterprise1_story(self, unit: _Unit) -> None:
        """enterprise1: one hazard rectified awaiting re-check, one overdue, one open, and a
        major hazard overdue that nobody has escalated yet (the office's walk-through: find it
        on the dashboard, list it, enterprise1 rectifies, the office closes it)."""
        today, template = self.today, self.templates["CATERING-GAS"]
        self._inspection(
            unit,
            today - timedelta(days=24),
            template,
            [_Forced("CG-3-03", "major", _fixed_plan(14, []))],
            "special",
        )
        rectified = [_step_on("rectified", today - timedelta(days=3))]
        self._inspection(
            unit,
            today - timedelta(days=30),
            template,
            [_Forced("CG-3-05", "general", _fixed_plan(30, rectified))],
            "routine",
        )
        self._inspection(
            unit,
            today - timedelta(days=9),
            template,
            [
                _Forced("CG-3-01", "general", _fixed_plan(7, [])),
                _Forced("CG-4-02", "general", _fixed_plan(30, [])),
            ],
            "special",
        )

    def _reopened_and_voided(self) -> None:
        """A failed re-check sent back to open (deadline extended), and a voided hazard."""
        today = self.today
        restaurants = [u for u in self.units[3:] if u.profile.key == "restaurant"]
        shops = [u for u in self.units[3:] if u.profile.key in {"shop", "beauty", "hotel"}]
        reopened = [
            _step_on("rectified", today - timedelta(days=30)),
            _step_on("rechecked", today - timedelta(days=26), passed=False),
            _step_on(
                "deadline_extended",
                today - timedelta(days=25),
                new_deadline=(today + timedelta(days=5)).isoformat(),
                reason="复查不合格，责令继续整改",
            ),
        ]
        voided = [_step_on("voided", today - timedelta(days=58), reason="与已登记隐患重复")]
        self._inspection(
            self.rng.choice(restaurants),
            today - timedelta(days=40),
            self.templates["CATERING-GAS"],
            [_Forced("CG-3-05", "general", _fixed_plan(7, reopened))],
        )
        self._inspection(
            self.rng.choice(shops),
            today - timedelta(days=60),
            self.templates["JX-FIRE"],
            [_Forced("JX-3-01", "general", _fixed_plan(7, voided))],
        )

    # ------------------------------------------------------------ reviews

    def _reviews(self) -> None:
        """The office reviews a sample of the last half year's inspections; one is returned."""
        recent = [
            (when, wire)
            for when, _, kind, wire in self.records
            if kind == "inspection"
            and when.date() > self.today - timedelta(days=180)
            and when.date() < self.today - timedelta(days=3)
        ]
        sample = self.rng.sample(recent, min(36, len(recent)))
        for n, (when, wire) in enumerate(sorted(sample, key=lambda r: r[0])):
            returned = n == len(sample) // 2
            at = when + timedelta(days=self.rng.randint(1, 3), hours=1)
            self._add(
                "review",
                at,
                {
                    "id": self._uuid7(at),
                    "enterprise_id": wire["enterprise_id"],
                    "created_by": self.office_id,
                    "inspection_id": wire["id"],
                    "decision": "returned" if returned else "approved",
                    "comment": "隐患部位描述不具体，现场照片不清晰，请补充后重新提交"
                    if returned
                    else "",
                    "at": at.isoformat(),
                },
            )


# ---------------------------------------------------------------- helpers


def _weekday(day: date, latest: date) -> date:
    """The nearest working day (Monday–Friday) not after ``latest``."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return min(day, latest)


def _listing(at: datetime) -> _Step:
    note = f"列入{at.year}年度街道挂牌督办清单，责令按治理方案限期治理，治理期间落实停产和管控措施"
    return _Step("escalated", at, {"mode": "listed", "note": note})


def _office_time(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), TZ)


def _step_on(step_type: str, day: date, **fields: Any) -> _Step:
    """A step at 10:00 on ``day``; who records it follows from its type."""
    return _Step(step_type, _office_time(day), fields)


def _fixed_plan(
    days: int, steps: list[_Step]
) -> Callable[[datetime], tuple[date, str, list[_Step]]]:
    """A deadline ``days`` after the find, then exactly ``steps``."""
    return lambda found: (found.date() + timedelta(days=days), "deadline", steps)


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# Sections (template code, title prefix) and single items that only apply to units with one of
# these sector or special tags; for other units they are recorded as 不适用 (na).
SECTION_TAGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("GM10-MAJOR", "第四条"): ("冶金",),
    ("GM10-MAJOR", "第五条"): ("有色",),
    ("GM10-MAJOR", "第六条"): ("建材",),
    ("GM10-MAJOR", "第七条"): ("机械",),
    ("GM10-MAJOR", "第八条"): ("轻工",),
    ("GM10-MAJOR", "第九条"): ("纺织",),
    ("GM10-MAJOR", "第十条"): ("烟草",),
    ("GM10-MAJOR", "第十一条"): ("粉尘涉爆",),
    ("GM10-MAJOR", "第十二条"): ("液氨制冷",),
    ("GM10-MAJOR", "第十三条"): ("有限空间",),
    ("JX-FIRE", "燃气使用"): ("燃气使用",),
}
ITEM_TAGS: dict[str, tuple[str, ...]] = {
    "GEN-1-06": ("冶金", "有色"),
    "GM-3-3": ("冶金", "有色"),
    "GEN-4-10": ("有限空间",),
    "GEN-4-11": ("有限空间",),
    "GEN-4-12": ("粉尘涉爆",),
    "GEN-4-13": ("锂电池储存",),
    "GEN-4-07": ("危化品使用", "危化品经营"),
    "GEN-2-03": ("特种设备",),
    "GEN-4-04": ("特种设备",),
    "CG-4-04": ("醇基燃料",),
    "JX-2-05": ("教育", "养老"),
}


def _applies(
    template: ChecklistTemplate, section: TemplateSection, item: TemplateItem, unit: _Unit
) -> bool:
    """Whether an item applies to the unit (otherwise it is recorded as 不适用)."""
    tags = set(unit.enterprise.sector_tags) | set(unit.enterprise.special_tags)
    needed = ITEM_TAGS.get(item.code)
    if needed is None:
        needed = next(
            (
                v
                for (code, prefix), v in SECTION_TAGS.items()
                if code == template.code and section.title.startswith(prefix)
            ),
            None,
        )
    return needed is None or bool(tags & set(needed))


def _summary(
    results: list[dict[str, Any]],
    failed: list[tuple[TemplateItem, dict[str, Any]]],
    template: ChecklistTemplate,
) -> str:
    checked = sum(1 for r in results if r["result"] != "na")
    majors = sum(1 for item, _ in failed if item.major_if_failed)
    if not failed:
        return f"按《{_clip(template.title, 40)}》检查{checked}项，未发现隐患。"
    major_text = f"（其中疑似重大隐患{majors}处）" if majors else ""
    return f"按《{_clip(template.title, 40)}》检查{checked}项，发现隐患{len(failed)}处{major_text}，已告知整改要求和期限。"


# ---------------------------------------------------------------- pictures

PALETTE = (
    (196, 188, 170),
    (120, 132, 140),
    (150, 110, 80),
    (90, 110, 95),
    (200, 200, 205),
    (170, 60, 50),
    (60, 90, 150),
    (230, 190, 60),
    (110, 110, 110),
    (60, 60, 60),
)


def _signature_png(rng: random.Random) -> bytes:
    """A handwriting-like scribble, 600x240, dark ink on white."""
    image = Image.new("L", (600, 240), 255)
    draw = ImageDraw.Draw(image)
    x = rng.randint(30, 70)
    for _ in range(rng.randint(2, 4)):
        width = rng.randint(90, 160)
        base, amp = rng.randint(90, 150), rng.randint(20, 55)
        freq, phase = rng.uniform(0.04, 0.12), rng.uniform(0, math.tau)
        points = [
            (min(x + i, 590), base + amp * math.sin(freq * i + phase) + rng.uniform(-5, 5))
            for i in range(0, width, 4)
        ]
        draw.line(points, fill=rng.randint(10, 60), width=rng.randint(3, 5), joint="curve")
        x += width + rng.randint(-20, 15)
    y = rng.randint(175, 205)
    draw.line(
        [(rng.randint(30, 120), y), (min(x, 580), y + rng.randint(-12, 12))], fill=40, width=3
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _photo_jpeg(rng: random.Random) -> bytes:
    """A 640x480 "site photo": a wall, a floor and a few objects in varied colours."""
    wall, floor = rng.sample(PALETTE, 2)
    image = Image.new("RGB", (640, 480), wall)
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(220, 330)
    draw.rectangle((0, horizon, 640, 480), fill=floor)
    for _ in range(rng.randint(4, 9)):
        colour = tuple(min(255, max(0, c + rng.randint(-40, 40))) for c in rng.choice(PALETTE))
        x0, y0 = rng.randint(0, 560), rng.randint(40, 420)
        box = (x0, y0, x0 + rng.randint(30, 220), y0 + rng.randint(30, 200))
        shape = rng.choice(("rectangle", "ellipse", "polygon"))
        if shape == "rectangle":
            draw.rectangle(box, fill=colour, outline=(30, 30, 30))
        elif shape == "ellipse":
            draw.ellipse(box, fill=colour)
        else:
            draw.polygon(
                [(box[0], box[3]), ((box[0] + box[2]) // 2, box[1]), (box[2], box[3])], fill=colour
            )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=72)
    return buffer.getvalue()
