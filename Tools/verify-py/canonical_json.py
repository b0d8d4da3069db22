"""Strict reader for the canonical JSON profile of Sync/PROTOCOL.md version 1, §1.

Independent of the Swift implementation: written from the text of PROTOCOL.md
§1 alone. `read_strict` is a small recursive-descent parser that refuses every
input §1 forbids (invalid UTF-8, a byte-order mark, lone surrogates, member
names that are not ASCII or not unique, members out of order, whitespace
outside strings, fractions, exponents, `-0`, integers beyond ±(2^53−1),
nesting deeper than 64). It consults no Unicode table: strings are taken
exactly as they are (§1 rule 4).
`read_canonical` additionally demands that the input be byte-identical to its
RFC 8785 re-serialisation, produced by the `rfc8785` package (§1, first
paragraph: "not byte-identical to its own canonical re-serialisation").
"""

from __future__ import annotations

import sys

import rfc8785

MAX_SAFE_INT = 2**53 - 1  # §1 rule 2
MAX_DEPTH = 64  # §1 rule 7: at most 64 arrays/objects nested inside each other
MAX_DIGITS = 16  # §1 rule 2: a longer integer token is refused before it is converted


class CanonicalError(ValueError):
    """The input is not canonical JSON per PROTOCOL.md §1."""


def read_canonical(data: bytes):
    """Parse `data` with the strict reader and require byte identity (§1)."""
    value = read_strict(data)
    try:
        again = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:  # should be unreachable
        raise CanonicalError(f"rfc8785 refuses the value: {exc}") from exc
    if again != data:
        at = next((i for i, (a, b) in enumerate(zip(again, data)) if a != b),
                  min(len(again), len(data)))
        raise CanonicalError(
            f"not byte-identical to its RFC 8785 form (first difference at byte {at})")
    return value


