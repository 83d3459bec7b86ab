"""The packet codec against esbuild's wire format."""

from __future__ import annotations

import struct

import pytest

from jupyter_fastpreview.esbuild.protocol import (
    Packet,
    PacketSplitter,
    ProtocolError,
    decode_packet,
    encode_packet,
)

VALUES = [
    None,
    True,
    False,
    0,
    7,
    0xFFFFFFFF,
    "",
    "héllo ✓",
    b"\x00\xff",
    [1, "a", None, [True]],
    {"command": "build", "flags": ["--bundle"], "nested": {"x": b"1"}},
]


@pytest.mark.parametrize("value", VALUES)
def test_values_round_trip(value: object) -> None:
    wire = encode_packet(Packet(id=5, is_request=True, value=value))
    (length,) = struct.unpack_from("<I", wire)
    assert length == len(wire) - 4
    assert decode_packet(wire[4:]) == Packet(id=5, is_request=True, value=value)


def test_response_bit_is_the_low_bit_of_the_id() -> None:
    wire = encode_packet(Packet(id=3, is_request=False, value=None))
    assert struct.unpack_from("<I", wire, 4)[0] == (3 << 1) | 1
    assert decode_packet(wire[4:]).is_request is False


def test_negative_numbers_travel_as_uint32() -> None:
    wire = encode_packet(Packet(id=0, is_request=True, value=-1))
    assert decode_packet(wire[4:]).value == 0xFFFFFFFF


def test_splitter_reassembles_packets_cut_anywhere() -> None:
    packets = [Packet(i, True, {"n": i, "s": "x" * i * 100}) for i in range(20)]
    stream = b"".join(encode_packet(p) for p in packets)
    splitter = PacketSplitter()
    received = []
    for start in range(0, len(stream), 7):
        received += splitter.feed(stream[start : start + 7])
    assert [decode_packet(raw) for raw in received] == packets


@pytest.mark.parametrize(
    "raw",
    [b"\x00\x00\x00\x00\x09", b"\x00\x00\x00\x00\x03\xff\x00\x00\x00", b"\x00\x00\x00\x00\x00\x00"],
    ids=["unknown-tag", "string-past-end", "trailing-bytes"],
)
def test_malformed_packets_are_refused(raw: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode_packet(raw)


def test_unsendable_values_are_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        encode_packet(Packet(0, True, {"x": 1.5}))  # type: ignore[dict-item]
