"""The `s3` target: deployments uploaded to any S3-compatible store (AWS S3, R2, MinIO).

    <prefix>/<app>/<deployment-id>/index.html, assets/...
    <prefix>/<app>/index.html      the alias: the promoted index.html, asset URLs into its folder
    <prefix>/<app>/alias.json      {"deployment", "url", "promoted_at"}, written last

Assets are uploaded in parallel, the deployment's `index.html` only after all of them, and the
alias after that, so no page is ever served that names a missing asset. Credentials come from
boto3's usual chain (environment, shared files, `profile`, instance role), never from options,
so none is stored in the state store or shown in an error.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)
from botocore.exceptions import ConnectionError as ConnectError

from .files import NO_CACHE, cache_control, content_type
from .target import DeployError, Progress, check_slug

INDEX = "index.html"
ALIAS_MANIFEST = "alias.json"
_DENIED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"}
_ASSET_REFERENCE = re.compile(r"""(\b(?:src|href)=["'])\./""")
_DELETE_BATCH = 1000


class Unreachable(DeployError):
    """The store did not answer (connection refused, timed out, or broken off)."""


@dataclass(frozen=True)
class S3Options:
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    """For stores other than AWS S3 (`https://<account>.r2.cloudflarestorage.com`, MinIO)."""
    region: str | None = None
    public_url: str | None = None
    """The URL the bucket (and prefix 'root') is served at, e.g. a CDN in front of it."""
    profile: str | None = None
    """A profile of the shared AWS config files; credentials themselves are never options."""
    addressing_style: str | None = None
    """`path` or `virtual`; default: `path` with an `endpoint_url`, else boto3's choice."""
    max_workers: int = 8
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    max_attempts: int = 3


class S3Target:
    name = "s3"

    def __init__(self, options: S3Options) -> None:
        if options.addressing_style not in (None, "auto", "path", "virtual"):
            raise DeployError("s3 target: option addressing_style must be path or virtual")
        if options.max_workers < 1 or options.max_attempts < 1:
            raise DeployError("s3 target: options max_workers and max_attempts must be >= 1")
        self.options = options
        self.prefix = options.prefix.strip("/")
        endpoint = options.endpoint_url or "aws"
        self.location = f"s3:{endpoint}/{options.bucket}/{self.prefix}"
        self._client: Any = None
        self._client_lock = threading.Lock()

    @property
    def client(self) -> Any:
        """Made on first use, off the event loop (it reads credentials and config files)."""
        with self._client_lock:
            if self._client is None:
                self._client = self._make_client()
            return self._client

    def _make_client(self) -> Any:
        options = self.options
        style = options.addressing_style or ("path" if options.endpoint_url else None)
        config = Config(
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            retries={"total_max_attempts": options.max_attempts, "mode": "standard"},
            max_pool_connections=max(options.max_workers, 10),
            s3={"addressing_style": style} if style else None,
        )
        with self._guard("cannot configure the client"):
            session = boto3.session.Session(
                profile_name=options.profile, region_name=options.region
            )
            return session.client("s3", endpoint_url=options.endpoint_url, config=config)

    # publishing

    def publish(
        self, deployment_id: str, slug: str, files: Mapping[str, bytes], progress: Progress
    ) -> str:
        folder = self.key(check_slug(slug), deployment_id)
        assets = {path: data for path, data in files.items() if path != INDEX}
        sent = _Sent(sum(len(data) for data in files.values()), progress)
        try:
            self._upload_all(folder, assets, sent)
            if INDEX in files:
                self._put(f"{folder}/{INDEX}", files[INDEX], INDEX)
                sent.add(len(files[INDEX]))
        except Unreachable:
            raise  # nothing to clean up with, and no index.html: it is never served
        except DeployError:
            self._delete_prefix_quietly(folder + "/")
            raise
        return self.url(f"{folder}/{INDEX}")

    def promote(self, slug: str, deployment_id: str) -> str:
        """Copy the deployment's page to the alias, its asset URLs pointing into the
        deployment's folder, then the manifest that says which deployment is promoted."""
        app = self.key(check_slug(slug))
        folder = self.key(slug, deployment_id)
        with self._guard(f"cannot read {folder}/{INDEX}"):
            page = self.client.get_object(Bucket=self.options.bucket, Key=f"{folder}/{INDEX}")
            html = page["Body"].read().decode()
        alias_page = _ASSET_REFERENCE.sub(rf"\g<1>./{deployment_id}/", html)
        self._put(f"{app}/{INDEX}", alias_page.encode(), INDEX)
        manifest = {
            "deployment": deployment_id,
            "url": self.url(f"{folder}/{INDEX}"),
            "promoted_at": time.time(),
        }
        self._put(f"{app}/{ALIAS_MANIFEST}", json.dumps(manifest).encode(), ALIAS_MANIFEST)
        return self.url(f"{app}/{INDEX}")

    def unpromote(self, slug: str) -> None:
        app = self.key(check_slug(slug))
        self._delete_keys([f"{app}/{ALIAS_MANIFEST}", f"{app}/{INDEX}"])

    def delete(self, slug: str, deployment_id: str) -> None:
        folder = self.key(check_slug(slug), deployment_id)
        self._delete_keys(list(self._keys_under(folder + "/")))

    # keys and URLs

    def key(self, *parts: str) -> str:
        return "/".join(part for part in (self.prefix, *parts) if part)

    def url(self, key: str) -> str:
        return f"{self._base_url()}/{quote(key)}"

    def _base_url(self) -> str:
        options = self.options
        if options.public_url:
            return options.public_url.rstrip("/")
        if options.endpoint_url:
            return f"{options.endpoint_url.rstrip('/')}/{options.bucket}"
        region = options.region or self.client.meta.region_name or "us-east-1"
        return f"https://{options.bucket}.s3.{region}.amazonaws.com"

    # requests

    def _upload_all(self, folder: str, files: Mapping[str, bytes], sent: _Sent) -> None:
        """Upload in parallel; at the first failure, start nothing more and raise it."""
        if not files:
            return
        workers = min(self.options.max_workers, len(files))
        with ThreadPoolExecutor(workers, thread_name_prefix="fastpreview-s3") as pool:
            futures = {
                pool.submit(self._put, f"{folder}/{path}", data, path): len(data)
                for path, data in files.items()
            }
            for future in _completed_or_first_failure(futures):
                sent.add(futures[future])

    def _put(self, key: str, data: bytes, path: str) -> None:
        with self._guard(f"cannot upload {key}"):
            self.client.put_object(
                Bucket=self.options.bucket,
                Key=key,
                Body=data,
                ContentType=content_type(path),
                CacheControl=NO_CACHE if path == ALIAS_MANIFEST else cache_control(path),
            )

    def _keys_under(self, prefix: str) -> Iterator[str]:
        with self._guard(f"cannot list {prefix}"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.options.bucket, Prefix=prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"]

    def _delete_keys(self, keys: list[str]) -> None:
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + _DELETE_BATCH]]
            with self._guard("cannot delete objects"):
                answer = self.client.delete_objects(
                    Bucket=self.options.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise self._error(f"cannot delete {first.get('Key')}: {first.get('Code')}")

    def _delete_prefix_quietly(self, prefix: str) -> None:
        """Clean up a half upload where we can: it is never served either way (no index)."""
        with suppress(DeployError):
            self._delete_keys(list(self._keys_under(prefix)))

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn botocore's exceptions inside the block into a `DeployError` saying `what`."""
        try:
            yield
        except (ConnectError, HTTPClientError) as error:
            raise self._error(f"{what}: {self._explain(error)}", Unreachable) from None
        except (BotoCoreError, ClientError) as error:
            raise self._error(f"{what}: {self._explain(error)}") from None

    def _error(self, reason: str, kind: type[DeployError] = DeployError) -> DeployError:
        return kind(f"s3 target (bucket {self.options.bucket!r}): {reason}")

    def _explain(self, error: Exception) -> str:
        """What went wrong, in words that name the fix; botocore's text only as detail."""
        options = self.options
        if isinstance(error, (ConnectError, HTTPClientError)):
            endpoint = options.endpoint_url or "AWS S3"
            return f"cannot reach {endpoint} ({type(error).__name__})"
        if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
            return (
                "no usable credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "a profile, or an instance role"
            )
        if isinstance(error, ProfileNotFound):
            return f"no profile {options.profile!r} in the AWS config files"
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "")
            if code in _DENIED or code == "403":
                return f"access denied ({code}): check the credentials and the bucket's policy"
            if code == "NoSuchBucket":
                return f"bucket {options.bucket!r} does not exist"
            return f"{code}: {message}" if message else code
        return f"{type(error).__name__}: {error}"


class _Sent:
    """Bytes uploaded so far, reported as a fraction of all."""

    def __init__(self, total: int, progress: Progress) -> None:
        self.total = total or 1
        self.progress = progress
        self.sent = 0

    def add(self, sent: int) -> None:
        self.sent += sent
        self.progress(self.sent / self.total)


def _completed_or_first_failure(futures: Mapping[Any, int]) -> Iterator[Any]:
    """Each finished upload in turn; on the first failure, cancel what has not started."""
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_EXCEPTION)
        for future in done:
            error = future.exception()
            if error is not None:
                for waiting in pending:
                    waiting.cancel()
                raise error
            yield future
