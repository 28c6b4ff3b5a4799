"""The newcomer's command: `gridcheck demo` seeds, starts both on loopback, stops both on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.server_process import free_port


def test_demo_starts_server_and_app_and_stops_both(tmp_path: Path) -> None:
    server_port, app_port = free_port(), free_port()
    env = {**os.environ, "GRIDCHECK_ARGON2_MEMORY_KIB": "256", "GRIDCHECK_ARGON2_TIME_COST": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "demo",
            "--data",
            str(tmp_path / "demo"),
            "--server-port",
            str(server_port),
            "--app-port",
            str(app_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Ctrl-C stops both" in line:
                break
        text = "".join(lines)
        assert f"http://127.0.0.1:{app_port}" in text and "gridcheck-demo" in text
        assert re.search(r"inspector1.*office1.*enterprise1", text)
        assert (
            requests.get(f"http://127.0.0.1:{server_port}/api/v1/health", timeout=5).json()[
                "status"
            ]
            == "ok"
        )
        assert requests.get(f"http://127.0.0.1:{app_port}/", timeout=5).ok
        login = requests.post(
            f"http://127.0.0.1:{server_port}/api/v1/auth/login",
            timeout=10,
            json={"username": "inspector1", "password": "gridcheck-demo", "device_id": "t"},
        )
        assert login.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert "stopped." in out
    for port in (server_port, app_port):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
            raise AssertionError(f"port {port} still answers after Ctrl-C")
        except requests.ConnectionError:
            pass
