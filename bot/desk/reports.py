"""Figures staff report against the provincial targets: satisfaction, share answered from knowledge,
needs handled, answer times; per topic, channel, week, and per commune team per month or quarter.

Pure functions over storage records, so every backend gives the same figures. Periods use Vietnam time.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from bot.domain.chat_port import Rating, UnmetNeed
from bot.domain.desk_port import QuestionRecord

VN_TIME = dt.timezone(dt.timedelta(hours=7))
TARGETS = (90, 95)            # % satisfied: the plans' 2025 and 2026 targets
LOOKED_UP = ("answer", "clarify", "dont_know")   # outcomes of a real question (not empty / other language)
NO_TEAM = "(chưa rõ tổ)"
HUMAN_TOPIC = "Trả lời của tổ hỗ trợ"
ASKED_BACK_TOPIC = "Hỏi lại, chưa trả lời được"   # a 👎 on an ask-back or on "the guide does not say"


def local(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).astimezone(VN_TIME)


def week_of(iso: str) -> str:
    year, week, _ = local(iso).isocalendar()
    return f"{year}-W{week:02d}"


def month_of(iso: str) -> str:
    return local(iso).strftime("%Y-%m")


def quarter_of(iso: str) -> str:
    moment = local(iso)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


PERIODS: dict[str, Callable[[str], str]] = {"month": month_of, "quarter": quarter_of}


@dataclass(frozen=True)
class Satisfaction:
    up: int
    down: int

    @property
    def total(self) -> int:
        return self.up + self.down

    @property
    def percent(self) -> float | None:
        """👍 / (👍 + 👎) × 100, or None with no ratings."""
        return round(100 * self.up / self.total, 1) if self.total else None


def satisfaction(ratings: Iterable[Rating]) -> Satisfaction:
    counts = Counter(r.value for r in ratings)
    return Satisfaction(counts["up"], counts["down"])


def satisfaction_by(ratings: Iterable[Rating], key: Callable[[Rating], str]) -> dict[str, Satisfaction]:
    groups: dict[str, list[Rating]] = defaultdict(list)
    for r in ratings:
        groups[key(r)].append(r)
    return {k: satisfaction(v) for k, v in sorted(groups.items())}


def answer_minutes(need: UnmetNeed) -> float | None:
    if not need.answered_at or not need.created_at:
        return None
    return (dt.datetime.fromisoformat(need.answered_at) - dt.datetime.fromisoformat(need.created_at)).total_seconds() / 60


def median_answer_minutes(needs: Iterable[UnmetNeed]) -> float | None:
    times = [m for m in map(answer_minutes, needs) if m is not None]
    return round(statistics.median(times), 1) if times else None


@dataclass(frozen=True)
class Dashboard:
    overall: Satisfaction
    by_topic: dict[str, Satisfaction]
    by_channel: dict[str, Satisfaction]
    by_week: dict[str, Satisfaction]
    questions_by_channel: dict[str, int]
    asked: int
    answered_from_knowledge: int
    median_answer_minutes: float | None

    @property
    def answered_percent(self) -> float | None:
        return round(100 * self.answered_from_knowledge / self.asked, 1) if self.asked else None


def dashboard(ratings: list[Rating], questions: list[QuestionRecord], needs: list[UnmetNeed],
              topic_of: Callable[[Rating], str], weeks: int = 12) -> Dashboard:
    by_week = satisfaction_by(ratings, lambda r: week_of(r.created_at))
    looked_up = [q for q in questions if q.outcome in LOOKED_UP]
    return Dashboard(
        overall=satisfaction(ratings),
        by_topic=satisfaction_by(ratings, topic_of),
        by_channel=satisfaction_by(ratings, lambda r: r.channel),
        by_week=dict(list(by_week.items())[-weeks:]),
        questions_by_channel=dict(sorted(Counter(q.channel for q in looked_up).items())),
        asked=len(looked_up),
        answered_from_knowledge=sum(q.outcome == "answer" for q in looked_up),
        median_answer_minutes=median_answer_minutes(needs),
    )


@dataclass(frozen=True)
class SummaryRow:
    """One line of a provincial report: a commune team's figures for one month or quarter."""
    period: str
    team: str
    questions: int
    answered_from_knowledge: int
    ratings_up: int
    ratings_down: int
    satisfaction_percent: float | None
    needs_received: int
    needs_answered: int
    needs_closed: int
    median_answer_minutes: float | None


SUMMARY_COLUMNS = [("period", "Kỳ"), ("team", "Tổ"), ("questions", "Số câu hỏi"),
                   ("answered_from_knowledge", "Trả lời từ kho kiến thức"), ("ratings_up", "Hài lòng"),
                   ("ratings_down", "Chưa hài lòng"), ("satisfaction_percent", "Tỷ lệ hài lòng (%)"),
                   ("needs_received", "Yêu cầu mới gửi đến"), ("needs_answered", "Yêu cầu đã trả lời"),
                   ("needs_closed", "Yêu cầu đã đóng"), ("median_answer_minutes", "Thời gian trả lời trung vị (phút)")]


