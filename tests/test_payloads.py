"""The payload codec: what the engine makes it accepts back; anything else is a stale button."""
import pytest

from bot.core.payloads import Act, StaleButton, encode, parse
from bot.dialogue.session import Pending, Session, Waiting


@pytest.mark.parametrize("act, args", [
    (Act.MENU, ()), (Act.READY, ()), (Act.READY, ("go",)), (Act.READY, (2, "n")), (Act.TOPIC, ("vneid", 1)),
    (Act.ENTRY, ("vneid-quen-passcode",)), (Act.STEPS, ("kyso-ky-to-khai", 3)), (Act.RATE, (12, "up")),
    (Act.WHY, (4, "off_topic")), (Act.CALLBACK, ("y",)), (Act.KEEP_COMMENT, (7,)), (Act.QUESTION, (2, "0a9f3c")),
])
def test_round_trip(act, args):
    p = parse(encode(act, *args))
    assert p.act == act and p.args == tuple(str(a) for a in args)


@pytest.mark.parametrize("text", [
    "", "zzz", "entry:", "entry:Có-dấu", "rate:abc:up", "rate:1:maybe", "why:1:x", "ready:3", "ready:3:yes",
    "delete:", "delete:maybe", "steps:x", "steps:x:1:2", "topic:vneid:abc", "handoff:1", "x" * 80, "menu:",
    "question:1", "question:12:0a9f3c", "question:1:XYZ123", "question:1:0a9f3c:x",
])
def test_anything_else_is_stale(text):
    with pytest.raises(StaleButton):
        parse(text)


def test_encode_refuses_what_it_would_not_accept():
    with pytest.raises(StaleButton):
        encode(Act.RATE, 1, "sideways")


def test_session_round_trip_and_old_shapes_start_afresh():
    s = Session(pending=Pending(Waiting.READY, answers=[True, False]), you="bác", misses=1,
                questions=["bác mất thẻ căn cước làm lại ở đâu"])
    s.remember_answer(5, "hỏi", "vneid-quen-passcode")
    back = Session.from_dict(s.to_dict())
    assert back == s and back.pending.waiting == Waiting.READY
    assert Session.from_dict({"pending": {"type": "ready", "answers": [True]}}) == Session()
    assert Session.from_dict({"pending": {"waiting": "nonsense"}}) == Session()


def test_every_button_act_has_a_part_to_go_to(tmp_path):
    """The button table (bot.dialogue.buttons) knows every act a payload can carry: a new act without a handler
    would be pressed and silently do nothing but show the menu."""
    from bot.dialogue import Dialogue
    from tests.builders import open_storage

    dialogue = Dialogue(lambda: None, open_storage(tmp_path / "dvcbot.db"), b"test-secret")
    assert set(dialogue.parts.buttons._table) == set(Act)