def read_strict(data: bytes, lenient: bool = False):
    """Parse `data`, refusing anything §1 rules 1-7 forbid. Returns the value.
    With `lenient`, the spelling rules (whitespace outside strings, member
    order) are not applied: §1's rules for unsigned JSON."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise CanonicalError("starts with a UTF-8 byte-order mark")
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise CanonicalError(f"invalid UTF-8 at byte {exc.start}") from None
    parser = _Parser(text, lenient)
    value = parser.value()
    parser.ws()
    if parser.i != len(text):
        parser.fail("trailing characters after the JSON value")
    return value


def loads_untrusted(data: bytes):
    """Reads JSON that is not signed (envelopes, export headers, bundle
    files: §1 "Unsigned JSON"): rules 1-3 and 7 (valid UTF-8, integers only
    within ±(2^53−1), unique ASCII names, at most 64 levels), any spelling.
    The same reader as for signed JSON, so nothing `json.loads` would crash
    on (deep nesting, 5,000-digit integers) is ever handed to it."""
    return read_strict(data, lenient=True)


class _Parser:
    def __init__(self, text: str, lenient: bool = False):
        self.text = text
        self.i = 0
        self.depth = 0
        self.lenient = lenient

    def ws(self):
        """Unsigned JSON only: skip RFC 8259 whitespace."""
        if self.lenient:
            while self.i < len(self.text) and self.text[self.i] in " \t\r\n":
                self.i += 1

    def fail(self, msg: str):
        at = len(self.text[: self.i].encode("utf-8", errors="surrogatepass"))
        raise CanonicalError(f"{msg} (at byte {at})")

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def value(self):
        self.ws()
        c = self.peek()
        if c == "{":
            return self.obj()
        if c == "[":
            return self.array()
        if c == '"':
            return self.string()
        if c == "-" or "0" <= c <= "9":
            return self.number()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.i):
                self.i += len(word)
                return val
        if c in " \t\r\n":
            self.fail("whitespace outside strings")
        self.fail("end of input" if c == "" else f"unexpected character {c!r}")

    def expect(self, ch: str):
        c = self.peek()
        if c != ch:
            if c in " \t\r\n" and c:
                self.fail("whitespace outside strings")
            self.fail(f"expected {ch!r}, found {c!r}" if c else f"expected {ch!r}, found end of input")
        self.i += 1

    def enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"nesting deeper than {MAX_DEPTH}")

    def obj(self):
        self.enter()
        self.expect("{")
        out: dict = {}
        self.ws()
        if self.peek() == "}":
            self.i += 1
            self.depth -= 1
            return out
        last = None
        while True:
            self.ws()
            if self.peek() != '"':
                self.expect('"')
            key = self.string()
            if not key.isascii():
                self.fail(f"member name {key!r} is not ASCII")
            if key in out:
                self.fail(f"duplicate member name {key!r}")
            k16 = key.encode("utf-16-be")  # big-endian bytes compare like code units
            if last is not None and k16 < last and not self.lenient:
                self.fail(f"member {key!r} out of UTF-16 code-unit order")
            last = k16
            self.ws()
            self.expect(":")
            out[key] = self.value()
            self.ws()
            if self.peek() == ",":
                self.i += 1
                continue
            self.expect("}")
            self.depth -= 1
            return out

    def array(self):
        self.enter()
        self.expect("[")
        out: list = []
        self.ws()
        if self.peek() == "]":
            self.i += 1
            self.depth -= 1
            return out
        while True:
            out.append(self.value())
            self.ws()
            if self.peek() == ",":
                self.i += 1
                continue
            self.expect("]")
            self.depth -= 1
            return out

    def number(self) -> int:
        start = self.i
        neg = self.peek() == "-"
        if neg:
            self.i += 1
        j = self.i
        while self.peek() and "0" <= self.peek() <= "9":
            self.i += 1
        digits = self.text[j : self.i]
        if not digits:
            self.fail("'-' without digits")
        if len(digits) > 1 and digits[0] == "0":
            self.fail("number with a leading zero")
        if self.peek() in (".", "e", "E") and self.peek():
            self.fail("fraction or exponent: only integers are allowed")
        if len(digits) > MAX_DIGITS:
            self.i = start
            self.fail("integer beyond ±(2^53−1)")
        n = int(digits)
        if neg and n == 0:
            self.fail("-0 is not allowed")
        if n > MAX_SAFE_INT:
            self.i = start
            self.fail("integer beyond ±(2^53−1)")
        return -n if neg else n

    def string(self) -> str:
        self.expect('"')
        parts: list[str] = []
        text, n = self.text, len(self.text)
        while True:
            if self.i >= n:
                self.fail("unterminated string")
            c = text[self.i]
            if c == '"':
                self.i += 1
                break
            if c < " ":
                self.fail(f"raw control character U+{ord(c):04X} in string")
            if c != "\\":
                parts.append(c)
                self.i += 1
                continue
            esc = text[self.i + 1 : self.i + 2]
            simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f",
                      "n": "\n", "r": "\r", "t": "\t"}
            if esc in simple and esc:
                parts.append(simple[esc])
                self.i += 2
                continue
            if esc != "u":
                self.fail(f"invalid escape \\{esc}")
            cu = self._hex4(self.i + 2)
            self.i += 6
            if 0xDC00 <= cu <= 0xDFFF:
                self.i -= 6
                self.fail("lone low surrogate")
            if 0xD800 <= cu <= 0xDBFF:
                if text[self.i : self.i + 2] != "\\u":
                    self.i -= 6
                    self.fail("lone high surrogate")
                lo = self._hex4(self.i + 2)
                if not 0xDC00 <= lo <= 0xDFFF:
                    self.i -= 6
                    self.fail("lone high surrogate")
                self.i += 6
                cu = 0x10000 + ((cu - 0xD800) << 10) + (lo - 0xDC00)
            parts.append(chr(cu))
        return "".join(parts)

    def _hex4(self, at: int) -> int:
        h = self.text[at : at + 4]
        if len(h) != 4 or any(ch not in "0123456789abcdefABCDEF" for ch in h):
            self.i = at
            self.fail("\\u escape needs four hex digits")
        return int(h, 16)

