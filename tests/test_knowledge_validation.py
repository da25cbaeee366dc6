"""Every validation error names the file, the field and the problem in plain words."""
import datetime as dt
from pathlib import Path

import pytest

from indexer.knowledge import KnowledgeError, load_knowledge


def broken(kb: Path, name: str, text: str) -> list[str]:
    (kb / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(kb)
    return [str(p) for p in exc.value.problems]




def entry(**over) -> str:
    fields = {
        "id": "moi", "title": "Tiêu đề", "topic": "vneid",
        "questions": "\n  - câu một\n  - câu hai\n  - câu ba",
        "links": "\n  - title: VNeID\n    url: https://vneid.gov.vn",
        "sources": "\n  - title: Nghị định 69/2024/NĐ-CP",
        "reviewed": "2026-01-01",
    }
    fields.update(over)
    body = fields.pop("body", "1. Bước một.")
    head = "\n".join(f"{k}: {v}" for k, v in fields.items() if v is not None)
    return f"---\n{head}\n---\n{body}\n"


@pytest.mark.parametrize("name, text, expected", [
    ("moi.md", "1. Không có phần đầu\n", "thiếu phần đầu YAML"),
    ("moi.md", "---\ntitle: [chưa đóng\n---\nthân\n", "YAML sai cú pháp"),
    ("moi.md", entry(title=None), "[title] thiếu trường bắt buộc"),
    ("moi.md", entry(questions="\n  - chỉ một câu"), "[questions] cần ít nhất 3 mục"),
    ("moi.md", entry(questions="một câu"), "[questions] phải là một danh sách"),
    ("moi.md", entry(links="\n  - title: Cũ\n    url: http://vneid.gov.vn"), "[links[1].url] đường dẫn phải bắt đầu bằng https://"),
    ("moi.md", entry(links="[]"), "[links] cần ít nhất 1 mục"),
    ("moi.md", entry(sources="\n  - url: https://vneid.gov.vn"), "[sources[1].title] thiếu trường bắt buộc"),
    ("moi.md", entry(reviewed="22/11/2026"), "[reviewed] ngày phải viết dạng NĂM-THÁNG-NGÀY"),
    ("moi.md", entry(reviewed=(dt.date.today() + dt.timedelta(days=30)).isoformat()), "[reviewed] ngày rà soát nằm ở tương lai"),
    ("moi.md", entry(valid_until="28/2/2027"), "[valid_until] ngày phải viết dạng NĂM-THÁNG-NGÀY"),
    ("moi.md", entry(valid_until="2027-02-30"), "[valid_until] ngày phải viết dạng NĂM-THÁNG-NGÀY"),
    ("moi.md", entry(links_checked="hôm qua"), "[links_checked] ngày phải viết dạng NĂM-THÁNG-NGÀY"),
    ("moi.md", entry(links_checked=(dt.date.today() + dt.timedelta(days=2)).isoformat()),   # future after midnight too
     "[links_checked] ngày kiểm tra đường dẫn nằm ở tương lai"),
    ("moi.md", entry(links="\n  - title: Cũ\n    url: https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"),
     "[links[1].url] trang cũ của Cổng DVC quốc gia (dichvucong.gov.vn/p/...) không còn mở được"),
    ("moi.md", entry(sources="\n  - title: Cũ\n    url: https://DICHVUCONG.gov.vn/p/home/dvc-tra-cuu-ho-so.html"),
     "[sources[1].url] trang cũ của Cổng DVC quốc gia"),
    ("moi.md", entry(topic="khong-co"), "[topic] chủ đề 'khong-co' không có trong topics.yaml"),
    ("moi.md", entry(provinces="[ha-noi]"), "[provinces] tỉnh 'ha-noi' không có trong topics.yaml"),
    ("moi.md", entry(id="Moi Moi"), "[id] chỉ dùng chữ thường không dấu"),
    ("khac.md", entry(), "[id] id 'moi' phải trùng tên tệp 'khac'"),
    ("moi.md", entry(tieu_de="x"), "[tieu_de] trường không được hỗ trợ"),
    ("moi.md", entry(body=""), "[nội dung] phần trả lời (sau dòng '---') đang trống"),
    ("moi.md", "x".encode("utf-16"), "tệp không phải UTF-8"),
])
def test_each_problem_is_reported(small_kb, name, text, expected):
    problems = broken(small_kb, name, text)
    assert any(expected in p and name in p for p in problems), problems


def test_duplicate_id_in_two_folders(small_kb):
    (small_kb / "sub").mkdir()
    problems = broken(small_kb, "sub/quen-mat-khau.md", entry(id="quen-mat-khau"))
    assert any("đã dùng ở quen-mat-khau.md" in p and "sub/quen-mat-khau.md" in p for p in problems), problems


def test_all_problems_listed_together_and_nothing_dropped(small_kb):
    (small_kb / "a.md").write_text(entry(id="a", title=None), encoding="utf-8")
    (small_kb / "b.md").write_text(entry(id="b", links="\n  - title: x\n    url: ftp://x"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(small_kb)
    files = {p.file for p in exc.value.problems}
    assert files == {"a.md", "b.md"}
    assert "2 lỗi" in str(exc.value)


def test_good_folder_loads(small_kb):
    entries, catalog = load_knowledge(small_kb)
    assert sorted(e.id for e in entries) == ["dang-ky-muc-2", "khong-nhan-otp", "quen-mat-khau"]
    assert "vneid" in catalog.topics
