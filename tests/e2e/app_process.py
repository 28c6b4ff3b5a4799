"""The Flet app in web mode on loopback, as its own process (killable like a phone app)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.server_process import LoopbackProcess


class AppProcess(LoopbackProcess):
    name = "app"

    def __init__(self, data_dir: Path, server_url: str, port: int | None = None) -> None:
        super().__init__(port, data_dir.parent / "app.log")
        self.data_dir = data_dir
        self.server_url = server_url

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "GRIDCHECK_SYNC_INTERVAL": "1"}
        env.pop("DISPLAY", None)
        return env

    def command(self) -> list[str]:
        return [
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
        ]
