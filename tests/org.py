"""A small, known organisation for sync tests, written straight into a server data folder."""

from __future__ import annotations

from pathlib import Path

from domain.reference import Community, Enterprise, Grid, Role, UserPublic, uscc_check_char
from sync_server.cli import DEFAULT_TEMPLATES
from sync_server.config import ServerSettings
from sync_server.seed.templates import load_template_files
from sync_server.services import reference as ref_service
from sync_server.store.db import open_db
from tests import domain_factories as f

PASSWORD = "test-password-1"


def uscc(n: int) -> str:
    first17 = f"9131011{n:010d}"
    return first17 + uscc_check_char(first17)


COMMUNITIES = [
    Community(id="comm-1", code="C01", name="东湖社区"),
    Community(id="comm-2", code="C02", name="西山村"),
]
GRIDS = [
    Grid(id=f.GRID, code="G01", name="东湖一网格", community_id="comm-1"),
    Grid(id="grid-2", code="G02", name="东湖二网格", community_id="comm-1"),
    Grid(id="grid-3", code="G03", name="西山一网格", community_id="comm-2"),
]


def _enterprise(eid: str, grid: Grid, n: int, name: str) -> Enterprise:
    return Enterprise(
        id=eid,
        name=name,
        credit_code=uscc(n),
        address=f"东湖路{n}号",
        community_id=grid.community_id,
        grid_id=grid.id,
        sector_tags=["工贸"],
        contact_name="王五",
        contact_phone="13900000000",
    )


ENTERPRISES = [
    _enterprise(f.ENTERPRISE, GRIDS[0], 1, "东湖宏达机械加工厂"),
    _enterprise("ent-2", GRIDS[1], 2, "东湖福满楼餐馆"),
    _enterprise("ent-3", GRIDS[2], 3, "西山建材有限公司"),
]
USERS = [
    UserPublic(
        id=f.INSPECTOR, username=f.INSPECTOR, name="张三", role=Role.inspector, grid_ids=[f.GRID]
    ),
    UserPublic(
        id=f.INSPECTOR_2,
        username=f.INSPECTOR_2,
        name="李明",
        role=Role.inspector,
        grid_ids=[f.GRID, "grid-2"],
    ),
    UserPublic(
        id="insp-3", username="insp-3", name="周强", role=Role.inspector, grid_ids=["grid-3"]
    ),
    UserPublic(id=f.OFFICE, username=f.OFFICE, name="安办陈主任", role=Role.office),
    UserPublic(
        id=f.ENTERPRISE_USER,
        username=f.ENTERPRISE_USER,
        name="王五",
        role=Role.enterprise,
        enterprise_id=f.ENTERPRISE,
    ),
    UserPublic(
        id="ent-2-user",
        username="ent-2-user",
        name="刘老板",
        role=Role.enterprise,
        enterprise_id="ent-2",
    ),
    UserPublic(id=f.ADMIN, username=f.ADMIN, name="管理员", role=Role.admin),
]


def settings_for(data_dir: Path) -> ServerSettings:
    return ServerSettings(data_dir=data_dir, argon2_memory_kib=256, argon2_time_cost=1)


def prepare(data_dir: Path) -> ServerSettings:
    """Templates, the organisation and the users, through the same services the CLI uses."""
    settings = settings_for(data_dir)
    db = open_db(settings.db_path)
    try:
        ref_service.load_templates(db, load_template_files(DEFAULT_TEMPLATES))
        ref_service.import_org(db, COMMUNITIES, GRIDS, ENTERPRISES)
        for user in USERS:
            ref_service.save_user(db, settings, user, PASSWORD)
    finally:
        db.close()
    return settings


def reassign_grids(data_dir: Path, user_id: str, grid_ids: list[str]) -> None:
    """The admin gives an inspector other grids (their devices must pull afresh)."""
    user = next(u for u in USERS if u.id == user_id)
    settings = settings_for(data_dir)
    db = open_db(settings.db_path)
    try:
        ref_service.save_user(db, settings, user.model_copy(update={"grid_ids": grid_ids}), None)
    finally:
        db.close()
