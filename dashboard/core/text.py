"""文本安全 — data strings and URL values shown on the page are text, never markup.

Streamlit renders the text of ``st.markdown``, ``st.caption``, ``st.warning``, titles, button
labels and the like as Markdown: an imported area name ``[点此登录](http://…)`` would become a
live link and ``![x](http://…)`` would make the browser fetch an image. Every string that
comes from the data or the URL goes through ``md()`` before it is put into such text, and a
value echoed back in a warning is first cut by ``echo()`` (a 100 KB parameter is not shown
back in full). Tables, charts and the map take plain text and escape HTML themselves.
"""

from __future__ import annotations

import re

MAX_ECHO = 50
# Backslash-escaped (CommonMark allows it before any ASCII punctuation): what makes links and
# images ([…](…), ![…](…)), HTML tags, emphasis, code, LaTeX ($…$) and Streamlit's directives
# (:red[…]); a heading or list marker only at the start.
_SPECIAL = re.compile(r"([\\`*_\[\]<>~$&|]|^[#>+\-=]|^\d+(?=[.)]))")
# GitHub-flavoured Markdown also links bare http://…, www.… and e-mail addresses, and Streamlit
# turns :material/home: and :smile: into icons — after the escapes are resolved: an invisible
# WORD JOINER (U+2060) breaks those patterns (a colon only before a letter: 18:00 stays as it is).
_AUTOLINK = re.compile(r"((?:https?|ftp|mailto|xmpp)(?=:)|www(?=\.)|@(?=[\w-])|:(?=[A-Za-z]))", re.I)
WORD_JOINER = "\u2060"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def md(value: object) -> str:
    """``value`` as Markdown that shows exactly its characters (line breaks become spaces)."""
    text = _CONTROL.sub("", str(value)).replace("\r", " ").replace("\n", " ")
    text = _SPECIAL.sub(lambda m: "\\" + m.group(1) if not m.group(1)[0].isdigit() else m.group(1) + "\\", text)
    return _AUTOLINK.sub(lambda m: m.group(1) + WORD_JOINER, text)


def echo(value: object, limit: int = MAX_ECHO) -> str:
    """A URL value to quote back in a message: control characters dropped, cut to ``limit``
    characters with “…”. Escape it with ``md()`` where it is rendered."""
    text = _CONTROL.sub("", str(value))
    return text if len(text) <= limit else text[:limit] + "…"
