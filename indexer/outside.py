"""What the knowledge base does not cover (knowledge/ngoai-pham-vi.yaml): example questions and subject phrases.

Ranking always finds a nearest entry; a citizen asking about a work permit is closer to an example of that than to
the judicial-record entry the words also touch. The build embeds the examples (`chu_de`, by topic) next to the
entries, and the answerer says "don't know" when an example is nearer than the entry it would answer with; a
question naming a subject phrase (`tu_khoa`) is not answered by an entry that never mentions it. Staff edit both
in one file, which travels inside each build.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from indexer.knowledge import KnowledgeError, Problem
from indexer.vntext import canonical

OUTSIDE_FILE = "ngoai-pham-vi.yaml"


@dataclass(frozen=True)
class Outside:
    questions: list[str]   # example questions, in file order
    subjects: list[str]    # subject phrases, as written


def read_outside(folder: Path) -> Outside:
    """The file's examples and subjects; none when it is absent. Raises KnowledgeError listing every problem."""
    path = Path(folder) / OUTSIDE_FILE
    if not path.exists():
        return Outside([], [])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeError([Problem(OUTSIDE_FILE, "(tệp)", f"tệp không đọc được: {exc}")]) from exc
    topics = data.get("chu_de") if isinstance(data, dict) else None
    if not isinstance(topics, dict):
        raise KnowledgeError([Problem(OUTSIDE_FILE, "chu_de", "cần mục 'chu_de:' gồm các chủ đề, mỗi chủ đề một danh "
                                                             "sách câu hỏi mẫu (mỗi câu một dòng bắt đầu bằng '- ')")])
    questions: list[str] = []
    problems: list[Problem] = []
    for topic, items in topics.items():
        if not isinstance(items, list) or not items:
            problems.append(Problem(OUTSIDE_FILE, f"chu_de.{topic}", "cần ít nhất một câu hỏi mẫu, mỗi câu một dòng '- '"))
            continue
        for n, q in enumerate(items, 1):
            if not isinstance(q, str) or not q.strip():
                problems.append(Problem(OUTSIDE_FILE, f"chu_de.{topic}[{n}]", "câu hỏi mẫu phải là một câu chữ, không để trống"))
            else:
                questions.append(canonical(" ".join(q.split())))
    subjects = data.get("tu_khoa") or []
    if not isinstance(subjects, list):
        problems.append(Problem(OUTSIDE_FILE, "tu_khoa", "cần một danh sách cụm từ, mỗi cụm một dòng '- '"))
        subjects = []
    for n, phrase in enumerate(subjects, 1):
        if not isinstance(phrase, str) or not phrase.strip():
            problems.append(Problem(OUTSIDE_FILE, f"tu_khoa[{n}]", "cụm từ phải là chữ, không để trống"))
    if problems:
        raise KnowledgeError(problems)
    return Outside(questions, [canonical(" ".join(p.split())) for p in subjects])
