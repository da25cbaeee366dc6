"""Team pages: the queue of grouped needs, one need with its history, claim / answer / close, and
"Đề xuất đưa vào kho kiến thức" through review to a live knowledge entry."""
from __future__ import annotations

import asyncio

from aiohttp import web

from bot.core.numbers import is_number
from bot.desk.drafts import (
    DraftError,
    DraftStatus,
    entry_id_for,
    link_lines,
    parse_link_lines,
    replaced_text,
    replacement_diff,
)
from bot.desk.service import OPEN
from bot.desk.ticket_view import exchange, rated_answer
from bot.domain.chat_port import UnmetNeed
from bot.domain.lifecycle import LifecycleError, can_handle
from bot.retrieval.places import divisions
from handlers.admin.pages import SITE, Access, forbidden, form_ids, is_admin, me, redirect, render, route
from indexer.knowledge import load_catalog

NOTICES = {"claimed": "Đã nhận xử lý.", "taken": "Bạn đã nhận thay yêu cầu này.",
           "moved": "Đã chuyển yêu cầu sang tổ khác; tổ đó đã được báo.",
           "regrouped": "Đã cập nhật nhóm.", "answered": "Đã gửi câu trả lời.", "closed": "Đã đóng.",
           "saved": "Đã lưu bản nháp.", "approved": "Đã duyệt: mục đã vào kho kiến thức, chỉ mục đang được cập nhật.",
           "reverted": "Đã hoàn tác: tệp đã trở lại như trước, chỉ mục đang được cập nhật."}


def _team_filter(request: web.Request) -> int | None:
    value = request.query.get("team", "")
    return int(value) if is_number(value) and is_admin(me(request)) else None


def _names(site) -> tuple[dict[int, str], dict[int, str]]:
    return {t.id: t.name for t in site.storage.teams()}, {s.id: s.name for s in site.storage.staff()}


@route("GET", "/queue", Access.STAFF)
async def queue(request: web.Request) -> web.Response:
    site, staff = request.config_dict[SITE], me(request)
    team_id = _team_filter(request)
    groups = await asyncio.to_thread(site.desk.queue, staff, team_id)
    visible = await asyncio.to_thread(site.desk.visible_needs, staff, team_id)
    answered = [n for n in visible if n.status == "da_tra_loi"]
    # still to be routed: a withdrawn or answered ticket without a team waits for no one
    unrouted = [n for n in visible if n.team_id is None and n.status in OPEN] if is_admin(staff) else []
    teams, people = _names(site)
    calls = await asyncio.to_thread(site.storage.needs_with_callback)
    return render(request, "queue.html", groups=groups, calls=calls, answered=answered[-50:][::-1], unrouted=unrouted,
                  teams=teams, people=people, team_id=team_id, notice=NOTICES.get(request.query.get("ok", "")))


def _need_or_none(request: web.Request) -> UnmetNeed | None:
    site = request.config_dict[SITE]
    need_id = request.match_info["need_id"]
    need = site.storage.need(int(need_id)) if is_number(need_id) else None
    return need if need is not None and can_handle(me(request), need) else None


def _same_answer(site, staff, need: UnmetNeed) -> list[UnmetNeed]:
    """Needs that got this need's answer in one go (a group answer), for the knowledge draft's questions."""
    if not need.answer:
        return [need]
    return [n for n in site.desk.visible_needs(staff) if n.answer == need.answer and n.answered_by == need.answered_by]


def place_name(place) -> str:
    """Where the citizen said they live, in words ("" when they did not say)."""
    if place is None or not place.province:
        return ""
    return divisions().names.get(place.province, place.province)


def sees_phone(staff, need: UnmetNeed) -> bool:
    """A call-back number is for whoever handles the ticket: the member who claimed it, or an admin."""
    return is_admin(staff) or need.claimed_by == staff.id


