"""The read model's codec (projections/veil.py): sealed texts in an encrypted store, the texts themselves in a plain one."""

from __future__ import annotations

import base64

import pytest

from chrono.errors import StoreDamaged
from chrono.projections import veil
from chrono.projections.veil import MARK, PLAIN, Veil
from chrono.store import new_key

TEXTS = ("aid_value", "USD", "7391", "1", "", "0.25", "Hội đàm", "739104.5,8172635")


def sealing() -> Veil:
    return veil.keyed(new_key())


@pytest.mark.parametrize("text", TEXTS)
def test_a_sealed_text_shows_as_it_was_and_holds_none_of_it(text: str) -> None:
    codec = sealing()
    sealed = codec.hide(text)
    assert codec.show(sealed) == text
    assert sealed.startswith(MARK) and sealed != text and "/" not in sealed  # "/" parts a tracking name
    assert len(text) < 5 or text not in sealed  # a shorter one may turn up in the base64 by chance


def test_equal_texts_seal_alike_and_different_ones_differently() -> None:
    key = base64.b64decode(new_key())
    codec, again = Veil(key), Veil(key)  # two codecs of one key: no cache is shared between them
    assert codec.hide("aid_value") == codec.hide("aid_value") == again.hide("aid_value")
    assert again.show(codec.hide("7391")) == "7391"
    assert len({codec.hide(text) for text in TEXTS}) == len(TEXTS)


def test_different_keys_seal_differently_and_cannot_open_each_others_texts() -> None:
    one, other = sealing(), sealing()
    assert one.hide("USD") != other.hide("USD")
    with pytest.raises(StoreDamaged, match="run chrono audit"):
        other.show(one.hide("USD"))


def test_a_plain_stores_codec_is_the_identity() -> None:
    assert not PLAIN.sealed
    for text in (*TEXTS, MARK + "abc"):
        assert PLAIN.hide(text) == text == PLAIN.show(text)
    assert PLAIN.hide_some(None) is None and PLAIN.show_some("7") == "7"


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # a changed character
        lambda s: s[:5],  # cut short
        lambda s: s[len(MARK) :],  # the mark taken off
        lambda s: "aid_value",  # a plain text where a sealed one belongs
        lambda s: s + "!",  # not base64
        lambda s: 7391,  # a value of another type, as SQLite would take it
    ],
)
def test_a_tampered_text_fails_clearly(damage: object) -> None:
    codec = sealing()
    sealed = codec.hide("aid_value")
    with pytest.raises(StoreDamaged, match=r"the store is damaged: the read model holds .* which its key did not seal"):
        codec.show(damage(sealed))  # type: ignore[operator]


def test_a_change_in_the_spare_bits_of_the_last_character_is_a_change() -> None:
    codec = sealing()
    sealed = codec.hide("aid_value")  # 25 bytes in 34 characters: the last one carries 4 spare bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    spare = alphabet[alphabet.index(sealed[-1]) ^ 1]  # base64 decodes it to the same bytes
    assert base64.urlsafe_b64decode(sealed[1:] + "==") == base64.urlsafe_b64decode(sealed[1:-1] + spare + "==")
    with pytest.raises(StoreDamaged, match="which its key did not seal"):
        codec.show(sealed[:-1] + spare)


def test_nullable_columns_stay_null() -> None:
    codec = sealing()
    assert codec.hide_some(None) is None and codec.show_some(None) is None
    assert codec.show_some(codec.hide_some("7391")) == "7391"


def test_the_codec_of_a_store_follows_its_cipher_settings() -> None:
    class App:
        def __init__(self, env: dict[str, str]) -> None:
            self.env = env

    key = new_key()
    assert veil.of(App({})) is PLAIN
    sealed = veil.of(App({"CIPHER_TOPIC": "eventsourcing.cipher:AESCipher", "CIPHER_KEY": key}))
    assert sealed.sealed and sealed is veil.keyed(key)
    assert veil.keyed(new_key()).hide("USD") != sealed.hide("USD")
