"""How the words of a question and of a procedure's name are read: a cost is no loss, a negated case is no case."""
from __future__ import annotations

from indexer.vntext import fold, syllables

# "mất bao lâu", "có mất tiền không", "mất 3 ngày": what a procedure costs, not a loss (which picks "trình báo mất…",
# "cấp lại…"). The word after "mất" tells them apart.
_COST_AFTER = frozenset("bao may tien phi le thoi khoang tam chung nhieu bn bnh bnhieu it cong ngay tuan thang gio "
                        "phut mat".split())


def cost_not_loss(question: str) -> str:
    """The question without a "mất" that speaks of time or money."""
    words = question.split()
    keep = [w for i, w in enumerate(words)
            if not (fold(w).strip(".,?!:;") == "mat" and i + 1 < len(words)
                    and (fold(words[i + 1]).strip(".,?!:;") in _COST_AFTER or words[i + 1][:1].isdigit()))]
    return " ".join(keep)


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
