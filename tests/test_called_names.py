"""Everyday names of procedures count as naming them only where they point to a small family."""
from __future__ import annotations

from bot.retrieval.called_names import MAX_FAMILY, CalledNames


def _names(*names: str) -> list[str]:
    return [f" {n} " for n in names]


def test_an_everyday_name_of_a_phrase_few_names_have_is_found_word_for_word():
    called = CalledNames({"trợ cấp xã hội hàng tháng": ["trợ cấp người già", "tiền già"]},
                         _names("thuc hien tro cap xa hoi hang thang", "cap lai ho chieu"), [True, True])
    assert called.of(0) == {"tro cap nguoi gia"}               # "tiền già" is too short to name anything
    assert called.said_in(0, "xin tro cap nguoi gia o dau".split()) == {"tro cap nguoi gia"}
    assert not called.said_in(0, "tro cap cho nguoi gia".split())   # not word for word
    assert not called.of(1)


def test_a_phrase_many_names_share_names_none_of_them():
    many = _names(*(f"cap the can cuoc truong hop {i}" for i in range(MAX_FAMILY + 1)))
    called = CalledNames({"căn cước": ["căn cước công dân"]}, many, [True] * len(many))
    assert not called.said_in(0, "chung thuc ban sao can cuoc cong dan".split())
    few = CalledNames({"căn cước": ["căn cước công dân"]}, many, [True] * 2 + [False] * (len(many) - 2))
    assert few.said_in(0, "chung thuc ban sao can cuoc cong dan".split())   # only the offered ones count
