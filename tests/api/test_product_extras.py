"""Comments, image search, My Products and sourcing: shapes, bounds, codes, the clock."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.live import live
from tests.shop import DAY, DEMO_SKU, Shop, new_sim, order_body


def _demo_pid(shop: Shop) -> str:
    return str(shop.ok("GET", "product/query", query_string={"productSku": DEMO_SKU})["pid"])


def _busy_pid(shop: Shop) -> str:
    """An online product with several comments (the seed decides which)."""
    cat = shop.sim.catalogue
    return next(p.pid for p in cat.products
                if p.online and int(cat.product_comments(p.pid)["total"]) >= 5)


def _whitelist(shop: Shop) -> None:
    response = shop.sim.app.test_client().patch(f"/__cjsim/accounts/{shop.open_id}",
                                                json={"imageSearch": True})
    assert response.status_code == 200 and response.get_json()["imageSearch"] is True


# -- comments ----------------------------------------------------------------------------------

def test_product_comments_shape_paging_and_score(shop: Shop) -> None:
    pid = _busy_pid(shop)
    data = shop.ok("GET", "product/productComments", query_string={"pid": pid})
    assert list(data) == ["pageNum", "pageSize", "total", "list"]
    first = data["list"][0]
    assert list(first) == ["commentId", "pid", "comment", "commentDate", "commentUser", "score",
                           "commentUrls", "countryCode", "flagIconUrl"]
    dates = [c["commentDate"] for c in data["list"]]
    assert dates == sorted(dates, reverse=True)
    page = shop.ok("GET", "product/productComments", query_string={"pid": pid, "pageSize": 2,
                                                                   "pageNum": 2})
    assert [c["commentId"] for c in page["list"]] == [c["commentId"] for c in data["list"][2:4]]
    score = first["score"]
    only = shop.ok("GET", "product/productComments", query_string={"pid": pid, "score": score})
    assert only["list"] and {c["score"] for c in only["list"]} == {score}
    assert shop.ok("GET", "product/comments", query_string={"pid": pid}) == data


def test_comments_are_seeded_and_leave_the_products_alone() -> None:
    a, b = new_sim(seed=3), new_sim(seed=3)
    try:
        pid = a.catalogue.products[4].pid
        assert a.catalogue.product_comments(pid) == b.catalogue.product_comments(pid)
        other = new_sim(seed=4)
        pid4 = other.catalogue.products[4].pid
        assert other.catalogue.product_comments(pid4) != a.catalogue.product_comments(pid)
        other.close()
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("query", [{}, {"pid": "x", "score": "6"}, {"pid": "x", "score": "a"},
                                   {"pid": "x", "pageSize": "201"}])
def test_comments_bad_queries_are_1600300(shop: Shop, query: dict[str, str]) -> None:
    assert shop.get("product/productComments", **query)["code"] == 1600300


def test_comments_of_an_unknown_or_offline_product_are_1602001(shop: Shop) -> None:
    offline = next(p.pid for p in shop.sim.catalogue.products if not p.online)
    assert shop.get("product/productComments", pid="nope")["code"] == 1602001
    assert shop.get("product/comments", pid=offline)["code"] == 1602001


# -- image search --------------------------------------------------------------------------------

def test_image_search_is_for_whitelisted_accounts_only(shop: Shop) -> None:
    answer = shop.post("product/queryProductsByImage", {"image": "https://example.com/a.jpg"})
    assert answer["code"] == 1600001 and "whitelist" in shop.sim.journal()[-1]["detail"]
    _whitelist(shop)
    assert shop.post("product/queryProductsByImage",
                     {"image": "https://example.com/a.jpg"})["code"] == 200


def test_image_search_by_url_and_by_base64(shop: Shop) -> None:
    _whitelist(shop)
    product = shop.ok("GET", "product/query", query_string={"productSku": DEMO_SKU})
    hits = shop.ok("POST", "product/queryProductsByImage",
                   json={"image": product["productImageSet"][1], "size": 3})
    assert len(hits) == 3 and hits[0]["pid"] == product["pid"]
    assert list(hits[0]) == ["pid", "productNameEn", "productSku", "productImage", "sellPrice",
                             "categoryId", "similarity"]
    raw = base64.b64encode(b"\x89PNG fake image bytes").decode()
    one = shop.ok("POST", "product/queryProductsByImage", json={"image": raw})
    again = shop.ok("POST", "product/queryProductsByImage",
                    json={"image": f"data:image/png;base64,{raw}"})
    assert [h["pid"] for h in one] == [h["pid"] for h in again] and len(one) == 10


@pytest.mark.parametrize("body", [{}, {"image": "not an image!"}, {"image": 5},
                                  {"image": "https://x.y/a.jpg", "size": 0},
                                  {"image": "https://x.y/a.jpg", "size": 51}])
def test_image_search_bad_bodies_are_1600300(shop: Shop, body: dict[str, Any]) -> None:
    _whitelist(shop)
    assert shop.post("product/queryProductsByImage", body)["code"] == 1600300


def test_the_image_search_flag_is_checked_by_the_control_api(shop: Shop) -> None:
    response = shop.sim.app.test_client().patch(f"/__cjsim/accounts/{shop.open_id}",
                                                json={"imageSearch": "yes"})
    assert response.status_code == 400 and "imageSearch" in response.get_json()["error"]


# -- My Products ---------------------------------------------------------------------------------

def test_my_products_add_and_query(shop: Shop, other: Shop) -> None:
    pid = _demo_pid(shop)
    assert shop.ok("POST", "product/addToMyProduct", json={"productId": pid}) is True
    assert shop.ok("POST", "product/addToMyProduct", json={"productId": pid}) is True  # again
    data = shop.ok("GET", "product/myProduct/query")
    assert list(data) == ["pageSize", "pageNumber", "totalRecords", "totalPages", "content"]
    assert data["totalRecords"] == 1 and data["content"][0]["productId"] == pid
    assert shop.ok("GET", "product/myProduct/query",
                   query_string={"keyword": "magnetic"})["totalRecords"] == 1
    assert shop.ok("GET", "product/myProduct/query",
                   query_string={"keyword": "sofa"})["totalRecords"] == 0
    assert other.ok("GET", "product/myProduct/query")["totalRecords"] == 0


def test_my_products_errors(shop: Shop) -> None:
    offline = next(p.pid for p in shop.sim.catalogue.products if not p.online)
    assert shop.post("product/addToMyProduct", {"productId": "nope"})["code"] == 1602001
    assert shop.post("product/addToMyProduct", {"productId": offline})["code"] == 1602001
    assert shop.post("product/addToMyProduct", {})["code"] == 1600300
    assert shop.get("product/myProduct/query", pageSize="101")["code"] == 1600300
    assert shop.get("product/myProduct/query", startAt="2026-13-01")["code"] == 1600300


# -- sourcing ------------------------------------------------------------------------------------

def _source(shop: Shop, name: str, **extra: Any) -> str:
    body = {"productName": name, "productImage": "https://example.com/p.jpg", **extra}
    return str(shop.ok("POST", "product/sourcing/create", json=body)["cjSourcingId"])


def _status(shop: Shop, sid: str) -> dict[str, Any]:
    return shop.ok("POST", "product/sourcing/query",  # type: ignore[no-any-return]
                   json={"sourceIds": [sid]})[0]


def test_sourcing_moves_on_the_clock_and_ends_in_a_product(shop: Shop) -> None:
    sid = _source(shop, "magnetic phone case", thirdProductId="shop-1", price="2.5")
    first = _status(shop, sid)
    assert (first["sourceStatus"], first["sourceStatusStr"], first["cjProductId"]) == (
        1, "PENDING", None)
    shop.sim.clock.advance(3_600)
    assert _status(shop, sid)["sourceStatusStr"] == "PROCESSING"
    shop.sim.clock.advance(2 * DAY)
    done = _status(shop, sid)
    assert done["sourceStatusStr"] == "FOUND" and done["finishDate"]
    assert shop.ok("GET", "product/query", query_string={"pid": done["cjProductId"]})[
        "productSku"] == DEMO_SKU
    assert done["cjVariantSku"].startswith(DEMO_SKU)


def test_sourcing_of_nothing_the_catalogue_has_is_refused(shop: Shop) -> None:
    sid = _source(shop, "quantum flux capacitor")
    shop.sim.clock.advance(3 * DAY)
    done = _status(shop, sid)
    assert (done["sourceStatus"], done["cjProductId"]) == (4, None)
    assert done["failReason"]


def test_sourcing_errors_and_other_accounts(shop: Shop, other: Shop) -> None:
    sid = _source(shop, "phone case", thirdProductId="p-9")
    duplicate = shop.post("product/sourcing/create", {
        "productName": "phone case", "productImage": "https://e.com/x.jpg",
        "thirdProductId": "p-9"})
    assert duplicate["code"] == 1600300 and "p-9" in shop.sim.journal()[-1]["detail"]
    assert shop.post("product/sourcing/create", {"productName": "x"})["code"] == 1600300
    assert shop.post("product/sourcing/create", {"productName": "x", "productImage": "y",
                                                 "price": "-1"})["code"] == 1600300
    assert shop.post("product/sourcing/query", {"sourceIds": []})["code"] == 1600300
    assert shop.ok("POST", "product/sourcing/query", json={"sourceIds": ["nope", sid]})[0][
        "cjSourcingId"] == sid
    assert other.ok("POST", "product/sourcing/query", json={"sourceIds": [sid]}) == []


def test_sourcing_query_lists_every_request_without_ids(shop: Shop, other: Shop) -> None:
    """CJ's MCP server (query_sourcing) may send no sourceIds: ``{}``, or
    ``{"sourceStatuses": ["processing"], "pageNum": 1, "pageSize": 20}``; it needs a success
    envelope and prints ``data``."""
    first = _source(shop, "magnetic phone case")
    shop.sim.clock.advance(3_600)  # the first is PROCESSING now
    second = _source(shop, "quantum flux capacitor")
    _source(other, "phone case")
    every = shop.post("product/sourcing/query", {})
    assert (every["code"], every["result"]) == (200, True)
    assert [r["cjSourcingId"] for r in every["data"]] == [second, first]  # newest first
    busy = shop.ok("POST", "product/sourcing/query",
                   json={"sourceStatuses": ["processing"], "pageNum": 1, "pageSize": 20})
    assert [(r["cjSourcingId"], r["sourceStatusStr"]) for r in busy] == [(first, "PROCESSING")]
    assert [r["cjSourcingId"] for r in shop.ok("POST", "product/sourcing/query", json={
        "sourceStatuses": ["PENDING", "2"]})] == [second, first]
    shop.sim.clock.advance(3 * DAY)
    done = shop.ok("POST", "product/sourcing/query", json={"sourceStatuses": ["finished"]})
    assert {r["sourceStatusStr"] for r in done} == {"FOUND", "FAILED"} and len(done) == 2
    assert shop.ok("POST", "product/sourcing/query", json={"sourceStatuses": ["cancelled"]}) == []
    paged = shop.ok("POST", "product/sourcing/query", json={"pageNum": 2, "pageSize": 1})
    assert [r["cjSourcingId"] for r in paged] == [first]
    assert shop.post("product/sourcing/query", {"sourceStatuses": ["lost"]})["code"] == 1600300
    assert shop.post("product/sourcing/query", {"pageSize": 101})["code"] == 1600300


def test_sourcing_timings_are_domain_options() -> None:
    sim = new_sim(domain_options={"sourcing_accept_s": 10, "sourcing_done_s": 20})
    try:
        from tests.shop import shop_of
        shop = shop_of(sim)
        sid = _source(shop, "phone case")
        shop.sim.clock.advance(20)
        assert _status(shop, sid)["sourceStatusStr"] == "FOUND"
        with pytest.raises(ValueError, match="sourcing_done_s"):
            new_sim(domain_options={"sourcing_accept_s": 10, "sourcing_done_s": 5})
    finally:
        sim.close()


# -- the families end to end over a real socket ----------------------------------------------------

def test_full_flow_over_http_sourcing_to_order() -> None:
    sim = new_sim()
    try:
        with live(sim) as client:
            created = client.ok("POST", "product/sourcing/create", body={
                "productName": "phone case", "productImage": "https://example.com/p.jpg"})
            sim.clock.advance(3 * DAY)
            found = client.ok("POST", "product/sourcing/query",
                              body={"sourceIds": [created["cjSourcingId"]]})[0]
            assert found["sourceStatusStr"] == "FOUND"
            assert client.ok("POST", "product/addToMyProduct",
                             body={"productId": found["cjProductId"]}) is True
            mine = client.ok("GET", "product/myProduct/query")
            assert mine["content"][0]["productId"] == found["cjProductId"]
            comments = client.ok("GET", "product/productComments",
                                 query={"pid": found["cjProductId"]})
            assert int(comments["total"]) == len(comments["list"])
            order = client.ok("POST", "shopping/order/createOrderV2",
                              body=order_body(found["cjVariantId"]))
            assert order["orderId"]
    finally:
        sim.close()


def test_sourcing_query_list_is_the_get_form_of_sourcing_query(shop: Shop, other: Shop) -> None:
    first, second = _source(shop, "phone case"), _source(shop, "quantum flux capacitor")
    listed = shop.ok("GET", "product/sourcing/queryList",
                     query_string=[("sourceIds", second), ("sourceIds", "nope"), ("sourceIds", first)])
    assert [s["cjSourcingId"] for s in listed] == [second, first]
    assert listed[1] == _status(shop, first)
    joined = shop.ok("GET", "product/sourcing/queryList", query_string={"sourceIds": f"{first},{second}"})
    assert [s["cjSourcingId"] for s in joined] == [first, second]
    assert other.ok("GET", "product/sourcing/queryList", query_string={"sourceIds": first}) == []
    assert shop.get("product/sourcing/queryList")["code"] == 1600300
    too_many = ",".join(f"s{i}" for i in range(101))
    assert shop.get("product/sourcing/queryList", sourceIds=too_many)["code"] == 1600300
    assert shop.post("product/sourcing/queryList", {"sourceIds": [first]})["code"] == 1600300