async def _need_page(request: web.Request, need: UnmetNeed, status: int = 200, error: str | None = None,
                     answer: str = "", notice: str | None = None) -> web.Response:
    site, staff = request.config_dict[SITE], me(request)
    group = await asyncio.to_thread(site.desk.group_of, staff, need)
    events = await asyncio.to_thread(site.storage.need_events, need.id)
    teams, people = _names(site)
    callback = await asyncio.to_thread(site.storage.callback, need.id)
    place = await asyncio.to_thread(site.storage.place, need.user)
    lines = await asyncio.to_thread(exchange, site.storage, need)
    rated = await asyncio.to_thread(rated_answer, site.storage, need)
    return render(request, "need.html", status=status, need=need, group=group, events=events, teams=teams,
                  people=people, callback=callback, place=place_name(place), lines=lines, rated=rated, sees_phone=sees_phone(staff, need), topics=site.library().topics, error=error, answer=answer, is_open=need.status in OPEN,
                  notice=notice or NOTICES.get(request.query.get("ok", "")))


@route("GET", "/needs/{need_id}", Access.STAFF)
async def need_page(request: web.Request) -> web.Response:
    need = await asyncio.to_thread(_need_or_none, request)
    if need is None:
        return forbidden(request, "Không tìm thấy yêu cầu này trong hàng đợi của tổ bạn.")
    return await _need_page(request, need)


async def need_page_with_answer(request: web.Request, need_id: int, answer: str) -> web.Response:
    """The ticket page with an answer typed before the session ended, ready to send (login_pages)."""
    site = request.config_dict[SITE]
    need = await asyncio.to_thread(site.storage.need, need_id)
    if need is None or not can_handle(me(request), need):
        return redirect("/admin/queue")
    notice = "Câu trả lời bạn gõ trước khi phiên hết hạn vẫn còn đây; kiểm tra rồi bấm “Gửi câu trả lời”."
    return await _need_page(request, need, answer=answer, notice=notice)


async def _act(request: web.Request, act) -> web.Response:
    need = await asyncio.to_thread(_need_or_none, request)
    if need is None:
        return forbidden(request, "Không tìm thấy yêu cầu này trong hàng đợi của tổ bạn.")
    try:
        notice = await act(need, await request.post())
    except LifecycleError as exc:
        return await _need_page(request, need, status=409, error=str(exc))
    return redirect(f"/admin/needs/{need.id}?ok={notice}")


@route("POST", "/needs/{need_id}/claim", Access.STAFF)
async def claim(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]

    async def act(need, _form):
        await asyncio.to_thread(site.desk.claim, me(request), need.id)
        return "claimed"
    return await _act(request, act)


@route("POST", "/needs/{need_id}/take_over", Access.ADMIN)
async def take_over(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]

    async def act(need, _form):
        await asyncio.to_thread(site.desk.take_over, me(request), need.id)
        return "taken"
    return await _act(request, act)


@route("POST", "/needs/{need_id}/reassign", Access.STAFF)
async def reassign(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]

    async def act(need, form):
        team = str(form.get("team_id", ""))
        if not is_number(team):
            raise LifecycleError("Hãy chọn tổ nhận.")
        await asyncio.to_thread(site.desk.reassign, me(request), need.id, int(team))
        return "moved"
    return await _act(request, act)


@route("POST", "/needs/{need_id}/regroup", Access.STAFF)
async def regroup(request: web.Request) -> web.Response:
    """"Gộp với yêu cầu #…" (a paraphrase the grouping missed) or "Tách khỏi nhóm"."""
    site = request.config_dict[SITE]

    async def act(need, form):
        target = str(form.get("with_need", "")).strip().lstrip("#")
        if form.get("split") != "1" and not is_number(target):
            raise LifecycleError("Hãy gõ số của yêu cầu cần gộp cùng, ví dụ 12.")
        await asyncio.to_thread(site.desk.regroup, me(request), need.id,
                                None if form.get("split") == "1" else int(target))
        return "regrouped"
    return await _act(request, act)


