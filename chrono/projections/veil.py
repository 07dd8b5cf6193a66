"""What the read model of an encrypted store holds of metrics, units and values: sealed text.

The events and the revisions' states are encrypted by eventsourcing's cipher,
but the read model's tables hold metrics, units and values in columns of
their own (contributions, running totals, conflicts, explained segments, and
the tracking and seal names of an explained metric). In an encrypted store
each such text is sealed with AES-SIV: deterministic authenticated
encryption, so that equal texts seal alike and the SQL that looks rows up by
metric and unit, or keys them by it, works on the sealed text unchanged. No
value is summed or compared in SQL (running totals are worked out in Python),
so a sealed value loses nothing. A plain store's codec is the identity: its
rows are what they always were.

Sealing shows which sealed texts are equal, never what they say. The key is
derived from the store's own (``CHRONO_KEY``), so a store's read model made
again, or the audit's reference made from its log, seals alike.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from chrono.errors import StoreDamaged

MARK = "~"  # a sealed text's first character; base64url never writes it
CONTEXT = b"chrono read model"  # what the read model's key is derived for, from the store's key
CACHED = 1 << 16  # texts kept sealed and opened: metrics, units and small values repeat a great deal


class Veil:
    """Hides a text as the read model stores it (``hide``) and shows it again (``show``).

    Attributes:
        sealed: whether texts are sealed (an encrypted store) or kept as they are.
    """

    def __init__(self, key: bytes | None = None) -> None:
        self.sealed = key is not None
        if key is None:
            self.hide: Callable[[str], str] = _same
            self.show: Callable[[str], str] = _same
            return
        import hashlib  # only an encrypted store's commands load it: a plain query's cold start makes no hash
        import hmac

        self._key = hmac.new(key, CONTEXT, hashlib.sha512).digest()  # 64 bytes: AES-256-SIV
        self.hide = lru_cache(maxsize=CACHED)(self._seal)
        self.show = lru_cache(maxsize=CACHED)(self._open)

    def hide_some(self, text: str | None) -> str | None:
        """``hide`` for a column that may be NULL (an open high bound, no competing claim)."""
        return None if text is None else self.hide(text)

    def show_some(self, text: str | None) -> str | None:
        return None if text is None else self.show(text)

    def _seal(self, text: str) -> str:
        cipher: Any = _siv(self._key)
        sealed, tag = cipher.encrypt_and_digest(text.encode("utf-8"))
        return MARK + base64.urlsafe_b64encode(tag + sealed).decode("ascii").rstrip("=")

    def _open(self, text: str) -> str:
        try:
            if not text.startswith(MARK):
                raise ValueError("not sealed")
            body = text[len(MARK) :]
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != body:
                # base64 ignores the spare bits of a last character: a text changed there is still a changed text
                raise ValueError("not as sealed")
            cipher: Any = _siv(self._key)
            return bytes(cipher.decrypt_and_verify(raw[16:], raw[:16])).decode("utf-8")
        except (ValueError, binascii.Error, UnicodeDecodeError, AttributeError) as error:
            shown = repr(text) if len(repr(text)) <= 40 else repr(text)[:37] + "..."
            raise StoreDamaged(
                f"the store is damaged: the read model holds {shown}, which its key did not seal ({type(error).__name__}); run chrono audit"
            ) from error


def _same(text: str) -> str:
    return text


def _siv(key: bytes) -> Any:
    from Crypto.Cipher import AES  # pycryptodome: present wherever an encrypted store can be opened

    return AES.new(key, AES.MODE_SIV)


PLAIN = Veil()


def of(app: Any) -> Veil:
    """The codec of ``app``'s store: sealing with its key when its events are encrypted, else the identity."""
    env = app.env
    key = env.get("CIPHER_KEY") if env.get("CIPHER_TOPIC") else None
    return keyed(str(key)) if key else PLAIN


@lru_cache(maxsize=4)
def keyed(key: str) -> Veil:
    """The codec of a store key (base64, as ``CHRONO_KEY`` gives it): one per key, so its caches are shared."""
    return Veil(base64.b64decode(key))
