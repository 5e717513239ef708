"""Bot API methods about the bot itself: identity, updates, commands, webhook, callbacks."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from .errors import ApiError, bad_request
from .params import Params

if TYPE_CHECKING:
    from .core import FakeTelegram

    _Base = FakeTelegram
else:
    _Base = object

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
CALLBACK_TEXT_LIMIT = 200  # the toast or alert of answerCallbackQuery


def scope_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """One key per (scope, language) as Telegram stores command lists."""
    if isinstance(scope, str):
        scope = json.loads(scope) if scope else None
    scope = dict(scope or {"type": "default"})
    for key in ("chat_id", "user_id"):
        if isinstance(scope.get(key), str) and scope[key].lstrip("-").isdigit():
            scope[key] = int(scope[key])
    return json.dumps(scope, sort_keys=True), language_code or ""


class BotMethods(_Base):
    async def api_getMe(self, p: Params) -> dict[str, Any]:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def api_getUpdates(self, p: Params) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise ApiError(409, WEBHOOK_CONFLICT)
        limit = p.integer("limit") or 100
        return await self.updates.get(
            offset=p.integer("offset") or 0,
            limit=max(1, min(100, limit)),
            poll_seconds=p.integer("timeout") or 0,
        )

    async def api_answerCallbackQuery(self, p: Params) -> bool:
        query_id = p.text("callback_query_id", missing="query_id is empty") or ""
        if query_id not in self.callback_queries or query_id in self.callback_answers:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(p.text("text") or "") > CALLBACK_TEXT_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = dict(p.raw)
        self.sent_changed.notify()  # a test may wait for a tap to be answered
        return True

    async def api_setMyCommands(self, p: Params) -> bool:
        commands = p.obj("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be non-empty")
        key = scope_key(p.obj("scope"), p.text("language_code"))
        if commands:
            self.my_commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.my_commands.pop(key, None)
        return True

    async def api_getMyCommands(self, p: Params) -> list[dict[str, str]]:
        return list(self.my_commands.get(scope_key(p.obj("scope"), p.text("language_code")), []))

    async def api_deleteMyCommands(self, p: Params) -> bool:
        self.my_commands.pop(scope_key(p.obj("scope"), p.text("language_code")), None)
        return True

    async def api_setWebhook(self, p: Params) -> bool:
        url = p.text("url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, "params": dict(p.raw)}
        if p.flag("drop_pending_updates"):
            self.updates.drop_pending()
        return True

    async def api_deleteWebhook(self, p: Params) -> bool:
        self.webhook = {}
        if p.flag("drop_pending_updates"):
            self.updates.drop_pending()
        return True

    async def api_getWebhookInfo(self, p: Params) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates.pending),
        }

    async def api_getChat(self, p: Params) -> dict[str, Any]:
        chat_id = p.integer("chat_id", missing="chat_id is empty")
        if chat_id in self.group_chats:
            return dict(self.group_chats[chat_id], accent_color_id=0, max_reaction_count=11)
        if isinstance(chat_id, str) or chat_id < 0 or chat_id not in self.users:
            raise bad_request("chat not found")
        return {**self.chat_json(chat_id), "accent_color_id": 0, "max_reaction_count": 11}

    async def _remember(self, p: Params, key: str) -> bool:
        self.bot_settings[key] = dict(p.raw)
        return True

    async def api_setMyDescription(self, p: Params) -> bool:
        return await self._remember(p, "description")

    async def api_setMyShortDescription(self, p: Params) -> bool:
        return await self._remember(p, "short_description")

    async def api_setMyName(self, p: Params) -> bool:
        return await self._remember(p, "name")

    async def api_setChatMenuButton(self, p: Params) -> bool:
        return await self._remember(p, "menu_button")

    async def api_getMyDescription(self, p: Params) -> dict[str, str]:
        stored = self.bot_settings.get("description", {})
        return {"description": stored.get("description", "")}

    async def api_getMyShortDescription(self, p: Params) -> dict[str, str]:
        stored = self.bot_settings.get("short_description", {})
        return {"short_description": stored.get("short_description", "")}
