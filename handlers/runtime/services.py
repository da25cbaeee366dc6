"""What every channel and page runs on, built once per process: the knowledge library (its index built or brought
up to date first), the storage, the dialogue, the community desk, delivery and rate limits."""
from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Awaitable, Callable

from bot.desk.grouping import QuestionVectors
from bot.desk.service import CommunityDesk
from bot.dialogue import Dialogue
from bot.domain.delivery import Deliverer
from bot.domain.desk_port import CommunityStorage
from bot.domain.tickets import SameForEveryone
from bot.privacy.identity import load_secret
from bot.retrieval.answerer import Answerer
from bot.retrieval.decision import DEFAULT_FILE as STOCK_DECISION
from bot.retrieval.library import KnowledgeLibrary
from handlers.runtime.ratelimit import RateLimiter
from handlers.runtime.settings import Settings
from handlers.runtime.shutdown import ShutdownClock
from handlers.runtime.stores import open_storage
from indexer.build import build_index, knowledge_fingerprint
from indexer.embedder import BUNDLED, Embedder, RememberedQueries, make_embedder, model_id_for, quiet_blas
from indexer.knowledge import KnowledgeError
from indexer.store import load_snapshot, read_manifest

log = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 256 * 1024  # no channel sends more; a 2 MB body is refused before it is read


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@lru_cache(maxsize=2)
def shared_embedder(name: str) -> RememberedQueries:
    """One embedder per process, shared by the build and the answerer; it remembers recent questions."""
    return RememberedQueries(make_embedder(name))


def building_embedder(name: str) -> Embedder:
    """The same model for builds, past the question memory: titles and example questions are knowledge, not
    citizens' questions, so they neither fill the memory nor count in the questions logged at stop."""
    return shared_embedder(name).inner


def ensure_index(settings: Settings) -> None:
    """Build the index on first use; bring it up to date when knowledge files changed."""
    manifest = read_manifest(settings.index_dir)
    if manifest is None:
        _err(f"Chưa có chỉ mục: đang tạo lần đầu từ {settings.knowledge_dir} (mất một đến hai phút)…")
    elif manifest.model_id != model_id_for(settings.embedding_model):
        return  # load_snapshot refuses it with a clear message
    elif manifest.fingerprint == knowledge_fingerprint(settings.knowledge_dir):
        return
    else:
        _err("Kiến thức đã thay đổi: đang cập nhật chỉ mục…")
    try:
        build_index(settings.knowledge_dir, settings.index_dir, settings.embedding_model, building_embedder)
    except KnowledgeError as exc:
        if manifest is None:
            raise
        _err(f"{exc}\nVẫn dùng chỉ mục cũ cho đến khi các lỗi trên được sửa.")


def rebuild_index(settings: Settings) -> None:
    """Rebuild after staff approved or reverted a knowledge entry (the server then switches to it)."""
    build_index(settings.knowledge_dir, settings.index_dir, settings.embedding_model, building_embedder, progress=False)


def own_decision_file(model: str) -> Path | None:
    """Where a decision calibrated for this model goes: `decision.<model>.yaml` beside the stock one for a named
    model other than the stock file (each model scores on its own scale, so thresholds fitted on one misjudge
    another); None for the stock model and for a path, which use decision.yaml as before."""
    if model == BUNDLED or not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", model):
        return None
    return STOCK_DECISION.with_name(f"decision.{model}.yaml")


def decision_file(settings: Settings) -> Path:
    """DVCBOT_DECISION_FILE when set; else the decision calibrated for the configured model if one was written
    (bench/calibrate.py --write), else the stock decision.yaml."""
    own = own_decision_file(settings.embedding_model)
    return settings.decision_file or (own if own and own.exists() else STOCK_DECISION)


def load_answerer(settings: Settings) -> Answerer:
    """The answerer of the build published now (no build step)."""
    snapshot = load_snapshot(settings.index_dir, model_id_for(settings.embedding_model))
    embedder = shared_embedder(settings.embedding_model)
    embedder.keep(settings.remembered_questions)
    answerer = Answerer.load(snapshot, embedder, decision_file(settings), settings.province)
    quiet_blas()  # after the loads: FAISS brings its own BLAS
    return answerer


def open_answerer(settings: Settings) -> Answerer:
    ensure_index(settings)
    return load_answerer(settings)


def open_library(settings: Settings) -> KnowledgeLibrary:
    ensure_index(settings)
    return KnowledgeLibrary(settings.index_dir, lambda: load_answerer(settings))


@dataclass
class Services:
    """Everything a channel needs; built once per process."""
    settings: Settings
    library: KnowledgeLibrary
    storage: CommunityStorage
    dialogue: Dialogue
    deliverer: Deliverer = field(init=False)
    desk: CommunityDesk = field(init=False)
    citizen_limit: RateLimiter = field(init=False)   # per citizen and channel, on every channel
    ip_limit: RateLimiter = field(init=False)        # per client address, on the web chat
    # staff actions pressed on a channel (e.g. "Nhận xử lý" in a team's Telegram group): (channel, actor id,
    # payload starting with "desk:") → text to show the staff member; set by the community desk when it is on
    desk_action: Callable[[str, str, str], Awaitable[str]] | None = None
    shutdown: ShutdownClock = field(default_factory=ShutdownClock)   # SIGTERM: webhooks refused, turns bounded

    def __post_init__(self) -> None:
        self.deliverer = Deliverer(self.storage, {})
        self.desk = CommunityDesk(self.storage, self.deliverer, self.dialogue.record_team_answer,
                                  normalize=lambda text: self.library().normalizer.normalize(text).text,
                                  public_url=self.settings.public_url, clock=self.storage.clock,
                                  vectors=QuestionVectors(lambda: self.library().embedder))
        self.desk_action = self.desk_action or self.desk.staff_action
        # counted in the database: one limit for every worker
        self.citizen_limit = RateLimiter(self.settings.rate_per_minute, self.storage, "citizen")
        self.ip_limit = RateLimiter(self.settings.rate_per_ip_per_minute, self.storage, "ip")


def open_services(settings: Settings) -> Services:
    library = open_library(settings)
    storage = open_storage(settings)
    dialogue = Dialogue(library, storage, load_secret(settings.secret, settings.data_dir),
                        session_ttl_s=settings.session_minutes * 60, clock=storage.clock,   # one clock (bot.core.clock)
                        response_times=SameForEveryone(settings.support_hours))
    return Services(settings, library, storage, dialogue)


class ChannelError(Exception):
    """A channel cannot start as configured; the message says which setting to fix (no secrets in it)."""
