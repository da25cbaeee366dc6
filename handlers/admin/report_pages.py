"""Dashboard, feedback log, conversations, the provincial summary and the exports (CSV and XLSX).

Admins see every team; a member's reports and exports hold only their own team's rows.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from aiohttp import web

from bot.desk.reports import (
    ASKED_BACK_TOPIC,
    HUMAN_TOPIC,
    NO_TEAM,
    PERIODS,
    PROCEDURE_COLUMNS,
    RATING_COLUMNS,
    SUMMARY_COLUMNS,
    TARGETS,
    UNMET_COLUMNS,
    VN_TIME,
    ProcedureRow,
    dashboard,
    procedure_figures,
    summary,
)
from bot.domain.chat_port import Rating, UnmetNeed
from bot.domain.desk_port import StaffUser
from bot.domain.routing import team_for
from handlers.admin.charts import bar_chart, satisfaction_bars, satisfaction_chart
from handlers.admin.pages import SITE, Access, forbidden, is_admin, label, me, redirect, render, route
from handlers.admin.tabular import csv_bytes, xlsx_bytes


@dataclass(frozen=True)
class Records:
    """Everything the reports read, loaded once per request, with who-belongs-to-which-team worked out."""
    ratings: list[Rating]
    questions: list
    needs: list[UnmetNeed]
    team_names: dict[int, str]
    staff_names: dict[int, str]
    user_team: dict[str, int]
    answer_need: dict[int, UnmetNeed]   # stored answer id → the need a team answered with it

    def team_of_user(self, user: str) -> int | None:
        return self.user_team.get(user)

    def team_of_rating(self, rating: Rating) -> int | None:
        need = self.answer_need.get(rating.answer_id)
        return need.team_id if need else self.team_of_user(rating.user)

    def only_team(self, team_id: int) -> "Records":
        return Records([r for r in self.ratings if self.team_of_rating(r) == team_id],
                       [q for q in self.questions if self.team_of_user(q.user) == team_id],
                       [n for n in self.needs if n.team_id == team_id], self.team_names, self.staff_names,
                       self.user_team, self.answer_need)


def load_records(site, staff: StaffUser) -> Records:
    storage = site.storage
    teams = storage.teams()
    user_team = {p.user: t.id for p in storage.places() if (t := team_for(teams, p)) is not None}
    needs = storage.unmet_needs()
    records = Records(storage.ratings(), storage.questions(), needs, {t.id: t.name for t in teams},
                      {s.id: s.name for s in storage.staff()}, user_team,
                      {n.answer_message_id: n for n in needs if n.answer_message_id})
    return records if is_admin(staff) else records.only_team(staff.team_id)


def topic_namer(site, records: Records):
    """A rating's topic: its entry's, the team's when it rated a team's answer, or "asked back" when it rated a
    reply that answered nothing (an ask-back, "the guide does not say")."""
    answerer = site.library()

    def topic_of(rating: Rating) -> str:
        if rating.entry_id is None:
            return HUMAN_TOPIC if rating.answer_id in records.answer_need else ASKED_BACK_TOPIC
        entry = answerer.entry(rating.entry_id)
        return answerer.topics.get(entry.topic, entry.topic) if entry else "(mục đã gỡ)"
    return topic_of


@route("GET", "", Access.STAFF)
@route("GET", "/", Access.STAFF)
async def home(request: web.Request) -> web.Response:
    """Admins land on the dashboard, team members on their queue."""
    if not is_admin(me(request)):
        return redirect("/admin/queue")
    site = request.config_dict[SITE]
    records = await asyncio.to_thread(load_records, site, me(request))
    board = dashboard(records.ratings, records.questions, records.needs, topic_namer(site, records))
    by_procedure = _procedure_rows(site, records, None)
    groups = (await asyncio.to_thread(site.desk.queue, me(request)))[:5]
    undelivered = (await asyncio.to_thread(site.storage.deliveries, "undelivered"))[::-1][:20]
    return render(request, "dashboard.html", board=board, targets=TARGETS, groups=groups, undelivered=undelivered,
                  week_chart=satisfaction_chart(board.by_week), topic_chart=satisfaction_bars(board.by_topic),
                  channel_chart=satisfaction_bars(board.by_channel),
                  volume_chart=bar_chart({k: float(v) for k, v in board.questions_by_channel.items()}),
                  open_needs=sum(n.status in ("moi", "da_nhan") for n in records.needs),
                  asked_procedures=[r for r in by_procedure if r.asked][:10],
                  disliked_procedures=sorted([r for r in by_procedure if r.ratings_down],
                                             key=lambda r: (-r.ratings_down, -r.asked))[:10])


def _procedure_rows(site, records: Records, period: str | None) -> list[ProcedureRow]:
    answerer = site.library()
    return procedure_figures(period, records.questions, records.ratings, answerer.procedures_of,
                             answerer.procedure_name)


def procedure_rows(site, staff: StaffUser, period: str) -> list[list]:
    rows = _procedure_rows(site, load_records(site, staff), period)
    return [[getattr(r, key) for key, _ in PROCEDURE_COLUMNS] for r in rows]


def _day(value: str, end: bool = False) -> str | None:
    """"2026-11-23" (Vietnam date) → ISO UTC bound for comparing with stored times."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    start = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(), VN_TIME)
    return start.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


