"""From a team's answer to a knowledge entry: draft, review, approve into `knowledge/`, revert.

An approved draft becomes a file checked with exactly the indexer's rules (indexer.knowledge.parse_entry); the
file's text is stored in the database with the approval, then written into the knowledge folder, and the index is
rebuilt so the running bot switches to it (bot.desk.publishing: every worker, on any host, follows the database).
Reverting stores and writes the file as it was and rebuilds again.
"""
from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import tempfile
from enum import Enum
from pathlib import Path
from typing import Callable

import yaml

from bot.core.clock import SYSTEM_CLOCK, Clock, now_iso
from bot.desk.publishing import build_if_behind, sync_folder
from bot.domain.desk_port import DeskStorage, KnowledgeDraft, StaffUser
from bot.domain.lifecycle import Role
from bot.privacy.redact import PLACEHOLDERS
from indexer.knowledge import entry_files, load_catalog, parse_entry
from indexer.vntext import fold

log = logging.getLogger(__name__)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
MAX_ID = 60


# a greeting that fits one citizen ("Chào bác,", "Dạ thưa chị,") but not an entry every citizen reads
_GREETING = re.compile(r"^\s*(?:(?:xin\s+|kính\s+)?chào|dạ(?:\s+thưa)?|thưa|kính\s+gửi)\s+(?:bác|cô|chú|anh|chị|em|bạn|"
                       r"ông|bà|cháu|con|quý\s+vị)\b[^\n.!,:]{0,30}[.!,:]?\s*", re.IGNORECASE)


def without_greeting(answer: str) -> str:
    """The team's answer without the greeting to one citizen, for a knowledge entry."""
    text = _GREETING.sub("", answer.strip(), count=1)
    return text[:1].upper() + text[1:] if text else answer.strip()


class DraftStatus(str, Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    REVERTED = "reverted"


class DraftError(Exception):
    """Why a draft cannot be saved, approved or reverted: every problem, in Vietnamese, for staff."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def entry_id_for(title: str, taken: set[str]) -> str:
    """A file-name-safe id from the title ("Làm thẻ BHYT cho trẻ" → "lam-the-bhyt-cho-tre"), unique; a long
    title is cut between words, never in the middle of one."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-").split("-")
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > MAX_ID - 3:  # room for "-2"
            break
        base = f"{base}-{word}" if base else word
    base = base or "muc-moi"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def parse_link_lines(text: str, url_required: bool) -> tuple[list[dict], list[str]]:
    """"Tiêu đề | https://…" per line → [{"title", "url"}]; problems for lines that do not fit."""
    items, problems = [], []
    for n, line in enumerate((x.strip() for x in text.splitlines()), 1):
        if not line:
            continue
        title, sep, url = (p.strip() for p in line.rpartition("|")) if "|" in line else (line, "", "")
        if url_required and not url:
            problems.append(f"dòng {n}: cần dạng 'Tiêu đề | https://…'")
            continue
        items.append({"title": title, "url": url} if url else {"title": title})
    return items, problems


def link_lines(items: tuple[dict, ...]) -> str:
    return "\n".join(f"{i['title']} | {i['url']}" if i.get("url") else i["title"] for i in items)


def entry_file_text(draft: KnowledgeDraft, reviewer: str, today: dt.date) -> str:
    meta = {"id": draft.entry_id, "title": draft.title, "topic": draft.topic}
    if draft.provinces:   # a team's answer is about its own place: offered only there
        meta["provinces"] = list(draft.provinces)
        meta["local"] = True
    meta |= {"questions": list(draft.questions),
            "links": [dict(x) for x in draft.links], "sources": [dict(x) for x in draft.sources],
            "reviewed": today, "reviewer": reviewer}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n{draft.body.strip()}\n"


def draft_path(draft: KnowledgeDraft) -> Path:
    """Where the entry goes, relative to the knowledge folder: one folder per topic, as staff keep it."""
    return Path(draft.topic) / f"{draft.entry_id}.md"


def replaced_text(draft: KnowledgeDraft, knowledge_dir: Path) -> str | None:
    """The reviewed entry this draft would overwrite (same topic folder and id), or None for a new entry."""
    path = Path(knowledge_dir) / draft_path(draft)
    return path.read_text(encoding="utf-8") if path.exists() else None


def replacement_diff(old: str, new: str) -> list[str]:
    """Line by line what approval changes in an existing entry ("- " removed, "+ " added)."""
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), "hiện có", "bản nháp",
                                                 lineterm="", n=1)][2:]


