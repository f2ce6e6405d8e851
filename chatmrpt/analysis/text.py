"""Repairing text garbled on its way through spreadsheets and exports."""

from __future__ import annotations

import re

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")


def _cp1252_bytes(text: str) -> bytes | None:
    """Bytes that a cp1252 decoder would have turned into ``text`` (None if impossible)."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            # the five byte values cp1252 leaves undefined come through as C1 controls
            if ord(ch) < 256:
                out.append(ord(ch))
            else:
                return None
    return bytes(out)


def _repair_run(match: re.Match) -> str:
    run = match.group(0)
    raw = _cp1252_bytes(run)
    if raw is None:
        return run
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return run


def repair_mojibake(text: str, passes: int = 2) -> tuple[str, int]:
    """Undo UTF-8 text that was decoded as cp1252 and saved again ("CafÃ©" -> "Café").

    Works on runs of non-ASCII characters, so text that mixes garbled and correct accents
    is repaired where garbled and left alone elsewhere: a correct "é" is one character and
    never a valid UTF-8 sequence when read back as cp1252 bytes. A second pass repairs text
    that went through the mistake twice (seen in DHIS2 exports: "â‰¥" for "≥"). Returns
    the text and the number of characters the repair removed.
    """
    original = len(text)
    for _ in range(passes):
        if text.isascii():
            break
        fixed = _NON_ASCII_RUN.sub(_repair_run, text)
        if fixed == text:
            break
        text = fixed
    return text, original - len(text)


def fix_mojibake(text: str) -> str:
    return repair_mojibake(text)[0]
