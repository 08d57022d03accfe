"""Highlighted snippets: the clause text around the query's words, matches wrapped in 【】.

Matching runs on the normalised text (Simplified, folded), which has the same length as the stored text, so
the marks are placed in the original wording, Traditional characters included.
"""

from __future__ import annotations

from collections.abc import Iterable

from search.analysis import normalise

SNIPPET_CHARS = 160
OPEN_MARK, CLOSE_MARK = "【", "】"


def highlight(text: str, terms: Iterable[str], *, width: int = SNIPPET_CHARS) -> str:
    """A window of about ``width`` characters of ``text`` around its first matched term, matches marked."""
    plain = text.strip()
    if not plain:
        return ""
    folded = normalise(plain)
    if len(folded) != len(plain):
        folded = plain
    marked = [False] * len(plain)
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        start = folded.find(term)
        while start != -1:
            for i in range(start, start + len(term)):
                marked[i] = True
            start = folded.find(term, start + len(term))
    first = marked.index(True) if True in marked else 0
    begin = max(0, min(first - width // 4, len(plain) - width))
    end = min(len(plain), begin + width)
    out: list[str] = ["…"] if begin > 0 else []
    inside = False
    for i in range(begin, end):
        if marked[i] and not inside:
            out.append(OPEN_MARK)
            inside = True
        elif not marked[i] and inside:
            out.append(CLOSE_MARK)
            inside = False
        out.append(plain[i])
    if inside:
        out.append(CLOSE_MARK)
    if end < len(plain):
        out.append("…")
    return "".join(out)
