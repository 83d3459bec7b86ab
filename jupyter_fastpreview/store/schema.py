"""The state store's schema, as an ordered list of migrations.

`PRAGMA user_version` records how many have run. A migration is only ever appended, never
edited: a database made by an older release upgrades by running the ones it has not seen.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: apps and their builds
    """
    CREATE TABLE apps (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        folder      TEXT NOT NULL UNIQUE,
        status      TEXT NOT NULL DEFAULT 'created'
                    CHECK (status IN ('created', 'building', 'ready', 'error')),
        last_error  TEXT,
        created_at  REAL NOT NULL,
        updated_at  REAL NOT NULL
    );
    CREATE TABLE builds (
        id          INTEGER PRIMARY KEY,
        app_id      INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        ms          REAL NOT NULL,
        ok          INTEGER NOT NULL,
        errors      TEXT NOT NULL DEFAULT '[]',
        sizes       TEXT NOT NULL DEFAULT '{}',
        created_at  REAL NOT NULL
    );
    CREATE INDEX builds_by_app ON builds (app_id, created_at);
    """,
    # 2: what deploys, git sync and benchmarks record
    """
    CREATE TABLE deployments (
        id          TEXT PRIMARY KEY,
        app_id      INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        target      TEXT NOT NULL,
        url         TEXT,
        status      TEXT NOT NULL CHECK (status IN ('building', 'publishing', 'live', 'failed')),
        promoted    INTEGER NOT NULL DEFAULT 0,
        ms          REAL,
        size        INTEGER,
        files       TEXT NOT NULL DEFAULT '[]',
        error       TEXT,
        created_at  REAL NOT NULL
    );
    CREATE INDEX deployments_by_app ON deployments (app_id, created_at);
    CREATE TABLE sync_jobs (
        id            INTEGER PRIMARY KEY,
        app_id        INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        remote        TEXT NOT NULL,
        branch        TEXT NOT NULL,
        status        TEXT NOT NULL
                      CHECK (status IN ('queued', 'running', 'done', 'failed')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_try_at   REAL NOT NULL,
        last_error    TEXT,
        commit_sha    TEXT,
        created_at    REAL NOT NULL,
        updated_at    REAL NOT NULL
    );
    CREATE INDEX sync_jobs_due ON sync_jobs (status, next_try_at);
    CREATE TABLE benchmark_runs (
        id          INTEGER PRIMARY KEY,
        app_id      INTEGER REFERENCES apps(id) ON DELETE CASCADE,
        figures     TEXT NOT NULL,
        created_at  REAL NOT NULL
    );
    """,
    # 3: what a deployment needs to be shown, promoted and deleted again later
    """
    ALTER TABLE deployments ADD COLUMN slug TEXT NOT NULL DEFAULT '';
    ALTER TABLE deployments ADD COLUMN location TEXT NOT NULL DEFAULT '';
    ALTER TABLE deployments ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE deployments ADD COLUMN alias_url TEXT;
    ALTER TABLE deployments ADD COLUMN updated_at REAL NOT NULL DEFAULT 0;
    CREATE UNIQUE INDEX deployments_promoted ON deployments (app_id, location)
        WHERE promoted = 1;
    """,
]
