"""Server settings, read from the environment (prefix ``GRIDCHECK_``) or given directly."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path.home() / ".gridcheck" / "server"


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDCHECK_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    host: str = "127.0.0.1"
    port: int = Field(default=8700, ge=1, le=65535)
    # 街道 code used in human-readable numbers (隐患编号 / 文号): local practice, configurable
    subdistrict_code: str = Field(default="310105001", pattern=r"^[0-9A-Za-z]{1,16}$")
    timezone: str = "Asia/Shanghai"
    token_ttl_days: int = Field(default=30, ge=1, le=365)
    max_json_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    max_chunk_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    max_blob_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    login_window_seconds: int = Field(default=900, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=50, ge=1)
    # how far a device's claimed time may run ahead of the server's receipt time
    clock_skew_seconds: int = Field(default=600, ge=0)
    # argon2id cost: OWASP's minimum recommendation (19 MiB, t=2, p=1)
    argon2_memory_kib: int = Field(default=19 * 1024, ge=8)
    argon2_time_cost: int = Field(default=2, ge=1)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "server.db"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"
