"""One catalogue of error codes, shared by the server, the device and the screens.

Clients branch on ``code``, never on the text. Each code has an HTTP status and a message
in Chinese (the default) and English that a user can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    bad_credentials = "bad_credentials"
    too_many_attempts = "too_many_attempts"
    unauthorized = "unauthorized"
    forbidden = "forbidden"
    not_found = "not_found"
    malformed = "malformed"
    invalid = "invalid"
    too_large = "too_large"
    too_many_records = "too_many_records"
    unsupported_media_type = "unsupported_media_type"
    not_an_image = "not_an_image"
    image_too_large = "image_too_large"
    invalid_blob_id = "invalid_blob_id"
    hash_mismatch = "hash_mismatch"
    bad_range = "bad_range"
    missing_blobs = "missing_blobs"
    integrity = "integrity"
    conflict = "conflict"
    unknown_reference = "unknown_reference"
    cursor_expired = "cursor_expired"
    clock_ahead = "clock_ahead"
    before_followed = "before_followed"
    network = "network"
    server_error = "server_error"


@dataclass(frozen=True)
class ErrorInfo:
    status: int
    zh: str
    en: str
    retryable: bool = False


CATALOGUE: dict[ErrorCode, ErrorInfo] = {
    ErrorCode.bad_credentials: ErrorInfo(401, "用户名或密码不正确", "Wrong user name or password"),
    ErrorCode.too_many_attempts: ErrorInfo(
        429, "登录尝试次数过多，请稍后再试", "Too many sign-in attempts; try again later", True
    ),
    ErrorCode.unauthorized: ErrorInfo(
        401, "登录已失效，请重新登录", "Your sign-in has expired; please sign in again"
    ),
    ErrorCode.forbidden: ErrorInfo(
        403, "无权进行此操作或超出管辖范围", "Not allowed for your role or outside your area"
    ),
    ErrorCode.not_found: ErrorInfo(404, "未找到所请求的内容", "Not found"),
    ErrorCode.malformed: ErrorInfo(400, "请求格式错误，无法解析", "The request could not be read"),
    ErrorCode.invalid: ErrorInfo(422, "内容不完整或不符合要求", "Some fields are missing or wrong"),
    ErrorCode.too_large: ErrorInfo(413, "内容过大，超出上限", "Too large"),
    ErrorCode.too_many_records: ErrorInfo(
        413, "一次提交的记录过多，请分批同步", "Too many records in one push; send them in batches"
    ),
    ErrorCode.unsupported_media_type: ErrorInfo(
        415, "不支持的文件类型（仅支持 JPEG、PNG 图片）", "Only JPEG and PNG images are accepted"
    ),
    ErrorCode.not_an_image: ErrorInfo(
        415,
        "文件不是完整有效的 JPEG 或 PNG 图片，未保存",
        "Not a complete, valid JPEG or PNG image; nothing was stored",
    ),
    ErrorCode.image_too_large: ErrorInfo(
        413,
        "图片像素过多（超出照片上限），未保存",
        "The image has more pixels than a photo may have; nothing was stored",
    ),
    ErrorCode.invalid_blob_id: ErrorInfo(
        400, "文件标识无效（须为 64 位十六进制 SHA-256）", "A file id must be a hex SHA-256"
    ),
    ErrorCode.hash_mismatch: ErrorInfo(
        400, "文件内容与其校验值不符，请重新上传", "The file does not match its hash; upload again"
    ),
    ErrorCode.bad_range: ErrorInfo(
        416, "上传的分段位置不正确", "The uploaded range does not continue the stored bytes"
    ),
    ErrorCode.missing_blobs: ErrorInfo(
        409,
        "记录引用的照片或签名尚未上传",
        "Photos or signatures for this record are not uploaded yet",
        True,
    ),
    ErrorCode.integrity: ErrorInfo(
        422, "记录内容与签名时不一致，已拒收", "The record differs from what was signed; rejected"
    ),
    ErrorCode.conflict: ErrorInfo(
        409, "同一编号已有不同内容的记录", "A different record with the same id already exists"
    ),
    ErrorCode.unknown_reference: ErrorInfo(
        409,
        "所引用的检查或隐患在服务器上尚不存在",
        "The inspection or hazard it refers to is not on the server yet",
        True,
    ),
    ErrorCode.cursor_expired: ErrorInfo(
        410,
        "同步位置已失效，将重新下载全部数据",
        "The sync position expired; downloading everything again",
    ),
    ErrorCode.clock_ahead: ErrorInfo(
        422,
        "记录时间晚于服务器接收时间，请校准本机时间后重新记录",
        "The record's time is later than the server received it; set this device's clock",
    ),
    ErrorCode.before_followed: ErrorInfo(
        422,
        "记录时间早于它之前的处理记录，请校准本机时间后重新记录",
        "The record's time is before the event it follows; set this device's clock",
    ),
    ErrorCode.network: ErrorInfo(
        503,
        "无法连接服务器，数据已保存在本机，联网后自动同步",
        "Cannot reach the server; your data is kept on this device and will sync when online",
        True,
    ),
    ErrorCode.server_error: ErrorInfo(
        500, "服务器内部错误，请稍后重试", "Server error; please try again later", True
    ),
}


def message(code: ErrorCode, lang: str = "zh") -> str:
    info = CATALOGUE[code]
    return info.en if lang == "en" else info.zh


class GridCheckError(Exception):
    """An error with a catalogue code; ``details`` carries machine-readable context."""

    def __init__(
        self,
        code: ErrorCode,
        message_text: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message_text or message(code)
        self.details = details or {}
        super().__init__(f"{code}: {self.message}")

    @property
    def status(self) -> int:
        return CATALOGUE[self.code].status

    @property
    def retryable(self) -> bool:
        return CATALOGUE[self.code].retryable

    def to_body(self) -> dict[str, Any]:
        return {"error": {"code": str(self.code), "message": self.message, "details": self.details}}
