"""Contract of the knowledge files approval publishes through the database (bot.domain.desk_port.KnowledgeFile) and
of leases: the file's version is stored in the approval's own transaction, versions follow commit order across
workers, an undo is one more version, one worker at a time holds a lease."""
from __future__ import annotations

import pytest

from tests.contract.test_concurrency import _no_errors
from tests.contract.threads import together

PATH = "thanh-toan/cap-lai-so-bhxh.md"
TEXT = "---\nid: cap-lai-so-bhxh\n---\nMở ứng dụng VssID.\n"


def _draft(store, entry_id="cap-lai-so-bhxh"):
    return store.add_draft((), entry_id, "Cấp lại sổ BHXH", "thanh-toan", ("mat so bhxh xin lai o dau",),
                           "Mở ứng dụng VssID.", (), (), None, "draft")


class TestApprovalStoresTheFile:
    def test_the_file_is_stored_with_the_approval(self, store, second):
        d = _draft(store)
        assert store.knowledge_files() == [] and store.knowledge_file(PATH) is None
        approved, file = store.update_draft_and_file(d.id, "draft", {"status": "approved", "file_path": PATH},
                                                     PATH, TEXT)
        assert approved.status == "approved" and approved.file_path == PATH
        assert (file.version, file.path, file.text, file.draft_id) == (1, PATH, TEXT, d.id) and file.at
        assert second.knowledge_files() == [file] and second.knowledge_file(PATH) == file   # another worker sees it

    def test_a_lost_compare_and_set_stores_no_file(self, store):
        d = _draft(store)
        store.update_draft_and_file(d.id, "draft", {"status": "approved"}, PATH, TEXT)
        assert store.update_draft_and_file(d.id, "draft", {"status": "approved"}, PATH, "khác") is None
        assert [f.text for f in store.knowledge_files()] == [TEXT]

    def test_a_file_that_cannot_be_stored_takes_the_approval_back(self, store):
        """Both or neither: the approval is not committed without its file."""
        d = _draft(store)
        with pytest.raises(Exception):
            store.update_draft_and_file(d.id, "draft", {"status": "approved"}, None, TEXT)   # path is required
        assert store.draft(d.id).status == "draft" and store.knowledge_files() == []
        assert store.update_draft_and_file(d.id, "draft", {"status": "approved"}, PATH, TEXT) is not None

    def test_an_undo_is_a_newer_version_and_the_newest_of_each_path_is_listed(self, store):
        a, b = _draft(store), _draft(store, "khac")
        store.update_draft_and_file(a.id, "draft", {"status": "approved"}, PATH, TEXT)
        store.update_draft_and_file(b.id, "draft", {"status": "approved"}, "vneid/khac.md", "b")
        _, undone = store.update_draft_and_file(a.id, "approved", {"status": "reverted"}, PATH, None)
        assert undone.version == 3 and undone.text is None                 # None: the file is removed
        assert [(f.version, f.path, f.text) for f in store.knowledge_files()] == [(2, "vneid/khac.md", "b"),
                                                                               (3, PATH, None)]
        assert store.knowledge_file(PATH) == undone


class TestAcrossWorkers:
    def test_two_approvals_at_once_get_distinct_versions(self, store, second, race):
        a, b = _draft(store), _draft(store, "khac")
        got = race(store, second, lambda s: s.update_draft_and_file(a.id, "draft", {"status": "approved"}, PATH, "a"),
                   lambda s: s.update_draft_and_file(b.id, "draft", {"status": "approved"}, "vneid/khac.md", "b"))
        _no_errors(got)
        assert sorted(f.version for _, f in got.values()) == [1, 2]
        assert sorted(f.version for f in store.knowledge_files()) == [1, 2]

    def test_many_approvals_at_once_number_one_version_each(self, backend, store):
        workers = [store] + [backend.again(store) for _ in range(3)]
        drafts = [_draft(store, f"muc-{n}") for n in range(8)]
        got = together([lambda w=workers[n % 4], d=d: w.update_draft_and_file(d.id, "draft", {"status": "approved"},
                                                                            f"thu-tuc/{d.entry_id}.md", "x")
                        for n, d in enumerate(drafts)])
        _no_errors(got)
        assert sorted(f.version for _, f in got) == list(range(1, 9))


class TestLeases:
    def test_one_holder_at_a_time_until_it_ends_or_runs_out(self, store, second):
        assert store.claim_lease("knowledge.build", "a", 1000.0, 60) is True
        assert second.claim_lease("knowledge.build", "b", 1010.0, 60) is False
        assert store.claim_lease("knowledge.build", "a", 1020.0, 60) is True      # its own: renewed to 1080
        assert second.claim_lease("knowledge.build", "b", 1070.0, 60) is False
        second.release_lease("knowledge.build", "b")                             # not its lease: nothing happens
        assert second.claim_lease("knowledge.build", "b", 1079.0, 60) is False
        assert second.claim_lease("knowledge.build", "b", 1080.0, 60) is True     # a crashed holder's lease ran out
        second.release_lease("knowledge.build", "b")
        assert store.claim_lease("knowledge.build", "a", 1081.0, 60) is True
        assert store.claim_lease("other", "b", 1081.0, 60) is True                # leases are by name

    def test_two_workers_claiming_at_once_one_wins(self, store, second, race):
        got = race(store, second, lambda s: s.claim_lease("knowledge.build", "a", 1000.0, 60),
                   lambda s: s.claim_lease("knowledge.build", "b", 1000.0, 60))
        _no_errors(got)
        assert sorted(got.values()) == [False, True]
