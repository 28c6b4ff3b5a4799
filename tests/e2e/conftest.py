from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from domain.reference import ChecklistTemplate, Enterprise, TemplateItem, TemplateSection
from sync_server.services import reference as ref_service
from sync_server.store.db import open_db
from tests.e2e.app_process import AppProcess
from tests.e2e.browser import ARGS, CHROMIUM, DESKTOP, PHONE, app_page
from tests.org import GRIDS, prepare, settings_for, uscc
from tests.server_process import ServerProcess

E2E_ENTERPRISE = "ent-e2e"
MINI = ChecklistTemplate(
    code="TEST-MINI",
    version=1,
    title="小型场所检查表（测试）",
    applies_to=["测试"],
    sections=[
        TemplateSection(
            title="消防安全",
            items=[
                TemplateItem(
                    code="T-1-01",
                    text="安全出口、疏散通道畅通，未堆放物品",
                    major_if_failed=False,
                    basis="《消防法》第二十八条",
                    category="B03",
                ),
                TemplateItem(
                    code="T-1-02",
                    text="按规定配置灭火器并在有效期内",
                    basis="GB 50140",
                    category="B03",
                ),
            ],
        ),
        TemplateSection(
            title="用电安全",
            items=[
                TemplateItem(
                    code="T-2-01",
                    text="电气线路穿管保护，无私拉乱接",
                    basis="GB 50054",
                    category="B04",
                ),
            ],
        ),
    ],
)


def prepare_e2e(data: Path) -> None:
    settings = prepare(data)
    db = open_db(settings.db_path)
    try:
        ref_service.load_templates(db, [MINI])
        shop = Enterprise(
            id=E2E_ENTERPRISE,
            name="东湖利民五金店",
            credit_code=uscc(77),
            address="东湖路77号",
            community_id=GRIDS[0].community_id,
            grid_id=GRIDS[0].id,
            sector_tags=["测试"],
            contact_name="孙丽",
            contact_phone="13700000077",
        )
        ref_service.import_org(db, [], [], [shop])
    finally:
        db.close()
    assert settings_for(data).db_path.exists()


@pytest.fixture
def e2e_server(tmp_path: Path) -> Iterator[ServerProcess]:
    data = tmp_path / "server"
    prepare_e2e(data)
    with ServerProcess(data).start() as proc:
        yield proc


@pytest.fixture
def app(tmp_path: Path, e2e_server: ServerProcess) -> Iterator[AppProcess]:
    with AppProcess(tmp_path / "phone", e2e_server.url).start() as proc:
        yield proc


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def phone(browser: Browser, app: AppProcess) -> Iterator[Page]:
    """A phone-sized page on the app (the inspector's or the enterprise's), loopback only."""
    page = app_page(
        browser,
        app.url,
        PHONE,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": 31.2304, "longitude": 121.4737},
        permissions=["geolocation"],
    )
    yield page
    page.context.close()


@pytest.fixture
def desktop(browser: Browser, app: AppProcess) -> Iterator[Page]:
    """A desktop-sized page on the app (the office's reviewer), loopback only."""
    page = app_page(browser, app.url, DESKTOP, locale="zh-CN")
    yield page
    page.context.close()


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "exit.jpg"
    image = Image.new("RGB", (1600, 1200), (180, 60, 40))
    for x in range(0, 1600, 80):
        image.paste((20, 20 + x % 200, 200), (x, 0, x + 40, 1200))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue())
    return path
