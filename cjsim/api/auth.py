"""authentication/getAccessToken, refreshAccessToken, logout (docs/endpoints.md, "auth"; docs/rules.md, "Tokens")."""

from __future__ import annotations

from typing import Any

from cjsim.call import Call, presented_token
from cjsim.domain.ids import digest
from cjsim.errors import CJError, illegal
from cjsim.params import Field
from cjsim.routes import Route, route
from cjsim.shapes import BOOL, INT, STR, obj

_PAIR = {"accessToken": STR, "accessTokenExpiryDate": STR, "refreshToken": STR,
         "refreshTokenExpiryDate": STR, "createDate": STR}
TOKENS = obj({"openId": INT, **_PAIR})
# the three body forms of getAccessToken (docs/rules.md, "Tokens"); _credentials() parses them
CREDENTIALS = {"oneOf": [
    {"type": "object", "required": ["apiKey"], "properties": {"apiKey": STR}},
    {"type": "object", "required": ["email", "password"], "properties": {"email": STR, "password": STR}},
    {"type": "object", "required": ["email", "apiKey"], "properties": {"email": STR, "apiKey": STR}},
]}


def _credentials(body: Any) -> tuple[str, str | None, str]:
    """(form, email, secret) of the three body forms; 1600300 for anything else."""
    if not isinstance(body, dict):
        raise illegal("the body must be a JSON object")
    email, api_key, password = body.get("email"), body.get("apiKey"), body.get("password")
    for name, value in (("email", email), ("apiKey", api_key), ("password", password)):
        if value is not None and not isinstance(value, str):
            raise illegal(f"{name} must be a string")
    if email:
        secret = api_key or password
        if not secret:
            raise illegal("give apiKey, or email with password (the API key)")
        return "email", email, secret
    if api_key:
        return "apiKey", None, api_key
    raise illegal("give apiKey, or email with password (the API key)")


def login_subject(call: Call) -> str | None:
    """The account a getAccessToken call names: its openId, else the credential's digest."""
    try:
        _form, email, secret = _credentials(call.body)
    except CJError:
        return None
    accounts = call.sim.accounts
    account = accounts.by_email(email) if email else accounts.by_api_key(secret)
    if account is not None:
        return str(account.open_id)
    return "cred:" + digest(email or secret)[:16]


def refresh_subject(call: Call) -> str | None:
    body = call.body
    if not isinstance(body, dict) or not isinstance(body.get("refreshToken"), str):
        return None
    owner = call.sim.tokens.refresh_owner(body["refreshToken"])
    return str(owner) if owner is not None else "cred:" + digest(body["refreshToken"])[:16]


def get_access_token(call: Call) -> dict[str, Any]:
    _form, email, secret = _credentials(call.body)
    accounts = call.sim.accounts
    if email is not None:
        account = accounts.by_email(email)
        if account is None:
            raise CJError(1601000, reason="login:unknown-email")
        if not account.has_key(secret):  # digests compared, in constant time
            raise CJError(1600001, reason="login:wrong-key")
    else:
        account = accounts.by_api_key(secret)
        if account is None:
            raise CJError(1600001, reason="login:unknown-key")
    call.account = account
    profile = call.sim.profile
    return call.sim.tokens.issue(account.open_id, call.now_us, profile.access_token_ttl_s,
                                 profile.refresh_token_ttl_s)


def refresh_access_token(call: Call) -> dict[str, Any]:
    profile = call.sim.profile
    data = call.sim.tokens.refresh(call.params["refreshToken"], call.now_us,
                                   profile.access_token_ttl_s, profile.refresh_token_ttl_s)
    owner = call.sim.accounts.get(call.subject or "") if call.subject else None
    if owner is not None:
        call.account = owner
    return data


def logout(call: Call) -> bool:
    call.sim.tokens.logout(presented_token(call.headers))
    return True


ROWS: list[Route] = [
    route("authentication/getAccessToken", "POST", get_access_token,
          auth=False, login=True, subject=login_subject, family="auth",
          data=TOKENS, request=CREDENTIALS, errors=(1600001, 1601000),
          summary="Log in; the JSON body is {apiKey}, {email, password} (password = the API key) "
                  "or {email, apiKey}. Returns the token pair and the openId."),
    route("authentication/refreshAccessToken", "POST", refresh_access_token,
          Field("refreshToken", "str", required=True),
          auth=False, login=True, subject=refresh_subject, family="auth",
          data=obj(_PAIR), errors=(1600003,),
          summary="A new token pair; the old access token and the used refresh token die."),
    route("authentication/logout", "POST", logout, data=BOOL, family="auth", body="json_or_empty",
          summary="Revokes the access token and its refresh token."),
]
