"""Real processes on 127.0.0.1 that tests can kill and restart: the sync server (and, in
tests/e2e, the app)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from pathlib import Path
from types import TracebackType
from typing import Self

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LoopbackProcess(ABC):
    """A child process serving HTTP on a loopback port; up once ``probe_url`` answers.

    ``with proc.start():`` stops it when the block ends.
    """

    name = "process"
    start_timeout = 60.0  # seconds

    def __init__(self, port: int | None, log_path: Path) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @abstractmethod
    def command(self) -> list[str]:
        """The command line that starts this kind of process."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def probe_url(self) -> str:
        return f"{self.url}/"

    def start(self, timeout: float | None = None) -> Self:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.command(), env=self.environment(), stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + (timeout or self.start_timeout)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{self.name} exited at start: {tail}")
            try:
                if requests.get(self.probe_url(), timeout=2).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing — as a power cut would."""
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

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class ServerProcess(LoopbackProcess):
    name = "server"
    start_timeout = 20.0

    def __init__(self, data_dir: Path, port: int | None = None, **env: str) -> None:
        super().__init__(port, data_dir / "server.log")
        self.data_dir = data_dir
        self.env = env

    def probe_url(self) -> str:
        return f"{self.url}/api/v1/health"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "GRIDCHECK_DATA_DIR": str(self.data_dir),
            # tests sign in often: cheap argon2 parameters (production keeps the defaults)
            "GRIDCHECK_ARGON2_MEMORY_KIB": "256",
            "GRIDCHECK_ARGON2_TIME_COST": "1",
            **self.env,
        }

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "sync_server.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
