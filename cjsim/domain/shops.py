"""Shops of an account and the platform authorization flow (docs/interfaces.md, "Shops").

State:

* ``shops:<openId>``   shopId -> shop document (created through the control API)
* ``authorizations``   authId -> one getAuthorizeUrl flow: who asked, where to send the user
  back, and once a user approved, the single-use ``code`` and the account it stands for
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cjsim.clock import US
from cjsim.domain.order_views import utc_text
from cjsim.errors import illegal
from cjsim.store import Doc, Store

AUTH_NS = "authorizations"
CODE_TTL_S = 600  # an authorization code must be exchanged within 10 simulated minutes
SHOP_STATUSES = (0, 1, 2, 3, 4, 5)  # deleted, authorized, deactivated, failed, expired, in transition
PLATFORMS = ("shopify", "woocommerce", "ebay", "amazon", "etsy", "wix", "lazada", "shopee",
             "tiktok", "squarespace", "bigcommerce", "api")


def shops_ns(open_id: int | str) -> str:
    return f"shops:{open_id}"


class Shops:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- shops -----------------------------------------------------------------------------
    def add(self, open_id: int, spec: Mapping[str, Any], now_us: int) -> Doc:
        """A shop from the control API; ValueError names the bad field (answered 400)."""
        allowed = {"name", "type", "status", "countryCode", "currencyCode", "email", "aliasName"}
        unknown = set(spec) - allowed
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))} "
                             f"(allowed: {', '.join(sorted(allowed))})")
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise ValueError("name is required: a string of 1..200 characters")
        kind = str(spec.get("type", "shopify")).lower()
        if kind not in PLATFORMS:
            raise ValueError(f"type must be one of {', '.join(PLATFORMS)}")
        status = spec.get("status", 1)
        if not isinstance(status, int) or isinstance(status, bool) or status not in SHOP_STATUSES:
            raise ValueError("status must be one of 0..5 (1 = authorized)")
        country = str(spec.get("countryCode", "US"))
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise ValueError("countryCode must be a two-letter country code")
        for key in ("currencyCode", "email", "aliasName"):
            if key in spec and (not isinstance(spec[key], str) or len(spec[key]) > 200):
                raise ValueError(f"{key} must be a string of at most 200 characters")
        with self.store.transaction() as tx:
            shop_id = str(1424608189734850560 + tx.next_seq("shop"))
            doc: Doc = {"id": shop_id, "name": name.strip(), "type": kind, "status": status,
                        "countryCode": country.upper(),
                        "currencyCode": spec.get("currencyCode", "USD"),
                        "email": spec.get("email"), "aliasName": spec.get("aliasName"),
                        "createdUs": now_us}
            tx.put(shops_ns(open_id), shop_id, doc)
        return doc

    def all(self, open_id: int) -> list[Doc]:
        return sorted((d for _, d in self.store.items(shops_ns(open_id))),
                      key=lambda d: (d["createdUs"], d["id"]))

    def page(self, open_id: int, now_us: int, *, page_num: int = 1,
             page_size: int = 50) -> list[dict[str, Any]]:
        """getShops: the account's shops, oldest first (the MCP client pages it)."""
        del now_us
        start = (page_num - 1) * page_size
        return [self.view(d) for d in self.all(open_id)[start:start + page_size]]

    @staticmethod
    def view(doc: Doc) -> dict[str, Any]:
        return {"id": doc["id"], "createDate": utc_text(doc["createdUs"]), "name": doc["name"],
                "status": doc["status"], "type": doc["type"],
                "updateDate": utc_text(doc["createdUs"]), "aliasName": doc.get("aliasName"),
                "email": doc.get("email"), "countryCode": doc["countryCode"],
                "currencyCode": doc["currencyCode"]}

    # -- authorization ---------------------------------------------------------------------
    def authorize_start(self, open_id: int, now_us: int, base_url: str, *,
                        shop_type: str | None = None, redirect_uri: str | None = None,
                        state: str | None = None) -> str:
        """getAuthorizeUrl: a new flow; the answer is the page a user opens to approve it."""
        if shop_type is not None and shop_type.lower() not in PLATFORMS:
            raise illegal(f"shopType must be one of {', '.join(PLATFORMS)}")
        if redirect_uri is not None and not redirect_uri.startswith(("http://", "https://")):
            raise illegal("redirectUri must be an http(s) URL")
        with self.store.transaction() as tx:
            auth_id = f"AU{tx.next_seq('authorize'):010d}"
            tx.put(AUTH_NS, auth_id, {"platform": open_id, "redirectUri": redirect_uri,
                                      "state": state, "shopType": shop_type, "createdUs": now_us,
                                      "code": None, "codeUs": None, "grantedBy": None,
                                      "used": False})
        return f"{base_url.rstrip('/')}/__cjsim/authorize/{auth_id}"

    def flow(self, auth_id: str) -> Doc | None:
        """An authorization flow by its id (None: no such flow; a code's reference is none)."""
        if auth_id.startswith("code:"):
            return None
        doc: Doc | None = self.store.get(AUTH_NS, auth_id)
        return doc

    def approve(self, auth_id: str, open_id: int, now_us: int, code: str) -> Doc:
        """A user (account ``open_id``) approved the flow: ``code`` now stands for them.
        KeyError: no such flow; ValueError: already approved."""
        with self.store.transaction() as tx:
            doc = tx.get(AUTH_NS, auth_id)
            if doc is None:
                raise KeyError(auth_id)
            if doc["code"] is not None:
                raise ValueError(f"authorization {auth_id} was already approved")
            doc = {**doc, "code": code, "codeUs": now_us, "grantedBy": open_id}
            tx.put(AUTH_NS, auth_id, doc)
            tx.put(AUTH_NS, f"code:{code}", {"authId": auth_id})
        return doc

    def redeem(self, open_id: int, now_us: int, code: str) -> int:
        """exchangeAccessToken: the account a code stands for, once, within CODE_TTL_S, and
        only for the platform account that started the flow (1600300 otherwise)."""
        with self.store.transaction() as tx:
            ref = tx.get(AUTH_NS, f"code:{code.strip()}")
            doc = tx.get(AUTH_NS, ref["authId"]) if ref else None
            if doc is None or doc["platform"] != open_id:
                raise illegal("code is not an authorization code of this account")
            if doc["used"]:
                raise illegal("code was already exchanged")
            if now_us > doc["codeUs"] + CODE_TTL_S * US:
                raise illegal(f"code expired ({CODE_TTL_S} s after approval)")
            tx.put(AUTH_NS, ref["authId"], {**doc, "used": True})  # type: ignore[index]
        return int(doc["grantedBy"])
