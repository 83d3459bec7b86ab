"""One long-lived esbuild process, shared by every caller in this Python process.

Requests are written to esbuild's stdin as packets and answered on stdout in any order; a
reader thread matches answers to `concurrent.futures.Future`s, so the same call is a blocking
method for the kernel side and an awaitable one for the tornado server. esbuild's own requests
(plugin callbacks, a context's end-of-build report) run on a small thread pool.

If the process dies, every call in flight fails over to a fresh process once; a second death
in the same call raises `EsbuildServiceError`. No caller waits on a dead process.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import os
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from .binary import binary_version, find_binary
from .options import to_flags, transform_flags
from .plugins import Plugin, PluginHost
from .protocol import Packet, PacketSplitter, ProtocolError, decode_packet, encode_packet
from .results import (
    BuildResult,
    EsbuildError,
    EsbuildServiceError,
    Message,
    TransformResult,
    messages_from_wire,
)

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class _ServiceStopped(Exception):
    """The process went away with this request in flight; the caller may retry once."""


class _Connection:
    """A running esbuild process and the requests in flight on it."""

    def __init__(self, binary: str, version: str, executor: ThreadPoolExecutor) -> None:
        self._executor = executor
        self._lock = threading.Lock()
        self._pending: dict[int, Future[dict[str, Any]]] = {}
        self._handlers: dict[int, dict[str, Handler]] = {}
        self._request_ids = itertools.count()
        self._build_keys = itertools.count()
        self._stderr_tail: deque[str] = deque(maxlen=20)
        self.closed = False
        self.process = subprocess.Popen(
            [binary, f"--service={version}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )
        for target, name in ((self._read_stdout, "stdout"), (self._read_stderr, "stderr")):
            threading.Thread(target=target, name=f"esbuild-{name}", daemon=True).start()

    @property
    def alive(self) -> bool:
        return not self.closed and self.process.poll() is None

    def next_key(self) -> int:
        return next(self._build_keys)

    def serve(self, key: int, handlers: dict[str, Handler]) -> None:
        """Answer esbuild's requests about build `key` (plugin callbacks, on-end)."""
        self._handlers[key] = handlers

    def forget(self, key: int) -> None:
        self._handlers.pop(key, None)

    def request(self, value: dict[str, Any]) -> Future[dict[str, Any]]:
        future: Future[dict[str, Any]] = Future()
        with self._lock:
            if self.closed:
                future.set_exception(_ServiceStopped(self._why_stopped()))
                return future
            request_id = next(self._request_ids)
            self._pending[request_id] = future
            if not self._write(Packet(request_id, True, value)):
                del self._pending[request_id]
                future.set_exception(_ServiceStopped(self._why_stopped()))
        return future

    def _respond(self, request_id: int, value: dict[str, Any]) -> None:
        with self._lock:
            if not self.closed:
                self._write(Packet(request_id, False, value))

    def _write(self, packet: Packet) -> bool:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(encode_packet(packet))
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        splitter = PacketSplitter()
        greeted = False
        reason = "esbuild exited"
        try:
            while chunk := os.read(fd, 1 << 16):
                for raw in splitter.feed(chunk):
                    if not greeted:
                        greeted = True  # the first packet is esbuild's version string
                        continue
                    self._dispatch(decode_packet(raw))
        except Exception as error:  # noqa: BLE001 - any failure here ends the connection
            reason = f"lost esbuild's output: {error!r}"
        self._close(reason)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr_tail.append(line.decode(errors="replace").rstrip())

    def _dispatch(self, packet: Packet) -> None:
        if not isinstance(packet.value, dict):
            raise ProtocolError("esbuild sent a packet that is not an object")
        value: dict[str, Any] = packet.value
        if not packet.is_request:
            future = self._pending.pop(packet.id)
            if value.get("error"):
                refusal = Message(text=str(value["error"]))
                future.set_exception(EsbuildError("esbuild refused the request", [refusal], []))
            else:
                future.set_result(value)
            return
        handlers = self._handlers.get(value.get("key", -1))
        if handlers is None:
            # A request about a build that was disposed meanwhile; esbuild expects nothing.
            return
        handler = handlers.get(value.get("command", ""), _unknown_command)
        self._executor.submit(self._answer, packet.id, handler, value)

    def _answer(self, request_id: int, handler: Handler, request: dict[str, Any]) -> None:
        try:
            response = handler(request)
        except Exception as error:  # noqa: BLE001 - reported to esbuild as a build error
            response = {"errors": [Message(text=f"{type(error).__name__}: {error}").to_wire()]}
        self._respond(request_id, response)

    def _close(self, reason: str) -> None:
        with self._lock:
            self.closed = True
            pending, self._pending = self._pending, {}
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        detail = self._why_stopped(reason)
        for future in pending.values():
            future.set_exception(_ServiceStopped(detail))

    def _why_stopped(self, reason: str = "esbuild is not running") -> str:
        tail = "\n".join(self._stderr_tail)
        return f"{reason} (exit code {self.process.returncode})" + (f":\n{tail}" if tail else "")

    def shutdown(self) -> None:
        with self._lock:
            if self.process.stdin:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _unknown_command(request: dict[str, Any]) -> dict[str, Any]:
    raise ValueError(f"jupyter_fastpreview cannot answer esbuild's {request.get('command')!r}")


