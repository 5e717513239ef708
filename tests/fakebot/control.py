"""The /_control/ JSON API: the same levers as FakeTelegram, for another process to pull."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .core import FakeTelegram

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_USER_FIELDS = ("first_name", "last_name", "username", "language_code")


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text=json.dumps({"error": "expected a JSON object"}))
    return body


def _guarded(handler: Handler) -> Handler:
    """A test's mistake (pressing a missing button) becomes a readable 400, not a 500."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (AssertionError, KeyError, ValueError, TypeError) as error:
            return web.json_response({"error": str(error)}, status=400)

    return guarded


def add_control_routes(app: web.Application, tg: FakeTelegram) -> None:
    def user_from(request: web.Request, body: dict[str, Any]):
        fields = {key: body[key] for key in _USER_FIELDS if key in body}
        return tg.user(int(request.match_info["user_id"]), **fields)

    async def register(request: web.Request) -> web.Response:
        return web.json_response(user_from(request, await _body(request)).as_user())

    async def send(request: web.Request) -> web.Response:
        body = await _body(request)
        update = user_from(request, body).send(body["text"])
        return web.json_response({"update_id": update["update_id"]})

    async def click(request: web.Request) -> web.Response:
        body = await _body(request)
        user = user_from(request, body)
        if int(body.get("chat_id", user.id)) != user.id:
            raise AssertionError("users can only press buttons in their own private chat")
        update = user.click(int(body["message_id"]), text=body.get("text"), data=body.get("data"))
        query_id = update["callback_query"]["id"]
        return web.json_response({"update_id": update["update_id"], "callback_query_id": query_id})

    async def block(request: web.Request) -> web.Response:
        update = user_from(request, {}).block_bot()
        return web.json_response({"update_id": update["update_id"]})

    async def unblock(request: web.Request) -> web.Response:
        update = user_from(request, {}).unblock_bot()
        return web.json_response({"update_id": update["update_id"]})

    async def inject(request: web.Request) -> web.Response:
        update = tg.inject_update(await _body(request))
        return web.json_response({"update_id": update["update_id"]})

    async def duplicate(request: web.Request) -> web.Response:
        update = tg.inject_duplicate(int(request.match_info["update_id"]))
        return web.json_response({"update_id": update["update_id"]})

    async def messages(request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        include_deleted = request.query.get("include_deleted") in ("1", "true")
        sent = tg.sent_to(chat_id, include_deleted=include_deleted)
        return web.json_response([message.to_dict() for message in sent])

    async def wait(request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        after = int(request.query.get("after", 0))
        timeout = float(request.query.get("timeout", 10))
        try:
            found = await tg.wait_for(chat_id, timeout=timeout, after=after)
        except AssertionError as error:
            return web.json_response({"error": str(error)}, status=408)
        return web.json_response(found.to_dict())

    async def requests(request: web.Request) -> web.Response:
        method = request.query.get("method")
        chosen = tg.requests_for(method) if method else tg.requests
        return web.json_response([{"method": name, "params": params} for name, params in chosen])

    async def commands(request: web.Request) -> web.Response:
        scope = json.loads(request.query["scope"]) if "scope" in request.query else None
        return web.json_response(tg.commands(scope, request.query.get("language_code")))

    async def faults(request: web.Request) -> web.Response:
        body = await _body(request)
        if body.get("broken"):
            tg.break_next(body.get("method"), n=int(body.get("n", 1)), how=body["broken"])
            return web.json_response({"ok": True})
        tg.fail_next(
            body.get("method"),
            n=int(body.get("n", 1)),
            status=int(body.get("status", 500)),
            description=body.get("description", "Internal Server Error"),
            retry_after=body.get("retry_after"),
        )
        return web.json_response({"ok": True})

    async def rate_limit(request: web.Request) -> web.Response:
        body = await _body(request)
        tg.set_rate_limit(body.get("per_second"), body.get("per_chat_per_second", 1.0))
        return web.json_response({"ok": True})

    async def latency(request: web.Request) -> web.Response:
        tg.set_latency(float((await _body(request)).get("seconds", 0)))
        return web.json_response({"ok": True})

    async def reset(request: web.Request) -> web.Response:
        tg.reset()
        return web.json_response({"ok": True})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(tg.stats())

    routes = [
        ("POST", "users/{user_id}", register),
        ("POST", "users/{user_id}/send", send),
        ("POST", "users/{user_id}/click", click),
        ("POST", "users/{user_id}/block", block),
        ("POST", "users/{user_id}/unblock", unblock),
        ("POST", "updates", inject),
        ("POST", "updates/{update_id}/duplicate", duplicate),
        ("GET", "chats/{chat_id}/messages", messages),
        ("GET", "chats/{chat_id}/wait", wait),
        ("GET", "requests", requests),
        ("GET", "commands", commands),
        ("POST", "faults", faults),
        ("POST", "rate_limit", rate_limit),
        ("POST", "latency", latency),
        ("POST", "reset", reset),
        ("GET", "stats", stats),
    ]
    for verb, path, handler in routes:
        app.router.add_route(verb, f"/_control/{path}", _guarded(handler))
