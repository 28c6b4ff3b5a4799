"""Faults injected for real: a lost acknowledgement, a killed server, a cut upload."""

from __future__ import annotations

import pytest

from app.store import outbox
from domain.errors import ErrorCode
from domain.ids import new_id
from tests import domain_factories as f
from tests.faults import Fault, FaultProxy
from tests.server_db import record_counts, server_rows


@pytest.fixture
def proxy(server):
    p = FaultProxy(server.port)
    yield p
    p.close()


def test_lost_acknowledgement_then_retry_stores_exactly_one(make_device, server, proxy) -> None:
    a = make_device(f.INSPECTOR, url=proxy.url, connection_close=True)
    insp = a.inspect()
    hid = new_id()
    a.event("reported", hid, inspection_id=insp.id)
    proxy.inject(Fault("drop_response", path_contains="/sync/push"))

    first = a.sync()
    assert first.error is not None and first.error.code == ErrorCode.network
    assert proxy.fired and "/sync/push" in proxy.fired[0]
    # the server stored both, the device does not know it yet
    assert set(record_counts(server.data_dir)) == {insp.id, a.record_ids("hazard_event").pop()}
    assert a.waiting().records == 2

    second = a.sync()
    assert second.ok, second.error
    assert (second.created, second.duplicate) == (0, 2)
    assert a.waiting().records == 0
    assert record_counts(server.data_dir) == dict.fromkeys(a.record_ids(), 1)
    # the server's numbers reached the device through the duplicate answers
    assert all(n for (n,) in a.db.execute("SELECT number FROM records WHERE kind != 'review'"))


def test_server_killed_mid_push_then_restarted_loses_and_doubles_nothing(
    make_device, server, proxy
) -> None:
    """SIGKILL at several moments of a 300-record push: before, while and after the server
    works on it. Whatever the moment, after a restart the next sync completes and the server
    holds every record exactly once."""
    a = make_device(f.INSPECTOR, url=proxy.url, connection_close=True)
    interrupted = 0
    for delay in (0.0, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2):
        for _ in range(300):
            a.event("reported", new_id(), photos=[])
        assert a.waiting().records == 300

        running = server.proc
        assert running is not None
        proxy.inject(Fault("pass", path_contains="/sync/push", on_match=running.kill, delay=delay))
        first = a.sync(batch_size=500)
        running.wait(10)  # the kill has landed (or lands now, if the push won the race)
        if first.error is not None:
            assert first.error.code == ErrorCode.network
            interrupted += 1
        assert not server.alive()
        server.start()
        assert set(record_counts(server.data_dir)) <= a.record_ids()  # never a stranger

        second = a.sync(batch_size=500)
        assert second.ok, second.error
        assert a.waiting().records == 0
        assert record_counts(server.data_dir) == dict.fromkeys(a.record_ids(), 1)
    print(f"pushes interrupted by the kill: {interrupted} of 8")
    assert interrupted >= 3  # the kill really landed inside pushes, not only after them
    assert outbox.rejected(a.db) == []


def test_cut_photo_upload_resumes_from_the_last_byte_the_server_holds(
    make_device, server, proxy
) -> None:
    a = make_device(f.INSPECTOR, url=proxy.url, connection_close=True)
    sha = a.photo()
    hid = new_id()
    data = f.event_data("reported", hazard_id=hid, created_by=a.user_id, photos=[sha])
    a.save("hazard_event", data)
    size = a.account.files.size(sha)
    assert size > 30_000

    proxy.inject(Fault("cut_request_after", path_contains=f"/blobs/{sha}", cut_after=20_000))
    first = a.sync(chunk_size=1 << 20)
    assert first.error is not None and first.error.code == ErrorCode.network

    held = a.account.client().missing([sha]).partial[sha]
    assert 0 < held < size

    second = a.sync(chunk_size=1 << 20)
    assert second.ok, second.error
    assert second.bytes_uploaded == size - held  # resumed, not restarted
    assert second.created == 1
    stored = server_rows(
        server.data_dir, "SELECT size, media_type FROM blobs WHERE sha256 = ?", (sha,)
    )
    assert stored == [(size, "image/jpeg")]
    assert (
        server.data_dir / "blobs" / sha[:2] / sha[2:4] / sha
    ).read_bytes() == a.account.files.read(sha)
