"""Glossary and referrals (issue 18, items 4 and 5), as citizens type them. The table is read by the staff files
themselves (knowledge/thuat-ngu.yaml, knowledge/chuyen-tiep.yaml); the conversations go through the `chat(...)`
harness on the real knowledge and model; `dvcbot check` reports a row without a source or with a missing entry."""
import dataclasses
import itertools
import textwrap
from pathlib import Path

import pytest

from bot.retrieval.decision import Kind
from bot.retrieval.glossary import Glossary
from indexer.check import check_knowledge
from indexer.terms import GLOSSARY_FILE, REFERRALS_FILE
from tests.chat import Chat

REPO = Path(__file__).resolve().parents[1]
OTP, VNEID, LEVELS, SIGN, CERT = "OTP", "VNeID", "Định danh điện tử mức 1, mức 2", "Chữ ký số", "Chứng thư số"
ONLINE, CODE, ID, STORE, FORM = ("Dịch vụ công trực tuyến toàn trình, một phần", "Mã hồ sơ", "Căn cước, CCCD",
                                 "Kho dữ liệu cá nhân", "Biểu mẫu điện tử (e-form)")
TERMS = [
    ("OTP là gì", OTP), ("ma otp la cai gi vay con", OTP), ("otp la j z", OTP), ("Mã OTP nghĩa là gì ạ", OTP),
    ("cho bác hỏi cái mã OTP là cái gì", OTP), ("otp là sao", OTP), ("thế nào là mã otp", OTP),
    ("VNeID là gì", VNEID), ("vneid la cai gi vay", VNEID), ("app vneid là gì thế", VNEID),
    ("định danh điện tử là gì", VNEID),
    ("dinh danh muc 2 nghia la gi", LEVELS), ("mức 2 là gì", LEVELS), ("tài khoản mức 1 là sao", LEVELS),
    ("vneid muc 2 la gi a", LEVELS), ("mức 1 mức 2 là gì vậy chị", LEVELS), ("định danh điện tử mức 2 là gì", LEVELS),
    ("chữ ký số là sao", SIGN), ("chu ky so la gi", SIGN), ("ck so la j", SIGN), ("ký số là gì ạ", SIGN),
    ("Chữ ký số nghĩa là gì vậy em", SIGN), ("giải thích giúp tôi chữ ký số", SIGN), ("cks là cái gì", SIGN),
    ("chứng thư số là gì", CERT), ("chung thu chu ky so la gi", CERT), ("chứng thư là sao", CERT),
    ("dvc toàn trình là gì", ONLINE), ("dich vu cong truc tuyen mot phan la gi", ONLINE),
    ("thế nào là dịch vụ công toàn trình", ONLINE), ("toàn trình là sao", ONLINE),
    ("mã hồ sơ là gì", CODE), ("ma ho so la cai gi", CODE), ("số hồ sơ là gì vậy", CODE),
    ("mã hồ sơ là cái nào", CODE), ("ma ho so la so nao", CODE),   # "which one is it" asks what it is too
    ("CCCD là gì", ID), ("cccd la gi a", ID), ("thẻ căn cước là gì", ID), ("căn cước công dân nghĩa là gì", ID),
    ("kho dữ liệu cá nhân là gì", STORE), ("kho du lieu la gi", STORE), ("Kho quản lý dữ liệu điện tử là gì", STORE),
    ("e-form là cái gì", FORM), ("eform la gi", FORM), ("biểu mẫu điện tử là gì", FORM), ("E form nghĩa là sao", FORM),
    # what a "mà" clause says of the term is no other question; "mức độ 2" is how many say "mức 2"
    ("Cái mã OTP mà cháu tôi hay nhắc là cái gì vậy bạn?", OTP), ("vậy vneid mức độ 2 là gì ạ", LEVELS),
    ("kho dữ liệu cá nhân trên cổng dvc là j z", STORE),
]
REFERRALS = [
    # 33rd: a visa abroad is the other country's; a SIM's owner is the network's
    ("Em muốn xin visa đi Hàn Quốc thăm chồng thì nộp hồ sơ ở đâu ạ?", "đại sứ quán"),
    ("sim dang ky ten ong chu cu, nha mang bat chuan hoa thong tin thue bao thi lam o dau", "nhà mạng"),
    ("thi đại học năm nay đăng ký nguyện vọng thế nào", "Bộ Giáo dục"), ("xet tuyen dai hoc o dau", "Bộ Giáo dục"),
    ("con em thi tốt nghiệp thpt đăng ký ở đâu", "Bộ Giáo dục"), ("điểm chuẩn vào đại học xem ở đâu", "Bộ Giáo dục"),
    ("sinh viên vay vốn đi học ở đâu", "Chính sách xã hội"), ("vay von sinh vien can giay to gi", "Chính sách xã hội"),
    ("con tôi muốn vay tiền đi học", "Chính sách xã hội"),
    ("Tháng này tiền điện nhà em tăng gấp đôi, hỏi ai", "điện lực"), ("mat dien ca ngay bao ai", "điện lực"),
    ("hóa đơn điện tháng này sai", "điện lực"),
    ("cúp điện từ sáng tới giờ chưa có lại, gọi ai", "điện lực"), ("lắp điện mới cho nhà", "điện lực"),
    ("evn tính tiền sai", "điện lực"),
    ("app vssid dang nhap khong duoc phai lam sao", "Bảo hiểm xã hội"), ("rút bhxh một lần", "Bảo hiểm xã hội"),
    ("làm chế độ thai sản ở đâu", "Bảo hiểm xã hội"), ("lương hưu khi nào được nhận", "Bảo hiểm xã hội"),
    ("bị lừa đảo qua mạng mất tiền", "công an"), ("có người giả danh công an gọi điện", "công an"),
    ("bi lua chuyen tien roi", "công an"), ("tài khoản bị hack", "công an"),
    ("tôi bị nó lừa mất 20 triệu rồi, giờ báo ai", "công an"),
    ("nha bac bi bao lam sap mai, xin ho tro o dau con", "UBND xã"), ("lũ cuốn mất nhà, xin hỗ trợ ở đâu", "UBND xã"),
    ("chau oi, tran lu vua roi nha co o Quang Ngai bi nuoc cuon sap mat nua cai nha, gio co voi 2 dua nho o nho nha "
     "hang xom. nha nuoc co ho tro gi ko chau, co phai lam don o dau", "UBND xã"),   # had got the generic reply
    ("quên mã pin thẻ atm thì làm lại ở đâu", "ngân hàng"), ("chuyển khoản nhầm thì lấy lại thế nào", "ngân hàng"),
    ("the atm bi nuot", "ngân hàng"), ("lãi suất vay vốn ngân hàng bao nhiêu", "ngân hàng"),
]
# referred although one of our guides was near ("thẻ … bị khóa, mở lại" is the VNeID lock guide's wording)
REFERRED_OVER_GUIDES = [("thẻ ATM ngân hàng của anh bị khóa vì 5 năm ko xài, mở lại ở đâu", "ngân hàng")]
SEARCHES = [   # a term used to ask something else, or a subject we cover: search, not the glossary nor a referral
    "vneid ko gui ma otp", "đăng ký chữ ký số ở đâu", "chữ ký số là gì và đăng ký ở đâu",
    "OTP là gì mà không nhận được", "vneid là gì, tải ở đâu", "mức 1 với mức 2 khác nhau thế nào",
    "làm vneid mức 2 ở đâu", "chờ mãi không có tin nhắn otp",
    "mất điện thoại thì đăng nhập vneid thế nào", "tra cứu hồ sơ bằng mã hồ sơ", "cccd hết hạn thì làm sao",
    "kho dữ liệu ở đâu trên cổng", "điền e-form bị lỗi", "chứng thư số hết hạn thì gia hạn ở đâu",
    "hóa đơn điện tử lệ phí tải ở đâu", "quên mật khẩu vneid", "số điện thoại đổi rồi thì sao",
    "ký số từ xa trên điện thoại", "nộp hồ sơ toàn trình xong bao lâu có kết quả", "OTP",
    "mã otp mà tui nhập hoài không được là sao",   # a "mà" clause telling a problem
    # "chữ ký điện tử" is the wider kind, not another name of "chữ ký số": its own entry tells them apart
    "chữ ký điện tử với chữ ký số khác gì nhau", "chu ky dien tu va chu ky so la 2 cai khac nhau a",
    "chữ ký điện tử là gì",
]


