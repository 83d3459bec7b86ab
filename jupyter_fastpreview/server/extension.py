"""The server extension: owns the shared esbuild service and the dev server, mounts the handlers.

An `ExtensionApp` rather than a bare `_load_jupyter_server_extension` function, because only
extension apps get a shutdown hook (`stop_extension`), which we need to stop esbuild and the
file watchers. Watchers start when an app is registered (from a request, so on the server's
running loop), which is why nothing needs starting here.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir, jupyter_runtime_dir
from jupyter_server.extension.application import ExtensionApp
from tornado.ioloop import IOLoop
from traitlets import Bool, Dict, Integer, Unicode, default

from ..deploy import Deployer, LocalTarget
from ..deploy.handlers import DEPLOYER_SETTING
from ..deploy.serving import LOCAL_TARGET_SETTING
from ..devserver import DevServer
from ..esbuild import get_service
from ..gitsync import SyncQueue
from ..gitsync.handlers import SYNC_EVENT, SYNC_SETTING
from ..gitsync.repository import DEFAULT_AUTHOR
from ..kernel.link import ROOT_VAR, STORE_VAR, TOKEN_VAR, URL_VAR
from ..store import Store, default_path
from ..store.deployments import DeploymentRecord
from ..store.sync_jobs import SyncJobRecord
from . import events
from .handlers import DEVSERVER_SETTING, ESBUILD_SETTING, STORE_SETTING, handlers
from .recorder import StoreRecorder


class FastPreviewApp(ExtensionApp):
    """Jupyter server extension app for fastpreview (configurable as `c.FastPreviewApp`)."""

    name = "fastpreview"

    debounce_ms = Integer(
        2,
        config=True,
        help="Quiet time (ms) after a file change before the batch of changes is handled. "
        "Writes closer together than this become one HMR update; a change is seen one to two "
        "times this after it is written, so it adds directly to HMR latency.",
    )
    max_batch_ms = Integer(
        100,
        config=True,
        help="Longest time (ms) a steady stream of file changes is held back before handling.",
    )

    store_path = Unicode(
        config=True,
        help="The SQLite state store (apps, builds, deployments); kernels open the same file. "
        "Defaults to fastpreview/state.db in the Jupyter data directory.",
    )

    @default("store_path")
    def _default_store_path(self) -> str:
        return str(default_path())

    sync_state_dir = Unicode(
        config=True,
        help="Where git sync keeps each app's own bare repository (never in the app folder). "
        "Defaults to fastpreview/git in the Jupyter data directory.",
    )

    @default("sync_state_dir")
    def _default_sync_state_dir(self) -> str:
        return str(Path(jupyter_data_dir()) / "fastpreview" / "git")

    sync_author = Unicode(
        DEFAULT_AUTHOR,
        config=True,
        help="Author and committer of git sync commits, as `Name <email>`.",
    )

    deploy_dir = Unicode(
        config=True,
        help="Where `local` deployments are kept (served at {base_url}fastpreview/d/<id>/). "
        "Defaults to fastpreview/deployments in the Jupyter data directory.",
    )

    @default("deploy_dir")
    def _default_deploy_dir(self) -> str:
        return str(Path(jupyter_data_dir()) / "fastpreview" / "deployments")

    deploy_targets = Dict(
        config=True,
        help="Default options per deploy target, which a deploy's own options override, e.g. "
        "{'s3': {'bucket': 'previews', 'endpoint_url': 'https://...', 'public_url': '...'}}. "
        "Credentials come from boto3's usual chain, never from here.",
    )

    log_events = Bool(
        False,
        config=True,
        help="Log one line per build, HMR update, deploy and git sync (`fastpreview: event=...`, "
        "with its timing) at INFO, so the server's default log level shows them. Otherwise "
        "they are DEBUG lines, shown with --ServerApp.log_level=DEBUG.",
    )

    def initialize_settings(self) -> None:
        """Hand the handlers the services they use, through the web app's settings."""
        assert self.serverapp is not None, "initialize_settings runs once linked to a server"
        events.connect(self.serverapp.log, events_at_info=self.log_events)
        self.esbuild = get_service()
        self.store = Store(self.store_path)
        self.devserver = DevServer(
            Path(self.serverapp.root_dir),
            self.serverapp.base_url,
            self.esbuild,
            watch_quiet_ms=self.debounce_ms,
            watch_max_wait_ms=self.max_batch_ms,
            registry_file=registry_file(Path(self.serverapp.root_dir)),
            observer=StoreRecorder(self.store),
        )
        self.settings[ESBUILD_SETTING] = self.esbuild
        self.settings[DEVSERVER_SETTING] = self.devserver
        self.settings[STORE_SETTING] = self.store
        self.loop = IOLoop.current()
        self.sync = SyncQueue(
            self.store,
            Path(self.sync_state_dir),
            author=self.sync_author,
            on_change=self.show_sync_job,
        )
        self.sync.start()
        self.settings[SYNC_SETTING] = self.sync
        root = Path(self.serverapp.root_dir)
        local = LocalTarget(self.deploy_dir, self.serverapp.base_url, root_digest(root))
        self.deployer = Deployer(
            self.store,
            local,
            defaults=self.deploy_targets,
            esbuild=self.esbuild,
            on_live=self.sync_deployed_app,
        )
        self.settings[LOCAL_TARGET_SETTING] = local
        self.settings[DEPLOYER_SETTING] = self.deployer
        IOLoop.current().add_callback(self.export_link_for_kernels)

    def sync_deployed_app(self, deployment: DeploymentRecord) -> None:
        """After a deploy, push the app's sources where it was last synced (if ever)."""
        self.sync.after_deploy(deployment.app_id)

    def show_sync_job(self, job: SyncJobRecord) -> None:
        """A sync job's status move, to its app's open previews (from the sync thread)."""
        app = self.store.app(job.app_id)
        if app is not None:
            self.loop.add_callback(
                self.devserver.send_custom_to_folder,
                Path(app.folder),
                SYNC_EVENT,
                job.to_json(),
            )

    def export_link_for_kernels(self) -> None:
        """Put this server's address, token, root and store into the environment its kernels
        inherit, so the kernel-side `ServerLink` finds it. Runs once the loop runs: only then
        is the server's port final."""
        assert self.serverapp is not None
        os.environ[URL_VAR] = self.serverapp.connection_url
        os.environ[TOKEN_VAR] = self.serverapp.identity_provider.token or ""
        os.environ[ROOT_VAR] = str(Path(self.serverapp.root_dir).resolve())
        os.environ[STORE_VAR] = self.store_path

    def initialize_handlers(self) -> None:
        """Register the routes; `ExtensionApp` joins each one to the server's `base_url`."""
        self.handlers.extend(handlers())

    async def stop_extension(self) -> None:
        """Stop watchers and esbuild with the server, so no thread or process outlives it."""
        await self.devserver.close()
        self.deployer.close()
        self.esbuild.close()
        await IOLoop.current().run_in_executor(None, self.sync.stop)
        self.store.close()


def registry_file(root_dir: Path) -> Path:
    """Where this server root's apps and tokens are kept across restarts (one file per root,
    so two servers of one user never overwrite each other's apps)."""
    return Path(jupyter_runtime_dir()) / f"fastpreview-apps-{root_digest(root_dir)}.json"


def root_digest(root_dir: Path) -> str:
    """Short and stable per server root: app ids are unique only within one root."""
    return hashlib.sha1(str(root_dir.resolve()).encode()).hexdigest()[:12]
