"""The device's session: which account is open, signing in and out, the language."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.account import (
    Account,
    known_accounts,
    last_account,
    offline_unlock,
    open_account,
    sign_in,
    write_json,
)
from app.store import meta, outbox
from app.sync.client import SyncError
from domain.errors import ErrorCode


class SignOutBlocked(Exception):
    """Records are still waiting: the screen asks before signing out."""

    def __init__(self, waiting: int) -> None:
        super().__init__(waiting)
        self.waiting = waiting


@dataclass
class DeviceSession:
    root: Path
    default_server: str = "http://127.0.0.1:8700"
    account: Account | None = None
    _settings: dict = field(default_factory=dict)
    # called before an account's store closes (the shell stops its sync thread there)
    before_close: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        path = self.root / "settings.json"
        self._settings = json.loads(path.read_text("utf-8")) if path.exists() else {}

    # ---- settings
    @property
    def lang(self) -> str:
        return self._settings.get("lang", "zh")

    def set_lang(self, lang: str) -> None:
        self._settings["lang"] = "en" if lang == "en" else "zh"
        write_json(self.root / "settings.json", self._settings)

    @property
    def server_url(self) -> str:
        return self._settings.get("server_url", self.default_server)

    # ---- accounts
    def _close(self, account: Account) -> None:
        """Whatever runs on the account (the sync thread) stops first, then its store closes."""
        if self.before_close is not None:
            self.before_close()
        account.close()

    def open_last(self) -> Account | None:
        """The account used last, opened from local data (no network needed)."""
        key = last_account(self.root)
        if key and key in known_accounts(self.root):
            account = open_account(self.root, key)
            if account.token:
                self.account = account
                return account
            account.close()
        return None

    def accounts(self) -> list[tuple[str, str, str]]:
        """(server, username, label) of every account used on this device."""
        out = []
        for key in known_accounts(self.root):
            acct = open_account(self.root, key)
            out.append(
                (
                    acct.server_url,
                    acct.user.username,
                    f"{acct.user.name}（{acct.user.username}）· {acct.server_url}",
                )
            )
            acct.close()
        return out

    def sign_in(self, server_url: str, username: str, password: str) -> Account:
        """Online when the server answers; otherwise an account used here before opens with its
        password checked locally. Raises SyncError (bad_credentials, network, …)."""
        server_url, username = server_url.strip().rstrip("/"), username.strip().lower()
        try:
            account = sign_in(self.root, server_url, username, password, device_name="GridCheck")
        except SyncError as err:
            if err.code != ErrorCode.network:
                raise
            unlocked = offline_unlock(self.root, server_url, username, password)
            if unlocked is None:
                raise
            account = unlocked
        if self.account is not None:
            self._close(self.account)
        self.account = account
        self._settings["server_url"] = server_url
        write_json(self.root / "settings.json", self._settings)
        return account

    def sign_out(self, force: bool = False) -> None:
        """Never deletes data; refuses (SignOutBlocked) while records wait, unless ``force``."""
        account = self.account
        if account is None:
            return
        waiting = outbox.waiting(account.db).records
        if waiting and not force:
            raise SignOutBlocked(waiting)
        with contextlib.suppress(SyncError):  # offline: the token expires by itself
            account.client(timeout=5).logout()
        with account.db.atomic():
            info = meta.get(account.db, meta.ACCOUNT)
            meta.put(account.db, meta.ACCOUNT, {**info, "token": None})
        self._close(account)
        self.account = None
        (self.root / "last_account.json").unlink(missing_ok=True)