@pytest.fixture(scope="module")
def glossary():
    return Glossary.load(REPO / "knowledge")


def test_the_table_is_big_enough():
    assert len(TERMS) + len(REFERRALS) + len(SEARCHES) >= 60


@pytest.mark.parametrize("message,term", TERMS)
def test_asking_what_a_term_is_finds_it(glossary, message, term):
    assert [t.name for t in glossary.asked_term(message)] == [term]


@pytest.mark.parametrize("message,who", REFERRALS)
def test_a_subject_we_do_not_cover_names_who_handles_it(glossary, message, who):
    row = glossary.referral(message)
    assert row is not None and who.lower() in (row.who + " " + row.text).lower()


@pytest.mark.parametrize("message", SEARCHES)
def test_other_questions_stay_searches(glossary, message):
    assert glossary.asked_term(message) == []


@pytest.mark.parametrize("message", ["mất điện thoại thì sao", "hóa đơn điện tử", "đổi số điện thoại vneid",
                                     "tiền điện thoại", "tuyển sinh lớp 1", "xuất hóa đơn điện tử ở đâu",
                                     "thủ tục bao lâu", "con bao nhiêu tuổi thì làm căn cước",
                                     "chồng em người nước ngoài, gia hạn thị thực ở Việt Nam làm ở đâu",
                                     # no pension: the social pension, which the commune decides (1.014027)
                                     "bo toi 78 tuoi, ko co luong huu, muon xin tro cap thi lam sao"])
