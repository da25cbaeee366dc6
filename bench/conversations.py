"""Conversation benchmark: scripted multi-turn conversations through the real engine and knowledge.

Each conversation in bench/conversations.yaml is a list of turns (typed text or a pressed button) with the
outcome class expected for that turn. A conversation reaches its goal when every turn gets its expected
outcome. A dead end is a turn whose replies offer no button to go on (rating buttons aside). Figures are
printed for the tuning half and the held-out half separately.

    python bench/conversations.py [--show-fail]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.conversation import Incoming, Reply
from bot.dialogue import Dialogue
from bot.settings import Settings
from bot.sqlite_storage import SqliteStorage
from bot.wording import say
from handlers.app import open_library

HERE = Path(__file__).parent
SOCIAL = {"thanks": "thanks_reply", "bye": "bye_reply", "complaint": "complaint_reply", "greeting": "greeting_again",
          "not_understood": "not_understood_reply", "menu": "menu"}


@dataclass
class TurnResult:
    ok: bool
    dead_end: bool
    got: str


def onward(replies: list[Reply]) -> bool:
    return any(b.payload and not b.payload.startswith("rate:") for r in replies for b in r.buttons)


def check(expect: str, replies: list[Reply], dialogue: Dialogue, user: str) -> bool:
    kind, _, arg = expect.partition(":")
    text = "\n".join(r.text for r in replies)
    answered = [r.entry_id for r in replies if r.entry_id]
    offered = [b.payload for r in replies for b in r.buttons if b.payload and b.payload.startswith("entry:")]
    key = dialogue.user_key("bench", user)
    loaded = dialogue.storage.load_session(key)
    session = loaded[0] if loaded else {}
    if kind == "answer":
        return arg in answered
    if kind == "clarify":
        return not answered and f"entry:{arg}" in offered and "Ý bạn là" in text
    if kind == "finds":
        return arg in answered or (f"entry:{arg}" in offered and "Ý bạn là" in text)
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
    if kind == "says":
        return arg in text
    raise ValueError(f"unknown expectation {expect}")


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
                results.append(TurnResult(False, False, f"no button '{turn['press']}'"))
                continue
            incoming = Incoming("bench", user, payload=button.payload)
        last = dialogue.handle(incoming)
        ok = check(turn["expect"], last, dialogue, user)
        got = " | ".join(r.text.splitlines()[0][:60] for r in last if r.text)
        results.append(TurnResult(ok, not onward(last), got))
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default=str(HERE / "conversations.yaml"))
    ap.add_argument("--show-fail", action="store_true")
    args = ap.parse_args()
    conversations = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
    library = open_library(Settings.from_env())
    with tempfile.TemporaryDirectory() as tmp:
        dialogue = Dialogue(library, SqliteStorage(Path(tmp) / "bench.db"), b"bench")
        for split, holdout in (("tuning", False), ("held-out", True)):
            convs = [c for c in conversations if bool(c.get("holdout")) == holdout]
            goals = turns = right = dead = 0
            for conv in convs:
                results = run_conversation(dialogue, conv)
                goals += all(r.ok for r in results)
                turns += len(results)
                right += sum(r.ok for r in results)
                dead += sum(r.dead_end for r in results)
                if args.show_fail:
                    for t, r in zip(conv["turns"], results):
                        if not r.ok or r.dead_end:
                            what = t.get("say") or f"[{t.get('press')}]"
                            flag = "FAIL" if not r.ok else "DEAD-END"
                            print(f"{flag} {conv['id']}: {what!r} expected {t['expect']} got: {r.got}")
            print(f"{split:9s} conversations reaching their goal {goals}/{len(convs)} = {goals / len(convs):.3f}; "
                  f"turns right {right}/{turns}; dead-end replies {dead}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
