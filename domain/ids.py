"""Identifiers minted on the device: time-ordered UUIDs (version 7, RFC 9562)."""

from __future__ import annotations

import os
import time
import uuid

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def new_id(now_ms: int | None = None, rand_bits: int | None = None) -> str:
    """A new UUIDv7 as its canonical lower-case string: sorts by creation time.

    ``rand_bits`` (74 bits) replaces the OS randomness, for reproducible demo data only.
    """
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big") if rand_bits is None else rand_bits
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return str(uuid.UUID(int=value))


def is_uuid(text: str) -> bool:
    """True when ``text`` is a canonical lower-case UUID string."""
    try:
        return str(uuid.UUID(text)) == text
    except (ValueError, AttributeError, TypeError):
        return False