@route("GET", "/feedback", Access.ADMIN)
async def feedback(request: web.Request) -> web.Response:
    site, q = request.config_dict[SITE], request.query
    records = await asyncio.to_thread(load_records, site, me(request))
    topic_of = topic_namer(site, records)
    since, until = _day(q.get("from", "")), _day(q.get("to", ""), end=True)
    rows = [r for r in records.ratings
            if (not since or r.created_at >= since) and (not until or r.created_at < until)
            and (not q.get("topic") or topic_of(r) == q["topic"])
            and (not q.get("channel") or r.channel == q["channel"])
            and (not q.get("value") or r.value == q["value"])]
    rows.sort(key=lambda r: r.id, reverse=True)
    return render(request, "feedback.html", ratings=rows[:500], total=len(rows), topic_of=topic_of,
                  topics=sorted({topic_of(r) for r in records.ratings}),
                  channels=sorted({r.channel for r in records.ratings}), query=q,
                  answer_need=records.answer_need)


@route("GET", "/conversations/{user}", Access.ADMIN)
async def conversation(request: web.Request) -> web.Response:
    site, user = request.config_dict[SITE], request.match_info["user"]
    messages = await asyncio.to_thread(site.storage.recent_messages, user, 1000)
    needs = [n for n in await asyncio.to_thread(site.storage.unmet_needs) if n.user == user]
    if not messages and not needs:
        return forbidden(request, "Không có hội thoại này (có thể đã bị xóa).")
    return render(request, "conversation.html", user=user, messages=messages, needs=needs,
                  place=await asyncio.to_thread(site.storage.place, user))


@route("POST", "/conversations/{user}/delete", Access.ADMIN)
async def delete_citizen(request: web.Request) -> web.Response:
    """A citizen asked staff (in person, by phone) to delete their data: carried out and logged."""
    site, staff, user = request.config_dict[SITE], me(request), request.match_info["user"]
    counts = await asyncio.to_thread(site.storage.delete_user, user, staff.username)
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "citizen.delete", None,
                            f"{sum(counts.values())} bản ghi")
    return redirect("/admin/deletions")


def _summary_rows(site, staff: StaffUser, period: str):
    records = load_records(site, staff)
    names = records.team_names if is_admin(staff) else {staff.team_id: records.team_names.get(staff.team_id, NO_TEAM)}
    rows = summary(period, records.ratings, records.questions, records.needs, records.team_of_user, names)
    return rows if is_admin(staff) else [r for r in rows if r.team == names[staff.team_id]]


def _period(request: web.Request) -> str:
    return request.query.get("period") if request.query.get("period") in PERIODS else "month"


@route("GET", "/reports", Access.STAFF)
async def reports(request: web.Request) -> web.Response:
    site, period = request.config_dict[SITE], _period(request)
    rows = await asyncio.to_thread(_summary_rows, site, me(request), period)
    return render(request, "reports.html", rows=rows, columns=SUMMARY_COLUMNS, period=period)


# ---- exports


