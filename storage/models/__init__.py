"""Every table, importable from one place (Alembic's env imports this to see them all)."""

from storage.models.core import Feedback, FsmState, Person, ProcessedUpdate

__all__ = ["Feedback", "FsmState", "Person", "ProcessedUpdate"]
