"""A network link on loopback: a TCP proxy with bandwidth, latency, byte counts and cuts.

Extends the idea of ``tests/faults.py`` (a real TCP proxy between the device and the
server) with what a bad mobile link does:

- **bandwidth** per direction, as a token bucket the direction's connections share: a byte
  leaves the sender's side when the link is free (serialisation at ``rate``);
- **latency**: every byte arrives ``rtt / 2`` after it was serialised, and a new connection
  starts sending only one round trip after it was opened (the TCP handshake);
- a small **queue** (``buffer_bytes``) in front of the link, as a modem has: the proxy reads
  from the sender only while the queue has room, so the sender feels the link's pace;
- **cuts**: ``cut(outage)`` resets every open connection at once (bytes queued or in flight
  are lost, as they are when a phone drops off the network) and refuses new connections
  for ``outage`` seconds;
- **counts** of bytes each way, as read from each side (``up``: device → server).

With no rate and no latency it is a plain counting relay (bytes on the wire, requests).
"""

from __future__ import annotations

import contextlib
import queue
import socket
import struct
import threading
import time
from dataclasses import dataclass


@dataclass
class Counts:
    up: int = 0  # bytes the device sent into the link
    down: int = 0  # bytes the server sent into the link
    up_delivered: int = 0
    down_delivered: int = 0
    connections: int = 0
    refused: int = 0
    cuts: int = 0


class _Direction:
    """One direction of the link: when it is next free, shared by all connections."""

    def __init__(self, rate: float | None, delay: float) -> None:
        self.rate, self.delay = rate, delay
        self.free_at = 0.0
        self.lock = threading.Lock()

    def backlog(self, now: float) -> float:
        """Seconds of bytes queued in front of the link."""
        return max(0.0, self.free_at - now)

    def send(self, nbytes: int, not_before: float) -> float:
        """Serialise `nbytes`; returns when they arrive at the other end."""
        now = time.monotonic()
        if self.rate is None:
            return max(now, not_before) + self.delay
        with self.lock:
            start = max(now, self.free_at, not_before)
            self.free_at = start + nbytes / self.rate
            return self.free_at + self.delay


def _reset(sock: socket.socket) -> None:
    """Close with RST (as a dropped link looks to the other side), ignoring errors.

    ``shutdown`` first: a bare ``close`` from another thread does not wake a thread blocked
    in ``recv`` on the socket, and the kernel then sends nothing until that ``recv`` returns.
    """
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class _Connection:
    def __init__(self, link: Link, client: socket.socket, upstream: socket.socket) -> None:
        self.link, self.client, self.upstream = link, client, upstream
        self.closed = threading.Event()
        self.opened = time.monotonic()
        self._ends = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        handshake = self.opened + 2 * self.link.up.delay  # one round trip before data flows
        for src, dst, direction, name, not_before in (
            (self.client, self.upstream, self.link.up, "up", handshake),
            (self.upstream, self.client, self.link.down, "down", 0.0),
        ):
            q: queue.Queue[tuple[float, bytes | None]] = queue.Queue()
            threading.Thread(
                target=self._read, args=(src, direction, name, not_before, q), daemon=True
            ).start()
            threading.Thread(target=self._write, args=(dst, name, q), daemon=True).start()

    def _read(
        self,
        src: socket.socket,
        direction: _Direction,
        name: str,
        not_before: float,
        q: queue.Queue[tuple[float, bytes | None]],
    ) -> None:
        link = self.link
        limit = link.buffer_bytes / direction.rate if direction.rate else None
        arrive = time.monotonic()
        try:
            while not self.closed.is_set():
                if limit is not None:  # the modem's queue is full: leave bytes with the sender
                    while (wait := direction.backlog(time.monotonic()) - limit) > 0:
                        if self.closed.wait(wait):
                            return
                data = src.recv(link.recv_size)
                if not data:
                    break
                link._count(name, len(data))
                arrive = direction.send(len(data), not_before)
                q.put((arrive, data))
        except OSError:
            pass
        q.put((max(arrive, time.monotonic() + direction.delay), None))

    def _write(
        self, dst: socket.socket, name: str, q: queue.Queue[tuple[float, bytes | None]]
    ) -> None:
        try:
            while True:
                arrive, data = q.get()
                wait = arrive - time.monotonic()
                if wait > 0 and self.closed.wait(wait):
                    return
                if self.closed.is_set():
                    return
                if data is None:
                    with contextlib.suppress(OSError):
                        dst.shutdown(socket.SHUT_WR)
                    break
                dst.sendall(data)
                self.link._count(name + "_delivered", len(data))
        except OSError:
            self.drop()
            return
        with self._lock:
            self._ends += 1
            done = self._ends == 2
        if done:
            self.drop(reset=False)

    def drop(self, reset: bool = True) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for s in (self.client, self.upstream):
            if reset:
                _reset(s)
            else:
                with contextlib.suppress(OSError):
                    s.close()
        self.link._forget(self)


class Link:
    """A proxy on 127.0.0.1 in front of ``target_port``; point the device at ``url``."""

    def __init__(
        self,
        target_port: int,
        *,
        rate_bits: float | None = None,
        rtt: float = 0.0,
        buffer_bytes: int = 32 * 1024,
        recv_size: int | None = None,
    ) -> None:
        self.target_port = target_port
        rate = rate_bits / 8 if rate_bits else None
        self.up = _Direction(rate, rtt / 2)
        self.down = _Direction(rate, rtt / 2)
        self.rtt = rtt
        self.buffer_bytes = buffer_bytes
        # small reads on a slow link, so serialisation is smooth (4 KiB = 33 ms at 1 Mbit/s)
        self.recv_size = recv_size or (4096 if rate else 256 * 1024)
        self.counts = Counts()
        self._lock = threading.Lock()
        self._active: set[_Connection] = set()
        self._down_until = 0.0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _count(self, name: str, n: int) -> None:
        with self._lock:
            setattr(self.counts, name, getattr(self.counts, name) + n)

    def _forget(self, conn: _Connection) -> None:
        with self._lock:
            self._active.discard(conn)

    def reset_counts(self) -> Counts:
        with self._lock:
            old, self.counts = self.counts, Counts()
        return old

    def cut(self, outage: float = 0.0) -> int:
        """Drop every open connection now; refuse new ones for `outage` seconds."""
        with self._lock:
            self._down_until = time.monotonic() + outage
            victims = list(self._active)
            self.counts.cuts += 1
        for conn in victims:
            conn.drop()
        return len(victims)

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept loop
        with contextlib.suppress(OSError):
            self.listener.close()
        with self._lock:
            victims = list(self._active)
        for conn in victims:
            conn.drop()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if time.monotonic() < self._down_until:
                with self._lock:
                    self.counts.refused += 1
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Connection(self, client, upstream)
            with self._lock:
                self._active.add(conn)
                self.counts.connections += 1
            conn.start()
