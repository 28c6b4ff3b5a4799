"""The Flet app in web mode on loopback, as its own process (killable like a phone app)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.server_process import free_port


class AppProcess:
    def __init__(self, data_dir: Path, server_url: str, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.server_url = server_url
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> AppProcess:
        env = {**os.environ, "GRIDCHECK_SYNC_INTERVAL": "1"}
        env.pop("DISPLAY", None)
        log = (self.data_dir.parent / f"app-{self.port}.log").open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.main",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--server",
                self.server_url,
                "--data",
                str(self.data_dir),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the app exited at start")
            try:
                if requests.get(self.url, timeout=2).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("the app did not start in time")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
