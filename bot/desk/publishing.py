"""Knowledge approved through the desk, from the database into every worker's knowledge folder and index.

Approving or reverting a draft stores the file's text in the database in the same transaction as the draft's new
status (DeskStorage.update_draft_and_file). The folder and the index follow from the database, so neither a crash
between the commit and the file write nor a worker on another host loses anything approved:

- every worker, at start and on each tick, writes into its knowledge folder each stored version it has not
  written yet (`.published.json` in the folder records which; an approved file missing from the folder is written
  again), and removes the files an undo removed;
- one worker at a time builds the index, when the stored knowledge is newer than the build (`.knowledge-version`
  in the index folder says which version a build was made from). "One at a time" is a lease in the database,
  across hosts; the `flock` of `build_lock` stays as the guard within one host, because a build that outlives its
  lease must still never overlap another build in the same folder. With the index folder on a shared volume every
  worker loads that one build; each worker's watcher (KnowledgeLibrary.refresh) switches to it as before.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import tempfile
import uuid
from pathlib import Path
from typing import Callable, Iterator

from bot.domain.desk_port import DeskStorage, KnowledgeFile

log = logging.getLogger(__name__)

KNOWLEDGE_FILE_MODE = 0o644
WRITTEN_FILE = ".published.json"       # in the knowledge folder: {path: the stored version written there}
BUILT_FILE = ".knowledge-version"      # in the index folder: the stored version the live build was made from
BUILD_LEASE = "knowledge.build"
LEASE_SECONDS = 600.0                  # longer than a build; a crashed builder's lease runs out after this


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, KNOWLEDGE_FILE_MODE)  # mkstemp makes it 0600; knowledge is public and read by other tools
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One rebuild at a time in one index folder, across the processes and threads of one host."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(index_dir) / ".rebuild.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_file(folder: Path, file: KnowledgeFile) -> None:
    """Put one stored version into the folder (its text, or no file); raises OSError when it cannot."""
    root = Path(folder).resolve()
    target = (root / file.path).resolve()
    if not target.is_relative_to(root):   # paths come from approval (topic/id.md), never from outside: refuse anyway
        raise OSError(f"knowledge file outside the folder: {file.path}")
    if file.text is None:
        target.unlink(missing_ok=True)
    elif not target.exists() or target.read_text(encoding="utf-8") != file.text:
        write_atomic(target, file.text)


def _written(folder: Path) -> dict[str, int]:
    try:
        return {str(k): int(v) for k, v in json.loads((Path(folder) / WRITTEN_FILE).read_text("utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def sync_folder(storage: DeskStorage, folder: Path) -> tuple[int, list[str]]:
    """Write into `folder` every stored version it lacks: (the newest stored version, the paths written). A file
    that cannot be written is logged and tried again on the next call."""
    folder = Path(folder)
    files = storage.knowledge_files()
    written, done = _written(folder), []
    for file in files:
        present = file.text is None or (folder / file.path).exists()
        if written.get(file.path, 0) >= file.version and present:
            continue
        try:
            write_file(folder, file)
        except OSError:
            log.exception("could not write approved knowledge file %s (version %d); trying again next time",
                          file.path, file.version)
            continue
        written[file.path] = file.version
        done.append(file.path)
    if done:
        try:
            write_atomic(folder / WRITTEN_FILE, json.dumps(written, sort_keys=True))
        except OSError:   # the files are there; at worst they are compared again next time
            log.exception("could not record the knowledge files written")
    return max((f.version for f in files), default=0), done


def built_version(index_dir: Path) -> int:
    try:
        return int((Path(index_dir) / BUILT_FILE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return 0


def build_if_behind(storage: DeskStorage, index_dir: Path, version: int, rebuild: Callable[[], object],
                    now: float) -> bool:
    """Build the index from the knowledge folder (already holding `version`) when the build is older, if no other
    worker is building; True when this call built it."""
    if version <= built_version(index_dir):
        return False
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not storage.claim_lease(BUILD_LEASE, holder, now, LEASE_SECONDS):
        return False   # another worker is building; the next tick looks again
    try:
        with build_lock(index_dir):
            if version <= built_version(index_dir):   # built while this one waited
                return False
            rebuild()
            write_atomic(Path(index_dir) / BUILT_FILE, f"{version}\n")
            return True
    finally:
        storage.release_lease(BUILD_LEASE, holder)
