"""`dvcbot`: one entry point with subcommands (index, ask, check, serve)."""
from __future__ import annotations

import argparse
import errno
import json
import logging
import socket
import sys
from functools import partial

from bot.core.messages import Incoming, readable_links
from bot.core.wording import WORDING_FILE
from bot.dialogue.render import answer_replies, answer_text, entry_text, plain_turn
from bot.domain.chat_port import DatabaseUnavailable
from bot.retrieval.answers import Answer
from bot.retrieval.decision import Kind
from bot.retrieval.keywords import search_keywords
from handlers.app import backup_commands, catalogue_commands, migrate_command
from handlers.app.vi_argparse import Parser
from handlers.runtime.services import ChannelError, building_embedder, open_answerer, open_services, shared_embedder
from handlers.runtime.settings import Settings, SettingsError
from indexer.build import build_index
from indexer.check import check_knowledge
from indexer.knowledge import KnowledgeError, load_knowledge
from indexer.links import check_links, urls_in_text
from indexer.model.files import SHIPPED_FILE, TUNED, stock_file
from indexer.store import IndexProblem


class ServeError(Exception):
    """`dvcbot serve` cannot start; the message says why in Vietnamese."""


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def answer_json(answer: Answer) -> dict:
    """One `ask --json` line; `links` and `suggestions` are read off the replies `answer` prints, so they say
    what the citizen is shown (at most 3 link buttons, the don't-know reply's portal search)."""
    entry = answer.entry
    replies = answer_replies(answer)
    offered = answer.options if answer.kind == Kind.CLARIFY.value else ()  # only "Ý bạn là…?" shows them
    return {
        "question": answer.question,
        "matched": answer.matched,
        "entry_id": entry.id if entry else None,
        "title": entry.title if entry else None,
        "score": answer.score,
        "answer": plain_turn(replies),
        "links": [{"title": b.title, "url": b.url} for reply in replies for b in readable_links(reply)],
        "suggestions": [e.title for e in offered],
        "procedures": list(entry.procedures) if entry else [],
        "options": [{"title": e.title, "entry_id": e.id, "procedures": list(e.procedures)} for e in offered],
        "latency_ms": answer.latency_ms,
        "search_keywords": " ".join(search_keywords(answer.question)),  # as in the reply's portal search link
    }


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    report = build_index(settings.knowledge_dir, settings.index_dir, settings.embedding_model, building_embedder,
                         progress=not args.quiet, keep_vectors=True)
    if report.changed:
        print(f"Đã tạo chỉ mục: {report.entries} mục ({report.embedded} nhúng mới, {report.reused} dùng lại) và "
              f"{report.procedures} thủ tục ({report.procedure_texts_embedded} câu nhúng mới) trong "
              f"{report.seconds:.1f} giây → {settings.index_dir}")
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
            print(answer_text(answer), end="\n\n", flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """A terminal channel on the conversation engine: numbered choices, answer with "1", "2"."""
    dialogue = open_services(settings).dialogue
    interactive = sys.stdin.isatty()
    if interactive:
        print("Gõ câu hỏi (Ctrl+D để thoát).", flush=True)
    for line in ["xin chào", *sys.stdin] if interactive else sys.stdin:
        replies = dialogue.handle(Incoming("cli", args.user, text=line.rstrip("\n")))
        print(plain_turn(replies), end="\n\n", flush=True)
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    if args.links or args.stamp:
        from handlers.app.linkcheck import fetch_pages  # aiohttp only when links are checked: keeps `ask` quick

        links = check_links(settings.knowledge_dir, partial(fetch_pages, progress=sys.stderr.isatty()),
                            {"bot/core/wording.yaml": urls_in_text(WORDING_FILE.read_text("utf-8"))}, stamp=args.stamp)
        print("\n".join(links.lines()))
        return 0 if links.ok else 1
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
    for e in report.expired:
        print(f"HẾT HẠN {e.path}: thông tin chỉ đúng đến {e.valid_until:%d/%m/%Y} (valid_until), cần rà soát lại")
    for a, qa, b, qb, score in report.duplicates:
        print(f"TRÙNG {a} «{qa}» ~ {b} «{qb}» ({score:.0f}%)")
    for collision in report.collisions:
        print(f"CẢNH BÁO {collision}")
    if catalog and settings.embedding_model == TUNED:
        from indexer.model.vocab import knowledge_texts, missing_pieces  # the tokenizers library: not for every command

        gaps = missing_pieces(knowledge_texts(settings.knowledge_dir), SHIPPED_FILE, stock_file())
        if gaps:
            sample = ", ".join(f"«{piece.replace(chr(0x2581), ' ').strip()}»" for piece, _ in gaps.most_common(8))
            print(f"CẢNH BÁO mô hình nhúng đi kèm chưa học {len(gaps)} mảnh từ mà kiến thức hiện dùng (ví dụ {sample}): "
                  "bot vẫn trả lời, nhưng đọc các từ này kém hơn. Hãy chạy lại bench/model_tune.py rồi `dvcbot index`.")
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


def read_password(from_stdin: bool) -> str:
    """From stdin when piped (or --password-stdin), else asked twice without echo."""
    import getpass

    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu (ít nhất 10 ký tự): ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise ValueError("Hai lần nhập mật khẩu không khớp.")
    return first


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    from bot.desk.accounts import AccountError, Accounts
    from handlers.runtime.stores import open_storage

    storage = open_storage(settings)
    try:
        password = read_password(args.password_stdin)
        staff = Accounts(storage).create_user(args.username, password, args.role, args.team, args.name or "",
                                             args.telegram_user_id)
    except (AccountError, ValueError) as exc:
        _err(str(exc))
        return 1
    storage.add_audit(None, "dòng lệnh", "staff.create", f"staff:{staff.id}", f"{staff.username} ({staff.role})")
    print(f"Đã tạo tài khoản '{staff.username}' ({'quản trị' if staff.role == 'admin' else 'thành viên'}). "
          f"Đăng nhập tại http://{settings.host}:{settings.port}/admin/login")
    return 0


def cmd_reset_password(args: argparse.Namespace, settings: Settings) -> int:
    from bot.desk.accounts import AccountError, Accounts
    from handlers.runtime.stores import open_storage

    storage = open_storage(settings)
    staff = storage.staff_by_username(args.username.strip().lower())
    if staff is None:
        _err(f"Không có tài khoản '{args.username}'.")
        return 1
    try:
        Accounts(storage).reset_password(staff.id, read_password(args.password_stdin))
    except (AccountError, ValueError) as exc:
        _err(str(exc))
        return 1
    storage.add_audit(None, "dòng lệnh", "staff.reset_password", f"staff:{staff.id}", staff.username)
    print(f"Đã đặt mật khẩu mới cho '{staff.username}'; các phiên đăng nhập cũ đã kết thúc.")
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.domain.retention import purge
    from handlers.runtime.stores import open_storage

    storage = open_storage(settings)
    counts = purge(storage, settings.retention_days, clock=storage.clock)
    storage.add_audit(None, "dòng lệnh", "purge", None,
                      f"{settings.retention_days} ngày: {sum(counts.values())} bản ghi")
    print(f"Đã xóa {sum(counts.values())} bản ghi cũ hơn {settings.retention_days} ngày "
          f"({', '.join(f'{k}: {v}' for k, v in counts.items() if v) or 'không có gì để xóa'}).")
    return 0


def bind(host: str, port: int) -> socket.socket:
    """The server's socket, bound before the index loads so that a taken port is said at once; the server
    listens on it only when it is ready. Raises ServeError in Vietnamese."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ServeError(f"Không dùng được địa chỉ DVCBOT_HOST={host} ({exc.strerror or exc}).") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"Cổng {port} trên {host} đang có chương trình khác dùng: hãy dừng chương trình đó, "
                             f"hoặc chọn cổng khác bằng DVCBOT_PORT (ví dụ DVCBOT_PORT={port % 65535 + 1}).") from None
        raise ServeError(f"Không mở được cổng {port} trên {host} ({exc.strerror}): kiểm tra DVCBOT_HOST và "
                         f"DVCBOT_PORT.") from None
    return sock


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from handlers.app.server import channels_for, make_server, server_options
    from handlers.runtime.logs import setup_logging

    setup_logging(settings)
    sock = bind(settings.host, settings.port)
    services = open_services(settings)
    channels = channels_for(services)
    app = make_server(services, channels)

    def running(_: str) -> None:  # aiohttp calls it once the server listens
        print(f"Trợ lý DVC đang chạy: http://{settings.host}:{settings.port}/ (Ctrl+C để dừng). "
              f"Kênh đang bật: {', '.join(c.name for c in channels)}.", flush=True)

    web.run_app(app, sock=sock, print=running, access_log=None, **server_options(settings))
    remembered = shared_embedder(settings.embedding_model)
    logging.getLogger("handlers.app.server").info("Câu hỏi cần vectơ: %d, trong đó %d dùng lại vectơ đã nhớ",
                                           remembered.asked, remembered.reused)
    return 0


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="dvcbot", description="Trợ lý DVC: hỗ trợ người dân dùng dịch vụ công trực tuyến.")
    sub = p.add_subparsers(dest="command", required=True, metavar="LỆNH", help="một trong các lệnh dưới đây")
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
    s.add_argument("--links", action="store_true",
                   help="mở thử mọi đường dẫn (cần mạng internet); báo trang hỏng, kể cả trang 'không tồn tại'")
    s.add_argument("--stamp", action="store_true",
                   help="(kèm --links) ghi ngày hôm nay vào links_checked của các mục có mọi đường dẫn đều tốt")
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
    s = sub.add_parser("admin", help="quản lý tài khoản cán bộ cho trang quản trị /admin",
                       description="Tạo tài khoản quản trị viên hoặc thành viên tổ hỗ trợ.")
    admin = s.add_subparsers(dest="admin_command", required=True, metavar="VIỆC", help="việc cần làm")
    a = admin.add_parser("create-user", help="tạo tài khoản đăng nhập trang /admin",
                         description="Tạo tài khoản cán bộ. Mật khẩu được hỏi (không hiện trên màn hình), hoặc đọc "
                                     "một dòng từ đầu vào chuẩn khi có --password-stdin hay khi được chuyển qua ống.")
    a.add_argument("username", help="tên đăng nhập: chữ thường không dấu, số, dấu chấm, gạch ngang")
    a.add_argument("--role", required=True, choices=["admin", "member"],
                   help="admin: quản trị viên; member: thành viên một tổ")
    a.add_argument("--team", type=int, help="mã tổ (bắt buộc với member; xem ở trang Tổ và thành viên)")
    a.add_argument("--name", help="họ tên hiển thị")
    a.add_argument("--telegram-user-id", help="mã người dùng Telegram, để nhận xử lý ngay trong nhóm của tổ")
    a.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn")
    a.set_defaults(func=cmd_create_user)
    a = admin.add_parser("reset-password", help="đặt mật khẩu mới cho một cán bộ quên mật khẩu",
                         description="Đặt mật khẩu mới; mọi phiên đăng nhập của người đó kết thúc. Mật khẩu được hỏi "
                                     "hai lần, hoặc đọc một dòng từ đầu vào chuẩn với --password-stdin.")
    a.add_argument("username", help="tên đăng nhập của cán bộ")
    a.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn")
    a.set_defaults(func=cmd_reset_password)
    s = sub.add_parser("purge", help="xóa hội thoại và yêu cầu cũ hơn DVCBOT_RETENTION_DAYS ngày",
                       description="Xóa hội thoại, đánh giá và yêu cầu hỗ trợ cũ hơn DVCBOT_RETENTION_DAYS ngày "
                                   "(mặc định 365). Máy chủ cũng tự làm việc này mỗi ngày.")
    s.set_defaults(func=cmd_purge)
    s = sub.add_parser("serve", help="chạy trợ lý: trang chat trên máy (mặc định http://127.0.0.1:8080/)",
                       description="Chạy máy chủ aiohttp với trang chat, GET /healthz và POST /api/chat, "
                                   "theo DVCBOT_HOST và DVCBOT_PORT. Tạo chỉ mục trước nếu chưa có.")
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu, kể cả khi máy chủ đang chạy",
                       description="Chép cơ sở dữ liệu (DVCBOT_DATABASE) ra một tệp mới bằng cơ chế sao lưu trực tuyến "
                                   "của SQLite: an toàn khi dvcbot serve đang chạy và ghi. Bản sao được kiểm tra toàn "
                                   "vẹn rồi mới đặt tên chính thức; không ghi đè tệp đã có.")
    s.add_argument("path", help="tệp sao lưu mới, hoặc một thư mục (tạo tệp dvcbot-NGÀY-GIỜ.db trong đó; "
                                "viết dấu / ở cuối để tạo thư mục nếu chưa có)")
    s.set_defaults(func=backup_commands.cmd_backup)
    s = sub.add_parser("restore", help="khôi phục cơ sở dữ liệu từ một bản sao lưu",
                       description="Kiểm tra bản sao lưu (toàn vẹn, đúng của Trợ lý DVC, không mới hơn phiên bản này) "
                                   "rồi chép vào DVCBOT_DATABASE. Cơ sở dữ liệu cũ được giữ lại cạnh nó "
                                   "(…before-restore-NGÀY-GIỜ). Khi dvcbot serve đang mở cơ sở dữ liệu, lệnh từ chối: "
                                   "hãy dừng máy chủ trước, hoặc dùng --force.")
    s.add_argument("path", help="tệp sao lưu do dvcbot backup tạo")
    s.add_argument("--force", action="store_true",
                   help="khôi phục cả khi máy chủ đang chạy; những gì ghi sau lúc sao lưu sẽ mất khỏi cơ sở dữ liệu "
                        "(vẫn còn trong bản cũ được giữ lại)")
    s.set_defaults(func=backup_commands.cmd_restore)
    catalogue_commands.add_parser(sub)
    migrate_command.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        _err(str(exc))
        return 2
    try:
        return args.func(args, settings)
    except (SettingsError, DatabaseUnavailable) as exc:
        _err(str(exc))
    except KnowledgeError as exc:
        _err(str(exc))
    except IndexProblem as exc:
        _err(f"Lỗi chỉ mục: {exc}")
    except (ChannelError, ServeError) as exc:
        _err(str(exc))
    return 2


if __name__ == "__main__":
    sys.exit(main())
