"""Reply markup as Telegram checks it, and the button lookups tests press by."""

from __future__ import annotations

from typing import Any

from .errors import bad_request

_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def validate_markup(markup: Any) -> dict[str, Any] | None:
    """Refuse what Telegram refuses, so a bot bug fails here rather than in production."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in (button for row in rows for button in row):
            _validate_inline_button(button)
    elif "keyboard" in markup:
        if not isinstance(markup["keyboard"], list):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
    return markup


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if not any(button.get(action) is not None for action in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
        raise bad_request("BUTTON_DATA_INVALID")


def _button_text(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


def button_objects(markup: dict[str, Any] | None) -> list[list[Any]]:
    if not markup:
        return []
    return markup.get("inline_keyboard") or markup.get("keyboard") or []


def button_rows(markup: dict[str, Any] | None) -> list[list[str]]:
    return [[_button_text(button) for button in row] for row in button_objects(markup)]


def find_callback_button(
    markup: dict[str, Any] | None, text: str | None, data: str | None
) -> dict[str, Any]:
    """The inline button a user would tap; AssertionError naming what is there instead."""
    if (text is None) == (data is None):
        raise AssertionError("press a button by exactly one of text= or data=")
    inline = (markup or {}).get("inline_keyboard") or []
    buttons = [button for row in inline for button in row]
    for button in buttons:
        if (text is not None and button.get("text") == text) or (
            data is not None and button.get("callback_data") == data
        ):
            if button.get("callback_data") is None:
                raise AssertionError(f"button {button.get('text')!r} sends no callback: {button}")
            return button
    available = [(button.get("text"), button.get("callback_data")) for button in buttons]
    wanted = f"text={text!r}" if text is not None else f"data={data!r}"
    raise AssertionError(f"no inline button with {wanted}; the message has {available or 'none'}")
