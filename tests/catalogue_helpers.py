"""A small catalogue made of real-shaped records, written where a knowledge folder expects it."""
from __future__ import annotations

from pathlib import Path

from indexer.catalogue.model import Channel, Document, Fee, LegalRef, Procedure, SourceRef
from indexer.catalogue.snapshot import write_snapshot

TAKEN = SourceRef("OpenGOV catalog.jsonl", "2026-07-18")
PAGE = "019d2bf7-770b-734d-b7fb-5e1995f194f4"


def tam_tru() -> Procedure:
    return Procedure(
        code="1.004194", name="Đăng ký tạm trú", portal_id=PAGE, field="Đăng ký, quản lý cư trú", levels=("xa",),
        agencies=("Công an cấp xã",), audience=("cong-dan",), targets=("Công dân Việt Nam",), online=True,
        channels=(Channel("online", 3, "working_day", "3 Ngày làm việc",
                          (Fee(7000, "7.000 đồng/lần đăng ký"), Fee(5000, "5.000 đồng/người theo danh sách"))),
                  Channel("direct", 3, "working_day", "3 Ngày làm việc", (Fee(15000, "15.000 đồng/lần"),))),
        documents=(Document("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)", "1 bản chính", "CT01"),
                   Document("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", "1 bản sao"),
                   Document("Văn bản đồng ý cho đăng ký tạm trú của chủ hộ", "1 bản chính"),
                   Document("Giấy tờ chứng minh quan hệ nhân thân (với người chưa thành niên)", "1 bản sao")),
        steps=("Công dân chuẩn bị hồ sơ và nộp tại Công an cấp xã hoặc trên Cổng DVC.",
               "Cơ quan đăng ký cư trú kiểm tra hồ sơ và cấp phiếu tiếp nhận.",
               "Nộp lệ phí và nhận kết quả."),
        results=("Thông báo kết quả đăng ký tạm trú",), legal_basis=(LegalRef("68/2020/QH14", "Luật Cư trú"),),
        sources=(TAKEN,))


def records() -> list[Procedure]:
    """Tạm trú, two birth-registration siblings, a business-only one, a province-specific one, an internal one."""
    listing = dict(sources=(TAKEN,), online=None)
    return [
        tam_tru(),
        Procedure(code="1.001193", name="Thủ tục đăng ký khai sinh", field="Hộ tịch", levels=("xa",),
                  agencies=("UBND cấp xã",), audience=("cong-dan",), **listing),
        Procedure(code="1.001695", name="Thủ tục đăng ký khai sinh có yếu tố nước ngoài", field="Hộ tịch",
                  levels=("xa",), agencies=("UBND cấp xã",), audience=("cong-dan",), **listing),
        Procedure(code="2.000720", name="Cấp giấy phép kinh doanh rượu bán buôn", field="Lưu thông hàng hóa",
                  levels=("tinh",), agencies=("Sở Công thương",), audience=("doanh-nghiep",), **listing),
        Procedure(code="3.000100", name="Hỗ trợ học phí cho học sinh vùng biển đảo", field="Giáo dục",
                  kind="province", province="dak-lak", promulgator="UBND tỉnh Đắk Lắk", audience=("cong-dan",),
                  **listing),
        Procedure(code="1.009999", name="Thẩm định hồ sơ tạm trú nội bộ", field="Nội bộ", kind="internal",
                  **listing),
    ]


def write_catalogue(knowledge: Path, items: list[Procedure] | None = None) -> None:
    write_snapshot(knowledge, items if items is not None else records(),
                   [{"name": "OpenGOV catalog.jsonl", "taken": "2026-07-18", "records": 6}])
    (knowledge / "catalogue" / "cach-goi.yaml").write_text(
        "đăng ký khai sinh: [làm giấy khai sinh, khai sinh cho con]\n"
        "đăng ký tạm trú: [khai báo tạm trú, ở trọ]\n", encoding="utf-8")
    (knowledge / "catalogue" / "phan-biet.yaml").write_text(
        "có yếu tố nước ngoài: [nước ngoài, việt kiều, người hàn]\n", encoding="utf-8")
