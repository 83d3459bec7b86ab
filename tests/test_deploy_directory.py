"""The `directory` target: one folder per deployment, a `current` symlink switched last."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_fastpreview.bench.generate import write_app
from jupyter_fastpreview.deploy import Deployer, DeployError, LocalTarget
from jupyter_fastpreview.store import Store

BROKEN_APP = "export default function App() {\n  return <main>;\n}\n"


@pytest.fixture
def deployer(tmp_path: Path) -> Iterator[Deployer]:
    deployer = Deployer(Store(tmp_path / "state.db"), LocalTarget(tmp_path / "local"))
    yield deployer
    deployer.close()


@pytest.fixture
def docroot(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()
    return root


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_app(tmp_path / "apps" / "demo", 12)


def edit(app: Path, label: str) -> None:
    path = app / "src" / "components" / "Leaf0.tsx"
    path.write_text(path.read_text().replace("leaf 0", label))


def test_a_deployment_is_a_complete_folder_and_current_points_at_it(
    deployer: Deployer, docroot: Path, app: Path
) -> None:
    record = deployer.deploy(app, "demo", "directory", {"path": str(docroot)})
    folder = docroot / "demo" / record.id
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert on_disk == [entry["path"] for entry in record.files]
    assert record.url == (folder / "index.html").as_uri()
    assert record.alias_url == (docroot / "demo" / "current" / "index.html").as_uri()
    assert os.readlink(docroot / "demo" / "current") == record.id  # relative: the tree moves
    assert record.location == f"directory:{docroot.resolve()}"
    assert {path.name for path in (docroot / "demo").iterdir()} == {"current", record.id}


def test_a_new_deploy_switches_current_and_keeps_the_old_folder(
    deployer: Deployer, docroot: Path, app: Path
) -> None:
    options = {"path": str(docroot), "public_url": "https://cdn.example/apps/"}
    first = deployer.deploy(app, "demo", "directory", options)
    edit(app, "second")
    second = deployer.deploy(app, "demo", "directory", options)
    assert second.url == f"https://cdn.example/apps/demo/{second.id}/"
    assert second.alias_url == "https://cdn.example/apps/demo/current/"
    assert os.readlink(docroot / "demo" / "current") == second.id
    served = (docroot / "demo" / "current" / "index.html").read_bytes()
    assert served == (docroot / "demo" / second.id / "index.html").read_bytes()
    assert (docroot / "demo" / first.id / "index.html").is_file()
    assert not [p for p in (docroot / "demo").iterdir() if p.name.startswith(".")]


def test_a_failed_build_leaves_current_alone(deployer: Deployer, docroot: Path, app: Path) -> None:
    good = deployer.deploy(app, "demo", "directory", {"path": str(docroot)})
    (app / "src" / "App.tsx").write_text(BROKEN_APP)
    with pytest.raises(DeployError, match=r"App\.tsx"):
        deployer.deploy(app, "demo", "directory", {"path": str(docroot)})
    assert os.readlink(docroot / "demo" / "current") == good.id
    assert {path.name for path in (docroot / "demo").iterdir()} == {"current", good.id}


def test_a_missing_folder_is_a_clear_recorded_failure(
    deployer: Deployer, tmp_path: Path, app: Path
) -> None:
    missing = tmp_path / "not-mounted"
    with pytest.raises(DeployError, match="does not exist"):
        deployer.deploy(app, "demo", "directory", {"path": str(missing)})
    (failed,) = deployer.deployments(app)
    assert failed.status == "failed" and str(missing) in (failed.error or "")
    assert not missing.exists()


def test_deleting_the_current_deployment_hands_current_over_then_removes_it(
    deployer: Deployer, docroot: Path, app: Path
) -> None:
    options = {"path": str(docroot)}
    first = deployer.deploy(app, "demo", "directory", options)
    edit(app, "second")
    second = deployer.deploy(app, "demo", "directory", options)
    deployer.delete(second.id)
    assert os.readlink(docroot / "demo" / "current") == first.id
    assert not (docroot / "demo" / second.id).exists()
    deployer.delete(first.id)
    assert list((docroot / "demo").iterdir()) == []


def test_options_are_checked_by_name_and_type(deployer: Deployer, app: Path) -> None:
    with pytest.raises(DeployError, match="option\\(s\\) path required"):
        deployer.deploy(app, "demo", "directory", {})
    with pytest.raises(DeployError, match="unknown option\\(s\\) pth; known: path, public_url"):
        deployer.deploy(app, "demo", "directory", {"pth": "/srv"})
    with pytest.raises(DeployError, match="option path must be str"):
        deployer.deploy(app, "demo", "directory", {"path": 3})
    assert deployer.deployments(app) == []


def test_server_defaults_are_overridden_by_a_deploys_options(
    tmp_path: Path, docroot: Path, app: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    deployer = Deployer(
        Store(tmp_path / "state.db"),
        LocalTarget(tmp_path / "local"),
        defaults={"directory": {"path": str(other), "public_url": "https://x.example/"}},
    )
    record = deployer.deploy(app, "demo", "directory", {"path": str(docroot)})
    assert record.options == {"path": str(docroot), "public_url": "https://x.example/"}
    assert (docroot / "demo" / record.id).is_dir() and not list(other.iterdir())
    deployer.close()