def _when(iso: str | None) -> dt.datetime | None:
    """A stored UTC time as Vietnam time (what the pages show), a real date-time cell in Excel."""
    return dt.datetime.fromisoformat(iso).astimezone(VN_TIME).replace(tzinfo=None) if iso else None


def _word(prefix: str, code: str | None) -> str | None:
    """A stored code ("da_tra_loi", "down", "queued") in the words staff read on the pages."""
    return label(f"{prefix}_{code}") if code else None


def rating_rows(site, staff: StaffUser) -> list[list]:
    records = load_records(site, staff)
    topic_of = topic_namer(site, records)
    codes = site.library().procedures_of
    rows = []
    for r in records.ratings:
        team = records.team_of_rating(r)
        need = records.answer_need.get(r.answer_id)
        rows.append([r.id, _when(r.created_at), _when(r.updated_at), _word("channel", r.channel),
                     records.team_names.get(team, NO_TEAM), topic_of(r), r.entry_id,
                     ", ".join(codes(r.entry_id)), need.id if need else None, r.question, _word("rating", r.value),
                     _word("reason", r.reason),
                     r.comment])
    return rows


def unmet_rows(site, staff: StaffUser) -> list[list]:
    records = load_records(site, staff)
    person, codes = records.staff_names.get, site.library().procedures_of
    return [[n.id, _when(n.created_at), _word("channel", n.channel), _word("kind", n.kind), _word("status", n.status),
             records.team_names.get(n.team_id, NO_TEAM), n.question, n.entry_id, ", ".join(codes(n.entry_id)), n.step,
             person(n.claimed_by), _when(n.claimed_at), person(n.answered_by), _when(n.answered_at), n.answer,
             _word("delivery", n.delivery), person(n.closed_by), _when(n.closed_at)] for n in records.needs]


def summary_rows(site, staff: StaffUser, period: str) -> list[list]:
    return [[getattr(r, key) for key, _ in SUMMARY_COLUMNS] for r in _summary_rows(site, staff, period)]


async def _export(request: web.Request, name: str, columns, make_rows, fmt: str) -> web.Response:
    site, staff = request.config_dict[SITE], me(request)
    rows = await asyncio.to_thread(make_rows, site, staff)
    header = [label for _, label in columns]
    scope = "tất cả các tổ" if is_admin(staff) else f"tổ {staff.team_id}"
    await asyncio.to_thread(site.storage.add_audit, staff.id, staff.username, "export", f"{name}.{fmt}",
                            f"{len(rows)} dòng, {scope}")
    stamp = dt.datetime.now(VN_TIME).strftime("%Y%m%d")
    if fmt == "csv":
        body, ctype = csv_bytes(header, rows), "text/csv; charset=utf-8"
    else:
        body, ctype = xlsx_bytes(header, rows, name), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return web.Response(body=body, headers={"Content-Type": ctype,
                                            "Content-Disposition": f'attachment; filename="{name}-{stamp}.{fmt}"'})


def _exports():
    for fmt in ("csv", "xlsx"):
        async def ratings(request: web.Request, fmt=fmt) -> web.Response:
            return await _export(request, "ratings", RATING_COLUMNS, rating_rows, fmt)

        async def unmet(request: web.Request, fmt=fmt) -> web.Response:
            return await _export(request, "unmet", UNMET_COLUMNS, unmet_rows, fmt)

        async def summary_file(request: web.Request, fmt=fmt) -> web.Response:
            period = _period(request)
            return await _export(request, f"summary-{period}", SUMMARY_COLUMNS,
                           lambda site, staff: summary_rows(site, staff, period), fmt)

        route("GET", f"/export/ratings.{fmt}", Access.STAFF)(ratings)
        route("GET", f"/export/unmet.{fmt}", Access.STAFF)(unmet)
        async def procedures_file(request: web.Request, fmt=fmt) -> web.Response:
            period = _period(request)
            return await _export(request, f"procedures-{period}", PROCEDURE_COLUMNS,
                                 lambda site, staff: procedure_rows(site, staff, period), fmt)

        route("GET", f"/export/summary.{fmt}", Access.STAFF)(summary_file)
        route("GET", f"/export/procedures.{fmt}", Access.STAFF)(procedures_file)


_exports()
