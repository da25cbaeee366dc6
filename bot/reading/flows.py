"""Command keywords, the topic menu and the readiness check, from flows.yaml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from indexer.vntext import clean, fold

FLOWS_FILE = Path(__file__).with_name("flows.yaml")
_PUNCT = re.compile(r"[^\w/ ]+")


@dataclass(frozen=True)
class ReadinessQuestion:
    question: str   # wording key
    entry: str      # knowledge entry to follow when the answer is "not yet"
    note: str | None = None   # wording key added after the to-do list when the answer is "not yet"


# "xoá hết dữ liệu của tôi", "xóa giúp thông tin của mình": the writer's own data, in a short message
_DELETE_ASKED = re.compile(r"\bxoa (?:het |giup |dum |gium |luon |sach |bo |di )*(?:du lieu|thong tin|tin nhan|lich su)"
                           r"(?: tro chuyen)? (?:cua )?(?:toi|minh|em|tui|tao|con|chau|bac)\b")
_DELETE_WORDS = 14
_ELSEWHERE = re.compile(r"\b(?:vneid|cong|tren|app|ung dung|ngan hang|zalo)\b")   # data kept somewhere else


@dataclass(frozen=True)
class Flows:
    keywords: dict[str, frozenset[str]]
    menu_topics: dict[str, str]
    readiness: tuple[ReadinessQuestion, ...]
    self_lookup_entry: str = ""   # how the holder looks a dossier up, offered with a refusal to look up another's

    def command(self, text: str) -> str | None:
        """The command a whole message stands for ("Cảm ơn!" → thanks), or None. Deleting one's data is also asked
        in a sentence ("thôi xoá hết dữ liệu của tôi đi cho chắc ăn"): the flow confirms before anything goes."""
        key = message_key(text)
        found = next((cmd for cmd, words in self.keywords.items() if key in words), None)
        if found is None and len(key.split()) <= _DELETE_WORDS and _DELETE_ASKED.search(key) \
                and not _ELSEWHERE.search(key):
            return "delete"
        return found


def message_key(text: str) -> str:
    """A whole short message folded for keyword matching: "Có rồi!" → "co roi"."""
    return " ".join(_PUNCT.sub(" ", fold(clean(text))).split())


@lru_cache(maxsize=2)
def load_flows(path: Path = FLOWS_FILE) -> Flows:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Flows(
        keywords={cmd: frozenset(" ".join(fold(w).split()) for w in words) for cmd, words in data["keywords"].items()},
        menu_topics=dict(data["menu_topics"]),
        readiness=tuple(ReadinessQuestion(**q) for q in data["readiness"]),
        self_lookup_entry=str(data.get("self_lookup_entry", "")),
    )
