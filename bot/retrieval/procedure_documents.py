"""A record's documents as a citizen reads them: each once, the form first, the portal's notes apart."""
from __future__ import annotations

import re

from indexer.catalogue.model import Document, Procedure
from indexer.vntext import fold

_NOTE = re.compile(r"^\W*(ví dụ|lưu ý|ghi chú)", re.I)
# a document only some applicants bring: "Trường hợp …", "Đối với Quân đội nhân dân: …", "… trong trường hợp …"
_CASE_ONLY = re.compile(r"^(?:truong hop|doi voi)\b|\btrong truong hop\b")
_LIST_MARK = re.compile(r"^[\s\-–•*+]*(?:\(\w{1,3}\)|\w{1,2}[.)])?\s*")   # "- ", "(1) ", "a) " before a name
_FORM = re.compile(r"^(?:to khai|don de nghi|don xin|phieu)\b")   # the form everyone fills in
# by record object: a card reads them three times, and the options of one reply are up to four cards
_SORTED_DOCUMENTS: dict[int, tuple[Procedure, list[Document]]] = {}
_REMEMBERED_RECORDS = 8192


def documents_in_order(p: Procedure) -> list[Document]:
    """Documents to hand in, each once, what everyone brings first: the form, then papers for no particular case,
    then those for one case (the portal lists the residence registration's papers of boat dwellers and of monks
    before its form). The page's notes ("Ví dụ…", "*Lưu ý…") are not documents. Remembered per record object
    (folding a long list was half the time of a reply offering four procedures)."""
    known = _SORTED_DOCUMENTS.get(id(p))
    if known is not None and known[0] is p:
        return known[1]
    if len(_SORTED_DOCUMENTS) >= _REMEMBERED_RECORDS:
        _SORTED_DOCUMENTS.clear()
    docs = _sorted_documents(p)
    _SORTED_DOCUMENTS[id(p)] = (p, docs)
    return docs


def _sorted_documents(p: Procedure) -> list[Document]:
    seen: dict[str, Document] = {}
    for d in p.documents:
        if not _NOTE.match(d.name):
            seen.setdefault(fold(d.name), d)

    def kind(folded: str) -> tuple[bool, bool]:
        name = _LIST_MARK.sub("", folded)
        return not _FORM.search(name), bool(_CASE_ONLY.search(name))

    return [seen[k] for k in sorted(seen, key=kind)]


def is_note(name: str) -> bool:
    """A line of the portal's list that is a note ("Ví dụ…", "*Lưu ý…"), not a document to hand in."""
    return bool(_NOTE.match(name))
