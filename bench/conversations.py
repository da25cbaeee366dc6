"""Conversation benchmark: scripted multi-turn conversations through the real engine and knowledge.

Each conversation in bench/conversations.yaml is a list of turns (typed text or a pressed button) with the
outcome class expected for that turn. A conversation reaches its goal when every turn gets its expected
outcome. A dead end is a turn whose replies offer no button to go on (rating buttons aside). Also counted: the
generic don't-know reply on in-scope turns (not expecting dont_know, social or pending), the reply that tells a
citizen nothing, and ask-backs ("Ý bạn là…?") whose first option was the entry the turn expects, where answering
would have served the citizen. Figures are printed for the tuning half and the held-out half separately, with
the kinds of expectation the failed turns missed; `--show-fail` lists the tuning half's failed turns only, so the
held-out half is never read turn by turn.
bench/conversations_tune.yaml holds more tuning conversations (none held out); `--file` runs it.

    python bench/conversations.py [--show-fail]
    python bench/conversations.py --file bench/conversations_tune.yaml --show-fail
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's code, not an installed copy

from bot.core.messages import Incoming, Reply  # noqa: E402
from bot.core.payloads import id_of_arg  # noqa: E402
from bot.core.wording import say  # noqa: E402
from bot.dialogue import Dialogue  # noqa: E402
from bot.domain.chat_port import NeedKind, NeedStatus, UnmetNeed  # noqa: E402
from bot.domain.tickets import WAITING  # noqa: E402
from bot.storage.sqlite import SqliteStorage  # noqa: E402
from handlers.runtime.services import open_library  # noqa: E402
from handlers.runtime.settings import Settings  # noqa: E402

HERE = Path(__file__).parent
SOCIAL = {"thanks": "thanks_reply", "bye": "bye_reply", "complaint": "complaint_reply", "greeting": "greeting_again",
          "not_understood": "not_understood_reply", "menu": "menu"}


@dataclass
class TurnResult:
    ok: bool
    dead_end: bool
    got: str
    generic: bool = False         # an in-scope turn got the generic don't-know reply
    asked_back_right: bool = False  # "Ý bạn là…?" although the expected entry was offered first
    missed: tuple[str, ...] = ()  # the kinds of expectation it failed ("finds", "says", "address"…)


# the generic don't-know reply (wording key dont_know), recognised by its first line
GENERIC_DONT_KNOW = say("dont_know").splitlines()[0]
# "Ý bạn là…?" to whomever the session addresses ("Ý bác là…?"), the siblings' "Có mấy thủ tục gần giống nhau", and
# the two asked of choices not yet made when a part is asked of them: "Bác hỏi cho thủ tục nào trong mấy thủ tục
# trên?" and "Theo Cổng DVC quốc gia, từng thủ tục trên: … Bạn chọn một thủ tục để xem đủ", or, asked again, that
# the portal records the part for none of them; and after a referral, the portal's procedures that name its subject
# ("Trên Cổng DVC quốc gia có các thủ tục này, nếu đúng việc bạn cần:"). Each offers its choices as buttons.
ASK_BACK = re.compile("|".join([r"Ý \w+ là…\?", re.escape(say("clarify_procedure").split(",")[0]),
                                r"\w+ " + re.escape(say("which_one").split("?")[0].split(" ", 1)[1]),
                                re.escape(say("choices_compared", lines="").split("\n")[0]),
                                re.escape(say("choices_unrecorded").split(".")[0]),
                                re.escape(say("referral_procedures").split(",")[0])]))
PRIVACY_NOTICE = say("privacy_notice")
OUT_OF_SCOPE = ("dont_know", "social", "pending")   # expectation kinds whose turns are not in-scope questions


def onward(replies: list[Reply]) -> bool:
    return any(b.payload and not b.payload.startswith("rate:") for r in replies for b in r.buttons)


def _without_notice(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies if r.text != PRIVACY_NOTICE)


def expectations(turn: dict) -> list[str]:
    """A turn expects one outcome or a list of them (all must hold)."""
    expect = turn["expect"]
    return [expect] if isinstance(expect, str) else list(expect)


def entries(replies: list[Reply]) -> list[str]:
    """The entries offered as buttons, in order."""
    return [id_of_arg(b.payload.removeprefix("entry:")) or "" for r in replies for b in r.buttons
            if b.payload and b.payload.startswith("entry:")]   # a card's "tthc.1.001613" is "tthc:1.001613"


def titles(replies: list[Reply], pressable: bool = False) -> list[str]:
    """Button titles; pressable: only buttons that send something back (not links such as the portal page)."""
    return [b.title.casefold() for r in replies for b in r.buttons if b.payload or not pressable]


def latest_need(dialogue: Dialogue, key: str, statuses: tuple[NeedStatus, ...] | None = None,
                tickets_only: bool = False) -> UnmetNeed | None:
    """This user's newest need (a 👎 is not a ticket they asked for when tickets_only)."""
    needs = [n for n in dialogue.storage.unmet_needs() if n.user == key
             and (statuses is None or n.status in {s.value for s in statuses})
             and not (tickets_only and n.kind == NeedKind.BAD_RATING.value)]
    return needs[-1] if needs else None


