import os

import pytest

from indexer.build import build_index
from indexer.embedder import model_id_for
from indexer.store import IndexMissing, ModelMismatch, current_path, load_snapshot
from tests.conftest import FAKE_MODEL, FakeEmbedder, write_entry


class Factory:
    def __init__(self):
        self.made: list[FakeEmbedder] = []

    def __call__(self, name):
        e = FakeEmbedder(name)
        self.made.append(e)
        return e

    @property
    def texts(self):
        return [t for e in self.made for t in e.embedded]


def test_first_build_writes_faiss_lexical_and_manifest(small_kb, tmp_path):
    idx = tmp_path / "index"
    report = build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    assert report.entries == 3 and report.embedded == 3 and report.changed
    snap = load_snapshot(idx, model_id_for(FAKE_MODEL))
    m = snap.manifest
    assert m.model_id == model_id_for(FAKE_MODEL) and m.dimension == FakeEmbedder.dimension
    assert set(m.entries) == {"dang-ky-muc-2", "quen-mat-khau", "khong-nhan-otp"}
    assert snap.dense.ntotal == len(snap.rows) == 3 * 5  # title + 3 questions + body
    assert {p.name for p in snap.folder.iterdir()} >= {"manifest.json", "dense.faiss", "rows.json", "entries.json", "lexical"}


def test_only_changed_entries_are_re_embedded(small_kb, tmp_path):
    idx = tmp_path / "index"
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    f = Factory()
    assert not build_index(small_kb, idx, FAKE_MODEL, f, progress=False).changed
    assert f.made == []  # nothing changed: the model is not even loaded
    write_entry(small_kb, "quen-mat-khau", "Quên mật khẩu VNeID",
                ["Quên mật khẩu VNeID thì làm sao?", "lấy lại mật khẩu", "không nhớ mật khẩu"], "Bấm Quên mật khẩu.")
    f = Factory()
    report = build_index(small_kb, idx, FAKE_MODEL, f, progress=False)
    assert (report.embedded, report.reused) == (1, 2)
    assert all("mật khẩu" in t.lower() for t in f.texts)
    snap = load_snapshot(idx)
    old_vectors = snap.vectors_of("dang-ky-muc-2")[1]
    assert old_vectors.shape == (5, FakeEmbedder.dimension)


def test_removed_entry_disappears_from_index(small_kb, tmp_path):
    idx = tmp_path / "index"
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    (small_kb / "khong-nhan-otp.md").unlink()
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    snap = load_snapshot(idx)
    assert {e.id for e in snap.entries} == {"dang-ky-muc-2", "quen-mat-khau"}
    assert {r.entry_id for r in snap.rows} == {"dang-ky-muc-2", "quen-mat-khau"}


def test_index_built_with_another_model_is_refused(small_kb, tmp_path):
    idx = tmp_path / "index"
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    with pytest.raises(ModelMismatch) as exc:
        load_snapshot(idx, model_id_for("another-model"))
    assert "dvcbot index" in str(exc.value) and FAKE_MODEL in str(exc.value)


def test_changing_model_rebuilds_everything(small_kb, tmp_path):
    idx = tmp_path / "index"
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    report = build_index(small_kb, idx, "another-model", Factory(), progress=False)
    assert report.embedded == 3
    assert load_snapshot(idx, model_id_for("another-model")).manifest.model_id == model_id_for("another-model")


def test_missing_index_is_reported(tmp_path):
    with pytest.raises(IndexMissing):
        load_snapshot(tmp_path / "nowhere")


def test_publish_is_an_atomic_symlink_swap_keeping_previous_build(small_kb, tmp_path):
    idx = tmp_path / "index"
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    first = current_path(idx).resolve()
    held = load_snapshot(idx)  # a running bot keeps reading its snapshot
    write_entry(small_kb, "moi", "Mục mới", ["câu một mới", "câu hai mới", "câu ba mới"], "Bước.")
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    second = current_path(idx).resolve()
    assert first != second and os.path.islink(current_path(idx))
    assert first.exists()  # the previous build stays for readers that still hold it
    assert len(held.entries) == 3 and len(load_snapshot(idx).entries) == 4
    write_entry(small_kb, "moi2", "Mục mới 2", ["câu một x", "câu hai x", "câu ba x"], "Bước.")
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    assert not first.exists()  # older builds are cleaned up
    assert not list(idx.glob(".current-*"))


def test_bad_knowledge_leaves_live_index_untouched(small_kb, tmp_path):
    from indexer.knowledge import KnowledgeError

    idx = tmp_path / "index"
    build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    live = current_path(idx).resolve()
    (small_kb / "hong.md").write_text("không có phần đầu", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        build_index(small_kb, idx, FAKE_MODEL, Factory(), progress=False)
    assert current_path(idx).resolve() == live and len(load_snapshot(idx).entries) == 3


def test_a_cross_reference_to_another_entry_is_not_indexed_as_this_entrys_words():
    from indexer.entry_text import plain

    body = "1. Đăng nhập bằng tài khoản **mức 2**.\n   > Chưa có mức 2: xem “Đăng ký tài khoản VNeID mức 2”."
    text = plain(body)
    assert "Đăng ký tài khoản" not in text
    assert "Đăng nhập bằng tài khoản mức 2" in text and "Chưa có mức 2" in text