def check_draft(draft: KnowledgeDraft, knowledge_dir: Path, reviewer: str, today: dt.date) -> tuple[str, list[str]]:
    """The file text and every problem the indexer would report (empty: it can be approved)."""
    catalog = load_catalog(knowledge_dir)
    if draft.topic not in catalog.topics:  # checked before the topic becomes part of a path
        return "", [f"[topic] chủ đề '{draft.topic}' không có trong topics.yaml"]
    if not _ID.match(draft.entry_id) or len(draft.entry_id) > MAX_ID:
        return "", ["[id] chỉ dùng chữ thường không dấu, số và dấu gạch ngang"]
    text = entry_file_text(draft, reviewer, today)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / draft_path(draft)
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        _, problems = parse_entry(path, Path(tmp), catalog)
    messages = [f"[{p.field}] {p.message}" for p in problems]
    hidden = sorted({m.group(0) for m in _PLACEHOLDER.finditer(draft.body)})
    if hidden:  # "[số điện thoại]": personal data was removed from the answer; an entry must not carry the gap
        messages.append(f"[body] câu trả lời còn chỗ đã che thông tin cá nhân ({', '.join(hidden)}): hãy xóa, hoặc "
                        f"thay bằng thông tin công khai (tổng đài, địa chỉ cơ quan)")
    target = (Path(knowledge_dir) / draft_path(draft)).resolve()
    if any(p.stem == draft.entry_id and p.resolve() != target for p in entry_files(Path(knowledge_dir))):
        messages.append(f"[id] id '{draft.entry_id}' đã dùng cho một mục khác; hãy đặt id khác")
    return text, messages


