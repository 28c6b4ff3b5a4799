"""Canonical JSON and the hashes built on it.

The canonical form is UTF-8 JSON with sorted keys, no insignificant white space and
non-ASCII text kept as is. Two dictionaries with the same content give the same bytes
whatever the order of their keys.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

# Fields that are not part of what a signer sees: the hash itself and the signatures.
# A recorded refusal (reason, witness) is content: the inspector's signature covers it.
SIGNOFF_FIELDS = frozenset({"content_hash", "signatures"})


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON-compatible value."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_sha256(text: str) -> bool:
    """True for a lower-case hex sha256 digest; nothing else may name a blob."""
    return isinstance(text, str) and SHA256_RE.fullmatch(text) is not None


def content_hash_of(data: dict[str, Any]) -> str:
    """sha256 of the record as its signers see it: everything but the hash and signatures."""
    return sha256_hex(canonical_json({k: v for k, v in data.items() if k not in SIGNOFF_FIELDS}))


def record_hash_of(data: dict[str, Any]) -> str:
    """sha256 of the whole record: what decides `duplicate` versus `conflict`."""
    return sha256_hex(canonical_json(data))
