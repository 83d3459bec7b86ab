"""`App`: what a notebook user touches. Files go straight to disk; the server sees them there.

app = App("hello", template="react-ts")
app.preview()                      # the running app in this cell
app.write("src/App.tsx", source)   # hot-updated in the preview
with app.batch():                  # many files, one update
    ...
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bundle import BundleError, ProductionBuild, build_production
from ..templates import TEMPLATES
from .files import AppFiles
from .link import ServerLink, server_store
from .remote import Deployment, SyncJob, follow_deploy

if TYPE_CHECKING:
    from ..bench.history import BenchmarkHistory
    from ..bench.report import BenchmarkReport


class App:
    def __init__(
        self,
        path_or_name: str | Path,
        template: str | None = "react-ts",
        *,
        link: ServerLink | None = None,
    ) -> None:
        """Open the app in a folder, creating it (and seeding `template`) if it has no files.

        A bare name (`"hello"`) is a folder of that name in the current directory, which in a
        notebook is the notebook's own folder.
        """
        folder = Path(path_or_name).expanduser()
        if template is not None and template not in TEMPLATES:
            raise ValueError(f"unknown template {template!r}; choose one of {sorted(TEMPLATES)}")
        self._files = AppFiles(folder)
        self._link = link
        self._server_app: dict[str, Any] | None = None
        self.folder.mkdir(parents=True, exist_ok=True)
        if template is not None and not self._files.list():
            self._files.write_many(TEMPLATES[template])

    @classmethod
    def open(cls, path_or_name: str | Path, *, link: ServerLink | None = None) -> App:
        """An existing app; unlike `App(...)`, never creates a folder."""
        folder = Path(path_or_name).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(f"no app folder at {folder.resolve()}")
        return cls(folder, template=None, link=link)

    @property
    def folder(self) -> Path:
        return self._files.folder

    @property
    def name(self) -> str:
        return self.folder.name

    def __repr__(self) -> str:
        return f"App({str(self.folder)!r})"

    # files

    def write(self, path: str, source: str | bytes) -> None:
        """Write one file (atomically); raises before writing if the path or content is refused."""
        self._files.write(path, source)

    def write_files(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write many files as one update (None deletes a file); all are checked first."""
        self._files.write_many(files)

    @contextmanager
    def batch(self) -> Iterator[App]:
        """Writes and deletes inside the block reach the preview as one update."""
        with self._files.batch():
            yield self

    def read(self, path: str) -> str:
        return self._files.read(path)

    def delete(self, path: str) -> None:
        self._files.delete(path)

    def files(self) -> list[str]:
        return self._files.list()

    # the server's view

    @property
    def link(self) -> ServerLink:
        if self._link is None:
            self._link = ServerLink.from_environment()
        return self._link

    def _register(self) -> dict[str, Any]:
        if self._server_app is None:
            relative = self.link.relative_to_root(self.folder)
            self._server_app = self.link.request("POST", "api/apps", {"path": relative})
        return self._server_app

    def _server_state(self) -> dict[str, Any]:
        """The server's view, checked against the files on disk now (so a write just made
        counts, even if the file watcher has not reported it yet)."""
        app_id = self._register()["id"]
        state: dict[str, Any] = self.link.request("POST", f"api/apps/{app_id}/check")
        return state

    @property
    def url(self) -> str:
        """The preview's address (it carries the app's capability token: share with care)."""
        return self.link.url + self._register()["preview_path"]

    @property
    def id(self) -> str:
        """The dev server's id for this app (registering it on first use)."""
        return str(self._register()["id"])

    @property
    def last_update(self) -> dict[str, Any] | None:
        """The last update an open preview applied: its paths and `latencyMs` (from the server
        sending it to the browser having applied it), or None."""
        app_id = self._register()["id"]
        last: dict[str, Any] | None = self.link.request("GET", f"api/apps/{app_id}")["last_applied"]
        return last

    @property
    def open_previews(self) -> int:
        """How many previews of the app are connected right now (notebook cells, tabs)."""
        app_id = self._register()["id"]
        return int(self.link.request("GET", f"api/apps/{app_id}")["sessions"])

    @property
    def status(self) -> str:
        """`ready` or `error` (see `errors`) for the files as they are now."""
        return str(self._server_state()["status"])

    def wait_for_status(self, status: str, timeout: float = 5.0) -> None:
        """Return once the app reports `status`: a runtime error reaches the server only once
        an open preview has run the new code, so a notebook waits for it with this."""
        deadline = time.monotonic() + timeout
        while (current := self.status) != status:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.name} is still {current!r} after {timeout}s: {self.errors}"
                )
            time.sleep(0.02)

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The app's build error (its files as they are now) and the preview's last runtime
        error, each with file, line and column."""
        return list(self._server_state().get("errors", []))

    def build(self) -> ProductionBuild:
        """A production bundle of the app (minified, content-hashed names), built right here
        and recorded in the state store; raises `BundleError` if the app does not build."""
        with server_store() as store:
            record = store.ensure_app(self.name, self.folder)
            try:
                result = build_production(self.folder)
            except BundleError as error:
                store.record_build(record.id, "production", 0, ok=False, errors=[str(error)])
                raise
            store.record_build(record.id, "production", result.ms, ok=True, sizes=result.sizes)
            return result

    # publishing

    def deploy(
        self,
        target: str = "local",
        *,
        promote: bool = True,
        timeout: float = 60.0,
        **options: Any,
    ) -> Deployment:
        """Publish a production build to `target` (`local`, `directory` with `path=...`, `s3`
        with `bucket=...` etc.) and return it once live; raises `DeployFailed`. A progress bar
        shows in the cell meanwhile. With `promote`, the app's alias URL serves it."""
        body = {"target": target, "options": options, "promote": promote}
        started = self.link.request("POST", f"api/apps/{self.id}/deployments", body)
        return follow_deploy(self.link, started, timeout)

    def deployments(self) -> list[Deployment]:
        """The app's deployments, newest first."""
        listed = self.link.request("GET", f"api/apps/{self.id}/deployments")
        return [Deployment.from_json(data, self.link) for data in listed]

    def sync(self, remote: str, branch: str = "main") -> SyncJob:
        """Commit the app's source files and push them to `remote` (a git URL or path; an
        HTTPS token comes from `FASTPREVIEW_GIT_TOKEN` or `GITHUB_TOKEN` in the server's
        environment) in the background; returns the queued job at once. Later deploys sync
        to the same remote and branch by themselves."""
        data = self.link.request(
            "POST", f"api/apps/{self.id}/sync", {"remote": remote, "branch": branch}
        )
        return SyncJob.from_json(data, self.link)

    def sync_status(self) -> SyncJob | None:
        """The app's latest sync job, or None if it was never synced."""
        jobs = self.link.request("GET", f"api/apps/{self.id}/sync")
        return SyncJob.from_json(jobs[0], self.link) if jobs else None

    # measuring

    def benchmark(self, runs: int = 5) -> BenchmarkReport:
        """Measure single-file compile, full bundle, incremental rebuild, HMR update and
        deploy on this app against the targets; shown as a table and a chart in a notebook,
        saved for `benchmarks()`. The HMR figure is end to end if a preview is open."""
        from ..bench.suite import run_suite

        return run_suite(self, runs)

    def benchmarks(self, limit: int = 20) -> BenchmarkHistory:
        """Earlier benchmark runs of this app, the latest compared with those before."""
        from ..bench.suite import history

        return history(self, limit)

    # the visual editor

    def edit(self, height: int = 640) -> Any:
        """The app's page in Puck's visual editor, in this cell; publishing writes `puck.json`
        and `src/PuckPage.tsx`, which reach every preview by HMR. Seeds the default component
        library and an empty page the first time."""
        from ..puck.defaults import library_files
        from ..puck.publish import PAGE_MODULE, page_files, read_page_data

        seeds = {path: text for path, text in library_files().items() if not self._exists(path)}
        if not self._exists(PAGE_MODULE):
            seeds.update(page_files(read_page_data(self.folder)))
        if seeds:
            self._files.write_many(seeds)
        widget = self.preview(height)
        widget.edit_mode = True
        return widget

    @property
    def page_data(self) -> dict[str, Any]:
        """The page's Puck data (`puck.json`), or an empty page."""
        from ..puck.publish import read_page_data

        return read_page_data(self.folder)

    @page_data.setter
    def page_data(self, data: dict[str, Any]) -> None:
        """Publish `data` as the page, like the editor's Publish button; raises
        `PuckConversionError` (naming where) and writes nothing if it cannot be a page."""
        from ..puck.publish import publish

        publish(self.folder, data)

    def _exists(self, path: str) -> bool:
        return (self.folder / path).is_file()

    def preview(self, height: int = 420) -> Any:
        """The running app in a notebook cell, hot-updated on every edit."""
        from ..widget import PreviewWidget

        registered = self._register()
        return PreviewWidget(app_name=self.name, src=registered["preview_path"], height=height)


def list_apps(link: ServerLink | None = None) -> list[dict[str, Any]]:
    """The apps the Jupyter server knows, with their status."""
    apps: list[dict[str, Any]] = (link or ServerLink.from_environment()).request("GET", "api/apps")
    return apps
