"""Slow clients on a real loopback socket: a client that sends its headers a line at a time cannot hold a
connection open for long (issue 21: 200 such sockets were all still held after 70 s)."""
import asyncio
import dataclasses
import time

from aiohttp import web

from handlers.app.server import make_server, server_options
from handlers.channels.webchat import WebChat
from tests.test_zalo import kb_services  # noqa: F401  (fast services: fake embedder, real SQLite file)


async def _trickle(port: int, stop: asyncio.Event) -> float | None:
    """Send a request's headers one line every 0.2 s; seconds until the server closed the socket (None: it never did)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    try:
        for i in range(1000):
            if stop.is_set():
                return None
            try:
                got = await asyncio.wait_for(reader.read(1), 0.2)
            except asyncio.TimeoutError:
                writer.write(f"X-Cham-{i}: mot dong moi lan\r\n".encode())
                await writer.drain()
                continue
            if got == b"":
                return time.monotonic() - started
    except (ConnectionResetError, BrokenPipeError):
        return time.monotonic() - started
    finally:
        writer.close()
    return None


async def _serve(services, timeout_s: float) -> tuple[web.AppRunner, int]:
    settings = dataclasses.replace(services.settings, client_timeout_s=timeout_s)
    runner = web.AppRunner(make_server(services, [WebChat(services)]), access_log=None, **server_options(settings))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


async def _healthy(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    answer = await reader.read()
    writer.close()
    return answer.split(b"\r\n", 1)[0]


async def test_slow_header_clients_are_dropped_and_others_still_served(kb_services):  # noqa: F811
    runner, port = await _serve(kb_services, timeout_s=1.5)
    stop = asyncio.Event()
    try:
        slow = [asyncio.create_task(_trickle(port, stop)) for _ in range(60)]
        assert await _healthy(port) == b"HTTP/1.1 200 OK"   # served while they trickle
        done, pending = await asyncio.wait(slow, timeout=6)
        stop.set()
        await asyncio.gather(*pending)
        closed = [t.result() for t in done]
        assert not pending and all(c is not None and c < 4 for c in closed), (len(pending), closed)
        assert await _healthy(port) == b"HTTP/1.1 200 OK"
    finally:
        stop.set()
        await runner.cleanup()


def test_serve_drops_slow_clients_within_half_a_minute_by_default(kb_services):  # noqa: F811
    options = server_options(kb_services.settings)
    assert 0 < options["keepalive_timeout"] <= 30
