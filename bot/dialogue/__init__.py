"""The conversation engine (`Dialogue`: Incoming → list[Reply]) and its parts, one module per job:
engine (the turn's plumbing), turn (Turn, Reading), part (what parts share), talk (commands, menu, social turns),
pending (typed answers to an open question), asking (questions and answers), browse (topics, entries, steps),
feedback (ratings, reasons, comments), handoffs (tickets), callbacks (call-backs and typed numbers), readiness
(the readiness check), deletion (deleting a citizen's data), buttons (the table from a button to its part)."""
from bot.dialogue.engine import DEFAULT_SUPPORT_HOURS, NOTICE_VERSION, SESSION_TTL_S, Dialogue
from bot.dialogue.turn import Reading, Turn

__all__ = ["DEFAULT_SUPPORT_HOURS", "NOTICE_VERSION", "SESSION_TTL_S", "Dialogue", "Reading", "Turn"]
