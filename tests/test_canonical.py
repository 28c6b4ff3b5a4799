"""Canonical JSON, content hashes, blob ids, record ids and credit codes."""

from __future__ import annotations

import copy
import hashlib
import json
import random
import time
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.canonical import (
    SIGNOFF_FIELDS,
    canonical_json,
    content_hash_of,
    is_sha256,
    record_hash_of,
    sha256_hex,
)
from domain.ids import is_uuid, new_id
from domain.reference import USCC_ALPHABET, Enterprise, is_valid_uscc, uscc_check_char
from tests.domain_factories import fake_sha, inspection, reported, uid

# ---------------------------------------------------------------- canonical_json

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=25,
)


def reorder(value: Any, rnd: random.Random) -> Any:
    """The same JSON value with every dict's keys inserted in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: reorder(value[k], rnd) for k in keys}
    if isinstance(value, list):
        return [reorder(v, rnd) for v in value]
    return value


@settings(max_examples=200)
@given(value=json_values, rnd=st.randoms(use_true_random=False))
def test_canonical_json_is_key_order_independent(value: Any, rnd: random.Random) -> None:
    shuffled = reorder(value, rnd)
    assert canonical_json(shuffled) == canonical_json(value)
    assert json.loads(canonical_json(value)) == value


@given(keys=st.lists(st.text(max_size=4), min_size=2, max_size=8, unique=True))
def test_canonical_json_sorts_keys_at_every_depth(keys: list[str]) -> None:
    forward = {k: {k2: i for i, k2 in enumerate(keys)} for k in keys}
    backward = {k: {k2: i for i, k2 in reversed(list(enumerate(keys)))} for k in reversed(keys)}
    assert canonical_json(forward) == canonical_json(backward)
    decoded = json.loads(canonical_json(backward))
    assert list(decoded) == sorted(keys)
    assert all(list(inner) == sorted(keys) for inner in decoded.values())


def test_canonical_json_exact_bytes() -> None:
    value = {"b": 1, "a": [1, 2.5, "x"], "c": {"y": None, "x": True}}
    assert canonical_json(value) == b'{"a":[1,2.5,"x"],"b":1,"c":{"x":true,"y":null}}'


def test_canonical_json_keeps_chinese_as_utf8() -> None:
    out = canonical_json({"标题": "消防通道堵塞", "部位": "一楼"})
    assert out == '{"标题":"消防通道堵塞","部位":"一楼"}'.encode()
    assert b"\\u" not in out


@given(text=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)))
def test_canonical_json_never_escapes_cjk(text: str) -> None:
    out = canonical_json({"t": text})
    assert out == b'{"t":"' + text.encode("utf-8") + b'"}'


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"x": [float("-inf")]}])
def test_canonical_json_rejects_non_json_floats(bad: Any) -> None:
    with pytest.raises(ValueError):
        canonical_json(bad)


# ---------------------------------------------------------------- content_hash_of


def _independent_content_hash(data: dict[str, Any]) -> str:
    body = {k: v for k, v in data.items() if k not in {"content_hash", "signatures"}}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sample_wires() -> list[dict[str, Any]]:
    return [inspection().wire(), inspection(refused=True).wire(), reported(hazard_id=uid()).wire()]


def test_signoff_fields_are_exactly_the_hash_and_the_signatures() -> None:
    assert frozenset({"content_hash", "signatures"}) == SIGNOFF_FIELDS


@pytest.mark.parametrize("wire", _sample_wires(), ids=["inspection", "refused", "reported"])
def test_content_hash_matches_an_independent_computation(wire: dict[str, Any]) -> None:
    assert content_hash_of(wire) == _independent_content_hash(wire)
    assert record_hash_of(wire) == sha256_hex(canonical_json(wire))
    assert content_hash_of(wire) != record_hash_of(wire)


@pytest.mark.parametrize("wire", _sample_wires(), ids=["inspection", "refused", "reported"])
def test_content_hash_ignores_signoff_fields(wire: dict[str, Any]) -> None:
    before = content_hash_of(wire)
    for changed in (
        {**wire, "content_hash": "f" * 64},
        {**wire, "signatures": []},
        {**wire, "signatures": [*wire["signatures"], {"role": "enterprise"}]},
        {k: v for k, v in wire.items() if k not in SIGNOFF_FIELDS},
    ):
        assert content_hash_of(changed) == before
    # a recorded refusal is content: altering it is caught by the hash
    assert content_hash_of({**wire, "refusal": {"reason": "改过的理由"}}) != before
    # ... and the whole-record hash (duplicate versus conflict) does see the sign-off.
    assert record_hash_of({**wire, "content_hash": "f" * 64}) != record_hash_of(wire)


@pytest.mark.parametrize("wire", _sample_wires(), ids=["inspection", "refused", "reported"])
def test_content_hash_changes_when_any_other_field_changes(wire: dict[str, Any]) -> None:
    before = content_hash_of(wire)
    keys = [k for k in wire if k not in SIGNOFF_FIELDS]
    assert len(keys) > 8
    for key in keys:
        assert content_hash_of({**wire, key: ["changed", wire[key]]}) != before, key
        without = {k: v for k, v in wire.items() if k != key}
        assert content_hash_of(without) != before, key
    assert content_hash_of({**wire, "new_field": None}) != before


def test_content_hash_sees_nested_changes() -> None:
    wire = inspection().wire()
    before = content_hash_of(wire)
    changed = copy.deepcopy(wire)
    changed["items"][1]["note"] += "。"
    assert content_hash_of(changed) != before
    changed = copy.deepcopy(wire)
    changed["items"][1]["photos"] = [fake_sha("other")]
    assert content_hash_of(changed) != before
    changed = copy.deepcopy(wire)
    changed["location"]["lat"] += 1e-6
    assert content_hash_of(changed) != before


# ---------------------------------------------------------------- is_sha256


def test_is_sha256_accepts_real_digests() -> None:
    assert is_sha256(hashlib.sha256(b"photo").hexdigest())
    assert is_sha256(fake_sha("a"))
    assert is_sha256("0" * 64)


@pytest.mark.parametrize(
    "text",
    [
        "../etc/passwd",
        "../" + "a" * 61,
        "a" * 61 + "/..",
        "..%2F" + "a" * 59,
        "A" * 64,
        hashlib.sha256(b"x").hexdigest().upper(),
        "a" * 63,
        "a" * 65,
        "a" * 64 + "\n",
        "\n" + "a" * 64,
        " " + "a" * 63,
        "g" * 64,
        "",
        "0x" + "a" * 62,
    ],
)
def test_is_sha256_rejects(text: str) -> None:
    assert not is_sha256(text)


@pytest.mark.parametrize("value", [None, 123, b"a" * 64, ["a" * 64]])
def test_is_sha256_rejects_non_strings(value: Any) -> None:
    assert not is_sha256(value)


@given(text=st.text(alphabet="0123456789abcdefABCDEF./\\ \n", min_size=62, max_size=66))
def test_is_sha256_is_exactly_64_lower_hex(text: str) -> None:
    expected = len(text) == 64 and all(c in "0123456789abcdef" for c in text)
    assert is_sha256(text) is expected


# ---------------------------------------------------------------- new_id


def test_new_id_is_a_canonical_uuid7() -> None:
    for _ in range(200):
        text = new_id()
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert is_uuid(text)
        assert parsed.version == 7
        assert text[14] == "7"
        assert parsed.variant == uuid.RFC_4122
        assert (parsed.int >> 62) & 0b11 == 0b10


def test_new_id_is_unique() -> None:
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    same_ms = [new_id(now_ms=1_700_000_000_000) for _ in range(5000)]
    assert len(set(same_ms)) == len(same_ms)


@given(ms=st.integers(min_value=0, max_value=2**48 - 1))
def test_new_id_carries_its_millisecond(ms: int) -> None:
    parsed = uuid.UUID(new_id(now_ms=ms))
    assert parsed.int >> 80 == ms
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122


@given(ms=st.lists(st.integers(min_value=0, max_value=2**48 - 1), min_size=2, max_size=30))
def test_new_id_sorts_by_creation_ms(ms: list[int]) -> None:
    ids = [new_id(now_ms=m) for m in ms]
    by_text = sorted(range(len(ids)), key=lambda i: ids[i])
    assert [ms[i] for i in by_text] == sorted(ms)


def test_new_id_from_the_clock_is_time_ordered() -> None:
    now_ms = int(time.time() * 1000)
    first = new_id()
    time.sleep(0.003)
    second = new_id()
    assert first < second
    assert abs((uuid.UUID(first).int >> 80) - now_ms) < 5_000


@pytest.mark.parametrize(
    "text",
    [
        "0190A0B0-0000-7000-8000-000000000001",
        "{0190a0b0-0000-7000-8000-000000000001}",
        "urn:uuid:0190a0b0-0000-7000-8000-000000000001",
        "0190a0b000007000800000000000000001",
        "0190a0b0-0000-7000-8000-00000000001",
        "not-a-uuid",
        "",
        None,
    ],
)
def test_is_uuid_rejects_non_canonical(text: Any) -> None:
    assert not is_uuid(text)


# ---------------------------------------------------------------- USCC (GB 32100-2015)


def _oracle_check_char(first17: str) -> str:
    """The check character computed independently: weights are 3**i mod 31."""
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[-total % 31]


CONSTRUCTED = "91110108MA01ABCD1"  # 9=工商 1=企业, 110108 = 北京海淀, then an org code


def test_uscc_alphabet_excludes_ambiguous_letters() -> None:
    assert len(USCC_ALPHABET) == 31
    assert not set("IOZSV") & set(USCC_ALPHABET)


def test_uscc_constructed_code_is_valid() -> None:
    check = uscc_check_char(CONSTRUCTED)
    assert check == _oracle_check_char(CONSTRUCTED)
    assert is_valid_uscc(CONSTRUCTED + check)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the worked example printed in GB 32100-2015
        "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司, from the public register
    ],
)
def test_uscc_published_codes_are_valid(code: str) -> None:
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17] == _oracle_check_char(code[:17])


@given(first17=st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_uscc_check_char_matches_the_oracle(first17: str) -> None:
    check = uscc_check_char(first17)
    assert check == _oracle_check_char(first17)
    assert is_valid_uscc(first17 + check)


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", CONSTRUCTED + _oracle_check_char(CONSTRUCTED)]
)
def test_uscc_detects_every_single_character_corruption(code: str) -> None:
    assert is_valid_uscc(code)
    for pos in range(18):
        for c in USCC_ALPHABET:
            if c != code[pos]:
                corrupted = code[:pos] + c + code[pos + 1 :]
                assert not is_valid_uscc(corrupted), corrupted


@pytest.mark.parametrize(
    "code",
    [
        "91350100m000100y43",  # lower case is normalised by Enterprise, not accepted here
        "91350100M000100Y4",
        "91350100M000100Y433",
        "91350100M000100I43",  # I is not in the alphabet
        "91350100M000100O43",
        "",
    ],
)
def test_uscc_rejects_malformed(code: str) -> None:
    assert not is_valid_uscc(code)


def test_enterprise_normalises_and_checks_its_credit_code() -> None:
    base = {
        "id": "ent-1",
        "name": "某某餐饮店",
        "address": "某路1号",
        "community_id": "c-1",
        "grid_id": "g-1",
        "contact_name": "王五",
        "contact_phone": "13800138000",
    }
    assert Enterprise(**base, credit_code=" 91350100m000100y43 ").credit_code == (
        "91350100M000100Y43"
    )
    assert Enterprise(**base, credit_code="").credit_code is None
    with pytest.raises(ValueError):
        Enterprise(**base, credit_code="91350100M000100Y44")
