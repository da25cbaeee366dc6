"""How the words of a question and of a procedure's name are read: a cost is no loss, a negated case is no case."""
from __future__ import annotations

from indexer.vntext import fold, has_diacritics, syllables

# "mất bao lâu", "có mất tiền không", "mất 3 ngày": what a procedure costs, not a loss (which picks "trình báo mất…",
# "cấp lại…"). The word after "mất" tells them apart.
_COST_AFTER = frozenset("bao may tien phi le thoi khoang tam chung nhieu bn bnh bnhieu it cong ngay tuan thang gio "
                        "phut mat".split())


# "ba em mất hồi tháng 8", "chồng tôi mới mất": a person's "mất" is a death when nothing lost follows it (the end of
# a clause, or when); "mẹ em mất thẻ căn cước" is still a loss
# as typed with marks; typed without, "mà", "còn", "cũ" fold to "ma", "con", "cu" ("giấy tờ cũ mất rồi" is a loss)
_KIN = frozenset("ba bố mẹ má cha ông bà chồng vợ con cụ".split())
_KIN_UNMARKED = frozenset("ba bo me cha ong chong vo".split())
_BETWEEN = frozenset("em toi minh tui nha chau co ay vua moi da".split())
_PAST_PERIODS = [p.split() for p in ("tuan truoc", "thang truoc", "nam truoc", "nam ngoai", "ngay hom", "tuan roi",
                                     "thang roi", "hom truoc", "ngay truoc")]
_DEATH_AFTER = frozenset("hoi nam tu duoc roi r lau vao cach de thi nen ma khi luc hom toi sang dem chieu trua".split())


def cost_not_loss(question: str) -> str:
    """The question without a "mất" that speaks of time or money, and with "qua đời" for one that speaks of a
    death ("ba em mất hồi tháng 8 … sang tên thừa kế" had been answered with reissuing a lost land certificate)."""
    words = question.split()
    folded = [fold(w).strip(".,?!:;") for w in words]
    marked = has_diacritics(question)
    kin = [w.lower().strip(".,?!:;") in _KIN if marked else f in _KIN_UNMARKED for w, f in zip(words, folded)]
    kept = []
    for i, w in enumerate(words):
        ends = w[-1:] in ".,?!:;"   # "mất, tiền mai táng…": the clause ends before any cost
        # "mất tuần trước", "mất năm ngoái": when someone died, not a week it takes
        past = folded[i + 1:i + 3] in _PAST_PERIODS
        if folded[i] != "mat":
            kept.append(w)
        elif not ends and not past and i + 1 < len(words) and (
                folded[i + 1] in _COST_AFTER or words[i + 1][:1].isdigit()):
            continue
        elif _died(folded, kin, i, ends or past):
            kept.append("qua đời" + (w[-1] if ends else ""))
        else:
            kept.append(w)
    return " ".join(kept)


def _died(folded: list[str], kin: list[bool], i: int, ends: bool) -> bool:
    """The "mất" at i follows a kin word (through "em", "nhà tôi", "vừa"…) and ends its clause or says when."""
    j = i - 1
    while j >= 0 and folded[j] in _BETWEEN and i - j <= 3:
        j -= 1
    if j < 0 or not kin[j]:
        return False
    return ends or i + 1 == len(folded) or folded[i + 1] in _DEATH_AFTER


def names_case(name: str, case: str) -> bool:
    """The name says the case (phan-biet.yaml), not only its negation: "… (trường hợp không cấp giấy phép xây dựng)"
    is no "cấp giấy phép", and was offered first for "xin giấy phép xây dựng nhà ở"."""
    spoken, said = f" {' '.join(syllables(name))} ", f" {case} "
    at = spoken.find(said)
    while at >= 0:
        if not spoken[:at].endswith(" không"):
            return True
        at = spoken.find(said, at + 1)
    return False
