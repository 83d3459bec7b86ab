"""Apps, builds, deployments, sync jobs and benchmark runs, in one embedded SQLite database."""

from .database import AppRecord, BuildRecord, Store, StoreError, default_path

__all__ = ["AppRecord", "BuildRecord", "Store", "StoreError", "default_path"]
