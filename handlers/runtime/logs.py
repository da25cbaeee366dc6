"""Server logs: plain text or one JSON object per line, a request id per turn, nothing personal or secret.

Every record passes, in this order, a secret scrubber (bot tokens, access_token=…, secret: …), the
personal-data redactor (bot.privacy.redact) and a filter that stamps the id of the request being handled. The id
lives in a ContextVar set by an aiohttp middleware, so lines logged by the dialogue in its worker thread
(asyncio.to_thread copies the context) carry it too. Mount the middleware on the app that serves every
channel, so webhooks get ids the same way as the web chat.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import TextIO

from aiohttp import web

from bot.core.wording import say
from bot.privacy.redact import RedactingFilter, redact
from handlers.runtime.settings import Settings

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
HIDDEN = "[bí mật]"
_SECRETS = (
    re.compile(r"\d+:[A-Za-z0-9_-]{30,}"),   # a Telegram bot token, also inside …/bot<token>/sendMessage
    re.compile(r"(?i)(?<=authorization)([\"']?\s*[:=]\s*[\"']?(?:bearer\s+|basic\s+)?)[^\s\"']+"),
)
_SECRET_FIELD = re.compile(r"(?i)([\w-]*(?:token|secret|password|passwd|api[_-]?key)[\w-]*[\"']?\s*[:=]\s*[\"']?)"
                           r"([^\s\"'&,;}]+)")
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")   # a proxy's X-Request-ID, if it is safe to print
log = logging.getLogger("dvcbot.http")
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def scrub_secrets(text: str) -> str:
    text = _SECRETS[0].sub(HIDDEN, text)
    text = _SECRETS[1].sub(lambda m: m.group(1) + HIDDEN, text)
    return _SECRET_FIELD.sub(lambda m: m.group(1) + HIDDEN, text)


def clean(text: str) -> str:
    """Secrets first: a bot token starts with digits the redactor would otherwise half-replace."""
    return redact(scrub_secrets(text))


class SecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        """Scrubbed as one line (a field's name can be in the format, its value in an argument); a line with no
        secret keeps its arguments apart, for the redactor: joined, "200 24662.1 ms" of a slow request had read
        as an ID number and lost its status and time."""
        line = record.getMessage()
        if (scrubbed := scrub_secrets(line)) != line:
            record.msg, record.args = scrubbed, ()
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", None) or "-"
        return super().format(record)

    def formatException(self, ei) -> str:   # tracebacks quote values: clean them too
        return clean(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return clean(super().formatStack(stack_info))


class JsonFormatter(logging.Formatter):
    """One object per line: time, level, logger, message, request_id (and exc for tracebacks)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", None)}
        if record.exc_info:
            line["exc"] = clean(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = clean(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False)


def setup_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Replace the root handlers with one safe handler in the configured format; returns it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    for f in (SecretFilter(), RedactingFilter(), RequestIdFilter()):
        handler.addFilter(f)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)   # it logs request URLs, which carry the bot token
    import bm25s  # noqa: F401  (importing it sets its logger to DEBUG: "Building index from tokens" at every build)

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return handler


@web.middleware
async def request_context(request: web.Request, handler) -> web.StreamResponse:
    """Give each request an id (the proxy's X-Request-ID when safe), log it once, never leak a traceback."""
    given = request.headers.get("X-Request-ID", "")
    request_id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex[:16]
    token = REQUEST_ID.set(request_id)
    started = time.perf_counter()
    status = 500
    try:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            status = exc.status
            exc.headers["X-Request-ID"] = request_id
            raise
        except asyncio.CancelledError:
            status = 499   # the client went away before the answer (nginx's code for it)
            raise
        except Exception:
            log.exception("unhandled error in %s %s", request.method, request.path)
            response = web.json_response({"error": say("error")}, status=500, dumps=_dumps)
        status = response.status
        response.headers["X-Request-ID"] = request_id
        return response
    finally:
        log.info("%s %s %d %.1f ms", request.method, request.path, status, (time.perf_counter() - started) * 1000)
        REQUEST_ID.reset(token)
