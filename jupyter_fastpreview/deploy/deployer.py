"""Deploys: build the production bundle, publish it to a target, promote it, record each step.

    deployer = Deployer(store, LocalTarget(state_dir / "deployments"))
    record = deployer.deploy(folder, "counter", "s3", {"bucket": "previews"})
    record.url, record.alias_url, record.ms, record.size, record.files
    deployer.promote(older.id); deployer.delete(record.id)

Every method blocks (esbuild, disk, network): the server runs them on `executor`. A deploy is
recorded as `building` before anything happens and ends `live` or `failed` with the reason, so
a failure is on record even when nobody is waiting for it. The promoted deployment of an app
and location changes only after a new deployment is completely published, so a failed deploy
leaves the previous one serving. Each step is reported to `events(slug, event)` as it happens:

    {"deployment": id, "app": slug, "target": "s3", "phase": "build"|"publish"|"promote"|"done"
     |"failed", "percent": 0-100, "url": ..., "alias_url": ..., "error": ...}
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..bundle import BundleError, build_production
from ..esbuild import EsbuildService
from ..server.events import log_event
from ..store import Store
from ..store.deployments import DeploymentRecord
from .local import LocalTarget
from .target import DeployError, Target, check_slug, new_deployment_id
from .targets import make_target

log = logging.getLogger(__name__)

Events = Callable[[str, dict[str, Any]], None]
"""`(app slug, event)`; called from the deploying thread."""
TargetFactory = Callable[[str, Mapping[str, Any]], Target]

_BUILD_PERCENT = 0
_PUBLISH_PERCENT = (40, 90)
_PROMOTE_PERCENT = 95
_RUNNING = ("building", "publishing")
_LOGGED_ERROR_CHARS = 300
_PHASE_OF_STATUS = {
    "building": "build",
    "publishing": "publish",
    "live": "done",
    "failed": "failed",
}


class DeploymentNotFound(DeployError):
    """No deployment has this id (any more: it may have been deleted)."""


class DeployConflict(DeployError):
    """The deployment is not in a state that allows this (still running, or failed)."""


@dataclass(frozen=True)
class DeployJob:
    """A deploy that is recorded and about to run."""

    record: DeploymentRecord
    folder: Path
    target: Target
    promote: bool
    events: Events | None


class Deployer:
    def __init__(
        self,
        store: Store,
        local: LocalTarget,
        *,
        defaults: Mapping[str, Mapping[str, Any]] | None = None,
        esbuild: EsbuildService | None = None,
        targets: TargetFactory | None = None,
        workers: int = 2,
        on_live: Callable[[DeploymentRecord], None] | None = None,
    ) -> None:
        """`defaults`: options per target name that a deploy's own options override (e.g. the
        server's S3 bucket). `targets` makes a target from name and options. `on_live` is
        told of each deployment that went live (the server queues a git sync there)."""
        self.store = store
        self.local = local
        self.defaults = {name: dict(options) for name, options in (defaults or {}).items()}
        self.esbuild = esbuild
        self.targets = targets or partial(make_target, local=local)
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="fastpreview-deploy")
        self.on_live = on_live
        self._progress: dict[str, dict[str, Any]] = {}

    # deploying

    def deploy(
        self,
        folder: str | Path,
        slug: str,
        target: str = "local",
        options: Mapping[str, Any] | None = None,
        *,
        promote: bool = True,
        events: Events | None = None,
    ) -> DeploymentRecord:
        """Deploy the app in `folder` now; raises `DeployError` (recorded) if it fails."""
        return self.run(self.start(folder, slug, target, options, promote=promote, events=events))

    def start(
        self,
        folder: str | Path,
        slug: str,
        target: str = "local",
        options: Mapping[str, Any] | None = None,
        *,
        promote: bool = True,
        events: Events | None = None,
    ) -> DeployJob:
        """Check the target and its options and record the deploy as `building`; cheap, so
        a caller can answer with the deployment's id before `run` does the work.
        Raises `DeployError` for a bad slug, target or option (nothing is recorded)."""
        folder = Path(folder).resolve()
        if not folder.is_dir():
            raise DeployError(f"{folder} is not a folder: nothing to deploy")
        check_slug(slug)
        merged = {**self.defaults.get(target, {}), **(options or {})}
        made = self.targets(target, merged)
        app = self.store.ensure_app(folder.name, folder)
        record = self.store.add_deployment(
            new_deployment_id(), app.id, slug, target, made.location, merged
        )
        return DeployJob(record, folder, made, promote, events)

    def run(self, job: DeployJob) -> DeploymentRecord:
        """Build, publish and (maybe) promote; the record ends `live` or `failed`."""
        started = time.perf_counter()
        try:
            live = self._run(job, started)
        except (BundleError, DeployError) as error:
            self._fail(job, str(error), started)
            raise DeployError(str(error)) from error
        except Exception as error:
            self._fail(job, f"internal error: {type(error).__name__}: {error}", started)
            raise
        finally:
            self._progress.pop(job.record.id, None)
        _log_deploy(job.record, "ok", live.ms, size=live.size)
        return live

    def _run(self, job: DeployJob, started: float) -> DeploymentRecord:
        record, target = job.record, job.target
        self._emit(job, "build", _BUILD_PERCENT)
        build = build_production(job.folder, self.esbuild)
        self.store.set_deployment_status(record.id, "publishing")
        self._emit(job, "publish", _PUBLISH_PERCENT[0])
        url = target.publish(record.id, record.slug, build.files, self._publish_progress(job))
        alias_url = None
        if job.promote or self.store.promoted_deployment(record.app_id, record.location) is None:
            self._emit(job, "promote", _PROMOTE_PERCENT, url=url)
            alias_url = target.promote(record.slug, record.id)
        ms = (time.perf_counter() - started) * 1000
        live = self.store.finish_deployment(record.id, url, ms, build.sizes, alias_url)
        self._emit(job, "done", 100, url=url, alias_url=live.alias_url)
        if self.on_live is not None:
            self._tell_live(live)
        return live

    def _tell_live(self, live: DeploymentRecord) -> None:
        """What follows a deploy must not turn it into a failure: it is live already."""
        assert self.on_live is not None
        try:
            self.on_live(live)
        except Exception:
            log.exception("after deployment %s went live", live.id)

    def _publish_progress(self, job: DeployJob) -> Callable[[float], None]:
        """Report publishing as it goes, once per whole percent."""
        low, high = _PUBLISH_PERCENT
        last = [low]

        def report(fraction: float) -> None:
            percent = low + int((high - low) * min(max(fraction, 0.0), 1.0))
            if percent > last[0]:
                last[0] = percent
                self._emit(job, "publish", percent)

        return report

    def _fail(self, job: DeployJob, error: str, started: float) -> None:
        ms = (time.perf_counter() - started) * 1000
        self.store.fail_deployment(job.record.id, error, ms)
        _log_deploy(job.record, "error", ms, error=error[:_LOGGED_ERROR_CHARS])
        percent = self._progress.get(job.record.id, {}).get("percent", 0)
        self._emit(job, "failed", percent, error=error)

    def _emit(self, job: DeployJob, phase: str, percent: int, **extra: Any) -> None:
        record = job.record
        event = {
            "deployment": record.id,
            "app": record.slug,
            "target": record.target,
            "phase": phase,
            "percent": percent,
            **extra,
        }
        self._progress[record.id] = event
        if job.events:
            job.events(record.slug, event)

    def in_flight(self) -> list[dict[str, Any]]:
        """The latest progress event of each deploy running now (safe from any thread: the
        deploying threads change the dict, and a dict copy is atomic)."""
        return list(self._progress.copy().values())

    # managing deployments

    def promote(self, deployment_id: str) -> DeploymentRecord:
        """Make a live deployment the one its app's alias serves."""
        record = self._get(deployment_id)
        if record.status != "live":
            raise DeployConflict(f"deployment {deployment_id} is {record.status}, not live")
        alias_url = self._target(record).promote(record.slug, record.id)
        return self.store.promote_deployment(record.id, alias_url)

    def delete(self, deployment_id: str) -> None:
        """Remove a deployment. If it is the promoted one, the newest other live deployment
        takes over the alias, or the alias serves nothing when there is none."""
        record = self._get(deployment_id)
        if record.status in _RUNNING:
            raise DeployConflict(f"deployment {deployment_id} is still {record.status}")
        target = self._target(record)
        if record.promoted:
            self._hand_over_alias(record, target)
        try:
            target.delete(record.slug, record.id)
        except DeployError:
            if record.status == "live":
                raise
            # a failed deployment's leftovers are unreachable anyway: forget it regardless
        self.store.delete_deployment(record.id)

    def _hand_over_alias(self, record: DeploymentRecord, target: Target) -> None:
        successor = self.store.latest_live_deployment(record.app_id, record.location, record.id)
        if successor is None:
            target.unpromote(record.slug)
            self.store.unpromote_deployment(record.id)
            return
        alias_url = target.promote(successor.slug, successor.id)
        self.store.promote_deployment(successor.id, alias_url)

    # reading

    def deployment(self, deployment_id: str) -> DeploymentRecord | None:
        return self.store.deployment(deployment_id)

    def deployments(self, folder: str | Path) -> list[DeploymentRecord]:
        """The deployments of the app in `folder`, newest first."""
        app = self.store.app_for_folder(Path(folder).resolve())
        return self.store.deployments(app.id) if app else []

    def describe(self, record: DeploymentRecord) -> dict[str, Any]:
        """The record as JSON, with the phase and percent of a deploy still running (a
        finished one says `done` or `failed`, and 100)."""
        progress = self._progress.get(record.id) or {
            "phase": _PHASE_OF_STATUS[record.status],
            "percent": 100 if record.status in ("live", "failed") else 0,
        }
        return {**record.to_json(), "phase": progress["phase"], "percent": progress["percent"]}

    def close(self) -> None:
        """Start no more deploys; one already running finishes in its thread."""
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _get(self, deployment_id: str) -> DeploymentRecord:
        record = self.store.deployment(deployment_id)
        if record is None:
            raise DeploymentNotFound(f"no deployment {deployment_id!r}")
        return record

    def _target(self, record: DeploymentRecord) -> Target:
        return self.targets(record.target, record.options)


def _log_deploy(record: DeploymentRecord, status: str, ms: float | None, **extra: Any) -> None:
    """The deploy's log line; a failure is a warning, seen at the server's default level."""
    level = logging.WARNING if status == "error" else None
    log_event(
        "deploy",
        level=level,
        app=record.slug,
        target=record.target,
        deployment=record.id,
        status=status,
        **extra,
        ms=ms,
    )