def _then(future: Future[Any], step: Callable[[Any], Any]) -> Future[Any]:
    """A future for `step(result)`; `step` may itself return a future, which is followed."""
    chained: Future[Any] = Future()

    def settle(source: Future[Any], transform: Callable[[Any], Any] | None) -> None:
        error = source.exception()
        if error is not None:
            chained.set_exception(error)
            return
        try:
            result = transform(source.result()) if transform else source.result()
        except BaseException as failure:  # noqa: BLE001 - delivered to the caller
            chained.set_exception(failure)
            return
        if isinstance(result, Future):
            result.add_done_callback(lambda inner: settle(inner, None))
        else:
            chained.set_result(result)

    future.add_done_callback(lambda source: settle(source, step))
    return chained


Attempt = Callable[[_Connection], "Future[Any]"]


class EsbuildService:
    """The esbuild API over one shared process: transform, build and incremental contexts.

    Every method has a blocking form and an `_async` form that awaits without blocking the
    event loop. Output stays in memory (`write=False`) unless a build asks for `write=True`.
    """

    def __init__(self, binary: str | None = None, plugin_threads: int = 8) -> None:
        self._binary_setting = binary
        self._binary: str | None = None
        self._lock = threading.Lock()
        self._connection: _Connection | None = None
        self._executor = ThreadPoolExecutor(plugin_threads, thread_name_prefix="esbuild-plugin")
        self.restarts = 0

    @property
    def binary(self) -> str:
        if self._binary is None:
            self._binary = find_binary(self._binary_setting)
        return self._binary

    @property
    def version(self) -> str:
        return binary_version(self.binary)

    @property
    def running(self) -> bool:
        connection = self._connection
        return connection is not None and connection.alive

    @property
    def pid(self) -> int | None:
        return self._connection.process.pid if self.running and self._connection else None

    def _connect(self) -> _Connection:
        with self._lock:
            if self._connection is None or not self._connection.alive:
                if self._connection is not None:
                    self.restarts += 1
                try:
                    self._connection = _Connection(self.binary, self.version, self._executor)
                except OSError as error:
                    raise EsbuildServiceError(f"cannot start esbuild: {error}") from error
            return self._connection

    def submit(self, attempt: Attempt) -> Future[Any]:
        """Run `attempt` on the live process; if the process dies under it, once more."""
        outcome: Future[Any] = Future()

        def run(retries_left: int) -> None:
            try:
                pending = attempt(self._connect())
            except BaseException as error:  # noqa: BLE001 - delivered to the caller
                outcome.set_exception(error)
                return
            pending.add_done_callback(lambda done: finish(done, retries_left))

        def finish(done: Future[Any], retries_left: int) -> None:
            error = done.exception()
            if isinstance(error, _ServiceStopped):
                if retries_left:
                    run(retries_left - 1)
                    return
                error = EsbuildServiceError(f"esbuild stopped twice during one call: {error}")
            if error is not None:
                outcome.set_exception(error)
            else:
                outcome.set_result(done.result())

        run(1)
        return outcome

    # transform

    def transform(self, source: str | bytes, **options: Any) -> TransformResult:
        """Transform one file's source: `loader` (ts, tsx, jsx, js, css, json, ...),
        `sourcemap`, `jsx="automatic"`, `sourcefile`, `target`, `format`, `minify`, ...
        Raises `EsbuildError` with file, line and column on a syntax error."""
        return self.submit(self._transform_attempt(source, options)).result()

    async def transform_async(self, source: str | bytes, **options: Any) -> TransformResult:
        return await asyncio.wrap_future(self.submit(self._transform_attempt(source, options)))

    def _transform_attempt(self, source: str | bytes, options: dict[str, Any]) -> Attempt:
        request = {
            "command": "transform",
            "flags": transform_flags(options),
            "input": source.encode() if isinstance(source, str) else source,
            "inputFS": False,
        }
        return lambda connection: _then(connection.request(request), _transform_result)

    # build

    def build(self, **options: Any) -> BuildResult:
        """Bundle or compile `entry_points` (a list, or a dict of output name -> input).
        Also: `bundle`, `outdir`, `format`, `splitting`, `minify`, `metafile`, `external`,
        `alias`, `define`, `loader`, `plugins` (Python `Plugin`s), `stdin`, `write`, ..."""
        return self.submit(self._build_attempt(options)).result()

    async def build_async(self, **options: Any) -> BuildResult:
        return await asyncio.wrap_future(self.submit(self._build_attempt(options)))

    def _build_attempt(self, options: dict[str, Any]) -> Attempt:
        def attempt(connection: _Connection) -> Future[BuildResult]:
            key = connection.next_key()
            request, host = build_request(key, options, context=False)
            if host:
                connection.serve(key, plugin_handlers(host))

            def finish(response: dict[str, Any]) -> BuildResult:
                connection.forget(key)
                return build_result(response, "Build failed")

            return _then(connection.request(request), finish)

        return attempt

    # contexts

    def context(self, **options: Any) -> BuildContext:
        """An incremental build: `rebuild()` reuses everything esbuild learned before."""
        context = BuildContext(self, options)
        self.submit(context.attach).result()
        return context

    async def context_async(self, **options: Any) -> BuildContext:
        context = BuildContext(self, options)
        await asyncio.wrap_future(self.submit(context.attach))
        return context

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.shutdown()

    def kill(self) -> None:
        """Kill the process as a crash would; the next call starts a fresh one."""
        connection = self._connection
        if connection is not None:
            connection.process.kill()
            connection.process.wait()


