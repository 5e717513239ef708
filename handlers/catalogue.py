"""Placeholder until the module is written; wired so the router order is fixed now."""

from __future__ import annotations

from aiogram import Router


def build_router() -> Router:
    return Router(name="catalogue")
