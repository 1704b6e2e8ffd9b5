"""shop/getShops and the platform authorization flow: authentication/getAuthorizeUrl and
exchangeAccessToken (docs/interfaces.md, "Shops and authorization"). State: ``cjsim/domain/shops.py``."""

from __future__ import annotations

from typing import Any

from cjsim.api.auth import TOKENS
from cjsim.api.bind import DomainView
from cjsim.call import Call
from cjsim.params import INT32_MAX, Field
from cjsim.routes import Route, route
from cjsim.shapes import INT, STR, arr, maybe, obj

SHOPS = arr(obj({"id": STR, "createDate": STR, "name": STR, "status": INT, "type": STR,
                 "updateDate": STR, "aliasName": maybe(STR), "email": maybe(STR),
                 "countryCode": STR, "currencyCode": STR}))


def authorize_url(call: Call) -> str:
    host = call.headers.get("Host") or "127.0.0.1"
    p = call.params
    return call.sim.domain.shops.authorize_start(
        call.open_id, call.now_us, f"http://{host}", shop_type=p.get("shopType"),
        redirect_uri=p.get("redirectUri"), state=p.get("state"))


def exchange_token(call: Call) -> dict[str, Any]:
    granted = call.sim.domain.shops.redeem(call.open_id, call.now_us, call.params["code"])
    profile = call.sim.profile
    return call.sim.tokens.issue(granted, call.now_us, profile.access_token_ttl_s,
                                 profile.refresh_token_ttl_s)


ROWS: list[Route] = [
    route("shop/getShops", "GET", DomainView("shops", "page"),
          Field("pageNum", "int", min=1, max=INT32_MAX, default=1),
          Field("pageSize", "int", min=1, max=200, default=50),
          data=SHOPS, family="shops", summary="The account's shops (added through the control API)."),
    route("authentication/getAuthorizeUrl", "GET", authorize_url,
          Field("shopType", "str", max_len=50), Field("redirectUri", "str", max_len=1000),
          Field("state", "str", max_len=200),
          data=STR, family="shops",
          summary="Start a platform authorization: the page a CJ user opens to approve it."),
    route("authentication/exchangeAccessToken", "POST", exchange_token,
          Field("code", "str", required=True, max_len=200),
          data=TOKENS, family="shops",
          summary="Trade an approved flow's code (once, within 10 minutes) for that user's tokens."),
]
