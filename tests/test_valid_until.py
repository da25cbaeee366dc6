"""Facts with dates: after `valid_until` the bot still answers with a warning and `dvcbot check` fails."""
import datetime as dt
from dataclasses import replace
from pathlib import Path

from bot.core.wording import say
from bot.dialogue.render import entry_text
from handlers.app.cli import main
from indexer.check import check_knowledge
from indexer.knowledge import load_knowledge
from indexer.store import entry_from_json, entry_to_json

TODAY = dt.date.today()   # read once at import: every test passes it on, so a run across midnight agrees with itself


def add_valid_until(kb: Path, entry_id: str, day: dt.date) -> None:
    path = kb / f"{entry_id}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: 2026-01-15",
                                                             f"reviewed: 2026-01-15\nvalid_until: {day.isoformat()}"),
                    encoding="utf-8")


def entries_by_id(kb: Path):
    return {e.id: e for e in load_knowledge(kb)[0]}


def test_expired_entry_still_answers_with_a_note(small_kb):
    add_valid_until(small_kb, "quen-mat-khau", TODAY - dt.timedelta(days=1))
    entry = entries_by_id(small_kb)["quen-mat-khau"]
    text = entry_text(entry, today=TODAY)
    assert say("outdated") in text and "có thể đã thay đổi" in text
    assert "Bấm Quên mật khẩu" in text  # the answer itself is still there
    assert text.index(say("outdated")) < text.index("Bấm Quên mật khẩu")


def test_entry_within_its_date_has_no_note(small_kb):
    add_valid_until(small_kb, "quen-mat-khau", TODAY)
    entries = entries_by_id(small_kb)
    assert say("outdated") not in entry_text(entries["quen-mat-khau"], today=TODAY)  # the last valid day is valid
    assert say("outdated") in entry_text(entries["quen-mat-khau"], today=TODAY + dt.timedelta(days=1))
    assert say("outdated") not in entry_text(entries["dang-ky-muc-2"], today=TODAY + dt.timedelta(days=3650))


def test_check_fails_naming_the_expired_entry(small_kb):
    add_valid_until(small_kb, "khong-nhan-otp", dt.date(2026, 2, 28))
    report, _ = check_knowledge(small_kb, today=dt.date(2026, 3, 1))
    assert [e.id for e in report.expired] == ["khong-nhan-otp"] and not report.ok
    report, _ = check_knowledge(small_kb, today=dt.date(2026, 2, 28))
    assert report.expired == []


def test_cli_check_prints_the_expired_entry_and_exits_1(small_kb, monkeypatch, capsys):
    (small_kb / "topics.yaml").write_text("topics:\n  vneid: VNeID\n", encoding="utf-8")
    add_valid_until(small_kb, "khong-nhan-otp", TODAY - dt.timedelta(days=10))
    monkeypatch.setenv("DVCBOT_KNOWLEDGE_DIR", str(small_kb))
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    day = (TODAY - dt.timedelta(days=10)).strftime("%d/%m/%Y")
    assert f"HẾT HẠN khong-nhan-otp.md: thông tin chỉ đúng đến {day}" in out
    assert "quen-mat-khau" not in out and "KHÔNG đạt" in out


def test_new_dates_survive_the_index_and_make_a_new_build_without_re_embedding(small_kb):
    from indexer.build import embedded_hash, knowledge_fingerprint

    before = knowledge_fingerprint(small_kb)
    add_valid_until(small_kb, "quen-mat-khau", dt.date(2027, 2, 28))
    entry = entries_by_id(small_kb)["quen-mat-khau"]
    stamped = replace(entry, links_checked=dt.date(2026, 11, 20))
    assert entry_from_json(entry_to_json(stamped)) == stamped
    assert entry.valid_until == dt.date(2027, 2, 28)
    assert knowledge_fingerprint(small_kb) != before  # a new knowledge version reaches the index
    assert embedded_hash(replace(entry, valid_until=None)) == embedded_hash(entry)  # nothing to re-embed
    assert embedded_hash(stamped) == embedded_hash(entry)


def test_an_index_written_before_the_new_fields_still_loads(small_kb):
    entry = entries_by_id(small_kb)["quen-mat-khau"]
    old = {k: v for k, v in entry_to_json(entry).items() if k not in ("valid_until", "links_checked")}
    assert entry_from_json(old) == entry
