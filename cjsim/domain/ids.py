"""Identifiers and secrets: unguessable by default, reproducible when a seed is given."""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import unquote_plus

import orjson


class Entropy:
    """Random hex and digits. ``seed=None`` uses ``secrets``; a seed gives a fixed sequence.

    Under a seed, ``hex`` draws from the seed and a counter kept by the store (``counter``),
    so worker processes sharing one store never draw the same value twice, and one store's
    run is reproducible. ``derived`` names a value by something already unique (a journal
    id), costing no counter at all.
    """

    def __init__(self, seed: int | None = None, counter: Callable[[], int] | None = None) -> None:
        self.seed = seed
        self._counter = counter
        self._lock = threading.Lock()
        self._rng = random.Random(f"cjsim-secrets:{seed}") if seed is not None else None

    def reset(self) -> None:
        if self.seed is not None:
            with self._lock:
                self._rng = random.Random(f"cjsim-secrets:{self.seed}")

    def hex(self, chars: int = 32) -> str:
        if self._rng is None:
            return secrets.token_hex((chars + 1) // 2)[:chars]
        if self._counter is not None:
            return self.derived("hex", self._counter(), chars)
        with self._lock:
            return f"{self._rng.getrandbits(chars * 4):0{chars}x}"

    def derived(self, name: str, number: int, chars: int = 32) -> str:
        """A value fixed by (seed, name, number); random when there is no seed."""
        if self.seed is None:
            return secrets.token_hex((chars + 1) // 2)[:chars]
        out = ""
        block = 0
        while len(out) < chars:
            out += hashlib.blake2b(f"{self.seed}:{name}:{number}:{block}".encode(),
                                   digest_size=32).hexdigest()
            block += 1
        return out[:chars]

    def digits(self, count: int) -> str:
        if self._rng is None:
            return "".join(secrets.choice("0123456789") for _ in range(count))
        with self._lock:
            return "".join(self._rng.choice("0123456789") for _ in range(count))

    def letters(self, count: int) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if self._rng is None:
            return "".join(secrets.choice(alphabet) for _ in range(count))
        with self._lock:
            return "".join(self._rng.choice(alphabet) for _ in range(count))


def digest(secret: str) -> str:
    """Store and compare secrets by digest: lookups by hash are constant-time in the secret."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def mask(secret: str | None) -> str | None:
    """What logs and the journal show of a key or token."""
    if secret is None:
        return None
    if len(secret) <= 8:
        return "***"
    return f"{secret[:4]}…{secret[-4:]}"


# names of parameters that carry credentials, compared decoded, lower-cased, without - and _
SECRET_NAMES = frozenset({"apikey", "password", "passwd", "pwd", "token", "accesstoken",
                          "refreshtoken", "cjaccesstoken", "secret", "clientsecret",
                          "admintoken", "authorization", "auth", "key", "sig", "signature"})
SECRET_SUFFIXES = ("token", "apikey", "secret", "password", "authorization", "cookie")
# name=value in a query string or a log line (the name may be percent-encoded)
_PAIR = re.compile(r"(?P<name>[^\s=&?;#\"'<>]+)=(?P<value>[^\s&;#\"'<>]*)")
_PAIR_DELIMS = frozenset(" \t\r\n=&?;#\"'<>")
# "name": value in JSON text, also cut short at the end of the text (a bounded body)
_JSON_PAIR = re.compile(r'"(?P<name>[^"\\]*(?:\\.[^"\\]*)*)"\s*:\s*(?:"(?P<text>[^"\\]*(?:\\.[^"\\]*)*\\?)'
                        r'(?P<close>"?)|(?P<bare>[^\s,}\]"]+))')
# what every credential's name contains (decoded or not, lower-cased): only pairs whose
# name holds one are looked at, so a long answer is searched (str.find), not walked
_HINTS = ("key", "token", "secret", "pass", "pwd", "auth", "sig", "cookie", "\\u", "%")
_HINT = re.compile("|".join(re.escape(h) for h in _HINTS), re.IGNORECASE)
# credentials by their shape, wherever they appear (a key pasted into a path, say)
_SHAPES = re.compile(r"CJ\d+(?:@|%40)api(?:@|%40)[0-9a-fA-F]{32}"
                     r"|API(?:@|%40)CJ\d+(?:@|%40)CJ(?::|%3A)[A-Za-z0-9._~%-]+", re.IGNORECASE)


@lru_cache(maxsize=2048)  # the same few header and parameter names, on every request
def is_secret_name(name: str) -> bool:
    key = unquote_plus(name).lower().replace("-", "").replace("_", "").replace(".", "")
    return key in SECRET_NAMES or key.endswith(SECRET_SUFFIXES)


def _json_name(raw: str) -> str:
    try:
        name = orjson.loads(f'"{raw}"')
    except orjson.JSONDecodeError:
        return raw
    return name if isinstance(name, str) else raw


def mask_secrets(text: str) -> str:
    """``text`` as a log line, journal entry or export may show it: the value of every
    ``name=value`` whose decoded name is a credential (``apiKey``, ``api_key``,
    ``access_token``, ``refreshToken``, ``CJAccessToken``, ``%61piKey``..., any case), of
    every JSON ``"name": value`` whose name is one (``"\\u0061piKey"`` too; a string cut
    short at the end of the text included), and anything shaped like a CJ API key or token,
    masked. The one masking function."""
    pairs, quoted = "=" in text, '"' in text
    if pairs or quoted:
        spans = _hints(text)
        if spans and pairs:
            masked = _scan(text, spans, _PAIR, _pair_start, _mask_pair)
            if masked is not text:
                text, spans = masked, _hints(masked)
        if spans and quoted:
            text = _scan(text, spans, _JSON_PAIR, _quote_start, _mask_json_pair)
    if "@" in text or "%40" in text:
        text = _SHAPES.sub(lambda m: mask(m.group(0)) or "***", text)
    return text


def _hints(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``_HINTS`` word in ``text``, any case, in order."""
    lowered = text.lower()  # (an ASCII text is lowered in C at memory speed)
    if len(lowered) != len(text):  # a character whose lower case is longer: positions differ
        return [m.span() for m in _HINT.finditer(text)]
    spans = []
    for word in _HINTS:
        at = lowered.find(word)
        while at >= 0:
            spans.append((at, at + len(word)))
            at = lowered.find(word, at + 1)
    spans.sort()
    return spans


def _pair_start(text: str, at: int, floor: int) -> int:
    """Where the ``name=`` around position ``at`` begins."""
    start = at
    while start > floor and text[start - 1] not in _PAIR_DELIMS:
        start -= 1
    return start


def _quote_start(text: str, at: int, floor: int) -> int:
    """The quote that opens the JSON string around position ``at``."""
    return text.rfind('"', floor, at)


def _scan(text: str, spans: list[tuple[int, int]], pair: re.Pattern[str],
          start_of: Callable[[str, int, int], int], replace: Callable[[re.Match[str]], str]) -> str:
    """``text`` with ``replace`` applied to each ``pair`` whose name holds a hint (``spans``)."""
    parts: list[str] = []
    done = pos = 0
    for hint_start, hint_end in spans:
        if hint_start < pos:
            continue
        start = start_of(text, hint_start, done)
        found = pair.match(text, start) if start >= 0 else None
        if found is None or found.end("name") < hint_end:  # the hint is not in a pair's name
            pos = hint_end
            continue
        new = replace(found)
        if new != found.group(0):
            parts += [text[done:found.start()], new]
            done = found.end()
        pos = max(found.end(), hint_end)
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _mask_pair(match: re.Match[str]) -> str:
    name, value = match.group("name"), match.group("value")
    if not value or not is_secret_name(name):
        return match.group(0)
    return f"{name}={mask(unquote_plus(value))}"


def _mask_json_pair(match: re.Match[str]) -> str:
    if not is_secret_name(_json_name(match.group("name"))):
        return match.group(0)
    whole, offset = match.group(0), match.start()
    bare = match.group("bare")
    if bare is not None:
        head = whole[:match.start("bare") - offset]
        return head + ("null" if bare == "null" else orjson.dumps(mask(bare)).decode())
    head = whole[:match.start("text") - offset]
    shown = mask(_json_name(match.group("text").rstrip("\\"))) or ""
    return head + orjson.dumps(shown).decode()[1:-1] + match.group("close")


def mask_value(value: str) -> str:
    """A credential's value as a pair shows it (:func:`mask_pairs`); an empty one stays empty."""
    return (mask(value) or "") if value else value


def mask_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, value) pairs (a decoded query, headers) with every credential's value masked."""
    return [(name, mask_value(value) if is_secret_name(name) else value) for name, value in pairs]
