"""No log line shows a secret: the bot token above all, which aiogram and aiohttp put into
the messages of network errors (the request URL is …/bot<TOKEN>/getUpdates).

Every record is scrubbed where it is made (the logging record factory), before any handler
or filter sees it: its message, its traceback and its stack. So handlers added later (by
aiogram, aiohttp's web server, a test, an operator's config), records of every logger at
every level, and tracebacks formatted by any handler are covered alike. Tracebacks that
never pass through logging (an exception leaving the program) are scrubbed by the
excepthook installed alongside.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import quote

REPLACEMENT = "<redacted>"
# Shorter values would blank out ordinary words; such secrets are not worth hiding anyway.
MIN_SECRET_LENGTH = 8


class SecretRedactor(logging.Filter):
    """Replaces each secret (and its URL-quoted form) in a record; never drops one."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = set()
        for secret in secrets:
            if secret and len(secret) >= MIN_SECRET_LENGTH:
                forms |= {secret, quote(secret, safe="")}
        # Longest first, so a token goes as a whole before its parts are looked for.
        self.secrets = sorted(forms, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REPLACEMENT)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it for the handler to report
            return True
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            clean = self.redact(text)
            if clean != text:
                # Formatters print exc_text when it is set instead of formatting exc_info.
                record.exc_text = clean
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def bot_secrets(settings: Any) -> list[str]:
    """The values no log may show: the token, its secret half alone, the other keys."""
    token = settings.bot_token.get_secret_value()
    values = [token, token.partition(":")[2]]
    for name in ("webhook_secret", "survey_secret"):
        value = getattr(settings, name, None)
        if value is not None:
            values.append(value.get_secret_value())
    return values


_original_factory: Callable[..., logging.LogRecord] | None = None
_original_excepthook: Callable[..., Any] | None = None


def install_redaction(secrets: Iterable[str]) -> SecretRedactor:
    """Scrub every log record from now on (installing again replaces the secrets)."""
    global _original_factory, _original_excepthook
    redactor = SecretRedactor(secrets)
    if _original_factory is None or _original_excepthook is None:
        _original_factory = logging.getLogRecordFactory()
        _original_excepthook = sys.excepthook
    make_base_record, report = _original_factory, _original_excepthook

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_base_record(*args, **kwargs)
        redactor.filter(record)
        return record

    def excepthook(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(kind, error, tb))
        clean = redactor.redact(text)
        if clean == text:
            report(kind, error, tb)
        else:
            sys.stderr.write(clean)

    logging.setLogRecordFactory(make_record)
    sys.excepthook = excepthook
    return redactor


def uninstall_redaction() -> None:
    """Back to what was there before the first install (for tests)."""
    global _original_factory, _original_excepthook
    if _original_factory is not None:
        logging.setLogRecordFactory(_original_factory)
    if _original_excepthook is not None:
        sys.excepthook = _original_excepthook
    _original_factory = _original_excepthook = None
