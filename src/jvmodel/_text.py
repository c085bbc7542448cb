"""Text rules shared by the value types, and values shown safely in messages.

What an id may be (see ``docs/security.md``): a non-empty string in Unicode
normal form NFC, without surrounding whitespace, control characters (``Cc``),
format characters (``Cf``: zero-width and bidirectional controls that make two
ids look alike), lone surrogates (``Cs``: they cannot be written as UTF-8) or
line and paragraph separators.  Other text fields (names, sectors, zones,
sources) refuse control characters, lone surrogates and line separators, so
that every accepted record can be saved and every message stays on one line.

:func:`show` renders any value for an error message: bounded in length and
depth, so neither a megabyte string nor a list nested a thousand deep nor an
integer too long to print can make building the message fail or flood a
terminal.
"""

from __future__ import annotations

import reprlib
import unicodedata
from fractions import Fraction

__all__ = ["show", "text_problem"]

# Categories refused in every text field, and additionally in ids.
_REFUSED = {"Cc": "a control character", "Cs": "a lone surrogate", "Zl": "a line separator"}
_REFUSED["Zp"] = "a paragraph separator"
_REFUSED_IN_IDS = {**_REFUSED, "Cf": "an invisible format character"}
_BIG_BITS = 256  # numbers longer than this are summarised, not printed


class _Repr(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = 60
        self.maxother = 60
        self.maxlong = 40

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > _BIG_BITS:
            return f"<integer of {x.bit_length()} bits>"
        return super().repr_int(x, level)

    def repr_Fraction(self, x: Fraction, level: int) -> str:  # noqa: N802 - reprlib's naming
        if max(x.numerator.bit_length(), x.denominator.bit_length()) > _BIG_BITS:
            return (
                f"<fraction of {x.numerator.bit_length()} bits over "
                f"{x.denominator.bit_length()} bits>"
            )
        return str(x)


_REPR = _Repr()


def show(value: object) -> str:
    """A short, one-line rendering of ``value`` for an error message.

    Examples
    --------
    >>> show("a" * 1000)
    "'aaaaaaaaaaaaaaaaaaaaaaaaaaa...aaaaaaaaaaaaaaaaaaaaaaaaaaaa'"
    >>> show(Fraction(3, 2)), show(10**1000)
    ('3/2', '<integer of 3322 bits>')
    """
    try:
        return _REPR.repr(value)
    except Exception:  # a value whose own repr fails must not hide the real error
        return f"<{type(value).__name__}>"


def text_problem(value: str, *, identifier: bool) -> str | None:
    """What is wrong with ``value`` as a text field (an id if ``identifier``), or None.

    Examples
    --------
    >>> text_problem("bt", identifier=True) is None
    True
    >>> text_problem(" bt", identifier=True)
    'has whitespace around it'
    >>> text_problem("b\\u200bt", identifier=True)
    'contains an invisible format character (U+200B)'
    >>> text_problem("e\\u0301", identifier=True)
    "is not in Unicode normal form NFC; write it as 'é'"
    """
    if identifier and value != value.strip():
        return "has whitespace around it"
    # Printable ASCII is by far the common case and needs no further look.
    if value.isascii() and value.isprintable():
        return None
    refused = _REFUSED_IN_IDS if identifier else _REFUSED
    for char in value:
        category = unicodedata.category(char)
        if category in refused:
            return f"contains {refused[category]} (U+{ord(char):04X})"
    if identifier and not unicodedata.is_normalized("NFC", value):
        normal = unicodedata.normalize("NFC", value)
        return f"is not in Unicode normal form NFC; write it as {show(normal)}"
    return None
