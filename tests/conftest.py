"""Shared fixtures: a deterministic fake embedder and small knowledge folders."""
from __future__ import annotations

import hashlib
import os
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings as hypothesis_settings

from indexer.embedder import model_id_for
from indexer.vntext import fold, syllables

REPO = Path(__file__).resolve().parents[1]

# Hypothesis: the default profile is a fixed, quick regression set (the same examples every run, so a failure
# on a developer's machine is a failure in the code, not in the draw); `HYPOTHESIS_PROFILE=ci` (.ci/run) fuzzes
# for real: ten times the examples, drawn afresh each run, the failing example printed so it can be replayed.
DEFAULT_EXAMPLES = 40
hypothesis_settings.register_profile("default", max_examples=DEFAULT_EXAMPLES, derandomize=True, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=10 * DEFAULT_EXAMPLES, derandomize=False, deadline=None,
                                     print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def examples(at_default: int) -> int:
    """A test's own example budget, given for the default profile, scaled to the profile in use (×10 in ci)."""
    return max(1, at_default * hypothesis_settings.default.max_examples // DEFAULT_EXAMPLES)
FAKE_MODEL = "fake-hash-model"
FAKE_DECISION = REPO / "tests" / "fake_decision.yaml"


class FakeEmbedder:
    """Bag of hashed folded syllables: similar wording → similar vectors; counts calls."""

    dimension = 64

    def __init__(self, name: str = FAKE_MODEL) -> None:
        self.model_id = model_id_for(name)
        self.embedded: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        for s in syllables(fold(text)):
            v[int(hashlib.sha256(s.encode()).hexdigest(), 16) % self.dimension] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return np.vstack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    embed_passages = embed_queries


def fake_answerer(index: Path, embedder: "FakeEmbedder"):
    """The answerer of a build made with the fake embedder, with the decision thresholds kept for it."""
    from bot.retrieval.answerer import Answerer
    from indexer.store import load_snapshot

    return Answerer.load(load_snapshot(index, model_id_for(FAKE_MODEL)), embedder, FAKE_DECISION)


ENTRY = """\
---
id: {id}
title: {title}
topic: vneid
questions:
  - {q1}
  - {q2}
  - {q3}
links:
  - title: VNeID
    url: https://vneid.gov.vn
sources:
  - title: Nghị định 69/2024/NĐ-CP
reviewed: 2026-01-15
---
1. {body}
"""


def write_entry(folder: Path, id: str, title: str, questions: list[str], body: str) -> Path:
    path = folder / f"{id}.md"
    path.write_text(ENTRY.format(id=id, title=title, q1=questions[0], q2=questions[1], q3=questions[2], body=body),
                    encoding="utf-8")
    return path


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "knowledge"
    kb.mkdir()
    (kb / "topics.yaml").write_text(textwrap.dedent("""\
        topics:
          vneid: VNeID
          thanh-toan: Thanh toán
        provinces:
          ha-tinh: Hà Tĩnh
        """), encoding="utf-8")
    shutil.copy(REPO / "knowledge" / "synonyms.yaml", kb / "synonyms.yaml")
    write_entry(kb, "dang-ky-muc-2", "Đăng ký định danh mức 2",
                ["Làm định danh mức 2 ở đâu?", "đăng ký tài khoản định danh điện tử mức 2", "đi đâu để làm định danh mức 2"],
                "Đến công an xã, phường mang theo thẻ căn cước.")
    write_entry(kb, "quen-mat-khau", "Quên mật khẩu VNeID",
                ["Quên mật khẩu VNeID thì làm sao?", "lấy lại mật khẩu ứng dụng định danh", "không nhớ mật khẩu đăng nhập"],
                "Bấm Quên mật khẩu, nhập số định danh và mã OTP.")
    write_entry(kb, "khong-nhan-otp", "Không nhận được mã OTP",
                ["Không nhận được mã OTP", "mã xác thực không gửi về điện thoại", "chờ mãi không có tin nhắn OTP"],
                "Kiểm tra số điện thoại **chính chủ**, chờ rồi gửi lại mã.")
    return kb


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory):
    from handlers.runtime.settings import Settings

    data = tmp_path_factory.mktemp("var")
    return Settings(knowledge_dir=REPO / "knowledge", data_dir=data, index_dir=data / "index")


@pytest.fixture(scope="session")
def real_library(real_settings):
    """The real knowledge base and bundled model, indexed once per test session."""
    from handlers.runtime.services import open_library

    return open_library(real_settings)


@pytest.fixture(scope="session")
def real_answerer(real_library):
    return real_library()


@pytest.fixture
def dialogue(real_library, tmp_path):
    from bot.dialogue import Dialogue
    from tests.builders import open_storage

    return Dialogue(real_library, open_storage(tmp_path / "dvcbot.db"), b"test-secret")


@pytest.fixture
def services(real_settings, real_library, dialogue, tmp_path):
    """The app's services on the real index and a fresh SQLite file (what `dvcbot serve` builds)."""
    import dataclasses

    from handlers.runtime.services import Services

    # the tests drive one citizen faster than anyone types; the rate limits have tests of their own (test_abuse.py)
    settings = dataclasses.replace(real_settings, database=tmp_path / "dvcbot.db", data_dir=tmp_path,
                                   rate_per_minute=0, rate_per_ip_per_minute=0)
    return Services(settings, real_library, dialogue.storage, dialogue)


@pytest.fixture
def web_server(services):
    """The assembled server (web chat only) as `make_server` mounts it."""
    from handlers.app.server import make_server
    from handlers.channels.webchat import WebChat

    return make_server(services, [WebChat(services)])
