"""Long official names as button labels: short on a phone, and siblings still told apart."""
import pytest

from bot.core.labels import LABEL_CHARS, short_label, sibling_labels

# four options the catalogue offers for "xin giấy phép xây dựng nhà ở riêng lẻ" (names as the portal writes them)
PERMITS = [
    "Thủ tục lấy ý kiến đối với việc sửa chữa, cải tạo, xây dựng nhà ở riêng lẻ nằm trong khu vực bảo vệ di tích, "
    "di sản thế giới (trường hợp không cấp giấy phép xây dựng)",
    "Thủ tục lấy ý kiến đối với việc xây dựng nhà ở riêng lẻ nằm ngoài khu vực bảo vệ di tích, nằm ngoài vùng đệm "
    "của khu vực di sản thế giới có khả năng tác động tiêu cực đến yếu tố gốc cấu thành di tích, cảnh quan văn hóa "
    "của di tích, di sản thế giới (trường hợp không cấp giấy phép xây dựng)",
    "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình cấp III, cấp IV (công trình Không theo tuyến/Theo "
    "tuyến trong đô thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng/Theo giai đoạn cho công trình không theo "
    "tuyến/Theo giai đoạn cho công trình theo tuyến trong đô thị/Dự án) và nhà ở riêng lẻ:",
    "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV (Công trình không theo tuyến/Theo tuyến trong đô "
    "thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng/Theo giai đoạn cho công trình không theo tuyến/Theo giai "
    "đoạn cho công trình theo tuyến trong đô thị/Dự án) và nhà ở riêng lẻ",
]
LEVELS = ["Cấp lại chứng nhận đăng ký xe, biển số xe thực hiện bằng dịch vụ công trực tuyến toàn trình",
          "Cấp lại chứng nhận đăng ký xe, biển số xe thực hiện bằng dịch vụ công trực tuyến một phần hoặc trực tiếp "
          "thực hiện tại cấp trung ương, cấp tỉnh, cấp xã"]


@pytest.mark.parametrize("limit", [LABEL_CHARS, 50])
def test_long_names_fit_and_siblings_stay_apart(limit):
    for names in (PERMITS, LEVELS):
        labels = [short_label(n, limit) for n in names]
        assert all(len(label) <= limit for label in labels), labels
        assert len(set(labels)) == len(labels), labels


def test_the_difference_at_the_end_is_kept():
    label = short_label(PERMITS[0])
    assert label.startswith("Lấy ý kiến") and label.endswith("(trường hợp không cấp giấy phép xây dựng)")
    assert short_label(PERMITS[3]) == "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ"


@pytest.mark.parametrize("title", ["Quên mật khẩu VNeID", "Trình báo mất thẻ ABTC (thực hiện tại cấp tỉnh)"])
def test_short_titles_are_unchanged(title):
    assert short_label(title) == title


LAND = ["Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn "
        "liền với đất lần đầu đối với hộ gia đình, cá nhân, cộng đồng dân cư, người gốc Việt Nam định cư ở nước ngoài",
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn "
        "liền với đất lần đầu đối với tổ chức đang sử dụng đất",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất"]


def test_siblings_starting_alike_are_labelled_by_what_tells_them_apart():
    """A cut in the middle had left "…cấp Giấy chứng… định cư ở nước ngoài" and "…với tổ chức đang sử dụng đất":
    the households were invisible."""
    labels = sibling_labels(LAND)
    assert all(len(label) <= LABEL_CHARS for label in labels)
    assert labels[0].startswith("Đăng ký đất đai") and "hộ gia đình, cá nhân" in labels[0]
    assert "tổ chức đang sử dụng đất" in labels[1]
    assert labels[2] == LAND[2]                       # short, and like no other: as it is
    assert len(set(sibling_labels(PERMITS))) == len(PERMITS)   # every option still reads differently


def test_a_cut_name_breaks_at_commas_not_inside_a_word():
    """A cut between the syllables of "chăm sóc" and "hỗ trợ" had read "…hàng tháng, hỗ… sóc, nuôi dưỡng"."""
    label = short_label("Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, "
                        "nuôi dưỡng hàng tháng")
    assert label == "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng… nuôi dưỡng hàng tháng"


def test_options_of_the_same_name_end_with_whose_they_are():
    """A province's own "Cấp đổi Giấy chứng nhận…" beside the national one had made two identical buttons."""
    import datetime as dt

    from bot.dialogue.render import choices_reply
    from indexer.knowledge import KnowledgeEntry

    name = "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"

    def entry(code: str, provinces: tuple[str, ...], title: str = name) -> KnowledgeEntry:
        return KnowledgeEntry(id=f"tthc:{code}", title=title, topic="thu-tuc", questions=(), links=(), sources=(),
                              reviewed=dt.date(2026, 7, 18), provinces=provinces, body="…", path=code)

    reply = choices_reply("Có mấy thủ tục…", [entry("1.115345", ("gia-lai",)), entry("1.012783", ()),
                                               entry("1.115366", (), "Đăng ký biến động đất đai")])
    labels = [b.title for b in reply.buttons][:3]
    assert labels[0].endswith("(tỉnh Gia Lai)") and labels[1].endswith("(thủ tục chung)"), labels
    assert labels[2] == "Đăng ký biến động đất đai" and all(len(x) <= LABEL_CHARS for x in labels)
