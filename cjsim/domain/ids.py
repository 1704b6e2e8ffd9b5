"""Identifiers and secrets: unguessable by default, reproducible when a seed is given."""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import threading
from collections.abc import Callable, Iterable
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
# "name": value in JSON text, also cut short (a bounded body). Only names that could be a
# credential's reach the callback: a long answer is scanned, not walked pair by pair.
_JSON_PAIR = re.compile(
    r'"(?P<name>(?:[^"\\]|\\.){0,60}?(?i:key|token|secret|pass|pwd|auth|sig|cookie|\\u|%)'
    r'(?:[^"\\]|\\.){0,60}?)"\s*:\s*(?:"(?P<text>(?:[^"\\]|\\.)*\\?)(?P<close>"?)'
    r'|(?P<bare>[^\s,}\]"]+))')
# credentials by their shape, wherever they appear (a key pasted into a path, say)
_SHAPES = re.compile(r"CJ\d+(?:@|%40)api(?:@|%40)[0-9a-fA-F]{32}"
                     r"|API(?:@|%40)CJ\d+(?:@|%40)CJ(?::|%3A)[A-Za-z0-9._~%-]+", re.IGNORECASE)


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
    if "=" in text:
        text = _PAIR.sub(_mask_pair, text)
    if '"' in text:
        text = _JSON_PAIR.sub(_mask_json_pair, text)
    if "@" in text or "%40" in text.upper():
        text = _SHAPES.sub(lambda m: mask(m.group(0)) or "***", text)
    return text


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


def mask_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, value) pairs (a decoded query, headers) with every credential's value masked."""
    return [(name, (mask(value) or "") if value and is_secret_name(name) else value)
            for name, value in pairs]
