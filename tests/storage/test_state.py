"""Conversation state with e-tags, as botbuilder's Storage interface behaves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.database import Database
from storage.errors import EtagConflict
from storage.state import StateStore


@pytest.fixture
def store(db: Database) -> StateStore:
    """A state store on the test's database."""
    return StateStore(db)


async def test_reading_keys_never_written_gives_nothing(store: StateStore) -> None:
    assert await store.read(["nobody"]) == {}


async def test_written_state_reads_back_with_an_etag(store: StateStore) -> None:
    await store.write({"conv/1": {"step": "q1", "answers": {"q0": [1, 2.5, None, True]}}})

    found = await store.read(["conv/1", "conv/2"])

    assert list(found) == ["conv/1"]
    assert found["conv/1"]["answers"] == {"q0": [1, 2.5, None, True]}
    assert found["conv/1"]["step"] == "q1"
    assert len(found["conv/1"]["e_tag"]) == 32


async def test_every_write_makes_a_new_etag(store: StateStore) -> None:
    await store.write({"k": {"n": 1}})
    first = (await store.read(["k"]))["k"]
    await store.write({"k": {**first, "n": 2}})

    second = (await store.read(["k"]))["k"]

    assert second["n"] == 2
    assert second["e_tag"] != first["e_tag"]


async def test_writing_with_a_stale_etag_conflicts_and_keeps_the_newer_state(
    store: StateStore,
) -> None:
    await store.write({"k": {"n": 1}})
    read_by_both = (await store.read(["k"]))["k"]
    await store.write({"k": {**read_by_both, "n": 2}})

    with pytest.raises(EtagConflict):
        await store.write({"k": {**read_by_both, "n": 3}})

    assert (await store.read(["k"]))["k"]["n"] == 2


async def test_the_star_etag_overwrites_whatever_is_stored(store: StateStore) -> None:
    await store.write({"k": {"n": 1}})

    await store.write({"k": {"n": 2, "e_tag": "*"}})

    assert (await store.read(["k"]))["k"]["n"] == 2


async def test_writing_with_an_etag_after_a_delete_conflicts(store: StateStore) -> None:
    await store.write({"k": {"n": 1}})
    stale = (await store.read(["k"]))["k"]
    await store.delete(["k"])

    with pytest.raises(EtagConflict):
        await store.write({"k": stale})

    assert await store.read(["k"]) == {}


async def test_deleted_state_is_gone_and_missing_keys_are_ignored(store: StateStore) -> None:
    await store.write({"a": {"n": 1}, "b": {"n": 2}})

    await store.delete(["a", "never-written"])

    assert list(await store.read(["a", "b"])) == ["b"]


async def test_one_conflict_writes_none_of_the_changes(store: StateStore) -> None:
    await store.write({"a": {"n": 1}})
    stale = (await store.read(["a"]))["a"]
    await store.write({"a": {"n": 2}})

    with pytest.raises(EtagConflict):
        await store.write({"b": {"n": 1}, "a": {**stale, "n": 3}})

    assert await store.read(["b"]) == {}


async def test_state_that_is_not_plain_json_is_refused(store: StateStore) -> None:
    with pytest.raises(TypeError, match="datetime"):
        await store.write({"k": {"when": datetime.now(UTC)}})

    assert await store.read(["k"]) == {}
