"""The optional, skippable "where do you live?" question, so a citizen's needs reach their commune's team.

Asked once, after a need is recorded, only when there is more than one team to choose from.
Payloads: place:p:<province>, place:t:<team id>, place:o:<province> (another commune), place:skip.
"""
from __future__ import annotations

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, encode
from bot.core.wording import DEFAULT_YOU, say
from bot.domain.chat_port import NeedStatus
from bot.domain.desk_port import CommunityStorage, DeskStorage
from bot.domain.routing import commune_teams, provinces_with_teams
from bot.retrieval.places import read_place
from indexer.vntext import fold

_MAX_BUTTONS = 10


def place_question(storage: DeskStorage, you: str = DEFAULT_YOU) -> Reply:
    provinces = provinces_with_teams(storage.teams())
    buttons = tuple(Button(name, encode(Act.PLACE, "p", code)) for code, name in list(provinces.items())[:_MAX_BUTTONS])
    return Reply(say("place_province", you=you), buttons + (Button(say("btn_place_skip"), encode(Act.PLACE, "skip")),))


def on_place(storage: DeskStorage, user: str, args: list[str], you: str = DEFAULT_YOU) -> Reply:
    """Record the citizen's choice (or ask for the commune next); KeyError/ValueError for a stale button."""
    teams = storage.teams()
    kind = args[0]
    if kind == "skip":
        storage.save_place(user, None, None, skipped=True)
        return Reply(say("place_skipped", you=you))
    if kind == "t":
        team = {t.id: t for t in teams}[int(args[1])]
        storage.save_place(user, team.province, team.id, skipped=False)
        return Reply(say("place_saved", you=you, place=f"{team.commune}, {team.province_name}"))
    province = args[1]
    names = provinces_with_teams(teams)
    if province not in names:
        raise KeyError(province)
    communes = commune_teams(teams, province)
    if kind == "p" and len(communes) > 1:
        buttons = tuple(Button(t.commune, encode(Act.PLACE, "t", t.id)) for t in communes[:_MAX_BUTTONS])
        return Reply(say("place_commune", you=you, province=names[province]),
                     buttons + (Button(say("btn_place_other"), encode(Act.PLACE, "o", province)),))
    if kind not in ("p", "o"):
        raise ValueError(kind)
    only = communes[0] if kind == "p" and len(communes) == 1 else None
    storage.save_place(user, province, only.id if only else None, skipped=False)
    return Reply(say("place_saved", you=you, place=f"{only.commune}, {names[province]}" if only else names[province]))


def typed_place(storage: CommunityStorage, user: str, text: str, you: str = DEFAULT_YOU) -> Reply | None:
    """A province or commune typed in reply to "bạn ở tỉnh nào?" (no button pressed): saved like a button
    press, so the ticket waiting for it is routed there. None when no place is awaited or the text is not one."""
    teams = storage.teams()
    if len(teams) < 2 or storage.place(user) is not None:
        return None
    waiting = storage.user_needs(user, (NeedStatus.NEW, NeedStatus.ACKNOWLEDGED))
    if not any(n.routed_at is None for n in waiting):
        return None
    communes: dict[str, list[str]] = {}
    for t in teams:
        if t.commune:
            communes.setdefault(t.province, []).append(t.commune)
    place = read_place(text, communes)
    if place is None:
        return None
    local = [t for t in teams if t.province == place.province]
    team = next((t for t in local if place.commune and fold(t.commune) == fold(place.commune)), None)
    storage.save_place(user, place.province, team.id if team else None, skipped=False)
    key = "place_saved" if local else "place_saved_no_team"
    return Reply(say(key, you=you, place=place.describe()))
