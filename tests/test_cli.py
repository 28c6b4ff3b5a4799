"""The admin command as a newcomer uses it: seed the demo, serve, sign in, pull."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.api import Api, error_code
from tests.server_db import server_rows
from tests.server_process import ServerProcess

DEMO_PASSWORD = "gridcheck-demo"


def cli(*args: str, data: Path, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync_server.cli", *args, "--data", str(data)],
        capture_output=True,
        text=True,
        input=input_text,
        timeout=300,
        env={
            "GRIDCHECK_ARGON2_MEMORY_KIB": "256",
            "GRIDCHECK_ARGON2_TIME_COST": "1",
            "PATH": "/usr/bin:/bin",
            "HOME": str(data.parent),
        },
    )


def create_user(
    username: str, name: str, role: str, password: str, *, data: Path
) -> subprocess.CompletedProcess[str]:
    return cli(
        "create-user",
        *("--username", username, "--name", name, "--role", role, "--password", password),
        data=data,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("demo") / "server"
    seeded = cli("seed-demo", data=data)
    assert seeded.returncode == 0, seeded.stderr
    assert "gridcheck-demo" in seeded.stdout and "inspector1" in seeded.stdout
    with ServerProcess(data).start() as proc:
        yield proc, seeded


def test_seed_demo_then_serve_then_inspector_pulls_its_grids(demo) -> None:
    server, _ = demo
    api = Api(server.url)
    r = api.login("inspector1", DEMO_PASSWORD)
    assert r.status_code == 200, r.text
    me = r.json()["user"]
    assert me["role"] == "inspector" and me["grid_ids"]
    changes = api.pull_all()
    enterprises = [c["data"] for c in changes if c["kind"] == "enterprise"]
    assert len(enterprises) >= 10
    assert {e["grid_id"] for e in enterprises} <= set(me["grid_ids"])
    total = server_rows(server.data_dir, "SELECT COUNT(*) FROM enterprises")[0][0]
    assert total >= 300 and len(enterprises) < total
    hazard_enterprises = {
        c["data"]["enterprise_id"] for c in changes if c["kind"] == "hazard_event"
    }
    assert hazard_enterprises <= {e["id"] for e in enterprises}


def test_every_demo_account_signs_in(demo) -> None:
    server, _ = demo
    roles = {}
    for username in ("admin", "office1", "inspector1", "inspector2", "enterprise1"):
        r = Api(server.url).login(username, DEMO_PASSWORD)
        assert r.status_code == 200, username
        roles[username] = r.json()["user"]["role"]
    assert roles == {
        "admin": "admin",
        "office1": "office",
        "inspector1": "inspector",
        "inspector2": "inspector",
        "enterprise1": "enterprise",
    }


def test_seeding_twice_changes_nothing(demo) -> None:
    server, _ = demo
    before = server_rows(server.data_dir, "SELECT COUNT(*) FROM records")[0][0]
    again = cli("seed-demo", data=server.data_dir)
    assert again.returncode == 0 and "already seeded" in again.stdout
    assert server_rows(server.data_dir, "SELECT COUNT(*) FROM records")[0][0] == before


def test_import_org_reports_bad_rows_and_imports_nothing(tmp_path: Path) -> None:
    data = tmp_path / "server"
    bad = tmp_path / "org.csv"
    bad.write_text(
        "社区编码,社区名称,网格编码,网格名称,单位名称,统一社会信用代码,地址,行业领域,专项标签,联系人,联系电话,风险等级\n"
        "C01,东湖社区,G01,东湖一网格,宏达机械厂,,东湖路1号,工贸,,王五,13900000000,蓝\n"
        "C01,东湖社区,G01,东湖一网格,,,东湖路2号,工贸,,王五,13900000000,紫\n",
        encoding="utf-8",
    )
    r = cli("import-org", str(bad), data=data)
    assert r.returncode == 1
    assert "第 3 行" in r.stderr and "第 2 行" not in r.stderr
    assert not (data / "server.db").exists()  # nothing was imported, not even the good row

    good = Path(__file__).resolve().parents[1] / "assets" / "demo" / "org-example.csv"
    r = cli("import-org", str(good), data=data)
    assert r.returncode == 0, r.stderr
    assert server_rows(data, "SELECT COUNT(*) FROM enterprises")[0][0] == 10


def test_create_user_and_load_templates(tmp_path: Path) -> None:
    data = tmp_path / "server"
    r = cli("load-templates", data=data)
    assert r.returncode == 0, r.stderr
    assert cli("load-templates", data=data).returncode == 0  # publishing the same again is fine
    assert server_rows(data, "SELECT COUNT(*) FROM templates")[0][0] == 7
    short = create_user("office2", "李四", "office", "short", data=data)
    assert short.returncode == 1 and "密码至少" in short.stderr
    made = create_user("office2", "李四", "office", "long-enough-1", data=data)
    assert made.returncode == 0, made.stderr
    inspector = create_user("insp9", "赵九", "inspector", "long-enough-1", data=data)
    assert inspector.returncode == 1 and "网格" in inspector.stderr
    with ServerProcess(data).start() as proc:
        assert Api(proc.url).login("office2", "long-enough-1").status_code == 200
        assert error_code(Api(proc.url).login("insp9", "long-enough-1")) == "bad_credentials"
