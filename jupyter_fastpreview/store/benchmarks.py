"""The `benchmark_runs` table: every benchmark's figures, so a later run can be compared."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any


@dataclass(frozen=True)
class BenchmarkRun:
    id: int
    app_id: int | None
    figures: dict[str, Any]
    """The report's `to_dict()`."""
    created_at: float


class BenchmarkTable:
    """Mixed into `Store`: the methods over the `benchmark_runs` table."""

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _connection(self) -> sqlite3.Connection: ...

    def record_benchmark(self, app_id: int | None, figures: dict[str, Any]) -> BenchmarkRun:
        now = time.time()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO benchmark_runs (app_id, figures, created_at) VALUES (?, ?, ?)",
                (app_id, json.dumps(figures), now),
            )
        assert cursor.lastrowid is not None
        return BenchmarkRun(cursor.lastrowid, app_id, figures, now)

    def benchmark_runs(self, app_id: int, limit: int = 20) -> list[BenchmarkRun]:
        """The app's runs, newest first."""
        rows = (
            self._connection()
            .execute(
                "SELECT * FROM benchmark_runs WHERE app_id = ?"
                " ORDER BY created_at DESC, id DESC LIMIT ?",
                (app_id, limit),
            )
            .fetchall()
        )
        return [
            BenchmarkRun(row["id"], row["app_id"], json.loads(row["figures"]), row["created_at"])
            for row in rows
        ]
