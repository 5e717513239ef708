"""The HTTP face: the real Bot API wire format on loopback, for a real bot process."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from aiohttp import web

from .control import add_control_routes
from .core import FakeTelegram
from .errors import BrokenAnswer

MAX_UPLOAD = 64 * 1024 * 1024


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Query, JSON, urlencoded and multipart bodies, the way Telegram accepts all of them."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[str, bytes]] = {}
    if not request.can_read_body:
        return params, files
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params, files
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = (value.filename, value.file.read())
        else:
            params[key] = value
    return params, files


def _break(request: web.Request, how: str) -> web.Response:
    """Answer with no HTTP answer: the client sees a dropped connection or a bad status line."""
    transport = request.transport
    if transport is not None:
        if how == "garbage":
            transport.write(b"NOT HTTP\r\n\r\n")
        transport.close()
    # Nothing can be written any more; aiohttp drops this response with the connection.
    return web.Response(status=500)


def build_app(tg: FakeTelegram) -> web.Application:
    async def bot_method(request: web.Request) -> web.Response:
        params, files = await _read_params(request)
        try:
            status, body = await tg.call(
                request.match_info["token"], request.match_info["method"], params, files
            )
        except BrokenAnswer as broken:
            return _break(request, broken.how)
        return web.json_response(body, status=status)

    async def download(request: web.Request) -> web.Response:
        stored = tg.file_by_path(request.match_info["file_path"])
        if request.match_info["token"] != tg.token or stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.data, content_type="application/octet-stream")

    app = web.Application(client_max_size=MAX_UPLOAD)
    app.router.add_route("*", "/bot{token}/{method}", bot_method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", download)
    add_control_routes(app, tg)
    return app


class FakeServer:
    def __init__(self, tg: FakeTelegram, runner: web.AppRunner, url: str) -> None:
        self.tg = tg
        self.runner = runner
        self.url = url

    async def close(self) -> None:
        # Long polls would otherwise hold the shutdown for their whole timeout.
        self.tg.updates.release_pollers()
        await self.runner.cleanup()

    async def __aenter__(self) -> FakeServer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


async def start_fake_server(tg: FakeTelegram, host: str = "127.0.0.1", port: int = 0) -> FakeServer:
    runner = web.AppRunner(build_app(tg), shutdown_timeout=2.0, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    return FakeServer(tg, runner, f"http://{host}:{bound_port}")