@route("POST", "/needs/{need_id}/answer", Access.STAFF)
async def answer(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]

    async def act(need, form):
        ids = form_ids(form.getall("need_ids", [])) or [need.id]
        text = str(form.get("answer", ""))[:4000]
        await site.desk.answer(me(request), ids, text)
        return "answered"
    return await _act(request, act)


@route("POST", "/needs/{need_id}/close", Access.STAFF)
async def close(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]

    async def act(need, form):
        ids = form_ids(form.getall("need_ids", [])) or [need.id]
        if need.status in OPEN and form.get("confirm") != "1":
            raise LifecycleError("Hãy đánh dấu “Tôi muốn đóng yêu cầu này mà không trả lời” rồi bấm lại.")
        await site.desk.close_and_tell(me(request), ids, str(form.get("note", ""))[:500])
        return "closed"
    return await _act(request, act)


@route("POST", "/needs/{need_id}/propose", Access.STAFF)
async def propose(request: web.Request) -> web.Response:
    """"Đề xuất đưa vào kho kiến thức": a draft from this answer and the wordings of everyone who got it."""
    site, staff = request.config_dict[SITE], me(request)
    need = await asyncio.to_thread(_need_or_none, request)
    if need is None:
        return forbidden(request, "Không tìm thấy yêu cầu này trong hàng đợi của tổ bạn.")
    if not need.answer:
        return await _need_page(request, need, status=409, error="Hãy trả lời trước khi đề xuất đưa vào kho kiến thức.")
    form = await request.post()
    topics = site.library().topics
    topic = str(form.get("topic", ""))
    siblings = await asyncio.to_thread(_same_answer, site, staff, need)
    wordings = tuple(dict.fromkeys(n.question.strip() for n in siblings if n.question and n.question.strip()))
    team = site.storage.team(need.team_id) if need.team_id is not None else None
    draft = await asyncio.to_thread(site.publisher.propose, staff, tuple(n.id for n in siblings), wordings,
                                    need.answer, topic if topic in topics else next(iter(topics), ""),
                                    (team.province,) if team else ())
    return redirect(f"/admin/drafts/{draft.id}")


# ---- knowledge drafts


def _provinces(site) -> dict[str, str]:
    """Province code → name from the knowledge catalog (knowledge/topics.yaml), as entries must use them."""
    return load_catalog(site.settings.knowledge_dir).provinces


def _draft_or_none(request: web.Request):
    site, staff = request.config_dict[SITE], me(request)
    draft_id = request.match_info["draft_id"]
    draft = site.storage.draft(int(draft_id)) if is_number(draft_id) else None
    return draft if draft is not None and (is_admin(staff) or draft.created_by == staff.id) else None


@route("GET", "/drafts", Access.STAFF)
async def drafts(request: web.Request) -> web.Response:
    site, staff = request.config_dict[SITE], me(request)
    items = [d for d in await asyncio.to_thread(site.storage.drafts) if is_admin(staff) or d.created_by == staff.id]
    rebuilds = [a for a in await asyncio.to_thread(site.storage.audit_log, 200) if a.action == "knowledge.rebuild"]
    _, people = _names(site)
    return render(request, "drafts.html", drafts=items, people=people, rebuilds=rebuilds[:3])


async def _draft_page(request: web.Request, draft, status: int = 200, problems: list[str] | None = None,
                      form=None) -> web.Response:
    site, staff = request.config_dict[SITE], me(request)
    preview, found, diff = "", [], []
    if draft.status == DraftStatus.DRAFT.value:
        preview, found = await asyncio.to_thread(site.publisher.check, draft, staff.username)
        old = await asyncio.to_thread(replaced_text, draft, site.settings.knowledge_dir)
        diff = replacement_diff(old, preview) if old is not None and preview else []
    _, people = _names(site)
    return render(request, "draft.html", status=status, draft=draft, problems=problems or [], check=found,
                  preview=preview, diff=diff, topics=site.library().topics, provinces=_provinces(site), people=people, links=link_lines(draft.links),
                  sources=link_lines(draft.sources), notice=NOTICES.get(request.query.get("ok", "")))


