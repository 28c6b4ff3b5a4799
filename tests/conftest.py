from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.devices import Device, device
from tests.org import prepare
from tests.server_process import ServerProcess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real server process on a free loopback port, with the test organisation loaded."""
    data = tmp_path / "server"
    prepare(data)
    with ServerProcess(data).start() as proc:
        yield proc


@pytest.fixture
def make_device(tmp_path: Path, server: ServerProcess) -> Iterator[Callable[..., Device]]:
    """Sign a user in on a fresh device (its own data folder)."""
    made: list[Device] = []

    def make(username: str, *, url: str | None = None, connection_close: bool = False) -> Device:
        root = tmp_path / f"device-{len(made)}-{username}"
        d = device(root, url or server.url, username, connection_close=connection_close)
        made.append(d)
        return d

    yield make
    for d in made:
        d.account.close()