def summary(period: str, ratings: list[Rating], questions: list[QuestionRecord], needs: list[UnmetNeed],
            team_of_user: Callable[[str], int | None], team_names: dict[int, str]) -> list[SummaryRow]:
    """Per period and team. Questions and ratings count for the team of the citizen's chosen commune;
    needs for the team they were routed to."""
    period_of = PERIODS[period]
    name = lambda team_id: team_names.get(team_id, NO_TEAM) if team_id is not None else NO_TEAM  # noqa: E731
    cells: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(list))
    for q in questions:
        if q.outcome in LOOKED_UP:
            cells[(period_of(q.created_at), name(team_of_user(q.user)))]["questions"].append(q)
    for r in ratings:
        cells[(period_of(r.created_at), name(team_of_user(r.user)))]["ratings"].append(r)
    for n in needs:
        team = name(n.team_id)
        cells[(period_of(n.created_at), team)]["received"].append(n)
        if n.answered_at:
            cells[(period_of(n.answered_at), team)]["answered"].append(n)
        if n.closed_at:
            cells[(period_of(n.closed_at), team)]["closed"].append(n)
    rows = []
    for (when, team), cell in sorted(cells.items()):
        sat = satisfaction(cell["ratings"])
        rows.append(SummaryRow(when, team, len(cell["questions"]),
                               sum(q.outcome == "answer" for q in cell["questions"]), sat.up, sat.down, sat.percent,
                               len(cell["received"]), len(cell["answered"]), len(cell["closed"]),
                               median_answer_minutes(cell["answered"])))
    return rows


@dataclass(frozen=True)
class ProcedureRow:
    """How often a national procedure was asked about and how its answers were rated, in one period."""
    period: str
    code: str
    name: str
    asked: int
    ratings_up: int
    ratings_down: int

    @property
    def satisfaction_percent(self) -> float | None:
        return Satisfaction(self.ratings_up, self.ratings_down).percent


PROCEDURE_COLUMNS = [("period", "Kỳ"), ("code", "Mã thủ tục"), ("name", "Tên thủ tục"),
                     ("asked", "Số câu hỏi được trả lời"), ("ratings_up", "Hài lòng"),
                     ("ratings_down", "Chưa hài lòng"), ("satisfaction_percent", "Tỷ lệ hài lòng (%)")]


def procedure_figures(period: str | None, questions: list[QuestionRecord], ratings: list[Rating],
                      procedures_of: Callable[[str | None], tuple[str, ...]],
                      name_of: Callable[[str], str]) -> list[ProcedureRow]:
    """Per procedure (and period, or over all time when None): questions answered about it, 👍 and 👎 — what a
    province reports on for its essential services. Most asked first."""
    period_of = PERIODS[period] if period else (lambda _: "")
    asked: Counter = Counter()
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for q in questions:
        if q.outcome == "answer":
            for code in procedures_of(q.entry_id)[:1]:
                asked[(period_of(q.created_at), code)] += 1
    for r in ratings:
        for code in procedures_of(r.entry_id)[:1]:
            votes[(period_of(r.created_at), code)][r.value] += 1
    keys = set(asked) | set(votes)
    rows = [ProcedureRow(when, code, name_of(code), asked[(when, code)], votes[(when, code)]["up"],
                         votes[(when, code)]["down"]) for when, code in keys]
    return sorted(rows, key=lambda r: (r.period, -r.asked, -r.ratings_down, r.code))


RATING_COLUMNS = [("id", "Mã"), ("created_at", "Thời điểm"), ("updated_at", "Cập nhật"), ("channel", "Kênh"),
                  ("team", "Tổ"), ("topic", "Chủ đề"), ("entry_id", "Mục kiến thức"), ("procedure", "Mã thủ tục"),
                  ("need_id", "Trả lời của tổ cho yêu cầu"), ("question", "Câu hỏi"), ("value", "Đánh giá"),
                  ("reason", "Lý do"), ("comment", "Góp ý")]

UNMET_COLUMNS = [("id", "Mã"), ("created_at", "Thời điểm"), ("channel", "Kênh"), ("kind", "Loại"),
                 ("status", "Trạng thái"), ("team", "Tổ"), ("question", "Câu hỏi"), ("entry_id", "Mục kiến thức"),
                 ("procedure", "Mã thủ tục"),
                 ("step", "Bước"), ("claimed_by", "Người nhận"), ("claimed_at", "Lúc nhận"),
                 ("answered_by", "Người trả lời"), ("answered_at", "Lúc trả lời"), ("answer", "Trả lời"),
                 ("delivery", "Gửi đến người dân"), ("closed_by", "Người đóng"), ("closed_at", "Lúc đóng")]
