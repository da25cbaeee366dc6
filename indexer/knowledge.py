"""Load and validate the knowledge files staff edit.

A bad file must fail the build with every problem named in plain Vietnamese
(file, field, what is wrong): an entry never silently disappears.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from indexer.vntext import canonical

CATALOG_FILE = "topics.yaml"
SYNONYMS_FILE = "synonyms.yaml"
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.S)
# The national portal's pre-2026 pages (/p/home/...) answer HTTP 200 with "trang không tồn tại".
RETIRED_PORTAL_PAGE = re.compile(r"^https?://(www\.)?dichvucong\.gov\.vn/p/", re.I)

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so an impossible day (2027-02-30) is reported on its field, and
    numbers with a dot too, so `procedures: [2.000720]` keeps the code as written."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: NonEmpty
    url: NonEmpty

    @field_validator("url")
    @classmethod
    def _https(cls, url: str) -> str:
        if not re.match(r"^https://[^\s/]+\.[^\s]+$", url):
            raise ValueError("đường dẫn phải bắt đầu bằng https:// và là một địa chỉ web đầy đủ")
        if RETIRED_PORTAL_PAGE.match(url):
            raise ValueError("trang cũ của Cổng DVC quốc gia (dichvucong.gov.vn/p/...) không còn mở được; dùng trang "
                             "tìm kiếm https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=... hoặc trang chủ")
        return url


class Source(BaseModel):
    """A law, official guide or portal page; `url` is optional for legal references."""
    model_config = ConfigDict(extra="forbid")
    title: NonEmpty
    url: NonEmpty | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, url: str | None) -> str | None:
        return None if url is None else Link._https(url)


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    title: NonEmpty
    topic: NonEmpty
    questions: Annotated[list[NonEmpty], Field(min_length=3)]
    links: Annotated[list[Link], Field(min_length=1)]
    sources: Annotated[list[Source], Field(min_length=1)]
    reviewed: dt.date
    provinces: list[NonEmpty] = []
    local: bool = False   # true only in `provinces` (a team's answer about its own commune): never offered elsewhere
    valid_until: dt.date | None = None
    links_checked: dt.date | None = None
    reviewer: NonEmpty | None = None   # who approved it (set when an answer from the community desk is approved)
    # national procedure codes this entry is about: it is answered instead of their bare catalogue records
    procedures: list[Annotated[str, StringConstraints(pattern=r"^\d+\.\d{6}$")]] = []
    # an entry whose words sound general ("giấy tờ cũ còn dùng được không") but hold only for one subject: it is
    # offered only to a question that says one of these phrases ("sáp nhập", "sắp xếp"), marks or none
    asked_with: list[NonEmpty] = []

    @field_validator("reviewed")
    @classmethod
    def _not_future(cls, day: dt.date) -> dt.date:
        if day > dt.date.today():
            raise ValueError("ngày rà soát nằm ở tương lai")
        return day

    @field_validator("links_checked")
    @classmethod
    def _checked_not_future(cls, day: dt.date | None) -> dt.date | None:
        if day is not None and day > dt.date.today():
            raise ValueError("ngày kiểm tra đường dẫn nằm ở tương lai")
        return day


@dataclass(frozen=True)
class KnowledgeEntry:
    id: str
    title: str
    topic: str
    questions: tuple[str, ...]
    links: tuple[Link, ...]
    sources: tuple[Source, ...]
    reviewed: dt.date
    provinces: tuple[str, ...]
    body: str
    path: str
    valid_until: dt.date | None = None
    links_checked: dt.date | None = None
    procedures: tuple[str, ...] = ()    # national procedure codes the entry is about
    local: bool = False                 # holds only in `provinces`: offered to no one elsewhere
    asked_with: tuple[str, ...] = ()    # offered only to a question saying one of these phrases (empty: any)

    @property
    def from_catalogue(self) -> bool:
        """A card made from a catalogue record rather than an entry staff wrote."""
        return self.id.startswith("tthc:")

    def expired(self, today: dt.date | None = None) -> bool:
        """True after `valid_until`: the time-bound rule the entry relies on may have changed."""
        return self.valid_until is not None and (today or dt.date.today()) > self.valid_until


@dataclass(frozen=True)
class Catalog:
    """Topic and province names from knowledge/topics.yaml."""
    topics: dict[str, str]
    provinces: dict[str, str]


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: [{self.field}] {self.message}"


class KnowledgeError(Exception):
    """Every problem found in the knowledge folder, listed for staff."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Thư mục kiến thức có {len(problems)} lỗi, cần sửa trước khi tạo chỉ mục:\n{lines}")


_PYDANTIC_VI = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường không được hỗ trợ (kiểm tra lỗi chính tả tên trường)",
    "string_type": "phải là một đoạn chữ",
    "list_type": "phải là một danh sách (mỗi mục bắt đầu bằng dấu -)",
    "model_type": "phải có dạng 'title: ...' và 'url: ...'",
    "string_too_short": "không được để trống",
    "too_short": "cần ít nhất {min_length} mục",
    "string_pattern_mismatch": "chỉ dùng chữ thường không dấu, số và dấu gạch ngang (ví dụ: vneid-dang-ky-muc-2)",
    "date_from_datetime_parsing": "ngày phải viết dạng NĂM-THÁNG-NGÀY, ví dụ 2026-11-20, và là ngày có thật",
    "date_from_datetime_inexact": "ngày phải viết dạng NĂM-THÁNG-NGÀY, ví dụ 2026-11-20",
    "date_parsing": "ngày phải viết dạng NĂM-THÁNG-NGÀY, ví dụ 2026-11-20",
    "date_type": "ngày phải viết dạng NĂM-THÁNG-NGÀY, ví dụ 2026-11-20",
}


