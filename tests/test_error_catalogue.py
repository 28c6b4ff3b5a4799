"""One catalogue: every code has a status and both messages, and the README documents it."""

from __future__ import annotations

import re
from pathlib import Path

from domain.errors import CATALOGUE, ErrorCode, GridCheckError

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_code_has_status_and_messages_and_is_documented() -> None:
    assert set(CATALOGUE) == set(ErrorCode)
    for code, info in CATALOGUE.items():
        assert 400 <= info.status < 600
        assert re.search(r"[\u4e00-\u9fff]", info.zh), code  # Chinese by default
        assert info.en and not re.search(r"[\u4e00-\u9fff]", info.en), code
        row = re.search(rf"^\| `{code}` \| (\d+) \| ([^|]+) \|", README, re.M)
        assert row, f"{code} missing from README"
        assert int(row.group(1)) == info.status and row.group(2).strip() == info.zh


def test_error_body_shape() -> None:
    err = GridCheckError(ErrorCode.missing_blobs, details={"missing": ["ab" * 32]})
    assert err.to_body() == {
        "error": {
            "code": "missing_blobs",
            "message": "记录引用的照片或签名尚未上传",
            "details": {"missing": ["ab" * 32]},
        }
    }
    assert err.status == 409 and err.retryable