def test_phrases_that_only_look_like_a_subject_are_no_referral(glossary, message):
    assert glossary.referral(message) is None


def test_every_number_and_address_in_the_tables_is_in_our_sources():
    """Phone numbers and web addresses only where domain.md or an existing entry has them."""
    import re
    sources = (REPO.parent / "shared" / "domain.md")
    known = "".join(p.read_text(encoding="utf-8") for p in (REPO / "knowledge").rglob("*.md"))
    known += sources.read_text(encoding="utf-8") if sources.exists() else ""
    digits = re.sub(r"\s", "", known)
    for name in (GLOSSARY_FILE, REFERRALS_FILE):
        text = (REPO / "knowledge" / name).read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", "nguon")))
        for number in re.findall(r"\b1[89]00[\s.]?\d{3,4}\b|\b11[345]\b", body):
            assert re.sub(r"\D", "", number) in digits, number
        assert "http" not in body and ".vn" not in body


# ---- dvcbot check
def _glossary_file(kb: Path, row: str) -> None:
    (kb / GLOSSARY_FILE).write_text("thuat_ngu:\n" + textwrap.indent(textwrap.dedent(row), "  "), encoding="utf-8")


def test_check_accepts_the_real_tables():
    report, _ = check_knowledge(REPO / "knowledge")
    assert not [p for p in report.problems if p.file in (GLOSSARY_FILE, REFERRALS_FILE)]


def test_check_reports_a_term_without_a_source(small_kb):
    _glossary_file(small_kb, """\
        - ten: OTP
          giai_thich: Mã số gửi về điện thoại.
          cach_goi: [otp, ma otp]
          ngay: 2026-12-03
        """)
    report, _ = check_knowledge(small_kb)
    assert not report.ok
    [problem] = report.problems
    assert problem.file == GLOSSARY_FILE and "OTP" in problem.field and "nguồn" in problem.message


def test_check_reports_a_term_pointing_to_a_missing_entry(small_kb):
    _glossary_file(small_kb, """\
        - ten: OTP
          giai_thich: Mã số gửi về điện thoại.
          cach_goi: [otp]
          muc: khong-co-muc-nay
          nguon: thử
          ngay: 2026-12-03
        - ten: Mức 2
          giai_thich: Đến công an xã.
          cach_goi: [muc 2]
          muc: dang-ky-muc-2
          nguon: thử
          ngay: 2026-12-03
        """)
    report, _ = check_knowledge(small_kb)
    [problem] = report.problems
    assert problem.file == GLOSSARY_FILE and "OTP" in problem.field and "khong-co-muc-nay" in problem.message


def test_check_reports_a_referral_without_date_or_keywords(small_kb):
    (small_kb / REFERRALS_FILE).write_text(textwrap.dedent("""\
        chuyen_tiep:
          - chu_de: tiền điện
            ai: điện lực
            tra_loi: hỏi điện lực.
            nguon: thử
        """), encoding="utf-8")
    report, _ = check_knowledge(small_kb)
    fields = sorted(p.field for p in report.problems)
    assert all(p.file == REFERRALS_FILE for p in report.problems)
    assert fields == ["1. tiền điện · ngay", "1. tiền điện · tu_khoa"]


# ---- conversations
_ids = itertools.count()


async def fresh(dialogue) -> Chat:
    chat = Chat(dialogue, user=f"glossary-{next(_ids)}")
    await chat("xin chào")
    return chat


