"""The portal's figures for a part a follow-up asks of an entry in focus, from the catalogue record the question
names among the entry's procedures: what a guide staff wrote does not state itself ("mất mấy ngày?")."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.retrieval.aspects import asked_aspects
from bot.retrieval.procedure_card import aspect_part, documents_naming
from bot.retrieval.procedure_search import ProcedureSearch
from indexer.catalogue.model import Procedure
from indexer.knowledge import KnowledgeEntry


class PortalFigures:
    """The catalogue's records behind each entry, read for the part asked."""

    def __init__(self, procedures: ProcedureSearch | None, procedures_of: Callable[[str | None], tuple[str, ...]],
                 written: Mapping[str, KnowledgeEntry]) -> None:
        self.procedures = procedures
        self.procedures_of = procedures_of
        self.written = written

    def named_procedure(self, entry_id: str, question: str, earlier: str) -> Procedure | None:
        """Of the entry's procedures, the one the follow-up or the question `earlier` names most ("sang tên xe"
        asked, then "cần giấy tờ gì": the transfer, not first registration)."""
        codes = self.procedures.most_named(list(self.procedures_of(entry_id)), f"{question} {earlier}") \
            if self.procedures else []
        return self.procedures.procedures[codes[0]] if codes else None

    def case_papers(self, entry_id: str, words: list[str], question: str, earlier: str) -> str | None:
        """The portal's papers that name the case a follow-up says, for a guide staff wrote (a card shows its own)."""
        named = self.named_procedure(entry_id, question, earlier) if entry_id in self.written else None
        return documents_naming(named, words, self.procedures.month) if named and self.procedures else None

    def aspect_part(self, entry_id: str, question: str, earlier: str = "") -> str | None:
        """The catalogue's figures for the part a follow-up asks when the guide's text has none."""
        asked = asked_aspects(question)
        named = self.named_procedure(entry_id, question, earlier) if asked else None
        return aspect_part(named, asked, self.procedures.month) if named and self.procedures else None
