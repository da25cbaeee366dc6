"""The running app, wired in one place: Settings → services → one aiohttp server with every channel.

The CLI, the bench and the tests build the app from here. Each channel is a
thin adapter that mounts its own routes and background work on the server
(Rasa's `InputChannel.blueprint` pattern) and brings a Sender for replies
that leave outside a request.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Protocol

from aiohttp import web

from bot.domain.delivery import Sender
from handlers.runtime.errors import vietnamese_errors
from handlers.runtime.logs import request_context
from handlers.runtime.security import security_headers
from handlers.runtime.services import MAX_REQUEST_BYTES, Services
from handlers.runtime.settings import Settings

log = logging.getLogger(__name__)
class Channel(Protocol):
    """A channel adapter: its routes and background work on the server, and its Sender (None for a
    component that sends nothing to citizens itself, like the admin pages)."""
    name: str
    sender: Sender | None

    def mount(self, app: web.Application) -> None: ...


SERVICES = web.AppKey("services", Services)


def channels_for(services: Services) -> list[Channel]:
    """The web chat and the admin pages always; Telegram and Zalo when their settings are present."""
    from handlers.admin.site import AdminSite
    from handlers.channels.webchat import WebChat

    channels: list[Channel] = [WebChat(services), AdminSite(services)]
    if services.settings.telegram_on:
        from handlers.channels.telegram import TelegramChannel
        channels.append(TelegramChannel(services))
    if services.settings.zalo_on:
        from handlers.channels.zalo import ZaloChannel
        channels.append(ZaloChannel(services))
    return channels


async def _watch_knowledge(app: web.Application) -> AsyncIterator[None]:
    """Switch to a newly published index build while serving (no restart). Per worker by design and never claimed:
    each worker must load the new build itself, and the loop writes nothing."""
    services = app[SERVICES]

    async def loop() -> None:
        while True:
            await asyncio.sleep(services.settings.reload_seconds)
            await asyncio.to_thread(services.library.refresh)

    task = asyncio.create_task(loop())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def server_options(settings: Settings) -> dict:
    """Options for aiohttp's runner (`web.run_app`, `web.AppRunner`). aiohttp's keep-alive timer also runs from the
    moment a connection opens and closes it if no whole request has arrived by then, so a client sending its headers
    a line at a time (200 sockets, one line every 10 s) holds each socket at most DVCBOT_CLIENT_TIMEOUT_S seconds
    instead of the default 75 s; an idle keep-alive connection is closed as soon."""
    return {"keepalive_timeout": settings.client_timeout_s}


def make_server(services: Services, channels: list[Channel] | None = None) -> web.Application:
    """One aiohttp app: every channel's routes, the knowledge watcher, and senders registered for delivery."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES,
                          middlewares=[request_context, security_headers, vietnamese_errors])
    app[SERVICES] = services
    services.shutdown.mount(app)
    for channel in channels if channels is not None else channels_for(services):
        channel.mount(app)
        if channel.sender is not None:
            services.deliverer.senders[channel.name] = channel.sender
    app.cleanup_ctx.append(_watch_knowledge)
    return app
