"""A record the server fails on twice is moved aside; the queue behind it keeps moving."""

from __future__ import annotations

import sqlite3

from app.store import outbox
from domain.ids import new_id
from tests import domain_factories as f


def poison(data_dir, record_id: str) -> None:
    """A real fault in the server's database: inserting this one record raises."""
    conn = sqlite3.connect(data_dir / "server.db")
    try:
        conn.execute(
            f"CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.id = '{record_id}' "
            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        )
        conn.commit()
    finally:
        conn.close()


def test_server_error_twice_moves_the_record_aside(server, make_device) -> None:
    phone = make_device(f.INSPECTOR)
    bad = phone.event("reported", new_id())
    good = phone.inspect()
    poison(server.data_dir, bad.id)

    first = phone.sync()
    assert first.error is None and first.created == 1 and first.retry_later == 1
    assert phone.waiting().records == 1 and phone.waiting().aside == 0

    later = phone.inspect()
    second = phone.sync()
    assert second.error is None and second.created == 1 and second.aside == 1
    w = phone.waiting()
    assert (w.records, w.aside) == (0, 1)  # nothing blocks the queue; the record is kept
    assert phone.record_ids() >= {bad.id, good.id, later.id}
    assert outbox.pending(phone.db) == []

    third = phone.sync()  # not sent again on its own
    assert third.error is None and third.created == 0 and third.aside == 0
    assert outbox.put_back(phone.db) == 1  # after a server fix it can go again
    assert [i.record_id for i in outbox.pending(phone.db)] == [bad.id]
