"""The garbage collector is held off during batch work, and given back as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from chrono.collector import cycles_collected_after


@pytest.fixture
def collector_state() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_state")
def test_the_collector_is_off_inside_and_on_again_after() -> None:
    gc.enable()
    with cycles_collected_after():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_the_collector_comes_back_when_the_work_fails() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), cycles_collected_after():
        raise RuntimeError("cut short")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with cycles_collected_after():
        pass
    assert not gc.isenabled()
