"""How a figure that may not be shown reads in the chat: /results, /summary, /campaign and
the coordinators' digest say it in the same words, with the count and the threshold."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext


def too_few(count: int, k: int) -> str:
    """Lower case, to follow a colon; `sentence` capitalises it for a line of its own."""
    if count == 0:
        return _("no answers")
    return _("too few answers ({count} of the {k} needed)").format(count=count, k=k)


def hidden() -> str:
    return _("hidden, or the other schools could be worked out")


def over_at_least(k: int) -> str:
    """«over at least 3 respondents»: the threshold below which no figure is shown."""
    return ngettext("over at least {k} respondent", "over at least {k} respondents", k).format(k=k)


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
