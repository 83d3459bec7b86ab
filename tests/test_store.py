"""The state store: schema migrations, status moves, and several processes at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from jupyter_fastpreview.store import Store, StoreError
from jupyter_fastpreview.store.schema import MIGRATIONS


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.db")


def test_new_database_has_the_latest_schema_in_wal_mode(store: Store) -> None:
    assert store.schema_version == len(MIGRATIONS)
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"apps", "builds", "deployments", "sync_jobs", "benchmark_runs"} <= tables


def test_an_older_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("INSERT INTO apps (name, folder, created_at, updated_at) VALUES ('old', '/x', 1, 1)")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()

    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert [app.name for app in store.apps()] == ["old"]


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this release"):
        Store(path)


def test_ensure_app_is_idempotent_per_folder(store: Store) -> None:
    first = store.ensure_app("demo", "/apps/demo")
    again = store.ensure_app("demo", "/apps/demo")
    assert first.id == again.id
    assert first.status == "created"
    assert store.app_for_folder("/apps/demo") == first


def test_status_moves_keep_the_error_until_ready(store: Store) -> None:
    app = store.ensure_app("demo", "/apps/demo")
    store.set_app_status(app.id, "building")
    store.set_app_status(app.id, "error", "src/App.tsx:3:4: Unexpected }")
    failed = store.app(app.id)
    assert failed is not None
    assert (failed.status, failed.last_error) == ("error", "src/App.tsx:3:4: Unexpected }")
    store.set_app_status(app.id, "ready")
    fixed = store.app(app.id)
    assert fixed is not None
    assert (fixed.status, fixed.last_error) == ("ready", None)


def test_unknown_status_and_app_are_refused(store: Store) -> None:
    app = store.ensure_app("demo", "/apps/demo")
    with pytest.raises(ValueError, match="unknown app status"):
        store.set_app_status(app.id, "sleeping")
    with pytest.raises(StoreError, match="no app"):
        store.set_app_status(app.id + 100, "ready")


def test_builds_are_recorded_newest_first_and_deleted_with_their_app(store: Store) -> None:
    app = store.ensure_app("demo", "/apps/demo")
    store.record_build(app.id, "dev", 12.5, True, sizes={"main.js": 100})
    store.record_build(app.id, "production", 80.0, False, errors=[{"text": "boom"}])
    builds = store.builds(app.id)
    assert [(b.kind, b.ok) for b in builds] == [("production", False), ("dev", True)]
    assert builds[0].errors == [{"text": "boom"}]
    assert builds[1].sizes == {"main.js": 100}
    store.delete_app(app.id)
    assert store.builds(app.id) == []


def test_a_build_for_a_missing_app_is_refused(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.record_build(999, "dev", 1.0, True)


def _write_builds(path: str, app_id: int, count: int) -> None:
    store = Store(path)
    for i in range(count):
        store.record_build(app_id, "dev", float(i), True)
        store.set_app_status(app_id, "ready" if i % 2 else "building")


def test_two_processes_write_at_once_and_nothing_is_lost(store: Store) -> None:
    app = store.ensure_app("demo", "/apps/demo")
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_write_builds, args=(str(store.path), app.id, 200)) for _ in range(2)
    ]
    for writer in writers:
        writer.start()
    _write_builds(str(store.path), app.id, 200)
    for writer in writers:
        writer.join(timeout=60)
        assert writer.exitcode == 0
    assert len(store.builds(app.id, limit=1000)) == 600


def test_a_deployment_goes_live_and_promoted_in_one_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client polling for `live` must find the alias too; a promotion that fails leaves the
    deployment as it was, not live without its alias."""
    app = store.ensure_app("site", Path("/apps/site"))
    for deployment_id in ("first", "second", "third"):
        store.add_deployment(deployment_id, app.id, "site", "local", "here", {})
    store.finish_deployment("first", "/d/first/", 10.0, {"index.html": 5}, "/a/site/")

    second = store.finish_deployment("second", "/d/second/", 12.0, {"index.html": 7}, "/a/site/")
    assert (second.status, second.promoted, second.alias_url, second.size) == (
        "live",
        True,
        "/a/site/",
        7,
    )
    first = store.deployment("first")
    assert first is not None and (first.promoted, first.alias_url) == (False, None)

    def refuse(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "_promote", staticmethod(refuse))
    with pytest.raises(sqlite3.OperationalError):
        store.finish_deployment("third", "/d/third/", 9.0, {"index.html": 3}, "/a/site/")
    third = store.deployment("third")
    assert third is not None and (third.status, third.url) == ("building", None)
    promoted = store.promoted_deployment(app.id, "here")
    assert promoted is not None and promoted.id == "second"
