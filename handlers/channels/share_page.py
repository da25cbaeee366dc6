"""GET /s/{ref}: the public page a "Chia sẻ" button opens, one knowledge entry or procedure card for anyone.

Forwarded to a village Zalo group, it must open in Zalo's in-app browser on a
phone with no script, no login and no cookie, and it shows only knowledge: no
conversation, no personal data. It reads the build in use now, so an approved
change shows at once. Search engines are asked not to index it (the page is
for the people a citizen forwards it to; a stale copy in a search index would
outlive our edits, and the official portal, not a mirror of it, should rank);
link previews still read its title and first lines.
"""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.core.markup import to_html, to_plain
from bot.core.wording import say
from bot.dialogue.render import reviewed_line
from bot.dialogue.share import SHARE_PATH, entry_id_of, public_link, share_path
from bot.dialogue.steps import is_detail
from bot.retrieval.library import KnowledgeLibrary
from indexer.knowledge import KnowledgeEntry

TEMPLATES = Path(__file__).with_name("templates")
CACHE_FOUND = "public, max-age=300"   # five minutes: an approved edit reaches a forwarded link soon enough
CACHE_MISSING = "public, max-age=60"  # an entry about to be published should not stay "not found" for long
NO_INDEX = "noindex, nofollow"
_DESCRIPTION_CHARS = 200
_DETAIL = re.compile(r"^\s*>\s?")


def _paragraphs(body: str) -> list[Markup]:
    """Blank lines part paragraphs; a step's detail line (">" in the knowledge file) is shown under its step. The
    page shows the whole text, so the chat's "(bấm “Xem chi tiết”)" points below instead."""
    out = []
    for block in re.split(r"\n\s*\n", body.strip().replace(say("pressed_more"), say("share_below"))):
        lines = [(f'<span class="detail">{to_html(_DETAIL.sub("", line).strip())}</span>' if is_detail(line)
                  else to_html(line.strip())) for line in block.splitlines() if line.strip()]
        if lines:
            out.append(Markup("<br>".join(lines)))  # to_html escaped every line: only <b> and ours remain
    return out


def _description(entry: KnowledgeEntry) -> str:
    text = " ".join(to_plain(line).strip() for line in entry.body.splitlines() if line.strip() and not is_detail(line))
    return text if len(text) <= _DESCRIPTION_CHARS else text[:_DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"


class SharePages:
    """Mounted with the web chat, whose page "Hỏi trợ lý" leads back to; no rate limit beyond that of `/` (the
    page is a dictionary lookup and a template, cheaper than the chat page's static file)."""

    def __init__(self, library: KnowledgeLibrary, public_url: str = "") -> None:
        self.library, self.public_url = library, public_url
        self.templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                            undefined=jinja2.StrictUndefined)

    def mount(self, app: web.Application) -> None:
        app.router.add_get(SHARE_PATH + "{ref:.*}", self.page)   # every path under /s/ gets this page or its 404
        app.router.add_get(SHARE_PATH.rstrip("/"), self.page)

    async def page(self, request: web.Request) -> web.Response:
        entry_id = entry_id_of(request.match_info.get("ref", ""))
        entry = self.library().entry(entry_id) if entry_id else None
        if entry is None:
            return self._html("share_missing.html", 404, CACHE_MISSING)
        return self._html("share.html", 200, CACHE_FOUND, entry=entry, paragraphs=_paragraphs(entry.body),
                          description=_description(entry), reviewed=reviewed_line(entry),
                          outdated=say("outdated") if entry.expired() else "",
                          address=public_link(self.public_url, share_path(entry.id)))

    def _html(self, template: str, status: int, cache: str, **values) -> web.Response:
        text = self.templates.get_template(template).render(say=say, **values)
        return web.Response(text=text, status=status, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": cache, "X-Robots-Tag": NO_INDEX})
