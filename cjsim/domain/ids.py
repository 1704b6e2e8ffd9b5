"""Identifiers and secrets: unguessable by default, reproducible when a seed is given."""

from __future__ import annotations

import hashlib
import random
import secrets
import threading
from collections.abc import Callable


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
