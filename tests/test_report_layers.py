"""The reports keep the layering: the server imports nothing from app/, the device's report
code imports no flet, and the shared code in domain/ imports neither."""

from __future__ import annotations

import subprocess
import sys

import pytest


def loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(out.stdout.split())


def top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_the_server_imports_nothing_from_the_device() -> None:
    assert "app" not in top(loaded_after("sync_server.main"))


@pytest.mark.parametrize("module", ["app.reports.device", "app.reports.notice_pdf"])
def test_device_reports_need_no_flet(module: str) -> None:
    assert "flet" not in top(loaded_after(module))


@pytest.mark.parametrize(
    "module", ["domain.statistics", "domain.ledger", "domain.ledger_xlsx", "domain.notice"]
)
def test_shared_report_code_is_pure(module: str) -> None:
    assert not {"flet", "fastapi", "sqlite_utils", "sqlite3", "app", "sync_server"} & top(
        loaded_after(module)
    )
