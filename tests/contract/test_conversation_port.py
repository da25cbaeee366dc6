"""Contract of bot.storage.Storage (what the conversation remembers), through the port only, on every backend."""
import pytest

from bot.storage import NeedKind, NeedStatus, OfferedNumber, StaleSession, StoredSession


class TestMessages:
    def test_messages_round_trip_in_order(self, store):
        a = store.add_message("u1", "web", "in", "cho em hoi lam cccd o dau a")
        b = store.add_message("u1", "web", "out", "trả lời", entry_id="e1", reply_to=a)
        store.add_message("u2", "web", "in", "người khác")
        assert [m["text"] for m in store.recent_messages("u1", 10)] == ["cho em hoi lam cccd o dau a", "trả lời"]
        assert [m["text"] for m in store.recent_messages("u1", 1)] == ["trả lời"]   # the last ones, oldest first
        assert store.message(b)["entry_id"] == "e1" and store.message(b)["reply_to"] == a
        assert store.message(a)["user"] == "u1" and store.message(a)["created_at"]
        assert store.message(999) is None

    def test_a_repeated_delivery_is_stored_once(self, store):
        """Rule: one stored row per (channel, delivery id); no id, no dedupe."""
        first = store.add_message("u1", "zalo", "in", "xin chào", message_id="m-1")
        assert first is not None
        assert store.add_message("u1", "zalo", "in", "xin chào", message_id="m-1") is None
        assert store.add_message("u1", "telegram", "in", "xin chào", message_id="m-1") is not None  # ids per channel
        assert store.add_message("u1", "web", "in", "a") != store.add_message("u1", "web", "in", "a")


class TestTransactions:
    def test_writes_in_a_transaction_commit_together_or_not_at_all(self, store, second):
        """What another worker sees: nothing until the outermost block ends; nested blocks commit nothing alone."""
        with store.transaction():
            store.add_message("u1", "web", "in", "câu hỏi")
            with store.transaction():
                store.add_message("u1", "web", "out", "trả lời")
            assert second.recent_messages("u1", 10) == []
        assert len(second.recent_messages("u1", 10)) == 2
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.add_message("u2", "web", "in", "mất điện giữa chừng")
                raise RuntimeError("crash mid-turn")
        assert second.recent_messages("u2", 10) == [] and store.recent_messages("u2", 10) == []

    def test_a_failed_nested_block_takes_back_only_its_own_writes(self, store):
        """The dialogue's apology path: the turn's message stays, the failed part's writes go."""
        with store.transaction():
            store.add_message("u1", "web", "in", "quen mk vneid")
            with pytest.raises(RuntimeError):
                with store.transaction():
                    store.queue_reply("u1", "web", "nửa chừng")
                    raise RuntimeError("fails half-way")
        assert [m["text"] for m in store.recent_messages("u1", 5)] == ["quen mk vneid"]
        assert store.take_replies("u1", "web") == []


class TestRatings:
    def test_one_rating_per_answer_and_a_thumbs_up_clears_the_reason(self, store):
        """Rules: rating again changes the one rating (never a second); a 👍 clears the 👎's reason, keeps the
        comment."""
        answer = store.add_message("u1", "web", "out", "trả lời", entry_id="e1")
        r1 = store.rate(answer, "u1", "web", "hỏi gì", "e1", "down")
        assert (r1.value, r1.reason, r1.question, r1.entry_id) == ("down", None, "hỏi gì", "e1")
        with_reason = store.set_rating_reason(r1.id, "u1", reason="unclear", comment="kho hieu qua")
        assert (with_reason.reason, with_reason.comment) == ("unclear", "kho hieu qua")
        assert store.set_rating_reason(r1.id, "u1", comment="van chua ro").reason == "unclear"  # None keeps it
        r2 = store.rate(answer, "u1", "web", "hỏi gì", "e1", "up")
        assert r1.id == r2.id and r2.value == "up" and r2.reason is None and r2.comment == "van chua ro"
        assert store.rate(answer, "u1", "web", "hỏi gì", "e1", "down").reason is None   # not brought back
        store.rate(answer, "u2", "web", "hỏi gì", "e1", "down")
        assert sorted((r.user, r.value) for r in store.ratings()) == [("u1", "down"), ("u2", "down")]

    def test_reason_only_by_the_rater(self, store):
        answer = store.add_message("u1", "web", "out", "x", entry_id="e1")
        r = store.rate(answer, "u1", "web", None, "e1", "down")
        assert store.set_rating_reason(r.id, "someone-else", reason="wrong") is None
        assert store.set_rating_reason(999, "u1", reason="wrong") is None
        assert store.ratings()[0].reason is None


