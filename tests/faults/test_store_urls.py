"""Store URLs: every option reaches the driver or is refused, never dropped; secrets never shown (DESIGN.md section 10)."""

from __future__ import annotations

import pytest

from chrono.errors import StoreError
from chrono.store import postgres_env
from chrono.store.config import driver_options, redacted
from tests.faults.helpers import cli

BASE = "postgresql://chrono:s3cret@127.0.0.1:5432/test"


def test_url_options_other_than_schema_go_to_the_driver() -> None:
    env = postgres_env(f"{BASE}?schema=team&sslmode=require&sslrootcert=/etc/ca.pem&application_name=chrono")
    assert env["POSTGRES_SCHEMA"] == "team"
    assert driver_options(env) == {"sslmode": "require", "sslrootcert": "/etc/ca.pem", "application_name": "chrono"}


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("host=elsewhere", "the option 'host' is not taken: say it in the URL itself"),
        ("password=x", "the option 'password' is not taken"),
        ("sslmode=require&sslmode=disable", "the option 'sslmode' is given twice"),
        ("connect_timeout=soon", "connect_timeout is a whole number of seconds"),
    ],
)
def test_url_options_that_would_override_the_url_or_are_ambiguous_are_refused(query: str, needle: str) -> None:
    with pytest.raises(StoreError, match=needle) as caught:
        postgres_env(f"{BASE}?{query}")
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("url", ["postgresql://u:pw@[::1/test", "postgresql://u:pw@host:99999999/test", "postgresql://u:pw@host:port/test"])
def test_a_malformed_url_is_a_one_line_error_without_its_password(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        postgres_env(url)
    assert "pw" not in str(caught.value)


def test_redaction_hides_the_password_and_password_options() -> None:
    assert redacted(f"{BASE}?sslmode=require&sslpassword=key") == "postgresql://chrono:***@127.0.0.1:5432/test?sslmode=require&sslpassword=%2A%2A%2A"
    assert redacted("postgresql://u:p%40ss@h/db") == "postgresql://u:***@h/db"
    assert redacted("postgresql://u@h/db?schema=x") == "postgresql://u@h/db?schema=x"


@pytest.mark.postgres
def test_sslmode_require_is_honoured_not_dropped(postgres_url: str) -> None:
    # The test server speaks plain text only: with the option honoured, the
    # connection must fail rather than fall back to plain text.
    code, _, err = cli("--store", f"{postgres_url}&sslmode=require", "import", "/dev/null")
    assert code == 2
    assert "SSL" in err and "Traceback" not in err


@pytest.mark.postgres
def test_an_option_the_driver_does_not_know_is_refused_by_it(postgres_url: str) -> None:
    code, _, err = cli("--store", f"{postgres_url}&sslmod=require", "timeline")
    assert code == 2
    assert 'invalid connection option "sslmod"' in err


@pytest.mark.postgres
def test_options_the_driver_knows_reach_the_store_s_own_connections(postgres_url: str, tmp_path: object) -> None:
    from pathlib import Path

    from tests.factories import PARTNERS
    from tests.faults.helpers import write_jsonl

    folder = Path(str(tmp_path))
    code, _, err = cli("--store", f"{postgres_url}&sslmode=disable&application_name=chrono-test", "import", str(write_jsonl(folder / "p.jsonl", PARTNERS)))
    assert code == 0, err


def test_the_recorders_connection_pool_is_given_the_options() -> None:
    from chrono.store.postgres import ChronoPostgresFactory

    factory = ChronoPostgresFactory(postgres_env(f"{BASE}?sslmode=verify-full&sslrootcert=/etc/ca.pem"))
    try:
        kwargs = factory.datastore.pool.kwargs
        assert isinstance(kwargs, dict)
        assert (kwargs["sslmode"], kwargs["sslrootcert"], kwargs["host"]) == ("verify-full", "/etc/ca.pem", "127.0.0.1")
    finally:
        factory.close()
