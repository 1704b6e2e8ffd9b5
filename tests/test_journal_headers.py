"""The journal reads a request's headers straight from the WSGI environ: the same names, values
and order as werkzeug's EnvironHeaders, credentials masked."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import EnvironHeaders

from cjsim.domain.ids import is_secret_name, mask_pairs
from cjsim.journal import _journal_headers

ENVIRON: dict[str, Any] = {
    "REQUEST_METHOD": "POST", "PATH_INFO": "/api2.0/v1/x", "HTTP_HOST": "h", "CONTENT_TYPE": "",
    "CONTENT_LENGTH": "12", "HTTP_CONTENT_TYPE": "dropped", "HTTP_CONTENT_LENGTH": "3",
    "HTTP_X_WEIRD__NAME": "a", "HTTP_CJ_ACCESS_TOKEN": "API@CJ1@CJ:secret", "wsgi.input": None,
    "HTTP_": "empty name", "HTTP_ACCEPT": "", "SERVER_NAME": "s", "HTTP_USER_AGENT": "ua/1",
}


def test_the_environs_headers_are_werkzeugs() -> None:
    plain = {k: v for k, v in ENVIRON.items() if k != "HTTP_CJ_ACCESS_TOKEN"}  # nothing to mask
    for _ in range(2):  # the names are cached after the first request
        assert list(_journal_headers(_call(plain))) == list(EnvironHeaders(plain).items())


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


def _call(environ: dict[str, Any], query: str = "") -> Any:
    from cjsim.call import Call
    from cjsim.pipeline import _query_args

    return Call(sim=None, method="GET", path="/x", ip="1.2.3.4", now_us=0,  # type: ignore[arg-type]
                journal_id=1, query=_query_args(query), headers=EnvironHeaders(environ),
                query_text=query)


def test_the_journals_headers_are_werkzeugs_cut_and_masked() -> None:
    from cjsim.journal import HEADER_VALUE_MAX, HEADERS_MAX

    environ = {**ENVIRON, "HTTP_X_LONG": "v" * (HEADER_VALUE_MAX + 10),
               "HTTP_AUTHORIZATION": "Bearer " + "t" * (HEADER_VALUE_MAX + 10)}
    cut = [(n, v if len(v) <= HEADER_VALUE_MAX else v[:HEADER_VALUE_MAX] + "…")
           for n, v in EnvironHeaders(environ).items()]
    for _ in range(2):  # the second time from the plan the first one made
        kept = _journal_headers(_call(environ))
        assert list(kept) == mask_pairs(cut)
        assert ("Cj-Access-Token", "API@…cret") in kept and ("User-Agent", "ua/1") in kept
        assert ("X-Long", "v" * HEADER_VALUE_MAX + "…") in kept
        assert dict(kept)["Authorization"] == "Bear…ttt…"
    many = {f"HTTP_X_{i}": "x" for i in range(HEADERS_MAX + 5)}
    assert len(_journal_headers(_call(many))) == HEADERS_MAX


def test_a_query_with_a_credential_is_masked_and_never_kept() -> None:
    from cjsim import journal

    secret = "apiKey=CJ123%40api%40" + "a" * 32 + "&pid=1"
    for _ in range(2):
        assert journal._journal_query(_call({}, secret)) == (("apiKey", "CJ12…aaaa"), ("pid", "1"))
    assert secret not in journal._QUERY_PAIRS
    plain = "pid=2&pid=3&features=enable_video"
    for _ in range(2):
        assert journal._journal_query(_call({}, plain)) == (("pid", "2"), ("pid", "3"),
                                                            ("features", "enable_video"))
    assert plain in journal._QUERY_PAIRS


def test_a_long_query_string_is_parsed_anew_and_never_kept() -> None:
    """Clients choose their query strings: only short ones are kept for the next request,
    so the caches stay small whatever is sent."""
    from cjsim import journal, pipeline

    long = "pid=" + "x" * pipeline.CACHED_QUERY_MAX
    first = pipeline._query_args(long)
    assert first.getlist("pid") == ["x" * pipeline.CACHED_QUERY_MAX]
    assert pipeline._query_args(long) is not first and long not in pipeline._QUERIES
    assert journal._journal_query(_call({}, long)) == (("pid", "x" * pipeline.CACHED_QUERY_MAX),)
    assert long not in journal._QUERY_PAIRS
    short = "pid=" + "y" * 100
    assert pipeline._query_args(short) is pipeline._query_args(short)