@pytest.mark.slow
async def test_what_is_otp_is_answered_from_the_glossary_with_its_entry(dialogue):
    chat = await fresh(dialogue)
    await chat("ma otp la cai gi vay con")
    assert chat.text().startswith("**OTP**:") and "chưa có hướng dẫn" not in chat.text()
    await chat.press("Không nhận được mã OTP")
    assert chat.text().startswith("Không nhận được mã OTP")
    assert dialogue.storage.unmet_needs() == []


@pytest.mark.slow
async def test_a_term_used_in_another_question_is_searched(dialogue):
    chat = await fresh(dialogue)
    await chat("vneid ko gui ma otp")
    assert not chat.text().startswith("**OTP**") and "OTP" in chat.text()


@pytest.mark.slow
@pytest.mark.parametrize("turns", [
    # asked first, the rest only says why ("vneid lv2 là j v…" had got the registration guide again)
    [("vneid lv2 là j v, bn e nói hoài mà e hk hỉu", "**Định danh điện tử mức 1, mức 2**"),
     ("mã hồ sơ là cái nào, tn nó gửi nhìu số quá 😵", "**Mã hồ sơ**"),
     ("mức 2 là gì, đăng ký ở đâu", None)],   # the rest asks: a search
    # asked in the only clause that asks ("e đang soạn bài…, cho e hỏi ký số là gì ạ" had got don't-know)
    [("e đang soạn bài hướng dẫn gửi nhóm zalo của ấp, cho e hỏi ký số là gì ạ", "**Chữ ký số**"),
     ("nop online no doi chung thu so, chung thu so la gi", "**Chứng thư số**"),
     ("chứng thư số là gì, mua ở đâu", None)],   # two clauses ask: a search
])
async def test_a_term_asked_in_one_clause_is_explained_unless_another_asks_too(dialogue, turns):
    chat = await fresh(dialogue)
    for message, term in turns:
        await chat(message)
        assert term in chat.text() if term else not chat.text().startswith("**"), chat.text()


@pytest.mark.slow
async def test_a_referral_reads_abbreviations_spelt_out(dialogue):
    """"xét tuyển đh" had been offered the nomination admission procedure, which says "xét tuyển", as if precise;
    "vay vốn sv" had been offered social housing loans."""
    chat = await fresh(dialogue)
    await chat("em trai e năm nay lớp 12, đk nguyện vọng xét tuyển đh làm trên web nào v ad")
    assert "Bộ Giáo dục và Đào tạo" in chat.text(), chat.text()
    await chat("nhà e ở quê khó khăn, e mún vay vốn sv thì lm hồ sơ ở đâu ik")
    assert "Ngân hàng Chính sách xã hội" in chat.text(), chat.text()


@pytest.mark.slow
async def test_a_subject_we_do_not_cover_is_referred(dialogue):
    chat = await fresh(dialogue)
    await chat("Tháng này tiền điện nhà em tăng gấp đôi, hỏi ai")
    assert "Việc này do ngành điện" in chat.text() and "chưa có hướng dẫn chắc chắn" not in chat.text()
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    [need] = dialogue.storage.unmet_needs()
    assert "tiền điện" in need.question


@pytest.mark.slow
@pytest.mark.parametrize("message,who", REFERRED_OVER_GUIDES)
async def test_a_bank_card_is_the_banks_though_a_guide_of_ours_is_near(dialogue, message, who):
    chat = await fresh(dialogue)
    await chat(message)
    assert "Việc này do" in chat.text() and who in chat.text(), chat.text()


@pytest.mark.slow
async def test_a_referral_is_kept_when_nothing_is_offered_however_near(dialogue):
    """Only options the clause that asks is about replace a referral: "nha bac bi bao lam sap mai, xin ho tro o dau
    con" had got the generic don't-know, its clause "xin hỗ trợ ở đâu" naming no disaster, though nothing was
    offered (the search's nearness alone had been taken for options near)."""
    chat = await fresh(dialogue)
    await chat("nha bac bi bao lam sap mai, xin ho tro o dau con")
    assert "Việc này do UBND xã" in chat.text() and "chưa có hướng dẫn" not in chat.text(), chat.text()


