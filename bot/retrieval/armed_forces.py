"""Procedures of the armed forces' own people: offered only to a question that says so.

The Ministry of Public Security and the Ministry of Defence publish procedures for their officers, soldiers and
their relatives under the same names as everyone's ("Cấp thẻ bảo hiểm y tế (thực hiện tại cấp tỉnh)" is the card
of a police officer's relative, filed at their unit). Offered to a farmer asking how to renew his card, they send
him to the wrong office. They are read from the record (who published it, its field), never listed by hand.
"""
from __future__ import annotations

import re

from indexer.catalogue.model import Procedure

_PUBLISHERS = frozenset({"Bộ Công an", "Bộ Quốc phòng"})
_FIELDS = frozenset({"Chính sách", "Chính sách BQP", "Khám bệnh, chữa bệnh BQP"})
# folded words by which a question says it is about a soldier, a police officer, a veteran or their relatives
_SAID = re.compile(r"\b(?:cong an nhan dan|can bo cong an|chien si|si quan|ha si quan|quan doi|bo doi|quan nhan|"
                   r"cuu chien binh|xuat ngu|phuc vien|thuong binh|benh binh|liet si|liet sy|nguoi co cong|"
                   r"khang chien|chien tranh|luc luong vu trang|quoc phong|nganh cong an|than nhan|"
                   r"nghia vu cong an|di linh)\b")


def for_the_forces(p: Procedure) -> bool:
    """Published by the Ministry of Public Security or of Defence under its own people's policies."""
    return p.promulgator in _PUBLISHERS and p.field in _FIELDS


def forces_said(words: list[str]) -> bool:
    """The question (its folded words) is about the forces' people: "bố tôi là bộ đội xuất ngũ…"."""
    return bool(_SAID.search(" ".join(w for w in words if "_" not in w)))