class TestNeeds:
    def test_a_new_need_starts_new_with_what_the_citizen_gave(self, store):
        need = store.add_unmet_need("u1", "web", NeedKind.STUCK, question="q", entry_id="e1", step=3, context="ctx",
                                    detail="ko thay nut nop ho so")
        assert (need.status, need.kind, need.step, need.detail) == (NeedStatus.NEW.value, NeedKind.STUCK.value, 3,
                                                                    "ko thay nut nop ho so")
        assert need.created_at and need.team_id is None and need.routed_at is None

    def test_add_unmet_need_is_idempotent_per_bad_rating(self, store):
        """Rule: one need per bad rating, however often the citizen presses 👎; needs without a rating are each new."""
        answer = store.add_message("u1", "web", "out", "x", entry_id="e1")
        r = store.rate(answer, "u1", "web", None, "e1", "down")
        n1 = store.add_unmet_need("u1", "web", NeedKind.BAD_RATING, rating_id=r.id)
        n2 = store.add_unmet_need("u1", "web", NeedKind.BAD_RATING, rating_id=r.id, detail="lần hai")
        assert n1 == n2 and len(store.unmet_needs()) == 1
        store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        assert len(store.unmet_needs()) == 3

    def test_needs_by_user_and_status_with_detail(self, store):
        a = store.add_unmet_need("u1", "web", NeedKind.STUCK, question="q", entry_id="e1", step=2, detail="ko thay nut")
        b = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        store.add_unmet_need("u2", "web", NeedKind.HANDOFF)
        store.update_need(b.id, NeedStatus.NEW, {"status": NeedStatus.CLOSED})
        assert [n.id for n in store.user_needs("u1", (NeedStatus.NEW, NeedStatus.ACKNOWLEDGED))] == [a.id]
        assert store.user_needs("u1", (NeedStatus.NEW,))[0].detail == "ko thay nut"
        assert store.set_need_detail(b.id, "goi lai giup toi").detail == "goi lai giup toi"
        assert [n.id for n in store.unmet_needs(NeedStatus.CLOSED)] == [b.id]
        assert len(store.unmet_needs()) == 3 and [n.id for n in store.unmet_needs()] == sorted(n.id for n in
                                                                                               store.unmet_needs())

    def test_answers_queued_for_a_page_are_marked_fetched_once(self, store):
        mine = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        other_channel = store.add_unmet_need("u1", "zalo", NeedKind.HANDOFF)
        sent = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        store.update_need(mine.id, NeedStatus.NEW, {"delivery": "queued"})
        store.update_need(other_channel.id, NeedStatus.NEW, {"delivery": "queued"})
        store.update_need(sent.id, NeedStatus.NEW, {"delivery": "sent"})
        assert store.mark_answers_fetched("u1", "web") == 1
        assert store.mark_answers_fetched("u1", "web") == 0
        assert [store.need(n.id).delivery for n in (mine, other_channel, sent)] == ["fetched", "queued", "sent"]


class TestCallbacks:
    def test_callback_number_is_kept_per_ticket_and_deleted_alone(self, store):
        need = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        other = store.add_unmet_need("u1", "web", NeedKind.HANDOFF)
        assert store.callback(need.id) is None and store.needs_with_callback() == set()
        store.save_callback(need.id, "u1", "0912345678")
        store.save_callback(need.id, "u1", "0987654321", preferred_time="buoi chieu sau 2h")   # corrected: one number
        cb = store.callback(need.id)
        assert (cb.phone, cb.user, cb.preferred_time) == ("0987654321", "u1", "buoi chieu sau 2h")
        assert store.needs_with_callback() == {need.id} and store.callback(other.id) is None
        assert store.delete_callback(need.id) and store.callback(need.id) is None
        assert not store.delete_callback(need.id) and store.needs_with_callback() == set()
        assert all("0987654321" not in str(m) for m in store.recent_messages("u1", 50))
        assert all("0987654321" not in str(n) for n in store.unmet_needs())


