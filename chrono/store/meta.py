"""A store's own metadata: its format version and, when encrypted, a key check.

``chrono_meta`` is written when a store is created and checked every time it
is opened, read-only, before anything is written: chrono never writes into a
store it cannot read, or cannot read with the key it was given.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from chrono.errors import StoreError
from chrono.store.config import KEY_VARIABLE, Location, redacted

FORMAT = 1
CIPHER_TOPIC = "eventsourcing.cipher:AESCipher"
# Encrypted into chrono_meta so that a wrong key is told apart from a damaged
# store before any event is read. It is a constant: it reveals nothing.
KEY_CHECK = b"chrono store key check"


def _cipher(key: str) -> Any:
    try:
        from eventsourcing.cipher import AESCipher
    except ImportError:
        raise StoreError("encryption needs pycryptodome: pip install 'chrono-chronicle[encryption]'") from None
    from eventsourcing.utils import Environment

    return AESCipher(Environment(env={"CIPHER_KEY": key}))


def cipher_env(key: str | None) -> dict[str, str]:
    """eventsourcing's settings for encrypting stored events with ``key``."""
    if key is None:
        return {}
    _cipher(key)  # fail now, clearly, if pycryptodome is missing
    return {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": key}


def new_meta(key: str | None) -> dict[str, str]:
    if key is None:
        return {"format": str(FORMAT), "cipher": "none"}
    check = base64.b64encode(_cipher(key).encrypt(KEY_CHECK)).decode()
    return {"format": str(FORMAT), "cipher": "aes", "key_check": check}


def check_meta(meta: Mapping[str, str], where: str, key: str | None) -> None:
    """Refuse a store this chrono cannot read, or cannot read with ``key``.

    An empty ``meta`` is a store being created. Stores made before
    encryption existed have no ``cipher`` row: they are not encrypted.
    """
    if not meta:
        return
    version = meta.get("format", "0")
    if not version.isdigit() or int(version) > FORMAT:
        raise StoreError(f"{where} was written by a newer chrono (store format {version}); upgrade chrono")
    cipher = meta.get("cipher", "none")
    if cipher == "none":
        if key is not None:
            raise StoreError(f"{where} is not encrypted; unset {KEY_VARIABLE} to open it")
        return
    if cipher != "aes":
        raise StoreError(f"{where} is encrypted with {cipher!r}, which this chrono does not know; upgrade chrono")
    if key is None:
        raise StoreError(f"{where} is encrypted; set {KEY_VARIABLE} to its key")
    try:
        opened = _cipher(key).decrypt(base64.b64decode(meta.get("key_check", "")))
    except ValueError:
        opened = b""
    if opened != KEY_CHECK:
        raise StoreError(f"{KEY_VARIABLE} is not the key of {where} (wrong key)")


def write_meta(app: Any, location: Location, key: str | None) -> None:
    """Write a new store's metadata; check an existing one's again (another
    process may have created the store since we looked)."""
    placeholder = "?" if location.backend == "sqlite" else "%s"
    datastore: Any = app.recorder.datastore
    table = "chrono_meta"
    if location.backend == "postgres":
        table = f"{datastore.schema}.chrono_meta"  # validated by SCHEMA_NAME
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        cursor.execute(f"SELECT key, value FROM {table}")
        meta = {row["key"]: row["value"] for row in cursor.fetchall()}
        if meta:
            check_meta(meta, redacted(location.url), key)
            return
        statement = f"INSERT INTO {table} (key, value) VALUES ({placeholder}, {placeholder})"
        for item in new_meta(key).items():
            cursor.execute(statement, item)
