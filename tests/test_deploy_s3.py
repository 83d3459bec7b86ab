"""The `s3` target against a real S3 protocol server (moto's, on 127.0.0.1), over HTTP."""

from __future__ import annotations

import itertools
import json
import secrets
import socket
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import boto3
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError
from moto import settings as moto_settings
from moto.server import ThreadedMotoServer

from jupyter_fastpreview.bench.generate import write_app
from jupyter_fastpreview.deploy import (
    Deployer,
    DeployError,
    LocalTarget,
    S3Target,
    Target,
    make_target,
)
from jupyter_fastpreview.store import Store

SECRET = "fastpreview-test-secret-never-shown"
PREFIX = "previews"
IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".json": "application/json",
}


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """boto3's chain finds these in the environment, and nothing of the machine's own."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFASTPREVIEWTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def s3(s3_server: str, credentials: None) -> Any:
    return boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"fp-{secrets.token_hex(6)}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def options(s3_server: str, bucket: str) -> dict[str, Any]:
    return {"bucket": bucket, "endpoint_url": s3_server, "prefix": PREFIX, "max_attempts": 1}


@pytest.fixture
def local(tmp_path: Path) -> LocalTarget:
    return LocalTarget(tmp_path / "local")


@pytest.fixture
def deployer(tmp_path: Path, local: LocalTarget) -> Iterator[Deployer]:
    deployer = Deployer(Store(tmp_path / "state.db"), local)
    yield deployer
    deployer.close()


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_app(tmp_path / "apps" / "demo", 12)


def edit(app: Path, label: str) -> None:
    path = app / "src" / "components" / "Leaf0.tsx"
    path.write_text(path.read_text().replace("leaf 0", label))


def keys(s3: Any, bucket: str, prefix: str = "") -> set[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def read(s3: Any, bucket: str, key: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers["Content-Type"]


def test_every_object_has_its_content_type_and_cache_policy(
    deployer: Deployer, s3: Any, bucket: str, options: dict[str, Any], app: Path
) -> None:
    record = deployer.deploy(app, "demo", "s3", options)
    folder = f"{PREFIX}/demo/{record.id}"
    published = {f"{folder}/{entry['path']}" for entry in record.files}
    alias = {f"{PREFIX}/demo/index.html", f"{PREFIX}/demo/alias.json"}
    assert keys(s3, bucket) == published | alias
    assert any(key.endswith(".js.map") for key in published)
    for key in published | alias:
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["ContentType"] == TYPES[Path(key).suffix], key
        hashed = "/assets/" in key
        assert head["CacheControl"] == (IMMUTABLE if hashed else "no-cache"), key
    assert record.url == f"{options['endpoint_url']}/{bucket}/{folder}/index.html"
    assert record.alias_url == f"{options['endpoint_url']}/{bucket}/{PREFIX}/demo/index.html"
    manifest = json.loads(read(s3, bucket, f"{PREFIX}/demo/alias.json"))
    assert manifest["deployment"] == record.id and manifest["url"] == record.url


def public_read(s3: Any, bucket: str) -> None:
    """What a bucket serving a site has: anyone may GET its objects."""
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def test_the_alias_page_loads_the_promoted_deployments_assets_over_http(
    deployer: Deployer, s3: Any, bucket: str, options: dict[str, Any], app: Path
) -> None:
    public_read(s3, bucket)
    record = deployer.deploy(app, "demo", "s3", options)
    assert record.url is not None and record.alias_url is not None
    page, page_type = fetch(record.alias_url)
    assert page_type == TYPES[".html"]
    scripts = [e["path"] for e in record.files if e["path"].endswith(".js")]
    assert scripts and all(f'src="./{record.id}/{path}"' in page.decode() for path in scripts)
    script, script_type = fetch(urljoin(record.alias_url, f"./{record.id}/{scripts[0]}"))
    assert script_type == TYPES[".js"] and len(script) > 1000
    deployed, _ = fetch(record.url)
    assert f'src="./{scripts[0]}"' in deployed.decode()


def failing_put(
    local: LocalTarget, failure: Exception, at_call: int = 1
) -> Callable[[str, Mapping[str, Any]], Target]:
    """Targets whose `at_call`-th PutObject fails with `failure` before it is sent."""

    def make(name: str, options: Mapping[str, Any]) -> Target:
        target = make_target(name, options, local)
        assert isinstance(target, S3Target)
        calls = itertools.count()

        def hook(**_: Any) -> None:
            if next(calls) == at_call:
                raise failure

        target.client.meta.events.register("before-send.s3.PutObject", hook)
        return target

    return make


@pytest.mark.parametrize(
    ("failure", "cleaned_up"),
    [
        (ConnectionClosedError(endpoint_url="http://127.0.0.1"), False),
        (ClientError({"Error": {"Code": "InternalError", "Message": "boom"}}, "PutObject"), True),
    ],
    ids=["connection-lost", "server-error"],
)
def test_an_interrupted_upload_leaves_the_old_alias_serving(
    tmp_path: Path,
    local: LocalTarget,
    s3: Any,
    bucket: str,
    options: dict[str, Any],
    app: Path,
    failure: Exception,
    cleaned_up: bool,
) -> None:
    public_read(s3, bucket)
    store = Store(tmp_path / "state.db")
    good = Deployer(store, local).deploy(app, "demo", "s3", options)
    alias_page = read(s3, bucket, f"{PREFIX}/demo/index.html")
    alias_manifest = read(s3, bucket, f"{PREFIX}/demo/alias.json")
    edit(app, "second")

    interrupted = Deployer(store, local, targets=failing_put(local, failure))
    with pytest.raises(DeployError, match="s3 target .*cannot upload"):
        interrupted.deploy(app, "demo", "s3", options)

    failed = next(r for r in interrupted.deployments(app) if r.id != good.id)
    assert failed.status == "failed" and "cannot upload" in (failed.error or "")
    assert store.promoted_deployment(good.app_id, good.location) == store.deployment(good.id)
    assert read(s3, bucket, f"{PREFIX}/demo/index.html") == alias_page
    assert read(s3, bucket, f"{PREFIX}/demo/alias.json") == alias_manifest
    leftovers = keys(s3, bucket, f"{PREFIX}/demo/{failed.id}/")
    assert f"{PREFIX}/demo/{failed.id}/index.html" not in leftovers
    assert (leftovers == set()) is cleaned_up
    assert fetch(good.alias_url or "")[0] == alias_page  # still served


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_endpoint_is_a_clear_recorded_error(deployer: Deployer, app: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    options = {"bucket": "b-unreachable", "endpoint_url": endpoint, "max_attempts": 1}
    with pytest.raises(DeployError, match=f"s3 target .*cannot reach {endpoint}"):
        deployer.deploy(app, "demo", "s3", {**options, "connect_timeout": 1})
    (failed,) = deployer.deployments(app)
    assert failed.status == "failed" and f"cannot reach {endpoint}" in (failed.error or "")


def test_denied_credentials_are_a_clear_error_that_shows_no_secret(
    deployer: Deployer,
    s3: Any,
    bucket: str,
    options: dict[str, Any],
    app: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(moto_settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)  # moto checks keys
    with pytest.raises(DeployError, match="access denied \\(InvalidAccessKeyId\\)") as raised:
        deployer.deploy(app, "demo", "s3", options)
    assert SECRET not in str(raised.value)
    (failed,) = deployer.deployments(app)
    assert failed.status == "failed"
    assert SECRET not in json.dumps(failed.to_json())
    assert SECRET.encode() not in (tmp_path / "state.db").read_bytes()
    monkeypatch.undo()
    assert keys(s3, bucket) == set()


def test_a_missing_bucket_is_named(deployer: Deployer, s3_server: str, app: Path) -> None:
    options = {"bucket": "fp-no-such-bucket", "endpoint_url": s3_server, "max_attempts": 1}
    with pytest.raises(DeployError, match="bucket 'fp-no-such-bucket' does not exist"):
        deployer.deploy(app, "demo", "s3", options)


def test_credentials_are_never_options(deployer: Deployer, s3_server: str, app: Path) -> None:
    options = {"bucket": "b", "endpoint_url": s3_server, "aws_secret_access_key": SECRET}
    with pytest.raises(DeployError, match="unknown option\\(s\\) aws_secret_access_key") as raised:
        deployer.deploy(app, "demo", "s3", options)
    assert SECRET not in str(raised.value)
    assert deployer.deployments(app) == []


def test_promote_and_delete_move_the_alias_and_remove_objects(
    deployer: Deployer, s3: Any, bucket: str, options: dict[str, Any], app: Path
) -> None:
    first = deployer.deploy(app, "demo", "s3", options)
    edit(app, "second")
    second = deployer.deploy(app, "demo", "s3", options, promote=False)
    alias_key = f"{PREFIX}/demo/index.html"
    assert f"./{first.id}/assets/" in read(s3, bucket, alias_key).decode()

    promoted = deployer.promote(second.id)
    assert promoted.alias_url == first.alias_url
    assert f"./{second.id}/assets/" in read(s3, bucket, alias_key).decode()
    assert json.loads(read(s3, bucket, f"{PREFIX}/demo/alias.json"))["deployment"] == second.id

    deployer.delete(first.id)
    assert keys(s3, bucket, f"{PREFIX}/demo/{first.id}/") == set()
    assert f"./{second.id}/assets/" in read(s3, bucket, alias_key).decode()

    deployer.delete(second.id)  # the last one: the alias goes too
    assert keys(s3, bucket) == set()
