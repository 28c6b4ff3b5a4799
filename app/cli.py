"""``gridcheck``: the app, and ``gridcheck demo`` — the demo server and the app on loopback."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

DEMO_ACCOUNTS = ("inspector1", "inspector2", "office1", "enterprise1", "admin")
DEMO_PASSWORD = "gridcheck-demo"


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _wait(url: str, proc: subprocess.Popen[bytes], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"{what} stopped (exit code {proc.returncode}); see the messages above"
            )
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.3)
    raise SystemExit(f"{what} did not start within {timeout:.0f} s")


def demo(data: Path, server_port: int, app_port: int) -> None:
    """Seed (first run only), start the server and the app, stop both on Ctrl-C."""
    for port in (server_port, app_port):
        if not _port_free(port):
            raise SystemExit(
                f"端口 {port} 已被占用 / port {port} is in use: stop the other program or pass --*-port"
            )
    # a terminal closing or `kill` (SIGTERM) stops both children as Ctrl-C does
    signal.signal(signal.SIGTERM, _interrupt)
    server_data, app_data = data / "server", data / "app"
    env = {**os.environ, "GRIDCHECK_DATA_DIR": str(server_data)}
    subprocess.run(
        [sys.executable, "-m", "sync_server.cli", "seed-demo", "--data", str(server_data)],
        check=True,
        env=env,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync_server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(server_port),
            "--data",
            str(server_data),
        ],
        env=env,
    )
    app = None
    try:
        server_url = f"http://127.0.0.1:{server_port}"
        _wait(f"{server_url}/api/v1/health", server, "the server")
        app = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.main",
                "--host",
                "127.0.0.1",
                "--port",
                str(app_port),
                "--server",
                server_url,
                "--data",
                str(app_data),
            ],
            env=env,
        )
        _wait(f"http://127.0.0.1:{app_port}/", app, "the app")
        print(
            f"\n  网格安全巡查 GridCheck demo\n  app (open on a phone-sized window): http://127.0.0.1:{app_port}\n"
            f"  server: {server_url}/api/v1/docs\n  accounts: {', '.join(DEMO_ACCOUNTS)}  password: {DEMO_PASSWORD}\n"
            "  Ctrl-C stops both.\n",
            flush=True,
        )
        while server.poll() is None and app.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in (app, server):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in (app, server):
            if proc is not None:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        print("stopped.", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="gridcheck", description="网格安全巡查 GridCheck")
    sub = parser.add_subparsers(dest="command")
    d = sub.add_parser("demo", help="seed and start the demo server and the app on loopback")
    d.add_argument("--data", type=Path, default=Path.cwd() / ".gridcheck" / "demo")
    d.add_argument("--server-port", type=int, default=8700)
    d.add_argument("--app-port", type=int, default=8550)
    a = sub.add_parser("app", help="start the app in web mode on loopback")
    a.add_argument("--port", type=int, default=8550)
    a.add_argument("--server", default="http://127.0.0.1:8700")
    a.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    if args.command == "demo":
        demo(args.data, args.server_port, args.app_port)
    elif args.command == "app":
        from app.main import run

        run(port=args.port, server_url=args.server, data=args.data)
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
