"""Spies on chrono's context managers: how many times one was entered (the real one still runs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


def spied(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Replace ``owner.name``, a context manager function, by one that notes each call and runs it; the notes."""
    calls: list[int] = []
    real = getattr(owner, name)

    @contextmanager
    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        calls.append(1)
        with real(*args, **kwargs) as value:
            yield value

    monkeypatch.setattr(owner, name, counted)
    return calls