@route("GET", "/drafts/{draft_id}", Access.STAFF)
async def draft_page(request: web.Request) -> web.Response:
    draft = await asyncio.to_thread(_draft_or_none, request)
    if draft is None:
        return forbidden(request, "Không tìm thấy bản nháp này.")
    return await _draft_page(request, draft)


@route("POST", "/drafts/{draft_id}", Access.STAFF)
async def save_draft(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]
    draft = await asyncio.to_thread(_draft_or_none, request)
    if draft is None:
        return forbidden(request, "Không tìm thấy bản nháp này.")
    form = await request.post()
    links, link_problems = parse_link_lines(str(form.get("links", "")), url_required=True)
    sources, source_problems = parse_link_lines(str(form.get("sources", "")), url_required=False)
    problems = [f"[links] {p}" for p in link_problems] + [f"[sources] {p}" for p in source_problems]
    title = str(form.get("title", "")).strip()[:200]
    entry_id = str(form.get("entry_id", "")).strip()[:80] if is_admin(me(request)) else ""
    if not entry_id:  # members never type a file name: it follows the title
        taken = await asyncio.to_thread(site.publisher.taken_ids)
        entry_id = draft.entry_id if title == draft.title else entry_id_for(title, taken - {draft.entry_id})
    changes = {"entry_id": entry_id, "title": title,
               "topic": str(form.get("topic", "")), "body": str(form.get("body", ""))[:8000],
               "questions": tuple(q.strip() for q in str(form.get("questions", "")).splitlines() if q.strip())[:30],
               "links": tuple(links), "sources": tuple(sources),
               "provinces": tuple(p for p in form.getall("provinces", []) if p in _provinces(site))}
    try:
        saved = await asyncio.to_thread(site.publisher.save, me(request), draft.id, changes)
    except DraftError as exc:
        return await _draft_page(request, draft, status=409, problems=exc.problems)
    if problems:
        return await _draft_page(request, saved, status=422, problems=problems)
    return redirect(f"/admin/drafts/{draft.id}?ok=saved")


@route("POST", "/drafts/{draft_id}/approve", Access.ADMIN)
async def approve_draft(request: web.Request) -> web.Response:
    site, staff = request.config_dict[SITE], me(request)
    draft = await asyncio.to_thread(_draft_or_none, request)
    if draft is None:
        return forbidden(request, "Không tìm thấy bản nháp này.")
    try:
        await asyncio.to_thread(site.publisher.approve, staff, draft.id, (await request.post()).get("replace") == "1")
    except DraftError as exc:
        return await _draft_page(request, draft, status=422, problems=exc.problems)
    site.publish_in_background(staff.username)
    return redirect(f"/admin/drafts/{draft.id}?ok=approved")


@route("POST", "/drafts/{draft_id}/reopen", Access.STAFF)
async def reopen_draft(request: web.Request) -> web.Response:
    site = request.config_dict[SITE]
    draft = await asyncio.to_thread(_draft_or_none, request)
    if draft is None:
        return forbidden(request, "Không tìm thấy bản nháp này.")
    try:
        await asyncio.to_thread(site.publisher.reopen, me(request), draft.id)
    except DraftError as exc:
        return await _draft_page(request, draft, status=409, problems=exc.problems)
    return redirect(f"/admin/drafts/{draft.id}?ok=saved")


@route("POST", "/drafts/{draft_id}/revert", Access.ADMIN)
async def revert_draft(request: web.Request) -> web.Response:
    site, staff = request.config_dict[SITE], me(request)
    draft = await asyncio.to_thread(_draft_or_none, request)
    if draft is None:
        return forbidden(request, "Không tìm thấy bản nháp này.")
    try:
        await asyncio.to_thread(site.publisher.revert, staff, draft.id)
    except DraftError as exc:
        return await _draft_page(request, draft, status=409, problems=exc.problems)
    site.publish_in_background(staff.username)
    return redirect(f"/admin/drafts/{draft.id}?ok=reverted")
