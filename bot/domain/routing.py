"""Which community team a citizen's need goes to, and whether to ask the citizen where they live.

A citizen may once pick their province and commune (or skip); their needs go to that commune's team,
else to the province's own team, else to the default team.
"""
from __future__ import annotations

import datetime as dt

from bot.domain.chat_port import NeedKind, UnmetNeed
from bot.domain.desk_port import CitizenPlace, Team

PLACE_WAIT_S = 10 * 60  # a need whose citizen never answers "where do you live?" is routed anyway after this


def wants_place(teams: list[Team], place: CitizenPlace | None, kind: str) -> bool:
    """Ask only when the answer changes where the need goes, and not in the middle of a 👎 (reasons come first)."""
    return place is None and len(teams) >= 2 and kind != NeedKind.BAD_RATING.value


def ready_to_route(need: UnmetNeed, teams: list[Team], place: CitizenPlace | None, now: dt.datetime) -> bool:
    if not wants_place(teams, place, need.kind):
        return True
    created = dt.datetime.fromisoformat(need.created_at) if need.created_at else now
    return (now - created).total_seconds() >= PLACE_WAIT_S


def default_team(teams: list[Team]) -> Team | None:
    return next((t for t in teams if t.is_default), teams[0] if teams else None)


def team_for(teams: list[Team], place: CitizenPlace | None) -> Team | None:
    """The citizen's commune team, else their province's team, else the default team (None: no teams yet)."""
    by_id = {t.id: t for t in teams}
    if place and place.team_id in by_id:
        return by_id[place.team_id]
    if place and place.province:
        local = [t for t in teams if t.province == place.province]
        provincial = [t for t in local if not t.commune]
        if provincial or len(local) == 1:
            return (provincial or local)[0]
    return default_team(teams)


def provinces_with_teams(teams: list[Team]) -> dict[str, str]:
    """Province code → name, for the provinces that have at least one team."""
    return {t.province: t.province_name for t in teams}


def commune_teams(teams: list[Team], province: str) -> list[Team]:
    return [t for t in teams if t.province == province and t.commune]