@pytest.mark.slow
async def test_looking_up_ones_own_pension_in_vssid_is_bhxhs_not_a_procedure(dialogue):
    """A pensioner asking where VssID shows the monthly pension had been asked which pension procedure he meant."""
    chat = await fresh(dialogue)
    await chat("Tôi là cán bộ hưu trí, năm nay 66 tuổi. Con gái tôi đã cài cho tôi ứng dụng VssID, nhưng tôi chưa "
               "biết xem thông tin lương hưu hằng tháng của mình ở đâu. Bạn hướng dẫn giúp tôi được không?")
    assert "Việc này do cơ quan Bảo hiểm xã hội" in chat.text(), chat.text()


@pytest.mark.slow
async def test_dont_know_shows_no_raw_link_in_its_text(dialogue):
    chat = await fresh(dialogue)
    await chat("Bitcoin có nên mua không")
    assert "chưa có hướng dẫn" in chat.text()
    assert "http" not in chat.text() and "%" not in chat.text()
    assert any(b.url and "keyword=" in b.url for r in chat.last for b in r.buttons)


@pytest.mark.slow
async def test_a_referral_never_replaces_our_own_entries_offered(dialogue, monkeypatch):
    """"Ý bạn là…?" with our own entries stays: a referral replaces only don't-know or catalogue-only options."""
    answerer = dialogue.knowledge()
    question = "lương hưu của bố tôi xem trên VNeID ở đâu"
    assert answerer.glossary.referral(question) is not None
    ours = tuple(e for e in answerer.entries.values() if not e.from_catalogue)[:2]
    real = answerer.ask

    def ask(text: str, province: str | None = None):
        found = real(text, province)
        if text != question:
            return found
        return dataclasses.replace(found, kind=Kind.CLARIFY.value, entry=None, options=ours)

    monkeypatch.setattr(answerer, "ask", ask)
    chat = await fresh(dialogue)
    await chat(question)
    assert "Việc này do" not in chat.text()
    shown = " ".join(b.title for r in chat.last for b in r.buttons)
    assert all(e.title[:20] in shown for e in ours)


@pytest.mark.slow
async def test_a_referral_said_only_as_what_happened_does_not_replace_near_options(dialogue):
    """An old farmer whose house the flood took asked where to get his lost land certificate again: the flood
    words had sent him to the commune for disaster relief, though the certificate's reissue was found. Asked for
    the relief itself, he is still referred."""
    chat = await fresh(dialogue)
    await chat("tui o xa Mau A, truoc la Yen Bai, gio nhap vo Lao Cai. hoi bao Yagi lu cuon troi het nha cua, mat "
               "luon cai so do. gio xin lai so do o dau con")
    assert "Việc này do" not in chat.text() and chat.button("Cấp lại Giấy chứng nhận do bị mất"), chat.text()
    await chat("nha tui bi lu cuon troi, gio van o tam trong cai lan, xa co ho tro tien lam lai nha ko con")
    assert "Việc này do UBND xã" in chat.text(), chat.text()


@pytest.mark.slow
async def test_catalogue_options_that_name_the_subject_are_kept(dialogue):
    """BHXH issues the card, but "Thủ tục cấp thẻ bảo hiểm y tế" is the portal's own procedure for it: answered
    (the police relatives' cards no longer stand beside it) or offered, not replaced by the referral; options that
    only look alike still give way to it."""
    chat = await fresh(dialogue)
    await chat("toi 70 tuoi, muon lam the bhyt cho vo thi lam sao")
    shown = " ".join(b.title for r in chat.last for b in r.buttons) + chat.text()
    assert "Việc này do" not in chat.text() and "cấp thẻ bảo hiểm y tế" in shown, chat.text()
    glossary = dialogue.knowledge().glossary
    row = glossary.referral("quên mật khẩu VssID")
    assert row is not None and not glossary.names_subject(row, "Cấp lại thẻ căn cước")


def test_a_title_names_the_subject_as_precisely_as_the_question_or_not_at_all(glossary):
    """"còn đăng ký nguyện vọng xét tuyển đại học thì làm ở đâu" had been asked which of two admission procedures
    (one by nomination, one for pre-school teaching), both saying "xét tuyển", and no word of who handles it."""
    question = "còn đăng ký nguyện vọng xét tuyển đại học thì làm ở đâu ạ"
    row = glossary.referral(question)
    assert row is not None and glossary.names_subject(row, "Đăng ký xét tuyển học theo chế độ cử tuyển")
    assert not glossary.names_subject(row, "Đăng ký xét tuyển học theo chế độ cử tuyển", question)
    bhyt = glossary.referral("làm thẻ bhyt ở đâu")   # "bảo hiểm y tế" is said as "bhyt", no more precisely
    assert glossary.names_subject(bhyt, "Thủ tục cấp thẻ bảo hiểm y tế", "làm thẻ bhyt ở đâu")


