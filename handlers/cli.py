"""`dvcbot`: one entry point with subcommands (index, ask, check, serve)."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from functools import lru_cache
from pathlib import Path

from bot.answerer import Answer, Answerer
from bot.conversation import Incoming, numbered_texts
from bot.dialogue import Dialogue
from bot.identity import load_secret
from bot.redact import RedactingFilter
from bot.sqlite_storage import SqliteStorage
from bot.render import entry_text, reply_text
from bot.settings import Settings
from indexer.build import build_index
from indexer.check import check_knowledge
from indexer.embedder import Embedder, make_embedder, model_id_for
from indexer.knowledge import KnowledgeError, load_catalog, load_knowledge
from indexer.store import IndexProblem, load_snapshot, read_manifest


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@lru_cache(maxsize=2)
def shared_embedder(name: str) -> Embedder:
    """One embedder per process, shared by the build and the answerer."""
    return make_embedder(name)


def ensure_index(settings: Settings) -> None:
    """Build the index on first use; bring it up to date when knowledge files changed."""
    manifest = read_manifest(settings.index_dir)
    if manifest is None:
        _err(f"Chưa có chỉ mục: đang tạo lần đầu từ {settings.knowledge_dir} (mất khoảng một phút)…")
    else:
        if manifest.model_id != model_id_for(settings.embedding_model):
            return  # load_snapshot refuses it with a clear message
        try:
            entries, _ = load_knowledge(settings.knowledge_dir)
        except KnowledgeError as exc:
            _err(f"{exc}\nVẫn dùng chỉ mục cũ cho đến khi các lỗi trên được sửa.")
            return
        if {e.id: e.content_hash for e in entries} == manifest.entries:
            return
        _err("Kiến thức đã thay đổi: đang cập nhật chỉ mục…")
    build_index(settings.knowledge_dir, settings.index_dir, settings.embedding_model, shared_embedder,
                progress=sys.stderr.isatty())


def open_answerer(settings: Settings) -> Answerer:
    ensure_index(settings)
    snapshot = load_snapshot(settings.index_dir, model_id_for(settings.embedding_model))
    return Answerer.load(snapshot, shared_embedder(settings.embedding_model), settings.knowledge_dir,
                         settings.decision_file, settings.province)


def open_dialogue(settings: Settings) -> Dialogue:
    """The conversation engine on the configured index and SQLite database."""
    return Dialogue(open_answerer(settings), SqliteStorage(settings.database),
                    load_secret(settings.secret, settings.data_dir), load_catalog(settings.knowledge_dir).topics,
                    session_ttl_s=settings.session_minutes * 60)


def answer_json(answer: Answer) -> dict:
    entry = answer.entry
    return {
        "question": answer.question,
        "matched": answer.matched,
        "entry_id": entry.id if entry else None,
        "title": entry.title if entry else None,
        "score": answer.score,
        "answer": reply_text(answer),
        "links": [{"title": link.title, "url": link.url} for link in entry.links] if entry else [],
        "suggestions": [e.title for e in answer.options],
        "latency_ms": answer.latency_ms,
        "search_keywords": answer.search_keywords,
    }


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    report = build_index(settings.knowledge_dir, settings.index_dir, settings.embedding_model, shared_embedder,
                         progress=not args.quiet)
    if report.changed:
        print(f"Đã tạo chỉ mục: {report.entries} mục ({report.embedded} nhúng mới, {report.reused} dùng lại) "
              f"trong {report.seconds:.1f} giây → {settings.index_dir}")
    else:
        print(f"Chỉ mục đã mới nhất ({report.entries} mục), không cần nhúng lại.")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    answerer = open_answerer(settings)
    questions = args.question or [line.rstrip("\n") for line in sys.stdin]
    for q in questions:
        answer = answerer.ask(q)
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        else:
            print(reply_text(answer), end="\n\n", flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """A terminal channel on the conversation engine: numbered choices, answer with "1", "2"."""
    dialogue = open_dialogue(settings)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Gõ câu hỏi (Ctrl+D để thoát).", flush=True)
    for line in ["xin chào", *sys.stdin] if interactive else sys.stdin:
        replies = dialogue.handle(Incoming("cli", args.user, text=line.rstrip("\n")))
        print("\n\n".join(numbered_texts(replies)), end="\n\n", flush=True)
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    report, catalog = check_knowledge(settings.knowledge_dir, max_age_days=args.max_age_days)
    if catalog:
        print("Số mục theo chủ đề:")
        for topic, name in catalog.topics.items():
            print(f"  {topic:12s} {report.per_topic[topic]:3d}  {name}")
    for p in report.problems:
        print(f"LỖI {p}")
    for topic in report.empty_topics:
        print(f"LỖI chủ đề '{topic}' chưa có mục nào")
    for e in report.stale:
        print(f"CŨ  {e.path}: rà soát lần cuối {e.reviewed:%d/%m/%Y}, quá {args.max_age_days} ngày")
    for a, qa, b, qb, score in report.duplicates:
        print(f"TRÙNG {a} «{qa}» ~ {b} «{qb}» ({score:.0f}%)")
    for collision in report.collisions:
        print(f"CẢNH BÁO {collision}")
    print("Kiểm tra đạt." if report.ok else "Kiểm tra KHÔNG đạt: hãy sửa các mục trên.")
    return 0 if report.ok else 1


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    entries, _ = load_knowledge(settings.knowledge_dir)
    found = [e for e in entries if e.id == args.entry_id]
    if not found:
        _err(f"Không có mục '{args.entry_id}'.")
        return 1
    print(entry_text(found[0]))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from handlers.webchat import make_app

    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    app = make_app(open_dialogue(settings))
    print(f"Trợ lý DVC đang chạy: http://{settings.host}:{settings.port}/ (Ctrl+C để dừng)", flush=True)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dvcbot", description="Trợ lý DVC: hỗ trợ người dân dùng dịch vụ công trực tuyến.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("index", help="tạo hoặc cập nhật chỉ mục từ thư mục kiến thức",
                       description="Đọc và kiểm tra mọi tệp trong thư mục kiến thức, nhúng các mục mới hoặc đã sửa, "
                                   "rồi thay chỉ mục cũ một cách an toàn.")
    s.add_argument("--quiet", action="store_true", help="không hiện thanh tiến độ")
    s.set_defaults(func=cmd_index)
    s = sub.add_parser("ask", help="hỏi trợ lý một hay nhiều câu",
                       description="Trả lời câu hỏi như người dân sẽ thấy. Không có câu hỏi nào thì đọc mỗi dòng "
                                   "của đầu vào chuẩn là một câu hỏi.")
    s.add_argument("question", nargs="*", help="câu hỏi (để trống: đọc từ đầu vào chuẩn)")
    s.add_argument("--json", action="store_true", help="in mỗi câu trả lời thành một dòng JSON")
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("check", help="kiểm tra chất lượng thư mục kiến thức",
                       description="Báo số mục theo chủ đề, lỗi phần đầu YAML, mục thiếu nguồn, mục quá hạn rà soát "
                                   "và câu hỏi gần trùng giữa các mục. Trả mã lỗi 1 khi không đạt.")
    s.add_argument("--max-age-days", type=int, default=365, help="số ngày tối đa từ lần rà soát (mặc định 365)")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("chat", help="trò chuyện với trợ lý trong cửa sổ dòng lệnh",
                       description="Kênh dòng lệnh trên cùng bộ máy hội thoại: các lựa chọn được đánh số, "
                                   "gõ 1, 2… để chọn. Đọc mỗi dòng đầu vào là một tin nhắn.")
    s.add_argument("--user", default="local", help="mã người dùng của phiên (mặc định: local)")
    s.set_defaults(func=cmd_chat)
    s = sub.add_parser("show", help="xem một mục kiến thức như người dân sẽ thấy",
                       description="In một mục kiến thức theo id, đúng như trợ lý sẽ gửi.")
    s.add_argument("entry_id", help="id của mục, ví dụ vneid-dang-ky-muc-2")
    s.set_defaults(func=cmd_show)
    s = sub.add_parser("serve", help="chạy trợ lý: trang chat trên máy (mặc định http://127.0.0.1:8080/)",
                       description="Chạy máy chủ aiohttp với trang chat, GET /healthz và POST /api/chat, "
                                   "theo DVCBOT_HOST và DVCBOT_PORT. Tạo chỉ mục trước nếu chưa có.")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return args.func(args, settings)
    except KnowledgeError as exc:
        _err(str(exc))
    except IndexProblem as exc:
        _err(f"Lỗi chỉ mục: {exc}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
