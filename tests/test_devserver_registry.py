"""Apps and their capability tokens outlive a server restart, and only those still valid."""

from __future__ import annotations

import stat
from pathlib import Path

from jupyter_fastpreview.devserver.apps import AppRegistry


def make_root(tmp_path: Path) -> Path:
    for name in ("one", "two"):
        (tmp_path / "root" / name).mkdir(parents=True)
    return tmp_path / "root"


def test_a_restarted_registry_knows_the_same_apps_and_tokens(tmp_path: Path) -> None:
    root, state = make_root(tmp_path), tmp_path / "state" / "apps.json"
    before = AppRegistry(root, state)
    one, _ = before.register("one")
    two, _ = before.register("two")
    after = AppRegistry(root, state)
    assert [app.id for app in after] == [one.id, two.id]
    assert after.authorize(one.id, one.token) == one
    assert after.register("one") == (one, False)


def test_the_state_file_is_private(tmp_path: Path) -> None:
    root, state = make_root(tmp_path), tmp_path / "apps.json"
    AppRegistry(root, state).register("one")
    assert stat.S_IMODE(state.stat().st_mode) == 0o600


def test_removed_apps_and_vanished_folders_are_not_restored(tmp_path: Path) -> None:
    root, state = make_root(tmp_path), tmp_path / "apps.json"
    registry = AppRegistry(root, state)
    one, _ = registry.register("one")
    two, _ = registry.register("two")
    registry.remove(one.id)
    (root / "two").rmdir()
    assert list(AppRegistry(root, state)) == []


def test_a_damaged_state_file_starts_empty(tmp_path: Path) -> None:
    root, state = make_root(tmp_path), tmp_path / "apps.json"
    state.write_text("{not json")
    registry = AppRegistry(root, state)
    assert list(registry) == []
    registry.register("one")
    assert len(AppRegistry(root, state)) == 1


def test_without_a_state_file_nothing_is_written(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    AppRegistry(root).register("one")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]
