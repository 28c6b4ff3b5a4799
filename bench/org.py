"""A sub-district for the benchmarks: communities, grids, many enterprises, inspectors.

Enterprise names, credit codes, addresses, contacts and phones look like a real Chinese
register (杭州鑫源机械制造有限公司, 92… for 个体工商户, 13x/15x/18x mobiles), generated from a
seed so every run sees the same data. The vocabulary reuses the demo sub-district's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from domain.reference import (
    USCC_ALPHABET,
    Community,
    Enterprise,
    Grid,
    Role,
    UserPublic,
    uscc_check_char,
)
from sync_server.cli import DEFAULT_TEMPLATES
from sync_server.config import ServerSettings
from sync_server.seed.demo_data import BRANDS, GIVEN_NAMES, SHOP_BRANDS, SURNAMES
from sync_server.seed.templates import load_template_files
from sync_server.services import reference as ref_service
from sync_server.store.db import open_db

PASSWORD = "bench-password-1"

CITIES = ("杭州", "杭州市", "杭州市西湖区", "西湖区", "")
BRAND_CHARS = "鑫源恒丰金穗华茂永盛瑞祥佳和德润兴隆利民光华新锐博远天成嘉禾东升安泰汇通顺发立信万家百川祥云聚福美润达诚中明珠同心启航锦程荣昌悦来阳春晖桥长青如意宏众泰宝益康腾飞凯旺正大"
TRADES = (
    ("机械制造有限公司", "91"),
    ("机械加工厂", "91"),
    ("五金制品有限公司", "91"),
    ("塑料制品有限公司", "91"),
    ("印刷有限公司", "91"),
    ("包装材料有限公司", "91"),
    ("木业有限公司", "91"),
    ("家具厂", "91"),
    ("纺织有限公司", "91"),
    ("服装厂", "91"),
    ("食品有限公司", "91"),
    ("冷链物流有限公司", "91"),
    ("仓储有限公司", "91"),
    ("化工有限公司", "91"),
    ("建材有限公司", "91"),
    ("电子科技有限公司", "91"),
    ("汽车修理厂", "91"),
    ("物业管理有限公司", "91"),
    ("酒店管理有限公司", "91"),
    ("商贸有限公司", "91"),
    ("餐饮管理有限公司", "91"),
    ("大酒店", "91"),
    ("超市", "92"),
    ("便利店", "92"),
    ("面馆", "92"),
    ("小吃店", "92"),
    ("火锅店", "92"),
    ("农家乐", "92"),
    ("五金店", "92"),
    ("汽车美容店", "92"),
    ("理发店", "92"),
    ("棋牌室", "92"),
    ("网吧", "92"),
    ("幼儿园", "52"),
    ("培训学校", "52"),
    ("养老院", "52"),
)
STREETS = (
    "青溪路",
    "兴业路",
    "工业园路",
    "学府街",
    "柳岸街",
    "新河路",
    "滨河路",
    "东湖路",
    "湖塘路",
    "村前路",
    "新桥路",
    "文化路",
    "长兴街",
    "桥西路",
    "文三路",
    "古墩路",
)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(("13", "15", "18", "17", "19"))
    return prefix + "".join(rng.choice("0123456789") for _ in range(9))


def credit_code(rng: random.Random, prefix: str) -> str:
    org = "MA2" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    first17 = f"{prefix}330106{org}"
    return first17 + uscc_check_char(first17)


def enterprise_name(rng: random.Random, trade: str, prefix: str) -> str:
    if prefix == "92" and rng.random() < 0.5:  # 个体户: 老王面馆, 张记小吃店
        return rng.choice(("", "西湖区")) + rng.choice(SHOP_BRANDS) + trade
    brand = rng.choice(BRANDS) if rng.random() < 0.4 else "".join(rng.sample(BRAND_CHARS, 2))
    return rng.choice(CITIES) + brand + trade


@dataclass
class Org:
    communities: list[Community]
    grids: list[Grid]
    enterprises: list[Enterprise]


def build_org(enterprises: int, grids: int = 20, seed: int = 5) -> Org:
    """`enterprises` units spread over `grids` grids in 4 communities; names unique."""
    rng = random.Random(seed)
    communities = [
        Community(id=f"c{i + 1:02d}", code=f"C{i + 1:02d}", name=n)
        for i, n in enumerate(("青溪社区", "柳岸社区", "东湖村", "新桥社区"))
    ]
    grid_list = [
        Grid(
            id=f"g{i + 1:02d}",
            code=f"G{i + 1:02d}",
            name=f"{communities[i % 4].name}第{i // 4 + 1}网格",
            community_id=communities[i % 4].id,
        )
        for i in range(grids)
    ]
    names: set[str] = set()
    codes: set[str] = set()
    units = []
    for n in range(enterprises):
        trade, prefix = rng.choice(TRADES)
        name = enterprise_name(rng, trade, prefix)
        while name in names:
            name = enterprise_name(rng, trade, prefix)
        names.add(name)
        code = credit_code(rng, prefix)
        while code in codes:
            code = credit_code(rng, prefix)
        codes.add(code)
        grid = grid_list[n % grids]
        units.append(
            Enterprise(
                id=f"e{n + 1:05d}",
                name=name,
                credit_code=code,
                address=f"青溪街道{rng.choice(STREETS)}{rng.randint(1, 388)}号"
                + rng.choice(("", "", "1幢", "2号厂房", "底商", "3楼")),
                community_id=grid.community_id,
                grid_id=grid.id,
                sector_tags=["工贸"] if prefix == "91" else ["商贸"],
                contact_name=person(rng),
                contact_phone=mobile(rng),
                employees=rng.randint(2, 300),
            )
        )
    return Org(communities, grid_list, units)


def inspector(n: int, grid_id: str) -> UserPublic:
    return UserPublic(
        id=f"insp{n:03d}",
        username=f"insp{n:03d}",
        name=f"网格员{n:03d}",
        role=Role.inspector,
        grid_ids=[grid_id],
    )


def prepare_server(
    data_dir: Path,
    org: Org,
    inspectors: list[UserPublic],
    *,
    argon2_memory_kib: int = 256,
    argon2_time_cost: int = 1,
) -> ServerSettings:
    """Templates, the organisation and the users, through the services the CLI uses.

    The password hashes carry their argon2 parameters: a login costs what the hash was
    made with, whatever the running server's settings say.
    """
    settings = ServerSettings(
        data_dir=data_dir, argon2_memory_kib=argon2_memory_kib, argon2_time_cost=argon2_time_cost
    )
    db = open_db(settings.db_path)
    try:
        ref_service.load_templates(db, load_template_files(DEFAULT_TEMPLATES))
        ref_service.import_org(db, org.communities, org.grids, org.enterprises)
        office = UserPublic(id="office1", username="office1", name="安办陈主任", role=Role.office)
        for user in [office, *inspectors]:
            ref_service.save_user(db, settings, user, PASSWORD)
    finally:
        db.close()
    return settings
