"""The HMR hub: one channel of websocket clients per app, and the protocol's messages."""

from .hub import Channel, Client, HmrHub, Socket

__all__ = ["Channel", "Client", "HmrHub", "Socket"]
