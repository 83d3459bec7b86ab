"""esbuild's stdin/stdout packet protocol (see esbuild's `lib/shared/stdio_protocol.ts`).

A packet is a little-endian uint32 length, a uint32 id (`request_id << 1 | is_response`),
then one value: a tagged tree of null, bool, uint32, string, bytes, list and dict — JSON with
a byte-array primitive. The very first packet esbuild writes is its bare version string.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TypeAlias

Value: TypeAlias = "None | bool | int | str | bytes | list[Value] | dict[str, Value]"

_U32 = struct.Struct("<I")
_NULL, _BOOL, _NUMBER, _STRING, _BYTES, _ARRAY, _OBJECT = range(7)

NO_PLUGIN_DATA = 0xFFFFFFFF
"""esbuild encodes "no plugin data" as -1, which travels as this uint32."""


class ProtocolError(Exception):
    """The bytes from esbuild do not form a valid packet."""


@dataclass(frozen=True)
class Packet:
    id: int
    is_request: bool
    value: Value


def encode_packet(packet: Packet) -> bytes:
    out = bytearray(8)
    _encode_value(out, packet.value)
    _U32.pack_into(out, 0, len(out) - 4)
    _U32.pack_into(out, 4, (packet.id << 1) | (not packet.is_request))
    return bytes(out)


def _encode_value(out: bytearray, value: Value) -> None:
    if value is None:
        out.append(_NULL)
    elif isinstance(value, bool):
        out += bytes((_BOOL, value))
    elif isinstance(value, int):
        out.append(_NUMBER)
        out += _U32.pack(value & 0xFFFFFFFF)
    elif isinstance(value, str):
        out.append(_STRING)
        _encode_bytes(out, value.encode())
    elif isinstance(value, (bytes, bytearray, memoryview)):
        out.append(_BYTES)
        _encode_bytes(out, bytes(value))
    elif isinstance(value, (list, tuple)):
        out.append(_ARRAY)
        out += _U32.pack(len(value))
        for item in value:
            _encode_value(out, item)
    elif isinstance(value, dict):
        out.append(_OBJECT)
        out += _U32.pack(len(value))
        for key, item in value.items():
            _encode_bytes(out, key.encode())
            _encode_value(out, item)
    else:
        raise TypeError(f"cannot send a {type(value).__name__} to esbuild")


def _encode_bytes(out: bytearray, data: bytes) -> None:
    out += _U32.pack(len(data))
    out += data


def decode_packet(data: bytes) -> Packet:
    reader = _Reader(data)
    raw_id = reader.u32()
    value = reader.value()
    if reader.pos != len(data):
        raise ProtocolError("trailing bytes after packet value")
    return Packet(id=raw_id >> 1, is_request=not raw_id & 1, value=value)


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise ProtocolError("packet ends early")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def u32(self) -> int:
        (number,) = _U32.unpack(self.take(4))
        return number

    def blob(self) -> bytes:
        return self.take(self.u32())

    def value(self) -> Value:
        tag = self.take(1)[0]
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return bool(self.take(1)[0])
        if tag == _NUMBER:
            return self.u32()
        if tag == _STRING:
            return self.blob().decode()
        if tag == _BYTES:
            return self.blob()
        if tag == _ARRAY:
            return [self.value() for _ in range(self.u32())]
        if tag == _OBJECT:
            return {self.blob().decode(): self.value() for _ in range(self.u32())}
        raise ProtocolError(f"unknown value tag {tag}")


class PacketSplitter:
    """Cuts a byte stream from esbuild's stdout into whole packets."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer += chunk
        packets = []
        offset = 0
        while offset + 4 <= len(self._buffer):
            (length,) = _U32.unpack_from(self._buffer, offset)
            if offset + 4 + length > len(self._buffer):
                break
            packets.append(bytes(self._buffer[offset + 4 : offset + 4 + length]))
            offset += 4 + length
        del self._buffer[:offset]
        return packets