def check(expect: str, replies: list[Reply], dialogue: Dialogue, user: str,
          previous: list[Reply] | None = None) -> bool:
    kind, _, arg = expect.partition(":")
    text = "\n".join(r.text for r in replies)
    answered = [r.entry_id for r in replies if r.entry_id]
    offered = [f"entry:{e}" for e in entries(replies)]
    ids = arg.split("|")   # answer:/clarify:/finds: accept alternatives, A|B
    key = dialogue.user_key("bench", user)
    loaded = dialogue.storage.load_session(key)
    session = loaded.state if loaded else {}
    if kind == "answer":
        return any(i in answered for i in ids)
    if kind == "clarify":
        return not answered and any(f"entry:{i}" in offered for i in ids) and bool(ASK_BACK.search(text))
    if kind == "finds":
        return any(i in answered or (f"entry:{i}" in offered and ASK_BACK.search(text)) for i in ids)
    if kind == "picked":
        options = entries(previous or [])
        n = int(arg)
        return len(options) >= n and options[n - 1] in answered
    if kind == "dont_know":
        return "chưa có hướng dẫn" in text
    if kind == "ticket":
        kinds = {"handoff": "gap_nguoi_ho_tro", "no_answer": "khong_co_cau_tra_loi", "stuck": "bi_ket_o_buoc"}
        needs = [n for n in dialogue.storage.unmet_needs() if n.user == key]
        return any(n.kind == kinds[arg] for n in needs) and "mã" in text
    if kind == "ready_done":
        return "theo thứ tự" in text or "đủ điều kiện" in text
    if kind == "pending":
        return (session.get("pending") or {}).get("waiting") == arg
    if kind == "step":
        return any(r.text.startswith(f"Bước {arg}/") for r in replies)
    if kind == "social":
        return say(SOCIAL[arg], you=session.get("you", "bạn")).split("!")[0].split(",")[0] in text
    if kind == "says":   # says:A|B, either text
        return any(a in text for a in arg.split("|"))
    if kind == "fresh":   # the one-time privacy notice of a first turn does not make the next one differ
        return _without_notice(replies) != _without_notice(previous or [])
    if kind == "offers":   # offers:A|B, either text in the title of some button to press (links aside)
        return any(a.casefold() in t for a in arg.split("|") for t in titles(replies, pressable=True))
    if kind == "shares":
        return any("chia sẻ" in t for t in titles(replies))
    if kind == "reason":
        mine = [r for r in dialogue.storage.ratings() if r.user == key]
        if not mine:
            return False
        latest = max(mine, key=lambda r: r.id)
        return bool((latest.comment or "").strip()) if arg == "comment" else latest.reason == arg
    if kind == "callback":   # callback:saved, or callback:timed when a time to call is kept with the number
        need = latest_need(dialogue, key, WAITING)
        kept = dialogue.storage.callback(need.id) if need is not None else None
        return kept is not None and (arg == "saved" or bool(kept.preferred_time))
    if kind == "cancelled":
        need = latest_need(dialogue, key, tickets_only=True)
        return need is not None and need.status == NeedStatus.CLOSED.value and need.closed_by is None
    if kind == "no_ticket":
        return latest_need(dialogue, key) is None
    if kind == "address":
        return session.get("you") == arg
    raise ValueError(f"unknown expectation {expect}")


