"""Example questions about what the knowledge base does not cover (knowledge/ngoai-pham-vi.yaml).

Ranking always finds a nearest entry; a citizen asking about a work permit is closer to an example of that than to
the judicial-record entry the words also touch. The build embeds these examples next to the entries, and the answerer
says "don't know" when an example is nearer than the entry it would answer with. Staff add examples by topic.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from indexer.knowledge import KnowledgeError, Problem
from indexer.vntext import canonical

OUTSIDE_FILE = "ngoai-pham-vi.yaml"


def load_outside(folder: Path) -> list[str]:
    """The example questions, in file order; none when the file is absent. Raises KnowledgeError on a bad file."""
    path = Path(folder) / OUTSIDE_FILE
    if not path.exists():
        return []
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
    if problems:
        raise KnowledgeError(problems)
    return questions
