"""Starting the app: ``python -m app.main`` (web mode on loopback) or ``flet build`` (phone)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

import flet as ft

from app.account import data_root
from app.ui.shell import FONT_ASSET, before_main, make_main
from app.ui.web import serve

ASSETS = Path(__file__).resolve().parents[1] / "assets"


def run(
    host: str = "127.0.0.1",
    port: int = 8550,
    server_url: str = "http://127.0.0.1:8700",
    data: Path | None = None,
    web: bool = True,
) -> None:
    logging.basicConfig(level=os.environ.get("GRIDCHECK_LOG", "WARNING"))
    main = make_main(data or data_root(), server_url)
    if web:
        serve(main, before_main, host, port, ASSETS, ASSETS / FONT_ASSET)
    else:
        ft.run(main, before_main=before_main, assets_dir=str(ASSETS))


def cli() -> None:
    parser = argparse.ArgumentParser(description="GridCheck app (网格安全巡查)")
    parser.add_argument("--host", default=os.environ.get("GRIDCHECK_APP_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("GRIDCHECK_APP_PORT", "8550"))
    )
    parser.add_argument(
        "--server", default=os.environ.get("GRIDCHECK_SERVER_URL", "http://127.0.0.1:8700")
    )
    parser.add_argument(
        "--data", type=Path, default=None, help="data folder (default: FLET_APP_STORAGE_DATA)"
    )
    args = parser.parse_args()
    run(args.host, args.port, args.server, args.data)


if __name__ == "__main__":
    cli()
