"""Access and refresh tokens (docs/rules.md, "Tokens"), their lifetimes on the simulator's clock.

Tokens are stored under their SHA-256 digest: the store never holds a usable token, and the
lookup does not compare the secret byte by byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cjsim.clock import US, iso
from cjsim.domain.ids import Entropy, digest
from cjsim.errors import CJError
from cjsim.store import Reader, Store

ACCESS = "tokens"
REFRESH = "refresh_tokens"


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
        data: dict[str, Any] = {"openId": open_id} if with_open_id else {}
        data.update({
            "accessToken": access,
            "accessTokenExpiryDate": iso(access_exp, precise=False),
            "refreshToken": refresh,
            "refreshTokenExpiryDate": iso(refresh_exp, precise=False),
            "createDate": iso(now_us, precise=False),
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

    def authenticate(self, token: str, now_us: int, read: Reader | None = None) -> TokenInfo:
        """The account of a valid access token, or 1600001 with the reason in the journal."""
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
            doc = tx.get(REFRESH, key)
            if doc is None:
                raise CJError(1600003, reason="refresh:unknown")
            if doc["used"]:
                raise CJError(1600003, reason="refresh:used")
            if now_us >= doc["expiresUs"]:
                raise CJError(1600003, reason="refresh:expired")
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
