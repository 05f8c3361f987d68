"""The language of the course's messages: English, or Simplified Chinese (``setup(language="zh")``).

A message is a gettext template, formatted after translation::

    _("`{name}` has the wrong sign.").format(name=name)

``_`` translates into the language chosen at the moment it is called; ``N_`` only marks a text for translation, for
a constant that is translated where it is shown (``_(HINT)``). The translations live in
``course_utils/locale/zh_CN/LC_MESSAGES/course_utils.po`` (compiled to ``.mo``); ``python -m tools translate``
updates them. The language comes from ``setup(language=...)``, else the environment variable ``COURSE_LANGUAGE``,
else English.
"""

import functools
import gettext
import os
from pathlib import Path

from course_utils._validate import one_of

#: The languages of the course, by the code ``setup(language=...)`` takes, with their gettext locale.
LANGUAGES = {"en": "en", "zh": "zh_CN"}
LANGUAGE_VARIABLE = "COURSE_LANGUAGE"
DOMAIN = "course_utils"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_chosen = None


def set_language(language):
    """Choose the language of the messages from now on: ``"en"`` or ``"zh"`` (``"zh_CN"`` and the like too)."""
    global _chosen
    code = _code(language) if isinstance(language, str) else None
    _chosen = code or one_of("language", language, tuple(LANGUAGES))


def current_language():
    """The language the messages are in: the one chosen, else ``COURSE_LANGUAGE``, else ``"en"``."""
    if _chosen is not None:
        return _chosen
    return _code(os.environ.get(LANGUAGE_VARIABLE, "en")) or "en"


def _code(name):
    """The course's code of a language name (``"zh"`` for zh, zh_CN, zh-Hans, zh_CN.UTF-8...), or None."""
    name = name.strip().lower().replace("_", "-").split(".")[0]
    name = {"zh-cn": "zh", "zh-hans": "zh", "zh-sg": "zh"}.get(name, name)
    return name if name in LANGUAGES else None


@functools.lru_cache(maxsize=None)
def _catalogue(language):
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[LANGUAGES[language]], fallback=True)


def _(message):
    """``message`` in the current language (itself when it has no translation, or when it is empty)."""
    if not isinstance(message, str):
        raise TypeError(f"message (to translate) must be a text, got {type(message).__name__}")
    return _catalogue(current_language()).gettext(message) if message else message


def N_(message):
    """Mark ``message`` for translation without translating it (translate it with ``_`` where it is shown)."""
    return message


def listing(items):
    """``items`` (texts) as a list in a sentence of the current language: "A, B" or "A、B"."""
    return ("、" if current_language() == "zh" else ", ").join(items)
