"""CJ accounts: email, apiKey, openId, level, verified flag, balance, quotas.

The store keeps an account's apiKey as its SHA-256 digest (``apiKeyDigest``) and a masked
hint (``apiKeyHint``, 4 + 4 characters), never the key itself: the key is known only to the
code that created the account (``Accounts.create`` returns it; the control API's creation
answer shows it once).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from cjsim.domain.ids import Entropy, digest, mask
from cjsim.limits.rules import QUOTA_TYPES, Quota
from cjsim.money import money, money_str
from cjsim.store import Doc, Reader, Store, Txn

LEVEL_NAMES = {"free": 0, "plus": 2, "prime": 3, "advanced": 4}
LEVEL_LABEL = {0: "free", 1: "free", 2: "plus", 3: "prime", 4: "advanced", 5: "advanced"}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
# Amounts as CJ writes them: ASCII digits, an optional fraction (no "1_000", "٣", "1e3", "NaN")
AMOUNT_RE = re.compile(r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]*)?|\.[0-9]+)")
MAX_BALANCE = Decimal("1e15")
INT_MAX = 2**63 - 1
FIRST_OPEN_ID = 100042
API_PREFIX = "/api2.0/v1/"


class AccountError(ValueError):
    """Bad account input (the control API turns it into a 400 with this text)."""


def parse_level(value: Any) -> int:
    if isinstance(value, bool):
        raise AccountError(f"level must be free/plus/prime/advanced or 0-5, not {_short(value)}")
    if isinstance(value, str):
        key = value.strip().lower()
        if key in LEVEL_NAMES:
            return LEVEL_NAMES[key]
        if key in ("0", "1", "2", "3", "4", "5"):
            value = int(key)
    if isinstance(value, int) and 0 <= value <= 5:
        return value
    raise AccountError(f"level must be free/plus/prime/advanced or 0-5, not {_short(value)}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_balance(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise AccountError(f"balance must be a number, not {_short(value)}")
    if isinstance(value, str) and not AMOUNT_RE.fullmatch(value.strip()):
        raise AccountError(f"balance must be a number such as 12.50, not {_short(value)}")
    if isinstance(value, int) and abs(value) >= MAX_BALANCE:
        raise AccountError(f"balance must be below {MAX_BALANCE:f}, not {_short(value)}")
    try:
        amount = money(value)
    except ValueError:
        raise AccountError(f"balance must be a number, not {_short(value)}") from None
    if amount < 0:
        raise AccountError(f"balance must be a non-negative number, not {_short(value)}")
    if amount >= MAX_BALANCE:
        raise AccountError(f"balance must be below {MAX_BALANCE:f}, not {_short(value)}")
    return str(amount)


def parse_quotas(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise AccountError("quotaLimits must be a list of {quotaUrl, quotaLimit, quotaType}")
    out = []
    for index, item in enumerate(value):
        where = f"quotaLimits[{index}]"
        if not isinstance(item, dict):
            raise AccountError(f"{where} must be an object")
        unknown = set(item) - {"quotaUrl", "quotaLimit", "quotaType"}
        if unknown:
            raise AccountError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
        url, limit, qtype = item.get("quotaUrl"), item.get("quotaLimit"), item.get("quotaType")
        if not isinstance(url, str) or not url.strip():
            raise AccountError(f"{where}.quotaUrl must be an interface path")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= INT_MAX:
            raise AccountError(f"{where}.quotaLimit must be an integer from 0 to 2^63-1")
        if not isinstance(qtype, int) or isinstance(qtype, bool) or qtype not in QUOTA_TYPES:
            raise AccountError(f"{where}.quotaType must be one of 0-5 (0 total ... 5 hour)")
        out.append({"quotaUrl": normalize_path(url), "quotaLimit": limit, "quotaType": qtype})
    return out


def normalize_path(url: str) -> str:
    """``product/list``, ``/product/list`` and ``/api2.0/v1/product/list`` name one interface."""
    path = url.strip().split("?", 1)[0]
    if path.startswith("/api2.0/"):
        return path
    return API_PREFIX + path.lstrip("/")


@dataclass(frozen=True)
class Account:
    open_id: int
    email: str
    key_digest: str  # SHA-256 of the apiKey, as stored
    key_hint: str  # the apiKey masked (first and last 4 characters)
    level: int
    verified: bool
    balance: Decimal
    name: str
    quotas: tuple[Quota, ...]
    api_key: str | None = field(default=None, compare=False)  # only on the creating call's copy
    image_search: bool = False  # on CJ's whitelist of product/queryProductsByImage

    @classmethod
    def from_doc(cls, doc: Doc, api_key: str | None = None) -> Account:
        legacy = doc.get("apiKey")  # a store written before keys were digests
        return cls(
            open_id=doc["openId"], email=doc["email"],
            key_digest=doc.get("apiKeyDigest") or digest(legacy or ""),
            key_hint=doc.get("apiKeyHint") or mask(legacy or "") or "***",
            level=doc["level"], verified=doc["verified"], balance=Decimal(doc["balance"]),
            name=doc["name"],
            quotas=tuple(Quota(q["quotaUrl"], q["quotaLimit"], q["quotaType"])
                         for q in doc.get("quotaLimits", ())),
            api_key=api_key,
            image_search=bool(doc.get("imageSearch", False)),
        )

    def has_key(self, api_key: str) -> bool:
        """Whether ``api_key`` is this account's key (digests compared in constant time)."""
        return hmac.compare_digest(digest(api_key), self.key_digest)

    def public(self) -> dict[str, Any]:
        """The control API's account shape: the key in full only on the creating answer."""
        out: dict[str, Any] = {"openId": self.open_id, "email": self.email}
        if self.api_key is not None:
            out["apiKey"] = self.api_key
        out.update({
            "apiKeyHint": self.key_hint,
            "level": self.level, "levelName": LEVEL_LABEL[self.level],
            "verified": self.verified, "balance": self.balance, "name": self.name,
            "quotaLimits": [q.as_json() for q in self.quotas], "imageSearch": self.image_search,
        })
        return out


