"""A TCP proxy on loopback that injects real network faults between a device and the server.

Modes:
- ``pass``: forward both ways;
- ``drop_response``: forward the request, let the server answer, then close the device's
  connection without passing the answer on (a lost acknowledgement);
- ``cut_request_after``: forward only the first N bytes the device sends, then cut both
  connections (an upload dropped in the middle);
- ``pass`` with ``on_match``: forward normally and call ``on_match`` ``delay`` seconds after
  the request began (to kill the server while it works on it).
Each fault applies to the next ``times`` connections that match ``path_contains``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Fault:
    mode: str
    path_contains: str = ""
    times: int = 1
    cut_after: int = 0
    on_match: Callable[[], None] | None = None
    delay: float = 0.0
    linger: float = 0.3  # cut mode: how long the link stalls after the last byte before it drops


class FaultProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.faults: list[Fault] = []
        self.fired: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def close(self) -> None:
        self._stop.set()
        self.listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _take_fault(self, head: bytes) -> Fault | None:
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.path_contains in line:
                    fault.times -= 1
                    self.fired.append(f"{fault.mode} {line}")
                    return fault
        return None

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
        except OSError:
            client.close()
            return
        client.settimeout(30)
        try:
            head = client.recv(65536)
            if not head:
                return
            fault = self._take_fault(head)
            if fault and fault.on_match is not None:
                threading.Timer(fault.delay, fault.on_match).start()
            if fault and fault.mode == "cut_request_after":
                upstream.sendall(head[: fault.cut_after])
                sent = min(len(head), fault.cut_after)
                while sent < fault.cut_after:
                    data = client.recv(min(65536, fault.cut_after - sent))
                    if not data:
                        break
                    upstream.sendall(data)
                    sent += len(data)
                time.sleep(fault.linger)  # the link stalls, then drops
                return  # both closed in finally: the server sees a truncated body
            upstream.sendall(head)
            if fault and fault.mode == "drop_response":
                self._pump_request_then_drop(client, upstream)
                return
            self._pipe_both(client, upstream)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                with contextlib.suppress(OSError):
                    s.close()

    def _pump_request_then_drop(self, client: socket.socket, upstream: socket.socket) -> None:
        """Send the rest of the request, wait until the server has answered, drop the answer."""
        stop = threading.Event()

        def forward() -> None:
            try:
                while not stop.is_set():
                    data = client.recv(65536)
                    if not data:
                        return
                    upstream.sendall(data)
            except OSError:
                return

        t = threading.Thread(target=forward, daemon=True)
        t.start()
        upstream.settimeout(30)
        upstream.recv(65536)  # the server's answer has begun: it has committed and replied
        stop.set()
        client.shutdown(socket.SHUT_RDWR)

    def _pipe_both(self, client: socket.socket, upstream: socket.socket) -> None:
        def copy(src: socket.socket, dst: socket.socket) -> None:
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)

        t = threading.Thread(target=copy, args=(upstream, client), daemon=True)
        t.start()
        copy(client, upstream)
        t.join(30)
