"""Catalogue readers: run-together page text, every source shape, and the small field rules.

Strings are copied from real records (chatbot_tthc page crawls, OpenGOV's files, the portal's
answers) so a rule that stops fitting the real forms fails here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.catalogue import pagecodes, pagetext
from indexer.catalogue.model import Channel, Document, Fee, LegalRef
from indexer.catalogue.sources import (
    detect_shape,
    from_portal_listing_item,
    from_portal_record,
    iter_file,
    province_code,
    read_listing_line,
    read_opengov_detail,
    read_tthc_raw,
)

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# --- pagetext: channels ------------------------------------------------------------------

TAM_TRU_CHANNELS = (
    "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến3 Ngày làm việc7,000 Việt Nam Đồng(- Đăng ký tạm trú "
    "(cá nhân, hộ gia đình): + Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công trực tuyến thu 7.000 "
    "đồng/lần đăng ký.)- Nộp hồ sơ trực tuyến qua các cổng cung cấp dịch vụ công trực tuyến như: Trực tuyến qua "
    "Cổng dịch vụ công quốc gia, Cổng dịch vụ công Bộ Công an, ứng dụng VNeID.Trực tiếp3 Ngày làm việc10,000 Việt "
    "Nam Đồng(- Đăng ký tạm trú theo danh sách: + Trường hợp công dân nộp hồ sơ trực tiếp thu 10.000 "
    "đồng/người/lần đăng ký;)- Nộp hồ sơ trực tiếp tại Công an cấp xã.")


def test_channels_of_tam_tru_are_read_row_by_row():
    channels, ok = pagetext.parse_channels(TAM_TRU_CHANNELS)
    assert ok
    assert [(c.method, c.time_qty, c.time_unit, c.time_text) for c in channels] == [
        ("online", 3.0, "working_day", "3 Ngày làm việc"), ("direct", 3.0, "working_day", "3 Ngày làm việc")]
    assert [f.amount_vnd for c in channels for f in c.fees] == [7000, 10000]
    assert channels[0].fees[0].text.startswith("7,000 Việt Nam Đồng (- Đăng ký tạm trú (cá nhân, hộ gia đình)")


def test_method_words_inside_a_description_do_not_start_a_row():
    channels, _ = pagetext.parse_channels(TAM_TRU_CHANNELS)
    assert len(channels) == 2  # "Trực tuyến qua Cổng…" in the online row's description is not a third row


def test_free_rows_bare_numbers_and_hours():
    text = ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5Miễn phíDịch vụ bưu chính8 GiờMiễn phí"
            "Trực tiếp15 NgàyMiễn phí")
    channels, ok = pagetext.parse_channels(text)
    assert ok
    assert channels == (
        Channel("online", 5.0, "other", "5", (Fee(0, "Miễn phí"),)),
        Channel("postal", 8.0, "hour", "8 Giờ", (Fee(0, "Miễn phí"),)),
        Channel("direct", 15.0, "day", "15 Ngày", (Fee(0, "Miễn phí"),)))
    assert all(c.free for c in channels)


def test_a_fee_cell_glued_to_the_next_row_and_a_missing_time():
    text = ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 Ngày850,000 Việt Nam ĐồngTrực tuyến120,000 VNĐ"
            "(hàng hóa gửi kho ngoại quan: mức thu là 20.000 VNĐ/tờ khai)")
    channels, ok = pagetext.parse_channels(text)
    assert ok
    assert [(c.method, c.time_qty, [f.amount_vnd for f in c.fees]) for c in channels] == [
        ("direct", 15.0, [850000]), ("online", None, [120000])]


def test_province_decides_behind_a_mien_phi_cell_is_not_free():
    text = ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7Miễn phí(Mức lệ phí cụ thể do Hội đồng nhân dân "
            "tỉnh, thành phố trực thuộc Trung ương quyết định. Miễn lệ phí cho người thuộc hộ nghèo.)")
    channels, ok = pagetext.parse_channels(text)
    assert ok
    assert channels[0].fees[0].amount_vnd is None
    assert not channels[0].free


def test_mien_phi_cell_over_a_price_list_is_neither_free_nor_one_price():
    text = ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến12 NgàyMiễn phí(Cho một loại hình sản phẩm hoặc "
            "dịch vụ: 8.000.000/lần; thêm một loại hình sản phẩm hoặc dịch vụ: 2.000.000/lần.)")
    channels, ok = pagetext.parse_channels(text)
    assert ok
    assert channels[0].fees[0].amount_vnd is None
    assert "8.000.000/lần" in channels[0].fees[0].text


def test_an_unclosed_fee_note_is_flagged():
    channels, ok = pagetext.parse_channels("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp3 Ngày15,000 Đồng(Phí : ")
    assert not ok
    assert channels[0].fees == (Fee(15000, "15,000 Đồng (Phí :)"),)


def test_a_time_cell_in_words_is_flagged():
    text = ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phí"
            "Qua Cổng dịch vụ công quốc gia")
    channels, ok = pagetext.parse_channels(text)
    assert not ok
    assert channels == ()


@pytest.mark.parametrize("text", ["", "Không có thông tin"])
def test_empty_sections_are_understood_as_empty(text):
    assert pagetext.parse_channels(text) == ((), True)
    assert pagetext.parse_documents(text) == ((), True)
    assert pagecodes.parse_legal_basis(text) == ((), True)
    assert pagecodes.parse_results(text) == ((), True)


# --- pagetext: amounts and times ------------------------------------------------------------

@pytest.mark.parametrize("text, amounts", [
    ("7,000 Việt Nam Đồng", [7000]),
    ("15.000 đồng", [15000]),
    ("50.000đ/lần", [50000]),
    ("Miễn phí", [0]),
    ("Không thu phí", [0]),
    ("1,5 triệu đồng", [1_500_000]),
    ("200 nghìn đồng", [200_000]),
    ("15000000/lần Đồng", [15_000_000]),
    ("Cho một loại hình: 8.000.000/lần; thêm: 2.000.000/lần.", [8_000_000, 2_000_000]),
    ("Thông tư số 75/2022/TT-BTC ngày 22/12/2022, Điều 4", []),
    ("5 USD", []),
    ("05 đơn", []),
])
def test_fee_amounts(text, amounts):
    assert pagetext.parse_fee_amounts(text) == amounts


@pytest.mark.parametrize("value, text, expected", [
    (7000, "thu 7.000 đồng/lần đăng ký", 7000),
    (0, "", 0),
    (0, " Miễn phí Đồng - Trường hợp công dân thuộc diện được miễn phí theo Điều 4", 0),
    (0, "Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định.", None),
    (0, "Theo quy định tại Thông tư 85/2019/TT-BTC", None),
    (0, "Cho một loại hình: 8.000.000/lần", None),
    (None, "Lệ phí: 50.000 đồng/hồ sơ", 50000),
    (None, "Không thu lệ phí", 0),
    (None, "", None),
    (None, "Nộp 150.000 đồng + 15.000 đồng/tấn", None),
])
def test_fee_amount_trusts_a_zero_only_when_the_words_allow(value, text, expected):
    assert pagetext.fee_amount(value, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("3 Ngày làm việc", (3.0, "working_day")),
    ("15 Ngày", (15.0, "day")),
    ("Trong ngày", (1.0, "day")),
    ("05 ngày làm việc", (5.0, "working_day")),
    ("05 (năm) ngày làm việc kể từ ngày nhận hồ sơ", (5.0, "working_day")),
    ("0,5 ngày", (0.5, "day")),
    ("7", (7.0, "other")),
    ("Không quy định", (None, None)),
])
def test_time(text, expected):
    assert pagetext.parse_time(text) == expected


# --- pagetext and pagecodes: documents, legal basis, results, steps -----------------------------

def test_documents_with_case_headings_form_code_and_file_name():
    docs, ok = pagetext.parse_documents(load("tthc_1.004194.json")["thanh_phan_ho_so"])
    assert ok
    assert len(docs) == 5
    assert docs[2] == Document(
        "Tờ khai thay đổi thông tin cư trú (Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA); đối với người "
        "đăng ký tạm trú là người chưa thành niên thì trong tờ khai phải ghi rõ ý kiến đồng ý của cha, mẹ hoặc người "
        "giám hộ, trừ trường hợp đã có ý kiến đồng ý bằng văn bản;", "1 bản chính", "CT01")
    assert docs[3].name.endswith("(Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA).")
    assert docs[4].copies == "1 bản chính, 1 bản sao"
    assert docs[0].copies == "0 bản chính"


def test_document_file_name_is_the_form_when_no_code_is_named():
    text = ("--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị chuyển đổi Giấy phép theo Nghị định số "
            "121/2021/NĐ-CP ngày 27/12/2021;Mus08.docx1 bản chínhQuy chế quản lý nội bộ;1 bản chính")
    docs, ok = pagetext.parse_documents(text)
    assert ok
    assert docs == (
        Document("Đơn đề nghị chuyển đổi Giấy phép theo Nghị định số 121/2021/NĐ-CP ngày 27/12/2021;", "1 bản chính",
                 "Mus08.docx"),
        Document("Quy chế quản lý nội bộ;", "1 bản chính"))


def test_document_whose_file_name_cannot_be_cut_off_is_flagged():
    text = ("--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị cấp lại chứng chỉ theo mẫu quy định về giao thông "
            "đường bộvăn bản đề nghị.docx1 bản chính")
    docs, ok = pagetext.parse_documents(text)
    assert not ok
    assert docs[0].form == ""


def test_count_inside_a_name_is_not_a_count_cell():
    text = ("--Tên giấy tờMẫu đơn, tờ khaiSố lượngThư bảo lãnh: 01 bản chính khi đăng ký tờ khai lần đầu;"
            "1 bản chính,1 bản sao")
    docs, ok = pagetext.parse_documents(text)
    assert ok
    assert docs == (Document("Thư bảo lãnh: 01 bản chính khi đăng ký tờ khai lần đầu;", "1 bản chính, 1 bản sao"),)


def test_legal_basis_pairs_from_run_together_cells():
    refs, ok = pagecodes.parse_legal_basis(load("tthc_1.004194.json")["can_cu_phap_ly"])
    assert ok
    assert [r.code for r in refs] == ["53/2025/TT-BCA", "57/2021/TT-BCA", "66.7/2025/NQ-CP", "68/2020/QH14"]
    # the code glued to "ngày" and the one cited later stay inside the first name
    assert refs[0].name.startswith("Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an")
    assert refs[0].name.endswith("Luật Cư trú.")
    assert refs[1] == LegalRef("57/2021/TT-BCA", "Thông tư 57/2021/TT-BCA")
    assert refs[3] == LegalRef("68/2020/QH14", "Luật Cư trú 2020")


@pytest.mark.parametrize("text, expected", [
    ("Tên văn bản pháp lýMã văn bảnLuật 54/2014/QH1354/2014/QH13Thuế xuất khẩu, thuế nhập khẩu107/2016/QH13",
     [("54/2014/QH13", "Luật 54/2014/QH13"), ("107/2016/QH13", "Thuế xuất khẩu, thuế nhập khẩu")]),
    ("Tên văn bản pháp lýMã văn bảnvề cấp và quản lý bảo lãnh Chính phủNghị định số 92/2018/NĐ-CP",
     [("Nghị định số 92/2018/NĐ-CP", "về cấp và quản lý bảo lãnh Chính phủ")]),
    ("Tên văn bản pháp lýMã văn bảnquy định chi tiết luật phòng cháy105/2025/NĐ-CPsửa đổi các Nghị định"
     "144/2025/NĐ-CP", [("105/2025/NĐ-CP", "quy định chi tiết luật phòng cháy"),
                        ("144/2025/NĐ-CP", "sửa đổi các Nghị định")]),
    ("Tên văn bản pháp lýMã văn bảnvề quản lý của Bộ Tư pháp18/2026/NĐ-CP Nghị định về hộ tịch87/2020/NĐ-CP",
     [("18/2026/NĐ-CP", "về quản lý của Bộ Tư pháp"), ("87/2020/NĐ-CP", "Nghị định về hộ tịch")]),
    ("Tên văn bản pháp lýMã văn bảnThông tư 56/2021/TT-BCA56/2021/TT-BCASỬA ĐỔI MỘT SỐ NGHỊ ĐỊNH18/2026/NĐ-CP",
     [("56/2021/TT-BCA", "Thông tư 56/2021/TT-BCA"), ("18/2026/NĐ-CP", "SỬA ĐỔI MỘT SỐ NGHỊ ĐỊNH")]),
    ("Tên văn bản pháp lýMã văn bảnQuyết định hướng dẫn08.a/2010/TT-BTPThông tư 09b/2013/TT-BTP09b/2013/TT-BTP",
     [("08.a/2010/TT-BTP", "Quyết định hướng dẫn"), ("09b/2013/TT-BTP", "Thông tư 09b/2013/TT-BTP")]),
])
def test_legal_basis_borders(text, expected):
    refs, ok = pagecodes.parse_legal_basis(text)
    assert ok
    assert [(r.code, r.name) for r in refs] == expected


def test_legal_basis_with_a_code_that_is_not_one_is_flagged():
    refs, ok = pagecodes.parse_legal_basis("Tên văn bản pháp lýMã văn bảnNghị định số 46/2020/NĐ-CP46/2020")
    assert not ok
    assert refs == ()


def test_results_cut_at_codes_and_page_chrome():
    results, ok = pagecodes.parse_results(load("tthc_1.004194.json")["ket_qua_xu_ly"])
    assert ok
    assert results == ("Phiếu từ chối tiếp nhận, giải quyết hồ sơ (lĩnh vực cư trú)",
                       "Cập nhật thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
                       "Thông báo kết quả giải quyết thủ tục về cư trú, hủy bỏ thủ tục về cư trú",
                       "Cập nhật thông tin trong Cơ sở dữ liệu về cư trú")


def test_results_without_codes_are_flagged():
    assert pagecodes.parse_results("Giấy phépVăn bản từ chốiTừ khóaKhông có thông tin") == (
        ("Giấy phépVăn bản từ chối",), False)


def test_steps_split_at_buoc_and_keep_sub_points():
    steps = pagetext.parse_steps("Bước 1: Chuẩn bị hồ sơ.\n Bước 2: Nộp hồ sơ.\n- Trường hợp đủ: nhận.\n"
                                 "- Trường hợp thiếu: bổ sung.\n Bước 3: Nhận kết quả.")
    assert steps == ("Bước 1: Chuẩn bị hồ sơ.",
                     "Bước 2: Nộp hồ sơ. - Trường hợp đủ: nhận. - Trường hợp thiếu: bổ sung.",
                     "Bước 3: Nhận kết quả.")
    assert pagetext.parse_steps("- Nộp hồ sơ\n- Nhận kết quả\n") == ("- Nộp hồ sơ", "- Nhận kết quả")


# --- readers ------------------------------------------------------------------------------

def test_tthc_raw_record():
    p = read_tthc_raw(load("tthc_1.004194.json"), "2026-07-01")
    assert (p.code, p.name, p.portal_id) == ("1.004194", "Đăng ký tạm trú", "019d2bf7-770b-734d-b7fb-5e1995f194f4")
    assert p.levels == ("xa",) and p.agencies == ("Công an cấp Xã",) and p.where == "Công an cấp xã"
    assert p.targets == ("Hợp tác xã", "Doanh nghiệp", "Công dân Việt Nam", "Tổ chức (không bao gồm doanh nghiệp, HTX)")
    assert p.audience == ("cong-dan", "doanh-nghiep", "to-chuc")
    assert p.online is True
    assert p.channel("online").fees[0].amount_vnd == 7000
    assert p.channel("direct").fees[0].amount_vnd == 10000  # the page shows only a channel's first fee
    assert len(p.steps) == 5 and p.conditions == ""
    assert p.unparsed == ()
    assert p.sources[0].name == "chatbot_tthc raw" and p.taken == "2026-07-01"


def test_tthc_raw_names_fields_it_could_not_read():
    raw = {**load("tthc_1.004194.json"), "can_cu_phap_ly": "Tên văn bản pháp lýMã văn bảnNghị định 46/2020"}
    assert read_tthc_raw(raw, "2026-07-01").unparsed == ("legal_basis",)


def test_portal_record_tam_tru():
    p = from_portal_record(load("portal_1.004194.json"), "2026-07-18")
    assert (p.code, p.portal_id) == ("1.004194", "019d2bf7-770b-734d-b7fb-5e1995f194f4")
    assert p.field == "Đăng ký, quản lý cư trú"
    assert p.levels == ("xa",) and p.online is True and p.kind == "national" and p.promulgator == "Bộ Công an"
    online, direct = p.channel("online"), p.channel("direct")
    assert (online.time_qty, online.time_unit, direct.time_qty, direct.time_unit) == (3.0, "working_day", 3.0,
                                                                                      "working_day")
    assert [f.amount_vnd for f in online.fees] == [7000, 5000, 0]
    assert [f.amount_vnd for f in direct.fees] == [10000, 15000, 0]
    assert any(d.form == "CT01" for d in p.documents)
    assert [r.code for r in p.legal_basis][:2] == ["53/2025/TT-BCA", "66/2023/TT-BCA"]
    assert p.results[0] == "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (lĩnh vực cư trú)"
    assert len(p.steps) == 5 and p.unparsed == ()
    assert p.sources[0].url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-770b-734d-b7fb-5e1995f194f4"


def test_portal_fee_in_another_currency_is_not_dong():
    record = load("portal_1.004194.json")
    record["data"]["executionMethods"][0]["fees"] = [
        {"type": "SERVICE_FEE", "value": 5, "description": "Cấp bản sao trích lục", "currencyName": "USD"}]
    fee = from_portal_record(record, "2026-07-18").channel("online").fees[0]
    assert fee == Fee(None, "5 USD – Cấp bản sao trích lục")


def test_opengov_detail_province_decides_fee_is_none():
    p = read_opengov_detail(load("opengov_1.000080.json"))
    assert p.taken == "2026-07-18" and p.sources[0].name == "OpenGOV procedures"
    assert [c.method for c in p.channels] == ["online", "postal", "direct"]
    assert all(f.amount_vnd is None for c in p.channels for f in c.fees)
    assert (p.channels[0].time_qty, p.channels[0].time_unit) == (7.0, "other")
    assert p.audience == ("cong-dan",) and p.levels == () and p.online is True
    assert p.legal_basis[0] == LegalRef("104/2022/NĐ-CP", p.legal_basis[0].name)


def test_opengov_tiny_value_without_currency_is_not_read_as_dong():
    record = load("opengov_1.000080.json")
    record["channels"][0]["fees"] = [{"type": "SERVICE_FEE", "value_vnd": 5, "text": "Cấp bản sao trích lục"}]
    p = read_opengov_detail(record)
    assert p.channels[0].fees[0].amount_vnd is None and p.unparsed == ("channels",)


def test_listing_lines_kinds_levels_and_provinces():
    national, specific, internal = [read_listing_line(json.loads(line), "2026-07-18") for line in
                                    (FIXTURES / "catalog_lines.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (national.kind, national.levels, national.province, national.online) == ("national", ("xa",), "", None)
    assert national.audience == ("cong-dan", "doanh-nghiep", "to-chuc")
    assert (specific.kind, specific.province, specific.levels) == ("province", "hue", ("tinh",))
    assert specific.field == "Công nghiệp công nghệ số, công nghệ thông tin, điện tử"
    assert specific.audience == ("doanh-nghiep",)
    assert (internal.kind, internal.province) == ("internal", "")
    assert national.sources[0].name == "OpenGOV catalog.jsonl" and not national.detailed


def test_portal_listing_item_is_marked_as_the_portals_listing():
    item = load("portal_listing.json")["data"]["items"][0]
    p = from_portal_listing_item(item, "2026-12-01")
    assert p.sources[0].name == "portal API listing" and p.code == "1.004194"


# --- shapes and files ---------------------------------------------------------------------

def test_detect_shape():
    assert detect_shape(load("tthc_1.004194.json")) == "tthc_raw"
    assert detect_shape(load("opengov_1.000080.json")) == "opengov_detail"
    assert detect_shape(load("portal_1.004194.json")["data"]) == "portal_record"
    assert detect_shape(load("portal_listing.json")["data"]["items"][0]) == "listing"
    assert detect_shape(load("portal_listing.json")) is None
    assert detect_shape({"code": "1.0", "name": "x"}) is None
    assert detect_shape([]) is None


def test_iter_file_reads_every_shape(tmp_path):
    assert [p.kind for p in iter_file(FIXTURES / "catalog_lines.jsonl", "2026-07-18")] == [
        "national", "province", "internal"]
    [portal] = iter_file(FIXTURES / "portal_1.004194.json", "2026-07-18")
    assert portal.sources[0].name == "portal API" and portal.detailed
    [listed] = iter_file(FIXTURES / "portal_listing.json", "2026-12-01")
    assert listed.sources[0].name == "portal API listing"
    both = tmp_path / "both.json"
    both.write_text(json.dumps([load("tthc_1.004194.json"), load("opengov_1.000080.json")]), encoding="utf-8")
    assert [(p.code, p.sources[0].name) for p in iter_file(both, "2026-07-01")] == [
        ("1.004194", "chatbot_tthc raw"), ("1.000080", "OpenGOV procedures")]
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    assert list(iter_file(other, "2026-07-01")) == []


# --- field rules --------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("UBND tỉnh Đắk Lắk", "dak-lak"),
    ("UBND Thành phố Hồ Chí Minh", "ho-chi-minh"),
    ("UBND Thành phố Huế", "hue"),
    ("Trung tâm phục vụ hành chính công Thành phố Hà Nội", "ha-noi"),
    ("Sở Xây dựng - tỉnh Quảng Ngãi", "quang-ngai"),
    ("Sở Khoa học và Công nghệ TP.Đà Nẵng", "da-nang"),
    ("UBND Phường Bắc Giang, tỉnh Bắc Ninh", "bac-ninh"),
    ("UBND cấp tỉnh", ""),
    ("Thuế tỉnh, thành phố", ""),
    ("Bộ Công an", ""),
])
def test_province_code(text, code):
    assert province_code(text) == code


@pytest.mark.parametrize("agency, level", [
    ("Công an cấp Xã", "xa"), ("UBND cấp  xã", "xa"), ("Ủy ban nhân dân cấp tỉnh", "tinh"),
    ("Sở Nông nghiệp và Môi trường - Tỉnh Đắk Lắk", "tinh"), ("Bộ chỉ huy quân sự cấp tỉnh", "tinh"),
    ("Bộ Tài chính", "bo"), ("Cục Thuế - Bộ tài chính", "bo"), ("Tổng cục Công nghiệp Quốc phòng", "bo"),
    ("Chi cục Kiểm lâm", None), ("Văn phòng đăng ký đất đai", None), ("Bộ Tư lệnh Thủ đô Hà nội", None),
    ("Cơ quan chuyên môn thuộc Ủy ban nhân dân cấp tỉnh hoặc thuộc Ủy ban nhân dân cấp xã", None),
])
def test_agency_level(agency, level):
    from indexer.catalogue.fields import agency_level
    assert agency_level(agency) == level
