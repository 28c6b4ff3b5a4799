"""Devices and a real server on loopback: records, photos and hazard states converge."""

from __future__ import annotations

import hashlib

import requests

from domain.ids import new_id
from tests import domain_factories as f


def test_two_inspectors_and_office_converge(make_device, server) -> None:
    a = make_device(f.INSPECTOR)
    b = make_device(f.INSPECTOR_2)
    office = make_device(f.OFFICE)

    insp = a.inspect()
    hid = new_id()
    a.event("reported", hid, inspection_id=insp.id, item_code="GEN-1-02")
    assert a.waiting().records == 2 and a.waiting().blobs == 4  # photo ×2, signature PNGs ×2

    report = a.sync()
    assert report.ok, report.error
    assert (report.created, report.rejected, report.retry_later) == (2, 0, 0)
    assert a.waiting().records == 0 and a.waiting().blobs == 0

    assert b.sync().ok
    b.event("rectified", hid)  # on the enterprise's behalf
    assert b.sync().ok
    assert office.sync().ok
    office.event("escalated", hid, mode="listed")
    assert office.sync().ok
    a.event("rechecked", hid, passed=True)
    assert a.sync().ok

    for d in (a, b, office):
        assert d.sync().ok
    assert a.record_ids() == b.record_ids() == office.record_ids()
    assert len(a.record_ids()) == 5
    assert a.states() == b.states() == office.states() == {hid: "closed"}
    numbers = a.db.execute("SELECT number FROM records WHERE type = 'reported'").fetchone()[0]
    assert numbers.startswith("310105001-YH-")


def test_server_holds_photos_and_signatures_with_hashes_that_verify(make_device, server) -> None:
    a = make_device(f.INSPECTOR)
    insp = a.inspect()
    assert a.sync().ok
    for sha in insp.blob_refs():
        r = requests.get(
            f"{server.url}/api/v1/blobs/{sha}",
            headers={"Authorization": f"Bearer {a.account.token}"},
            timeout=5,
        )
        assert r.status_code == 200
        assert hashlib.sha256(r.content).hexdigest() == sha
        assert r.headers["content-type"] in ("image/jpeg", "image/png")