class BuildContext:
    """A build kept alive in esbuild. If esbuild restarts, it is re-created on demand."""

    def __init__(self, service: EsbuildService, options: dict[str, Any]) -> None:
        self._service = service
        self._options = dict(options)
        self._connection: _Connection | None = None
        self._key = -1
        self._host: PluginHost | None = None
        self._latest: BuildResult | None = None
        self.disposed = False

    def attach(self, connection: _Connection) -> Future[None]:
        """Create the context on `connection` unless it already lives there."""
        if connection is self._connection:
            done: Future[None] = Future()
            done.set_result(None)
            return done
        key = connection.next_key()
        request, self._host = build_request(key, self._options, context=True)
        handlers = plugin_handlers(self._host) if self._host else {}
        handlers["on-end"] = self._on_end
        connection.serve(key, handlers)

        def created(response: dict[str, Any]) -> None:
            errors = messages_from_wire(response.get("errors"))
            if errors:
                connection.forget(key)
                raise EsbuildError(
                    "Context failed", errors, messages_from_wire(response.get("warnings"))
                )
            self._connection, self._key = connection, key

        return _then(connection.request(request), created)

    def _on_end(self, response: dict[str, Any]) -> dict[str, Any]:
        self._latest = BuildResult.from_wire(response)
        return {"errors": [], "warnings": []}

    def rebuild(self) -> BuildResult:
        return self._service.submit(self._rebuild_attempt).result()

    async def rebuild_async(self) -> BuildResult:
        return await asyncio.wrap_future(self._service.submit(self._rebuild_attempt))

    def _rebuild_attempt(self, connection: _Connection) -> Future[BuildResult]:
        if self.disposed:
            raise EsbuildServiceError("this build context was disposed")

        def rebuild(_: None) -> Future[BuildResult]:
            request = {"command": "rebuild", "key": self._key}
            return _then(connection.request(request), self._rebuild_result)

        return _then(self.attach(connection), rebuild)

    def _rebuild_result(self, response: dict[str, Any]) -> BuildResult:
        errors = messages_from_wire(response.get("errors"))
        if errors:
            raise EsbuildError("Build failed", errors, messages_from_wire(response.get("warnings")))
        assert self._latest is not None, "esbuild answered a rebuild without its result"
        return self._latest

    def dispose(self) -> None:
        self.disposed = True
        connection, self._connection = self._connection, None
        if connection is not None and connection.alive:
            connection.request({"command": "dispose", "key": self._key}).result()
            connection.forget(self._key)

    def __enter__(self) -> BuildContext:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dispose()


