"""The deployer with the `local` target: recorded steps, promotion, failures, the alias file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_fastpreview.bench.generate import write_app
from jupyter_fastpreview.deploy import (
    DeployConflict,
    Deployer,
    DeployError,
    DeploymentNotFound,
    LocalTarget,
)
from jupyter_fastpreview.store import Store

BROKEN_APP = "export default function App() {\n  return <main>;\n}\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.db")


@pytest.fixture
def local(tmp_path: Path) -> LocalTarget:
    return LocalTarget(tmp_path / "deployments", "/base/")


@pytest.fixture
def deployer(store: Store, local: LocalTarget) -> Iterator[Deployer]:
    deployer = Deployer(store, local)
    yield deployer
    deployer.close()


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_app(tmp_path / "apps" / "demo", 12)


def edit(app: Path, label: str) -> None:
    """Change what the app shows, so its bundle (and its hashed names) change."""
    path = app / "src" / "components" / "Leaf0.tsx"
    path.write_text(path.read_text().replace("leaf 0", label))


def published(local: LocalTarget, deployment_id: str) -> dict[str, bytes]:
    folder = local.root / deployment_id
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_a_deploy_publishes_every_file_and_records_it_live_and_promoted(
    deployer: Deployer, local: LocalTarget, store: Store, app: Path
) -> None:
    events: list[tuple[str, dict[str, Any]]] = []
    record = deployer.deploy(app, "demo", events=lambda slug, event: events.append((slug, event)))

    assert re.fullmatch(r"[0-9a-f]{32}", record.id)
    assert (record.status, record.target, record.promoted) == ("live", "local", True)
    assert record.url == f"/base/fastpreview/d/{record.id}/"
    files = published(local, record.id)
    assert sorted(files) == [entry["path"] for entry in record.files]
    assert {entry["path"]: entry["size"] for entry in record.files} == {
        path: len(data) for path, data in files.items()
    }
    assert record.size == sum(len(data) for data in files.values())
    assert "index.html" in files and any(path.endswith(".js.map") for path in files)
    assert record.ms is not None and record.ms > 0
    assert [path.name for path in local.root.iterdir() if path.name.startswith(".tmp")] == []
    assert store.deployment(record.id) == record

    assert {slug for slug, _ in events} == {"demo"}
    phases = [event["phase"] for _, event in events]
    assert phases[0] == "build" and phases[-2:] == ["promote", "done"]
    assert "publish" in phases
    percents = [event["percent"] for _, event in events]
    assert percents == sorted(percents) and percents[-1] == 100
    assert events[-1][1]["url"] == record.url
    assert events[-1][1]["alias_url"] == record.alias_url


def test_the_alias_follows_each_promoted_deploy_with_the_same_url(
    deployer: Deployer, local: LocalTarget, store: Store, app: Path
) -> None:
    first = deployer.deploy(app, "demo")
    edit(app, "second")
    second = deployer.deploy(app, "demo")
    assert second.alias_url == first.alias_url
    assert first.alias_url is not None
    token = first.alias_url.rstrip("/").rsplit("/", 1)[1]
    assert local.alias_deployment("demo", token) == second.id
    assert store.deployment(first.id).promoted is False  # type: ignore[union-attr]
    assert [r.id for r in deployer.deployments(app)] == [second.id, first.id]


def test_promote_false_keeps_the_alias_except_for_an_apps_first_deploy(
    deployer: Deployer, store: Store, app: Path
) -> None:
    first = deployer.deploy(app, "demo", promote=False)
    assert first.promoted is True  # nothing else could serve the alias
    edit(app, "second")
    second = deployer.deploy(app, "demo", promote=False)
    assert (second.status, second.promoted, second.alias_url) == ("live", False, None)
    assert store.promoted_deployment(first.app_id, "local") == store.deployment(first.id)


def test_a_build_error_fails_recorded_and_leaves_the_promoted_deployment(
    deployer: Deployer, local: LocalTarget, store: Store, app: Path
) -> None:
    good = deployer.deploy(app, "demo")
    (app / "src" / "App.tsx").write_text(BROKEN_APP)
    events: list[dict[str, Any]] = []
    with pytest.raises(DeployError, match=r"App\.tsx"):
        deployer.deploy(app, "demo", events=lambda slug, event: events.append(event))

    failed = next(r for r in deployer.deployments(app) if r.id != good.id)
    assert failed.status == "failed" and failed.promoted is False
    assert failed.error is not None and "App.tsx" in failed.error
    assert events[-1]["phase"] == "failed" and events[-1]["error"] == failed.error
    assert not (local.root / failed.id).exists()
    assert store.promoted_deployment(good.app_id, "local") == store.deployment(good.id)
    token = (good.alias_url or "").rstrip("/").rsplit("/", 1)[1]
    assert local.alias_deployment("demo", token) == good.id
    with pytest.raises(DeployConflict, match="failed, not live"):
        deployer.promote(failed.id)


def test_a_target_that_cannot_be_written_fails_the_deploy_cleanly(
    store: Store, tmp_path: Path, app: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    deployer = Deployer(store, LocalTarget(blocker / "deployments"))
    with pytest.raises(DeployError, match="local target: cannot write"):
        deployer.deploy(app, "demo")
    (failed,) = deployer.deployments(app)
    assert failed.status == "failed" and "cannot write" in (failed.error or "")
    deployer.close()


def test_promote_an_older_one_then_delete_hands_the_alias_over(
    deployer: Deployer, local: LocalTarget, store: Store, app: Path
) -> None:
    first = deployer.deploy(app, "demo")
    edit(app, "second")
    second = deployer.deploy(app, "demo")
    token = (first.alias_url or "").rstrip("/").rsplit("/", 1)[1]

    promoted = deployer.promote(first.id)
    assert promoted.promoted and promoted.alias_url == first.alias_url
    assert local.alias_deployment("demo", token) == first.id

    deployer.delete(first.id)  # the promoted one: the newest other live one takes over
    assert store.deployment(first.id) is None
    assert local.deployment_folder(first.id) is None
    assert local.alias_deployment("demo", token) == second.id
    assert store.deployment(second.id).promoted is True  # type: ignore[union-attr]

    deployer.delete(second.id)  # the last one: the alias stays valid but serves nothing
    assert local.alias_deployment("demo", token) == ""
    assert deployer.deployments(app) == []
    with pytest.raises(DeploymentNotFound):
        deployer.delete(second.id)


def test_bad_targets_options_and_names_are_refused_before_anything_is_recorded(
    deployer: Deployer, app: Path
) -> None:
    with pytest.raises(DeployError, match="unknown deploy target 'ftp'"):
        deployer.deploy(app, "demo", "ftp")
    with pytest.raises(DeployError, match="local target: takes no options"):
        deployer.deploy(app, "demo", "local", {"path": "/tmp"})
    with pytest.raises(DeployError, match="app name"):
        deployer.deploy(app, "../demo")
    with pytest.raises(DeployError, match="not a folder"):
        deployer.deploy(app / "missing", "demo")
    assert deployer.deployments(app) == []


def test_alias_and_deployment_lookups_refuse_anything_but_the_right_capability(
    deployer: Deployer, local: LocalTarget, app: Path
) -> None:
    record = deployer.deploy(app, "demo")
    token = (record.alias_url or "").rstrip("/").rsplit("/", 1)[1]
    assert local.deployment_folder(record.id) == local.root / record.id
    for wrong in ("..", ".aliases", record.id[:-1], record.id.upper(), f".tmp-{record.id}"):
        assert local.deployment_folder(wrong) is None
    assert local.alias_deployment("demo", token[:-1] + ("y" if token[-1] == "x" else "x")) is None
    assert local.alias_deployment("other", token) is None
    assert local.alias_deployment("../demo", token) is None
    alias_file = local.root / ".aliases" / "demo.json"
    assert alias_file.stat().st_mode & 0o077 == 0
