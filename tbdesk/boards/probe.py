"""Ask a local HTTP server for the status of one path, without a client library or a thread."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import socket
from typing import Any


async def http_status(host: str, port: int, path: str, timeout: float = 2.0) -> int | None:
    """The HTTP status code for GET path, or None if nothing answers in time."""
    try:
        return await asyncio.wait_for(_get_status(host, port, path), timeout)
    except (OSError, TimeoutError, ValueError, IndexError):
        return None


async def _get_status(host: str, port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        request = f"GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode("ascii"))
        await writer.drain()
        status_line = await reader.readline()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    # "HTTP/1.0 200 OK"
    return int(status_line.split()[1])


def http_json_blocking(host: str, port: int, path: str, timeout: float = 0.5, limit: int = 64 * 1024) -> Any:
    """The JSON document a GET of path answers with status 200, or None (blocking; for threads)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        if response.status != 200:
            return None
        return json.loads(response.read(limit + 1)[: limit + 1])
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        conn.close()


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True if we could listen on host:port right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As TensorBoard's server does; so a port with only TIME_WAIT connections counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