class TestConsentAndSessions:
    def test_consent_is_recorded_once_per_notice(self, store):
        assert store.record_consent("u1", "web", "v1") is True
        assert store.record_consent("u1", "web", "v1") is False
        assert store.record_consent("u2", "web", "v1") is True

    def test_session_round_trip_with_a_version_per_save(self, store):
        """Rule: a save names the version it loaded (None: none stored yet) and gets the next one."""
        assert store.load_session("u1") is None
        state = {"pending": {"type": "ready", "answers": [True]}, "you": "bác"}
        assert store.save_session("u1", state, 100.0, None) == 1
        assert store.load_session("u1") == StoredSession(state, 100.0, 1)
        assert store.save_session("u1", {"pending": None}, 200.5, 1) == 2
        assert store.load_session("u1") == StoredSession({"pending": None}, 200.5, 2)
        assert store.load_session("u2") is None

    def test_a_save_from_a_stale_load_writes_nothing(self, store):
        """Rule: a save naming a version that is no longer the stored one (another turn saved in between, or a
        session appeared) raises StaleSession and leaves the stored session as it was."""
        store.save_session("u1", {"you": "em"}, 100.0, None)
        with pytest.raises(StaleSession):
            store.save_session("u1", {"you": "bác"}, 150.0, None)     # one was saved meanwhile
        store.save_session("u1", {"you": "chị"}, 200.0, 1)
        with pytest.raises(StaleSession):
            store.save_session("u1", {"you": "anh"}, 300.0, 1)        # loaded before the save above
        assert store.load_session("u1") == StoredSession({"you": "chị"}, 200.0, 2)


class TestReachingCitizens:
    def test_addresses_per_user_and_channel(self, store):
        assert store.address("u1", "telegram") is None
        store.save_address("u1", "telegram", "123456")
        store.save_address("u1", "telegram", "654321")   # the chat moved: one address per channel
        store.save_address("u1", "zalo", "z-1")
        assert (store.address("u1", "telegram"), store.address("u1", "zalo")) == ("654321", "z-1")

    def test_queued_replies_are_taken_once_in_order(self, store):
        """Idempotent: taking again gives nothing; each citizen and channel has its own queue."""
        store.queue_reply("u1", "web", "một")
        store.queue_reply("u1", "web", "hai")
        store.queue_reply("u2", "web", "khác")
        store.queue_reply("u1", "zalo", "kênh khác")
        assert store.take_replies("u1", "web") == ["một", "hai"]
        assert store.take_replies("u1", "web") == []
        assert store.take_replies("u2", "web") == ["khác"] and store.take_replies("u1", "zalo") == ["kênh khác"]

    def test_deliveries_are_recorded_and_listed_by_status(self, store):
        a = store.record_delivery("u1", "zalo", "undelivered", "-230", "x")
        b = store.record_delivery("u1", "telegram", "sent", None, "y")
        assert a != b
        assert [(d["id"], d["error"]) for d in store.deliveries("undelivered")] == [(a, "-230")]
        assert [d["id"] for d in store.deliveries()] == [a, b]

    def test_a_typed_number_waits_apart_one_per_person_until_dropped(self, store):
        store.offer_number("u1", "0912345678")
        store.offer_number("u1", "0938112457", "sau 5h")    # a newer number replaces the one waiting
        store.offer_number("u2", "0911111111")
        assert store.offered_number("u1") == OfferedNumber("u1", "0938112457", "sau 5h")
        assert store.drop_offered_number("u1") and not store.drop_offered_number("u1")
        assert store.offered_number("u1") is None and store.offered_number("u2").phone == "0911111111"

    def test_parked_turns_wait_per_channel_oldest_first(self, store):
        store.park_turn("u1", "zalo", '{"n": 1}')
        store.park_turn("u2", "zalo", '{"n": 2}')
        store.park_turn("u1", "telegram", '{"n": 3}')
        parked = store.parked_turns("zalo")
        assert [event for _, event in parked] == ['{"n": 1}', '{"n": 2}']
        store.unpark_turn(parked[0][0])
        store.unpark_turn(parked[0][0])   # twice: nothing more
        assert [event for _, event in store.parked_turns("zalo")] == ['{"n": 2}']
        assert len(store.parked_turns("telegram")) == 1