class Accounts:
    """Accounts in the store: ``accounts/<openId>`` plus two indexes (email, key digest)."""

    NS = "accounts"

    def __init__(self, store: Store, entropy: Entropy) -> None:
        self.store = store
        self.entropy = entropy
        self._built: dict[bytes, Account] = {}  # stored document -> its (immutable) Account

    def create(self, email: str, api_key: str | None = None, *, level: Any = 0,
               verified: bool = False, balance: Any = "1000.00", name: str | None = None,
               quotas: Any = None, open_id: int | None = None) -> Account:
        if not isinstance(email, str) or not EMAIL_RE.match(email.strip()):
            raise AccountError(f"email must look like name@host, not {_short(email)}")
        email = email.strip()
        if api_key is not None and (not isinstance(api_key, str) or not api_key.strip()):
            raise AccountError("apiKey must be a non-empty string")
        if not isinstance(verified, bool):
            raise AccountError(f"verified must be true or false, not {verified!r}")
        if name is not None and not isinstance(name, str):
            raise AccountError("name must be a string")
        lvl = parse_level(level)
        bal = parse_balance(balance)
        quota_docs = parse_quotas(quotas) if quotas is not None else []
        with self.store.transaction() as tx:
            if tx.get("account_email", email.lower()) is not None:
                raise AccountError(f"an account with email {email} already exists")
            oid = open_id if open_id is not None else FIRST_OPEN_ID + tx.next_seq("openId") - 1
            if tx.get(self.NS, str(oid)) is not None:
                raise AccountError(f"openId {oid} is taken")
            key = api_key.strip() if api_key else f"CJ{oid}@api@{self.entropy.hex(32)}"
            if tx.get("account_key", digest(key)) is not None:
                raise AccountError("that apiKey belongs to another account")
            doc = {"openId": oid, "email": email, "apiKeyDigest": digest(key),
                   "apiKeyHint": mask(key), "level": lvl,
                   "verified": verified, "balance": bal,
                   "name": name or email.split("@", 1)[0].replace(".", " ").title() + " Shop",
                   "quotaLimits": quota_docs}
            tx.put(self.NS, str(oid), doc)
            tx.put("account_email", email.lower(), {"openId": oid})
            tx.put("account_key", digest(key), {"openId": oid})
        return Account.from_doc(doc, api_key=key)

    def get(self, open_id: int | str, read: Reader | None = None) -> Account | None:
        doc = (read or self.store.get)(self.NS, str(open_id))
        if doc is None:
            return None
        # every request reads its account: the Account of the same document is kept
        key = orjson.dumps(doc)
        cached = self._built.get(key)
        if cached is None:
            cached = Account.from_doc(doc)
            if len(self._built) >= 256:
                self._built.clear()
            self._built[key] = cached
        return cached

    def by_email(self, email: str) -> Account | None:
        ref = self.store.get("account_email", email.strip().lower())
        return None if ref is None else self.get(ref["openId"])

    def by_api_key(self, api_key: str) -> Account | None:
        ref = self.store.get("account_key", digest(api_key))
        if ref is None:
            return None
        account = self.get(ref["openId"])
        if account is None or not account.has_key(api_key):
            return None
        return account

    def all(self) -> list[Account]:
        accounts = [Account.from_doc(doc) for _, doc in self.store.items(self.NS)]
        return sorted(accounts, key=lambda a: a.open_id)

    def update(self, open_id: int, changes: Mapping[str, Any]) -> Account:
        """Apply control-API changes (level, verified, balance, quotaLimits, name, imageSearch)."""
        allowed = {"level", "verified", "balance", "quotaLimits", "name", "imageSearch"}
        unknown = set(changes) - allowed
        if unknown:
            raise AccountError(f"cannot change {', '.join(sorted(unknown))} "
                               f"(changeable: {', '.join(sorted(allowed))})")
        patch: dict[str, Any] = {}
        if "level" in changes:
            patch["level"] = parse_level(changes["level"])
        if "verified" in changes:
            if not isinstance(changes["verified"], bool):
                raise AccountError(f"verified must be true or false, not {changes['verified']!r}")
            patch["verified"] = changes["verified"]
        if "balance" in changes:
            patch["balance"] = parse_balance(changes["balance"])
        if "quotaLimits" in changes:
            patch["quotaLimits"] = parse_quotas(changes["quotaLimits"])
        if "imageSearch" in changes:
            if not isinstance(changes["imageSearch"], bool):
                raise AccountError(f"imageSearch must be true or false, not {changes['imageSearch']!r}")
            patch["imageSearch"] = changes["imageSearch"]
        if "name" in changes:
            if not isinstance(changes["name"], str):
                raise AccountError("name must be a string")
            patch["name"] = changes["name"]
        with self.store.transaction() as tx:
            doc = tx.get(self.NS, str(open_id))
            if doc is None:
                raise KeyError(open_id)
            doc = {**doc, **patch}
            if "apiKey" in doc:  # a legacy document: keep the digest, drop the key
                legacy = doc.pop("apiKey")
                doc.setdefault("apiKeyDigest", digest(legacy))
                doc.setdefault("apiKeyHint", mask(legacy))
            tx.put(self.NS, str(open_id), doc)
        return Account.from_doc(doc)

    @staticmethod
    def credit(tx: Txn, open_id: int, amount: Decimal) -> Decimal:
        """Give money back (an accepted dispute's refund) inside a caller's transaction."""
        doc = tx.get(Accounts.NS, str(open_id))
        assert doc is not None
        total = money(Decimal(doc["balance"]) + amount)
        tx.put(Accounts.NS, str(open_id), {**doc, "balance": money_str(total)})
        return total

    @staticmethod
    def debit(tx: Txn, open_id: int, amount: Decimal) -> Decimal:
        """Take money inside a caller's transaction; the caller checked the balance."""
        doc = tx.get(Accounts.NS, str(open_id))
        assert doc is not None
        left = money(Decimal(doc["balance"]) - amount)
        if left < 0:
            raise ValueError("balance would go negative")
        tx.put(Accounts.NS, str(open_id), {**doc, "balance": money_str(left)})
        return left


def iter_account_specs(specs: Iterable[str]) -> list[dict[str, Any]]:
    """``EMAIL:APIKEY[:LEVEL[:verified]]`` (the serve flag) -> keyword dicts for create()."""
    out = []
    for spec in specs:
        parts = spec.split(":")
        # an apiKey contains '@' but never ':'; the email neither
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise AccountError(f"--account {spec!r}: expected EMAIL:APIKEY[:LEVEL[:verified]]")
        entry: dict[str, Any] = {"email": parts[0], "api_key": parts[1]}
        if len(parts) >= 3 and parts[2]:
            entry["level"] = parse_level(parts[2])
        if len(parts) >= 4:
            if parts[3] not in ("verified", "unverified", ""):
                raise AccountError(f"--account {spec!r}: the 4th part must be 'verified'")
            entry["verified"] = parts[3] == "verified"
        if len(parts) > 4:
            raise AccountError(f"--account {spec!r}: too many ':' parts")
        out.append(entry)
    return out
