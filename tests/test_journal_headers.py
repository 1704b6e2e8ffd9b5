"""The journal reads a request's headers straight from the WSGI environ: the same names, values
and order as werkzeug's EnvironHeaders, credentials masked."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import EnvironHeaders

from cjsim.domain.ids import is_secret_name, mask_pairs
from cjsim.journal import _environ_headers

ENVIRON: dict[str, Any] = {
    "REQUEST_METHOD": "POST", "PATH_INFO": "/api2.0/v1/x", "HTTP_HOST": "h", "CONTENT_TYPE": "",
    "CONTENT_LENGTH": "12", "HTTP_CONTENT_TYPE": "dropped", "HTTP_CONTENT_LENGTH": "3",
    "HTTP_X_WEIRD__NAME": "a", "HTTP_CJ_ACCESS_TOKEN": "API@CJ1@CJ:secret", "wsgi.input": None,
    "HTTP_": "empty name", "HTTP_ACCEPT": "", "SERVER_NAME": "s", "HTTP_USER_AGENT": "ua/1",
}


def test_the_environs_headers_are_werkzeugs() -> None:
    for _ in range(2):  # the names are cached after the first request
        assert list(_environ_headers(ENVIRON)) == list(EnvironHeaders(ENVIRON).items())


def test_a_cached_secret_name_is_still_masked() -> None:
    pairs = [("Cj-Access-Token", "API@CJ1@CJ:secretvalue"), ("X-Api-Key", "k" * 20), ("Accept", "*/*")]
    for _ in range(2):
        assert mask_pairs(pairs) == [("Cj-Access-Token", "API@…alue"), ("X-Api-Key", "kkkk…kkkk"),
                                     ("Accept", "*/*")]
    assert is_secret_name("apiKey") and not is_secret_name("pid")


def test_query_pairs_are_the_multidicts_items() -> None:
    from werkzeug.datastructures import ImmutableMultiDict, MultiDict

    from cjsim.call import query_pairs

    pairs = [("b", "1"), ("a", "x"), ("b", "2"), ("c", "")]
    for query in (MultiDict(pairs), ImmutableMultiDict(pairs)):
        assert query_pairs(query) == list(query.items(multi=True)) == [("b", "1"), ("b", "2"), ("a", "x"), ("c", "")]