class KnowledgePublisher:
    """Drafts through review into the knowledge folder, and back out again."""

    def __init__(self, storage: DeskStorage, knowledge_dir: Path, index_dir: Path, rebuild: Callable[[], object],
                 refresh: Callable[[], bool], today: Callable[[], dt.date] = dt.date.today,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        """`today` is the reviewer's local date written into the entry; `clock` dates approvals and reverts."""
        self.storage, self.knowledge_dir, self.index_dir = storage, Path(knowledge_dir), Path(index_dir)
        self._rebuild, self._refresh, self._today, self._clock = rebuild, refresh, today, clock
        self._failed = 0   # the stored version whose build last failed here

    def check(self, draft: KnowledgeDraft, reviewer: str) -> tuple[str, list[str]]:
        """The file approval would write today, and what still stops it."""
        return check_draft(draft, self.knowledge_dir, reviewer, self._today())

    def taken_ids(self) -> set[str]:
        return {p.stem for p in entry_files(self.knowledge_dir)} | {d.entry_id for d in self.storage.drafts()}

    def propose(self, actor: StaffUser, need_ids: tuple[int, ...], wordings: tuple[str, ...], answer: str,
                topic: str, provinces: tuple[str, ...] = ()) -> KnowledgeDraft:
        """"Đề xuất đưa vào kho kiến thức": the group's wordings as questions, the answer as the body; `provinces`
        (the answering team's) so a commune's answer is not published as if it held everywhere."""
        title = (wordings[0] if wordings else answer.splitlines()[0])[:120].strip().rstrip("?").strip()
        title = title[:1].upper() + title[1:]
        draft = self.storage.add_draft(need_ids, entry_id_for(title, self.taken_ids()), title, topic, wordings,
                                       without_greeting(answer), (), (), actor.id, DraftStatus.DRAFT.value, provinces)
        self.storage.add_audit(actor.id, actor.username, "draft.create", f"draft:{draft.id}",
                               f"needs {','.join(map(str, need_ids))}")
        return draft

    def save(self, actor: StaffUser, draft_id: int, changes: dict) -> KnowledgeDraft:
        saved = self.storage.update_draft(draft_id, DraftStatus.DRAFT.value, changes)
        if saved is None:
            raise DraftError(["Bản nháp này đã được duyệt hoặc không còn; hãy tải lại trang."])
        self.storage.add_audit(actor.id, actor.username, "draft.edit", f"draft:{draft_id}")
        return saved

    def approve(self, reviewer: StaffUser, draft_id: int, replace: bool = False) -> KnowledgeDraft:
        """Store the entry with the approval and write it into the knowledge folder (admins only); rebuild with
        `publish()` afterwards. Overwriting a reviewed entry with the same id needs `replace` (the admin ticked
        "thay thế mục hiện có")."""
        if reviewer.role != Role.ADMIN.value or not reviewer.active:
            raise DraftError(["Chỉ quản trị viên được duyệt đưa vào kho kiến thức."])
        sync_folder(self.storage, self.knowledge_dir)   # checked against what other workers approved too
        draft = self.storage.draft(draft_id)
        if draft is None or draft.status != DraftStatus.DRAFT.value:
            raise DraftError(["Bản nháp này đã được duyệt hoặc không còn; hãy tải lại trang."])
        text, problems = check_draft(draft, self.knowledge_dir, reviewer.username, self._today())
        if problems:
            raise DraftError(problems)
        if replaced_text(draft, self.knowledge_dir) is not None and not replace:
            raise DraftError([f"[id] bản nháp sẽ thay thế mục hiện có '{draft_path(draft)}': xem phần khác nhau, "
                              f"đánh dấu “Thay thế mục hiện có” rồi duyệt, hoặc đổi tên tệp."])
        path = self.knowledge_dir / draft_path(draft)
        previous = path.read_text(encoding="utf-8") if path.exists() else None
        done = self.storage.update_draft_and_file(draft_id, DraftStatus.DRAFT.value, {
            "status": DraftStatus.APPROVED.value, "reviewer_id": reviewer.id,
            "approved_at": now_iso(self._clock),
            "file_path": str(draft_path(draft)), "previous_text": previous}, str(draft_path(draft)), text)
        if done is None:
            raise DraftError(["Bản nháp này vừa được người khác duyệt."])
        self.storage.add_audit(reviewer.id, reviewer.username, "knowledge.approve", f"draft:{draft_id}",
                               f"{draft_path(draft)}")
        self._write_committed()
        return done[0]

    def revert(self, actor: StaffUser, draft_id: int) -> KnowledgeDraft:
        """Put the file back as it was before approval (remove it if it was new); rebuild with `publish()`."""
        if actor.role != Role.ADMIN.value or not actor.active:
            raise DraftError(["Chỉ quản trị viên được hoàn tác."])
        draft = self.storage.draft(draft_id)
        if draft is None or draft.status != DraftStatus.APPROVED.value or not draft.file_path:
            raise DraftError(["Chỉ hoàn tác được một mục đã duyệt."])
        done = self.storage.update_draft_and_file(draft_id, DraftStatus.APPROVED.value, {
            "status": DraftStatus.REVERTED.value,
            "reverted_at": now_iso(self._clock)}, draft.file_path, draft.previous_text)
        if done is None:
            raise DraftError(["Mục này vừa được người khác hoàn tác."])
        self.storage.add_audit(actor.id, actor.username, "knowledge.revert", f"draft:{draft_id}", draft.file_path)
        self._write_committed()
        return done[0]

    def _write_committed(self) -> None:
        """The file of a committed approval or undo: one not written now (a full disk, the database gone a moment)
        is written on the next tick of any worker (publish), so this never fails the committed change."""
        try:
            sync_folder(self.storage, self.knowledge_dir)
        except Exception:
            log.exception("could not write the knowledge folder after a committed change; the next tick will")

    def reopen(self, actor: StaffUser, draft_id: int) -> KnowledgeDraft:
        """A reverted draft becomes editable again (to fix what made it wrong and submit it anew)."""
        draft = self.storage.draft(draft_id)
        if draft is None or draft.status != DraftStatus.REVERTED.value:
            raise DraftError(["Chỉ sửa lại được một bản nháp đã hoàn tác."])
        if actor.role != Role.ADMIN.value and draft.created_by != actor.id:
            raise DraftError(["Bạn không sửa được bản nháp này."])
        reopened = self.storage.update_draft(draft_id, DraftStatus.REVERTED.value, {
            "status": DraftStatus.DRAFT.value, "reviewer_id": None, "approved_at": None, "file_path": None,
            "previous_text": None, "reverted_at": None})
        if reopened is None:
            raise DraftError(["Bản nháp vừa được người khác thay đổi; hãy tải lại trang."])
        self.storage.add_audit(actor.id, actor.username, "draft.reopen", f"draft:{draft_id}")
        return reopened

    def publish(self, retry_failed: bool = True) -> bool:
        """Bring this worker's knowledge folder up to the database, build the index when the stored knowledge is
        newer than the build (one worker at a time), and switch the running bot to the newest build (blocking: run
        it in a worker thread). True when the bot now answers from a new build. The server's tick calls it with
        `retry_failed` False: a version whose build failed here is built again only after a newer approval or an
        explicit publish, not every few seconds."""
        version, _ = sync_folder(self.storage, self.knowledge_dir)
        if retry_failed or version != self._failed:
            try:
                build_if_behind(self.storage, self.index_dir, version, self._rebuild, self._clock())
            except Exception:
                self._failed = version
                raise
        return self._refresh()