def test_a_title_names_a_subject_word_only_as_the_question_says_it(glossary):
    """What BHXH handles reaches far ("thai sản", "lương hưu"); a maternity procedure is not about the
    contribution record a follow-up asks of BHXH, though both are BHXH's."""
    question = "muốn xem lại quá trình đóng bhxh thì xem ở đâu"
    row = glossary.referral(question)
    assert row is not None and glossary.names_subject(row, "Giải quyết hưởng chế độ thai sản")
    assert not glossary.names_said(row, "Giải quyết hưởng chế độ thai sản", question)
    assert glossary.names_said(row, "Giải quyết hưởng chế độ thai sản", "chế độ thai sản nhận ở đâu")


@pytest.mark.slow
async def test_a_follow_up_about_what_another_body_handles_is_referred_after_its_procedures(dialogue):
    """After the maternity procedures were offered, "xem lại quá trình đóng" had been asked which of them; the
    money "về tk" (a bank account) had got the VNeID account guide. The first is BHXH's, the second the
    procedures' time."""
    chat = await fresh(dialogue)
    await chat("Mình đang nghỉ thai sản bé thứ 2 được 2 tháng, cty bảo hồ sơ hưởng chế độ thì mình tự nộp lên bhxh, "
               "mình làm online ở đâu được ko ạ")
    assert "thai sản" in " ".join(b.title for r in chat.last for b in r.buttons).lower(), chat.text()
    await chat("bao lâu thì tiền về tk vậy")
    assert "thai sản" in chat.text() and "⏱️" in chat.text() and "VNeID" not in chat.text(), chat.text()
    await chat("mà mình đóng bhxh ở cty mấy năm rồi, muốn xem lại quá trình đóng thì xem ở đâu")
    assert "Việc này do cơ quan Bảo hiểm xã hội" in chat.text(), chat.text()


@pytest.mark.slow
async def test_options_a_referral_replaced_are_no_choices_afterwards(dialogue):
    """The catalogue's options for a student loan were never shown (the bank's referral was), yet "tối nay trời có
    mưa không" was then told "Mấy thủ tục trên chưa nói…" with them."""
    chat = await fresh(dialogue)
    await chat("xét tuyển đại học online đk ở đâu z")
    await chat("còn vay vốn sinh viên thì hỏi ai")
    assert "Ngân hàng Chính sách xã hội" in chat.text()
    await chat("tối nay trời có mưa ko bot")
    assert "Mấy thủ tục trên" not in chat.text() and "chưa có hướng dẫn chắc chắn" in chat.text(), chat.text()


@pytest.mark.slow
async def test_options_some_of_which_name_the_subject_follow_its_referral(dialogue):
    """"xét tuyển đại học online đk ở đâu" had been offered the portal's admission procedures beside "Đăng ký xe lần
    đầu", and no word of who handles admissions: the referral comes first, then only the procedures naming it."""
    chat = await fresh(dialogue)
    await chat("xét tuyển đại học online đk ở đâu z")
    assert "Bộ Giáo dục và Đào tạo" in chat.text(), chat.text()
    shown = [b.title for r in chat.last for b in r.buttons]
    assert any("xét tuyển" in t for t in shown) and not any("Đăng ký xe" in t for t in shown), shown
    other = await fresh(dialogue)   # every option says "xét tuyển", none "xét tuyển đại học" as asked
    await other("đăng ký nguyện vọng xét tuyển đại học thì làm ở đâu ạ")
    assert "Bộ Giáo dục và Đào tạo" in other.text(), other.text()


@pytest.mark.slow
async def test_the_portals_options_not_near_give_way_to_the_referral(dialogue):
    """"thẻ bảo hiểm y tế … sắp hết hạn, gia hạn ở đâu" had been offered the card's issue, exchange and reissue at
    0.29, none a renewal, and no word of who renews it: the referral comes first, the procedures after it."""
    chat = await fresh(dialogue)
    await chat("Cho tôi hỏi, thẻ bảo hiểm y tế cựu chiến binh của tôi ghi hạn đến 31/12/2026, sắp hết hạn rồi, "
               "tôi phải gia hạn ở đâu?")
    assert "Bảo hiểm xã hội" in chat.text(), chat.text()
    assert any("bảo hiểm y tế" in b.title for r in chat.last for b in r.buttons), chat.text()