def _explain(err: dict) -> str:
    kind = err["type"]
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind == "string_pattern_mismatch" and err["loc"][:1] == ("procedures",):
        return "mã thủ tục viết như trên Cổng DVC, ví dụ 1.004194"
    template = _PYDANTIC_VI.get(kind)
    if template:
        return template.format(**{k: v for k, v in (err.get("ctx") or {}).items()})
    return err["msg"]


def _field_name(loc: tuple) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p + 1}]" for p in loc).replace(".[", "[") or "(tệp)"


def load_catalog(folder: Path) -> Catalog:
    path = folder / CATALOG_FILE
    if not path.exists():
        raise KnowledgeError([Problem(str(path), "(tệp)", "không tìm thấy tệp danh mục chủ đề")])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Catalog(dict(data["topics"]), dict(data.get("provinces") or {}))
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise KnowledgeError([Problem(str(path), "topics", f"tệp danh mục không đọc được: {exc}")]) from exc


def parse_entry(path: Path, root: Path, catalog: Catalog) -> tuple[KnowledgeEntry | None, list[Problem]]:
    """Parse one file; return the entry or the list of its problems."""
    name = str(path.relative_to(root))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(name, "(tệp)", "tệp không phải UTF-8; hãy lưu lại với mã hóa UTF-8")]
    match = _FRONT.match(text.lstrip("\ufeff"))
    if not match:
        return None, [Problem(name, "(tệp)", "thiếu phần đầu YAML: tệp phải bắt đầu bằng dòng '---' và có dòng '---' đóng lại")]
    try:
        raw = yaml.load(match.group(1), Loader=_FrontMatterLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 2}" if mark else "phần đầu"
        return None, [Problem(name, where, f"YAML sai cú pháp: {getattr(exc, 'problem', exc)}")]
    if not isinstance(raw, dict):
        return None, [Problem(name, "(tệp)", "phần đầu YAML phải là các cặp 'tên: giá trị'")]
    problems: list[Problem] = []
    meta = None
    try:
        meta = FrontMatter.model_validate(raw)
    except ValidationError as exc:
        problems += [Problem(name, _field_name(e["loc"]), _explain(e)) for e in exc.errors()]
    body = match.group(2).strip()
    if not body:
        problems.append(Problem(name, "nội dung", "phần trả lời (sau dòng '---') đang trống"))
    if meta is not None:
        if meta.topic not in catalog.topics:
            problems.append(Problem(name, "topic", f"chủ đề '{meta.topic}' không có trong {CATALOG_FILE} "
                                                   f"(có: {', '.join(catalog.topics)})"))
        for p in meta.provinces:
            if p not in catalog.provinces:
                problems.append(Problem(name, "provinces", f"tỉnh '{p}' không có trong {CATALOG_FILE}"))
        if meta.local and not meta.provinces:
            problems.append(Problem(name, "local", "câu trả lời chỉ đúng ở địa phương (local: true) cần ghi tỉnh ở "
                                                   "provinces"))
        if meta.id != path.stem:
            problems.append(Problem(name, "id", f"id '{meta.id}' phải trùng tên tệp '{path.stem}'"))
    if problems or meta is None:
        return None, problems
    return KnowledgeEntry(
        id=meta.id, title=canonical(meta.title), topic=meta.topic,
        questions=tuple(canonical(q) for q in meta.questions), links=tuple(meta.links),
        sources=tuple(meta.sources), reviewed=meta.reviewed, provinces=tuple(meta.provinces),
        body=body, path=name, valid_until=meta.valid_until, links_checked=meta.links_checked,
        procedures=tuple(meta.procedures), local=meta.local, asked_with=tuple(meta.asked_with),
    ), []


def entry_files(folder: Path) -> list[Path]:
    """Entry files: every Markdown file except READMEs."""
    return sorted(p for p in folder.rglob("*.md") if p.name.lower() != "readme.md")


def load_knowledge(folder: Path) -> tuple[list[KnowledgeEntry], Catalog]:
    """Load every entry or raise KnowledgeError listing all problems."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KnowledgeError([Problem(str(folder), "(thư mục)", "không tìm thấy thư mục kiến thức")])
    catalog = load_catalog(folder)
    entries: list[KnowledgeEntry] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in entry_files(folder):
        entry, errs = parse_entry(path, folder, catalog)
        problems += errs
        if entry is None:
            continue
        if entry.id in seen:
            problems.append(Problem(entry.path, "id", f"id '{entry.id}' đã dùng ở {seen[entry.id]}"))
            continue
        seen[entry.id] = entry.path
        entries.append(entry)
    if not entries and not problems:
        problems.append(Problem(str(folder), "(thư mục)", "chưa có mục kiến thức nào (*.md)"))
    if problems:
        raise KnowledgeError(problems)
    return entries, catalog
