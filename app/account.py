"""Accounts on this device: one folder and one SQLite file per signed-in account.

``<data root>/device.json`` holds this device's id; ``<data root>/accounts/<key>/`` holds
``gridcheck.db`` and ``blobs/``. The key joins the user id with a digest of the server
address, so two accounts (or two servers) never see each other's data. The data root is
``FLET_APP_STORAGE_DATA`` on a phone, ``GRIDCHECK_APP_DATA`` or ``~/.gridcheck/app``
elsewhere — never the app bundle.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from app.store import meta
from app.store.blobs import BlobFiles
from app.store.db import open_store
from app.sync.client import SyncClient
from domain.ids import new_id
from domain.reference import UserPublic


def data_root() -> Path:
    for var in ("FLET_APP_STORAGE_DATA", "GRIDCHECK_APP_DATA"):
        if os.environ.get(var):
            return Path(os.environ[var])
    return Path.home() / ".gridcheck" / "app"


def device_id(root: Path) -> str:
    """This installation's id, minted once and kept."""
    path = root / "device.json"
    if path.exists():
        return json.loads(path.read_text("utf-8"))["device_id"]
    value = new_id()
    write_json(path, {"device_id": value})
    return value


def write_json(path: Path, value: object) -> None:
    """Replace a small JSON file whole: written aside, then renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(value), "utf-8")
    os.replace(tmp, path)


def account_key(server_url: str, user_id: str) -> str:
    server = hashlib.sha256(server_url.rstrip("/").encode("utf-8")).hexdigest()[:10]
    safe_user = re.sub(r"[^A-Za-z0-9_.-]", "_", user_id)[:64]
    return f"{safe_user}-{server}"


@dataclass
class Account:
    """An open account: its database, its blob folder and how to reach its server.

    ``db`` may be used from any thread: each thread gets its own connection to the file
    (``app.store.db.DeviceDatabase``), so one thread's transaction never takes in another's.
    """

    key: str
    folder: Path
    db: Database
    files: BlobFiles
    server_url: str
    user: UserPublic
    token: str | None
    device_id: str

    def client(self, timeout: float = 30.0) -> SyncClient:
        return SyncClient(self.server_url, self.token, timeout=timeout)

    def close(self) -> None:
        """Close the store on every thread that used it (screens, sync, photo downloads):
        any transaction still open rolls back, and later use raises ``ProgrammingError``.
        Stop the account's sync first: its thread's work is cut off, not waited for."""
        self.db.close()


def open_account(root: Path, key: str) -> Account:
    """Open an account that signed in on this device before: works with no network."""
    folder = root / "accounts" / key
    if not (folder / "gridcheck.db").exists():
        raise FileNotFoundError(key)
    db = open_store(folder / "gridcheck.db")
    info = meta.get(db, meta.ACCOUNT)
    return Account(
        key=key,
        folder=folder,
        db=db,
        files=BlobFiles(folder / "blobs"),
        server_url=info["server_url"],
        user=UserPublic.model_validate(info["user"]),
        token=info.get("token"),
        device_id=device_id(root),
    )


def sign_in(
    root: Path, server_url: str, username: str, password: str, device_name: str = ""
) -> Account:
    """Sign in over the network and open (or create) the account's local store."""
    server_url = server_url.rstrip("/")
    dev = device_id(root)
    client = SyncClient(server_url)
    answer = client.login(username, password, dev, device_name)
    key = account_key(server_url, answer.user.id)
    folder = root / "accounts" / key
    db = open_store(folder / "gridcheck.db")
    with db.atomic():
        meta.put(
            db,
            meta.ACCOUNT,
            {
                "server_url": server_url,
                "user": answer.user.model_dump(mode="json"),
                "token": answer.token,
                "expires_at": answer.expires_at.isoformat(),
                "password_check": password_check(password),
            },
        )
    _remember_last(root, key)
    return Account(
        key, folder, db, BlobFiles(folder / "blobs"), server_url, answer.user, answer.token, dev
    )


def known_accounts(root: Path) -> list[str]:
    base = root / "accounts"
    return (
        sorted(p.name for p in base.iterdir() if (p / "gridcheck.db").exists())
        if base.exists()
        else []
    )


def last_account(root: Path) -> str | None:
    path = root / "last_account.json"
    return json.loads(path.read_text("utf-8"))["key"] if path.exists() else None


def _remember_last(root: Path, key: str) -> None:
    write_json(root / "last_account.json", {"key": key})


def password_check(password: str, salt: bytes | None = None) -> dict[str, str]:
    """A salted scrypt digest, so the account can be unlocked again with no network."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return {"salt": salt.hex(), "digest": digest.hex()}


def offline_unlock(root: Path, server_url: str, username: str, password: str) -> Account | None:
    """Open an account that signed in here before, checking the password locally."""
    account = _find_account(root, server_url.rstrip("/"), username)
    if account is None:
        return None
    check = meta.get(account.db, meta.ACCOUNT, {}).get("password_check")
    if check and hmac.compare_digest(
        password_check(password, bytes.fromhex(check["salt"]))["digest"], check["digest"]
    ):
        _remember_last(root, account.key)
        return account
    account.close()
    return None


def _find_account(root: Path, server_url: str, username: str) -> Account | None:
    for key in known_accounts(root):
        account = open_account(root, key)
        if account.user.username == username and account.server_url == server_url:
            return account
        account.close()
    return None
