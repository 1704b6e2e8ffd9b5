"""Access and refresh tokens (docs/rules.md, "Tokens"), their lifetimes on the simulator's clock.

Tokens are stored under their SHA-256 digest: the store never holds a usable token, and the
lookup does not compare the secret byte by byte.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from cjsim.clock import US, iso
from cjsim.domain.ids import Entropy, digest
from cjsim.errors import CJError
from cjsim.store import Reader, Store

ACCESS = "tokens"
REFRESH = "refresh_tokens"
# cj-2026's server-side cache (docs/rules.md, "Tokens"): openId -> the pair issued last, its
# dates, and the pair sealed under each credential that may ask for it again
CACHE = "token_cache"


def _stream(key: bytes, size: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(key + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:size]


def seal(secret: str, nonce: str, plain: str) -> str:
    """``plain`` encrypted under a key derived from ``secret`` (an API key or a refresh
    token, which the store keeps only as digests): SHA-256 counter-mode keystream and an
    HMAC tag. The store alone cannot give a cached token back."""
    key = hashlib.sha256(f"cjsim-token-cache|{secret}|{nonce}".encode()).digest()
    data = plain.encode()
    body = bytes(a ^ b for a, b in zip(data, _stream(key, len(data))))
    tag = hmac.new(key, body, hashlib.sha256).digest()[:16]
    return (tag + body).hex()


def unseal(secret: str, nonce: str, sealed: str) -> str | None:
    key = hashlib.sha256(f"cjsim-token-cache|{secret}|{nonce}".encode()).digest()
    raw = bytes.fromhex(sealed)
    tag, body = raw[:16], raw[16:]
    if not hmac.compare_digest(tag, hmac.new(key, body, hashlib.sha256).digest()[:16]):
        return None
    return bytes(a ^ b for a, b in zip(body, _stream(key, len(body)))).decode()


@dataclass(frozen=True)
class TokenInfo:
    open_id: int
    token_id: str  # short digest prefix: correlates calls in the journal, reveals nothing
    expires_us: int


class Tokens:
    def __init__(self, store: Store, entropy: Entropy) -> None:
        self.store = store
        self.entropy = entropy

    def _new_secret(self, open_id: int) -> str:
        head = "eyJhbGciOiJIUzI1NiJ9"
        return f"API@CJ{open_id}@CJ:{head}.{self.entropy.hex(48)}.{self.entropy.hex(43)}"

    def issue(self, open_id: int, now_us: int, access_ttl_s: int, refresh_ttl_s: int,
              with_open_id: bool = True) -> dict[str, Any]:
        access, refresh = self._new_secret(open_id), self._new_secret(open_id)
        access_exp = now_us + access_ttl_s * US
        refresh_exp = now_us + refresh_ttl_s * US
        with self.store.transaction() as tx:
            tx.put(ACCESS, digest(access), {
                "openId": open_id, "createdUs": now_us, "expiresUs": access_exp,
                "revoked": False, "refresh": digest(refresh)})
            tx.put(REFRESH, digest(refresh), {
                "openId": open_id, "createdUs": now_us, "expiresUs": refresh_exp,
                "used": False, "access": digest(access)})
        return self._answer(open_id, access, refresh, now_us, access_exp, refresh_exp,
                            with_open_id)

    def issue_cached(self, open_id: int, credential: str, now_us: int, access_ttl_s: int,
                     refresh_ttl_s: int, cache_s: int, with_open_id: bool = True) -> dict[str, Any]:
        """cj-2026: the pair issued in the last ``cache_s`` seconds, the same tokens and dates,
        when ``credential`` (the API key, or the pair's refresh token) can unseal it; else a
        new pair, the old one staying valid until its own expiry."""
        doc = self.store.get(CACHE, str(open_id))
        if doc is not None and now_us < doc["issuedUs"] + cache_s * US:
            sealed = doc["sealed"].get(digest(credential)[:16])
            plain = unseal(credential, doc["nonce"], sealed) if sealed else None
            access, _, refresh = (plain or "").partition("\n")
            live = self.store.get(ACCESS, digest(access)) if plain is not None else None
            if live is not None and not live["revoked"] and now_us < live["expiresUs"]:
                return self._answer(open_id, access, refresh, doc["issuedUs"],
                                    doc["accessExpUs"], doc["refreshExpUs"], with_open_id)
        data = self.issue(open_id, now_us, access_ttl_s, refresh_ttl_s, with_open_id)
        access, refresh = data["accessToken"], data["refreshToken"]
        nonce = digest(access)[:24]
        plain = f"{access}\n{refresh}"
        self.store.put(CACHE, str(open_id), {
            "issuedUs": now_us, "nonce": nonce, "accessExpUs": now_us + access_ttl_s * US,
            "refreshExpUs": now_us + refresh_ttl_s * US,
            "sealed": {digest(credential)[:16]: seal(credential, nonce, plain),
                       digest(refresh)[:16]: seal(refresh, nonce, plain)}})
        return data

    def refresh_cached(self, refresh_token: str, now_us: int, access_ttl_s: int,
                       refresh_ttl_s: int, cache_s: int) -> dict[str, Any]:
        """cj-2026's refreshAccessToken: a valid refresh token gets the cached pair (or a new
        one after ``cache_s``); nothing is revoked."""
        doc = _usable_refresh(self.store.get(REFRESH, digest(refresh_token)), now_us)
        return self.issue_cached(int(doc["openId"]), refresh_token, now_us, access_ttl_s,
                                 refresh_ttl_s, cache_s, with_open_id=False)

    @staticmethod
    def _answer(open_id: int, access: str, refresh: str, created_us: int, access_exp: int,
                refresh_exp: int, with_open_id: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"openId": open_id} if with_open_id else {}
        data.update({
            "accessToken": access,
            "accessTokenExpiryDate": iso(access_exp, precise=False),
            "refreshToken": refresh,
            "refreshTokenExpiryDate": iso(refresh_exp, precise=False),
            "createDate": iso(created_us, precise=False),
        })
        return data

    @staticmethod
    def read_key(token: str) -> tuple[str, str]:
        """The document ``authenticate`` reads (a request reads it with its opening)."""
        return ACCESS, digest(token)

    @staticmethod
    def owner_hint(token: str) -> int | None:
        """The openId a token of ours names (``_new_secret``), so a request can read the
        account with the token; only a hint: ``authenticate`` says whose it is."""
        if not token.startswith("API@CJ"):
            return None
        head = token[6:token.find("@", 6)]
        return int(head) if head.isdigit() and len(head) < 19 else None

    def authenticate(self, token: str, now_us: int, read: Reader | None = None,
                     key: str | None = None) -> TokenInfo:
        """The account of a valid access token, or 1600001 with the reason in the journal.
        ``key``: the token's digest, when the caller has made it already (``read_key``)."""
        if key is None:
            key = digest(token)
        doc = (read or self.store.get)(ACCESS, key)
        if doc is None:
            raise CJError(1600001, reason="token:unknown")
        if doc["revoked"]:
            raise CJError(1600001, reason="token:revoked")
        if now_us >= doc["expiresUs"]:
            raise CJError(1600001, reason="token:expired")
        return TokenInfo(doc["openId"], key[:12], doc["expiresUs"])

    def refresh_owner(self, refresh_token: str) -> int | None:
        doc = self.store.get(REFRESH, digest(refresh_token))
        return None if doc is None else int(doc["openId"])

    def refresh(self, refresh_token: str, now_us: int, access_ttl_s: int,
                refresh_ttl_s: int) -> dict[str, Any]:
        key = digest(refresh_token)
        with self.store.transaction() as tx:
            doc = _usable_refresh(tx.get(REFRESH, key), now_us)
            tx.put(REFRESH, key, {**doc, "used": True})
            old = tx.get(ACCESS, doc["access"])
            if old is not None:
                tx.put(ACCESS, doc["access"], {**old, "revoked": True})
        return self.issue(doc["openId"], now_us, access_ttl_s, refresh_ttl_s, with_open_id=False)

    def stored(self) -> list[tuple[str, dict[str, Any]]]:
        """Every access token as stored: (its digest, its record); never a usable token."""
        return list(self.store.items(ACCESS))

    def logout(self, token: str) -> None:
        key = digest(token)
        with self.store.transaction() as tx:
            doc = tx.get(ACCESS, key)
            if doc is None:
                return
            tx.put(ACCESS, key, {**doc, "revoked": True})
            ref = tx.get(REFRESH, doc["refresh"])
            if ref is not None:
                tx.put(REFRESH, doc["refresh"], {**ref, "used": True})

    def revoke_all(self, open_id: int | None = None) -> int:
        """Revoke every token (of one account, or of all). Returns how many access tokens."""
        count = 0
        with self.store.transaction() as tx:
            for key, doc in tx.items(ACCESS):
                if (open_id is None or doc["openId"] == open_id) and not doc["revoked"]:
                    tx.put(ACCESS, key, {**doc, "revoked": True})
                    count += 1
            for key, doc in tx.items(REFRESH):
                if (open_id is None or doc["openId"] == open_id) and not doc["used"]:
                    tx.put(REFRESH, key, {**doc, "used": True})
        return count

    def expire_all(self, now_us: int, open_id: int | None = None) -> int:
        """Make every live token expire now (a scenario's "tokens expire mid-run")."""
        count = 0
        with self.store.transaction() as tx:
            for key, doc in tx.items(ACCESS):
                if (open_id is None or doc["openId"] == open_id) and doc["expiresUs"] > now_us:
                    tx.put(ACCESS, key, {**doc, "expiresUs": now_us})
                    count += 1
        return count


def _usable_refresh(doc: dict[str, Any] | None, now_us: int) -> dict[str, Any]:
    """A stored refresh token that may still be used, or 1600003 with the reason."""
    if doc is None:
        raise CJError(1600003, reason="refresh:unknown")
    if doc["used"]:
        raise CJError(1600003, reason="refresh:used")
    if now_us >= doc["expiresUs"]:
        raise CJError(1600003, reason="refresh:expired")
    return doc
