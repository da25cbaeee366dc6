"""`dvcbot catalogue import|sync|show|stats`: the national procedure catalogue, for staff."""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from handlers.runtime.settings import Settings
from indexer.catalogue.snapshot import folder_of, load_catalogue


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.catalogue.importer import dated, import_catalogue

    missing = [p for p in args.paths if not dated(p)[0].exists()]
    if missing:
        _err(f"Không tìm thấy: {', '.join(missing)}")
        return 1
    report = import_catalogue(args.paths, settings.knowledge_dir, args.taken, progress=sys.stderr.isatty())
    print("\n".join(report.lines()))
    print(f"Đã ghi {folder_of(settings.knowledge_dir)}. Chạy 'dvcbot index' (hoặc khởi động lại) để trợ lý dùng dữ liệu mới.")
    return 0 if report.manifest and report.manifest.records else 1


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.app.portal_sync import SyncError, sync_catalogue

    try:
        report = sync_catalogue(settings, args.limit, progress=sys.stderr.isatty())
    except SyncError as exc:
        _err(str(exc))
        return 1
    print("\n".join(report.lines()))
    return 0


def _loaded(settings: Settings):
    catalogue = load_catalogue(folder_of(settings.knowledge_dir))
    if catalogue is None:
        _err(f"Chưa có danh mục thủ tục trong {folder_of(settings.knowledge_dir)}: chạy 'dvcbot catalogue import'.")
    return catalogue


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.wording import say
    from bot.dialogue.render import entry_text
    from bot.retrieval.procedure_card import procedure_entry

    catalogue = _loaded(settings)
    if catalogue is None:
        return 1
    code = args.code.removeprefix("tthc:")
    p = catalogue.procedures.get(code)
    if p is None:
        _err(f"Không có thủ tục mã '{code}' trong danh mục (hoặc đã ẩn trong overrides.yaml).")
        return 1
    print(entry_text(procedure_entry(p, catalogue.month, say("search_url"), note=catalogue.notes.get(code, ""))))
    kinds = {"national": "toàn quốc", "province": f"riêng tỉnh {p.province}", "internal": "nội bộ cơ quan nhà nước"}
    print(f"\nLoại: {kinds.get(p.kind, p.kind)} · Nguồn: "
          + "; ".join(f"{s.name} ({s.taken})" for s in p.sources))
    if p.unparsed:
        print(f"Trường chưa đọc chắc được từ nguồn: {', '.join(p.unparsed)}")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    catalogue = _loaded(settings)
    if catalogue is None:
        return 1
    records = list(catalogue.procedures.values())
    kinds = Counter(p.kind for p in records)
    levels = Counter(level for p in records for level in p.levels)
    print(f"Danh mục: {len(records)} thủ tục (toàn quốc {kinds['national']}, riêng tỉnh {kinds['province']}, "
          f"nội bộ {kinds['internal']} — thủ tục nội bộ không bao giờ được gợi ý cho người dân).")
    print(f"Có chi tiết (giấy tờ, lệ phí, thời hạn): {sum(p.detailed for p in records)}; "
          f"nộp trực tuyến được: {sum(p.online is True for p in records)}; "
          f"cấp xã {levels['xa']}, cấp tỉnh {levels['tinh']}, cấp bộ {levels['bo']}.")
    if catalogue.manifest:
        for s in catalogue.manifest.sources:
            print(f"  Nguồn {s['name']}: {s['records']} bản ghi, lấy ngày {s['taken']}")
    by_province = Counter(p.province for p in records if p.kind == "province")
    if by_province:
        print("Thủ tục riêng theo tỉnh: " + ", ".join(f"{k} {n}" for k, n in by_province.most_common()))
    unparsed = Counter(f for p in records for f in p.unparsed)
    for name, n in unparsed.most_common():
        print(f"  Trường '{name}' chưa đọc chắc được ở {n} thủ tục")
    print(f"Hiệu chỉnh của cán bộ (overrides.yaml): {len(catalogue.notes)} ghi chú.")
    return 0


def add_parser(sub) -> None:
    s = sub.add_parser("catalogue", help="danh mục thủ tục hành chính quốc gia: nhập, đồng bộ, xem, thống kê",
                       description="Danh mục thủ tục của Cổng DVC quốc gia mà trợ lý tra cứu. Dữ liệu nằm ở "
                                   "knowledge/catalogue/ (do lệnh tạo, không sửa tay); hiệu chỉnh của cán bộ ghi vào "
                                   "knowledge/catalogue/overrides.yaml.")
    cat = s.add_subparsers(dest="catalogue_command", required=True, metavar="VIỆC", help="việc cần làm")
    a = cat.add_parser("import", help="nhập danh mục từ tệp hoặc thư mục JSON/JSONL",
                       description="Đọc các tệp (hoặc thư mục) theo mọi dạng đã biết: danh sách thủ tục, bản ghi chi "
                                   "tiết, văn bản trang thủ tục, JSON của API Cổng; gộp theo mã thủ tục và ghi ảnh "
                                   "chụp danh mục. Báo các trường không đọc chắc được (không đoán).")
    a.add_argument("paths", nargs="+", metavar="PATH[@NGÀY]",
                   help="tệp .json/.jsonl hoặc thư mục chứa chúng; @NĂM-THÁNG-NGÀY ở cuối là ngày nguồn đó lấy dữ "
                        "liệu từ Cổng (cho các tệp không tự ghi ngày)")
    a.add_argument("--taken", help="ngày lấy dữ liệu (NĂM-THÁNG-NGÀY) cho mọi đường dẫn không ghi @NGÀY")
    a.set_defaults(func=cmd_import)
    a = cat.add_parser("sync", help="(cần internet) cập nhật danh mục từ API của Cổng DVC quốc gia",
                       description="Tải danh sách thủ tục và chi tiết từng thủ tục từ API công khai của Cổng DVC quốc "
                                   "gia (DVCBOT_PORTAL_API_URL), rồi ghi ảnh chụp danh mục như lệnh import.")
    a.add_argument("--limit", type=int, help="chỉ tải chi tiết tối đa chừng này thủ tục (thử nghiệm)")
    a.set_defaults(func=cmd_sync)
    a = cat.add_parser("show", help="xem một thủ tục như người dân sẽ thấy",
                       description="In thẻ thủ tục theo mã (ví dụ 1.004194), kèm loại, nguồn và ngày lấy dữ liệu.")
    a.add_argument("code", help="mã thủ tục, ví dụ 1.004194")
    a.set_defaults(func=cmd_show)
    a = cat.add_parser("stats", help="thống kê danh mục: số thủ tục, có chi tiết, trực tuyến, nguồn, ngày",
                       description="Số thủ tục theo loại và cấp, số có chi tiết, nguồn và ngày lấy dữ liệu, các trường "
                                   "chưa đọc chắc được.")
    a.set_defaults(func=cmd_stats)