def asked_back_right(expects: list[str], replies: list[Reply]) -> bool:
    """An ask-back although the entry the turn expects was the first one offered: answering would have been right."""
    text = "\n".join(r.text for r in replies)
    options = entries(replies)
    if not ASK_BACK.search(text) or not options:
        return False
    return any(kind in ("answer", "finds") and options[0] in arg.split("|")
               for kind, _, arg in (e.partition(":") for e in expects))


def in_scope(expects: list[str]) -> bool:
    return not any(e.partition(":")[0] in OUT_OF_SCOPE for e in expects)


def run_conversation(dialogue: Dialogue, conv: dict) -> list[TurnResult]:
    user = conv["id"]
    last: list[Reply] = []
    results = []
    for turn in conv["turns"]:
        if "say" in turn:
            incoming = Incoming("bench", user, text=turn["say"])
        else:
            button = next((b for r in last for b in r.buttons if b.payload and turn["press"].lower() in b.title.lower()),
                          None)
            if button is None:
                results.append(TurnResult(False, False, f"no button '{turn['press']}'", missed=("button",)))
                continue
            incoming = Incoming("bench", user, payload=button.payload)
        previous, last = last, dialogue.handle(incoming)
        expects = expectations(turn)
        missed = tuple(e.partition(":")[0] for e in expects if not check(e, last, dialogue, user, previous))
        got = " | ".join(r.text.splitlines()[0][:60] for r in last if r.text)
        generic = in_scope(expects) and any(GENERIC_DONT_KNOW in r.text for r in last)
        results.append(TurnResult(not missed, not onward(last), got, generic, asked_back_right(expects, last), missed))
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default=str(HERE / "conversations.yaml"))
    ap.add_argument("--show-fail", action="store_true", help="list the tuning split's failed turns (not held-out)")
    args = ap.parse_args()
    conversations = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
    library = open_library(Settings.from_env())
    with tempfile.TemporaryDirectory() as tmp:
        dialogue = Dialogue(library, SqliteStorage(Path(tmp) / "bench.db"), b"bench")
        for split, holdout in (("tuning", False), ("held-out", True)):
            convs = [c for c in conversations if bool(c.get("holdout")) == holdout]
            goals = turns = right = dead = scoped = generic = asked_back = 0
            missed: Counter[str] = Counter()
            for conv in convs:
                results = run_conversation(dialogue, conv)
                goals += all(r.ok for r in results)
                turns += len(results)
                right += sum(r.ok for r in results)
                dead += sum(r.dead_end for r in results)
                scoped += sum(in_scope(expectations(t)) for t in conv["turns"])
                generic += sum(r.generic for r in results)
                asked_back += sum(r.asked_back_right for r in results)
                missed.update(kind for r in results for kind in r.missed)
                if args.show_fail and not holdout:   # a held-out split shows counts, never its turns
                    for t, r in zip(conv["turns"], results):
                        if not r.ok or r.dead_end:
                            what = t.get("say") or f"[{t.get('press')}]"
                            flag = "FAIL" if not r.ok else "DEAD-END"
                            print(f"{flag} {conv['id']}: {what!r} expected {t['expect']} got: {r.got}")
            if not convs:
                continue
            print(f"{split:9s} conversations reaching their goal {goals}/{len(convs)} = {goals / len(convs):.3f}; "
                  f"turns right {right}/{turns}; dead-end replies {dead}; "
                  f"generic don't-know on in-scope turns {generic}/{scoped} = {generic / max(scoped, 1):.3f}; "
                  f"ask-backs when the top entry was right {asked_back}", flush=True)
            # what the failed turns missed, by kind: counts only, so a held-out split shows where, never what
            print(f"{'':9s} expectations missed: " + (", ".join(f"{k} {n}" for k, n in missed.most_common()) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
