"""The state store: one SQLite file shared by the server and every kernel.

WAL lets readers run beside one writer, `busy_timeout` makes a second writer wait its turn
instead of failing, and each thread gets its own connection (sqlite3 connections must not be
shared across threads). Writes are short transactions, so processes never wait long.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_data_dir

from .benchmarks import BenchmarkTable
from .deployments import DeploymentTable
from .schema import MIGRATIONS
from .sync_jobs import SyncJobTable

APP_STATUSES = ("created", "building", "ready", "error")


def default_path() -> Path:
    return Path(jupyter_data_dir()) / "fastpreview" / "state.db"


class StoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class AppRecord:
    id: int
    name: str
    folder: str
    status: str
    last_error: str | None
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class BuildRecord:
    id: int
    app_id: int
    kind: str
    ms: float
    ok: bool
    errors: list[Any]
    sizes: dict[str, int]
    created_at: float


class Store(SyncJobTable, DeploymentTable, BenchmarkTable):
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._migrate()

    # connections and transactions

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA busy_timeout = 30000")
            connection.execute("PRAGMA synchronous = NORMAL")
            self._local.connection = connection
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock up front, so it never deadlocks midway."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"{self.path} has schema version {version}, newer than this release's "
                    f"{len(MIGRATIONS)}; upgrade jupyter_fastpreview"
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self._connection().execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # apps

    def ensure_app(self, name: str, folder: str | Path) -> AppRecord:
        """The app stored for `folder`, created on first sight."""
        now = time.time()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO apps (name, folder, created_at, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (folder) DO NOTHING",
                (name, str(folder), now, now),
            )
            row = db.execute("SELECT * FROM apps WHERE folder = ?", (str(folder),)).fetchone()
        return AppRecord(**row)

    def app(self, app_id: int) -> AppRecord | None:
        row = self._connection().execute("SELECT * FROM apps WHERE id = ?", (app_id,)).fetchone()
        return AppRecord(**row) if row else None

    def app_for_folder(self, folder: str | Path) -> AppRecord | None:
        row = (
            self._connection()
            .execute("SELECT * FROM apps WHERE folder = ?", (str(folder),))
            .fetchone()
        )
        return AppRecord(**row) if row else None

    def apps(self) -> list[AppRecord]:
        rows = self._connection().execute("SELECT * FROM apps ORDER BY name, id").fetchall()
        return [AppRecord(**row) for row in rows]

    def set_app_status(self, app_id: int, status: str, error: str | None = None) -> None:
        """Record a status move; an error's message stays until the app is `ready` again."""
        if status not in APP_STATUSES:
            raise ValueError(f"unknown app status {status!r}; expected one of {APP_STATUSES}")
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE apps SET status = ?, last_error = ?, updated_at = ? WHERE id = ?",
                (status, error if status == "error" else None, time.time(), app_id),
            )
            if cursor.rowcount == 0:
                raise StoreError(f"no app with id {app_id}")

    def delete_app(self, app_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM apps WHERE id = ?", (app_id,))

    # builds

    def record_build(
        self,
        app_id: int,
        kind: str,
        ms: float,
        ok: bool,
        errors: list[Any] | None = None,
        sizes: dict[str, int] | None = None,
    ) -> BuildRecord:
        now = time.time()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO builds (app_id, kind, ms, ok, errors, sizes, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (app_id, kind, ms, ok, json.dumps(errors or []), json.dumps(sizes or {}), now),
            )
            build_id = cursor.lastrowid
        assert build_id is not None
        return BuildRecord(build_id, app_id, kind, ms, ok, errors or [], sizes or {}, now)

    def builds(self, app_id: int, limit: int = 50) -> list[BuildRecord]:
        rows = (
            self._connection()
            .execute(
                "SELECT * FROM builds WHERE app_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                (app_id, limit),
            )
            .fetchall()
        )
        return [
            BuildRecord(
                id=row["id"],
                app_id=row["app_id"],
                kind=row["kind"],
                ms=row["ms"],
                ok=bool(row["ok"]),
                errors=json.loads(row["errors"]),
                sizes=json.loads(row["sizes"]),
                created_at=row["created_at"],
            )
            for row in rows
        ]


def _statements(script: str) -> list[str]:
    """Split a migration into statements: `executescript` would commit our transaction."""
    return [part.strip() for part in script.split(";") if part.strip()]