def build_request(
    key: int, options: dict[str, Any], context: bool
) -> tuple[dict[str, Any], PluginHost | None]:
    """The `build` packet for `options`, and the plugin host that must answer for it."""
    options = dict(options)
    entry_points = options.pop("entry_points", [])
    if isinstance(entry_points, dict):
        entries = [[out, source] for out, source in entry_points.items()]
    else:
        entries = [["", source] for source in entry_points]
    plugins: list[Plugin] = options.pop("plugins", None) or []
    stdin = options.pop("stdin", None)
    if stdin:
        options.setdefault("sourcefile", stdin.get("sourcefile"))
        options.setdefault("loader", stdin.get("loader"))
    request: dict[str, Any] = {
        "command": "build",
        "key": key,
        "entries": entries,
        "write": bool(options.pop("write", False)),
        "stdinContents": stdin["contents"].encode() if stdin else None,
        "stdinResolveDir": stdin.get("resolve_dir") if stdin else None,
        "absWorkingDir": str(options.pop("abs_working_dir", None) or os.getcwd()),
        "nodePaths": [str(p) for p in options.pop("node_paths", [])],
        "context": context,
    }
    mangle_cache = options.pop("mangle_cache", None)
    if mangle_cache:
        request["mangleCache"] = mangle_cache
    request["flags"] = to_flags(options)
    host = PluginHost(plugins) if plugins else None
    if host:
        request["plugins"] = host.wire
    return request, host


def plugin_handlers(host: PluginHost) -> dict[str, Handler]:
    return {"on-start": host.on_start, "on-resolve": host.on_resolve, "on-load": host.on_load}


def build_result(response: dict[str, Any], summary: str) -> BuildResult:
    errors = messages_from_wire(response.get("errors"))
    if errors:
        raise EsbuildError(summary, errors, messages_from_wire(response.get("warnings")))
    return BuildResult.from_wire(response)


def _transform_result(response: dict[str, Any]) -> TransformResult:
    warnings = messages_from_wire(response.get("warnings"))
    errors = messages_from_wire(response.get("errors"))
    if errors:
        raise EsbuildError("Transform failed", errors, warnings)
    return TransformResult(
        code=response.get("code", ""),
        map=response.get("map", ""),
        warnings=warnings,
        legal_comments=response.get("legalComments"),
        mangle_cache=response.get("mangleCache"),
    )


_shared: EsbuildService | None = None
_shared_lock = threading.Lock()


def get_service() -> EsbuildService:
    """The process-wide service: one esbuild process serves every caller."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = EsbuildService()
            atexit.register(_shared.close)
        return _shared
