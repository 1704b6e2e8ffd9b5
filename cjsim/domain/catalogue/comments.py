"""Product comments (``product/productComments`` and the deprecated ``product/comments``) and
the image search (``product/queryProductsByImage``): catalogue answers with no account state.

Why comments come from their own random stream: the generated model is pinned (see
``tests/domain/test_catalogue_fingerprint.py``) and comments are no part of it. Each product's
comments are drawn from ``random.Random("<seed>|comments|<pid>")``, so the same seed gives the
same comments, the products do not change, and a product's comments cost nothing until asked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import random
import re
from typing import Any

from cjsim.clock import US
from cjsim.domain.catalogue.formats import china_iso
from cjsim.domain.catalogue.index import CatalogueIndex
from cjsim.domain.catalogue.model import IMAGE_HOST, Product
from cjsim.errors import illegal

_TEXTS = (
    "Exactly as described, arrived well packed.", "Good quality for the price.",
    "Shipping took a while but the item is fine.", "My customer loved it, ordering again.",
    "Colour is a little darker than the photo.", "Works as expected.",
    "Smaller than I thought, check the size chart.", "Great value, fast delivery.",
    "One piece was scratched, the rest perfect.", "Solid build, would recommend.",
)
_COUNTRIES = ("US", "GB", "DE", "FR", "AU", "CA", "ES", "IT", "BR", "NL")
_NAMES = ("Anna", "James", "Maria", "John", "Sofia", "Lucas", "Emma", "Noah", "Mia", "Liam")
_SCORES = (5, 5, 5, 5, 4, 4, 4, 3, 2, 1)
LAST_COMMENT_US = 1_767_139_200 * US  # 2025-12-31: comments are dated between a product's
# creation and this day
MAX_IMAGE_CHARS = 4_000_000  # a base64 image of about 3 MB
_URL = re.compile(r"^https?://[^\s/]+/\S*$", re.IGNORECASE)


class CommentViews(CatalogueIndex):
    """productComments, comments (deprecated) and queryProductsByImage."""

    def _comments(self, p: Product) -> list[dict[str, Any]]:
        rng = random.Random(f"{self.seed}|comments|{p.pid}")
        count = min(40, int(rng.expovariate(1 / 8)))
        out = []
        span = max(1, (LAST_COMMENT_US - p.create_us) // US)
        for _ in range(count):
            at = p.create_us + rng.randrange(span) * US
            country = rng.choice(_COUNTRIES)
            name = rng.choice(_NAMES)
            photos = [f"{IMAGE_HOST}/c/{p.pid[:8]}-{rng.randrange(10_000):04d}.jpg"
                      for _ in range(rng.choice((0, 0, 0, 1, 2)))]
            out.append({
                "commentId": str(rng.randrange(10**18, 10**19)), "pid": p.pid,
                "comment": rng.choice(_TEXTS), "commentDate": china_iso(at),
                "commentUser": f"{name[0]}***{name[-1]}", "score": str(rng.choice(_SCORES)),
                "commentUrls": photos, "countryCode": country,
                "flagIconUrl": f"{IMAGE_HOST}/flags/{country.lower()}.png",
            })
        out.sort(key=lambda c: (c["commentDate"], c["commentId"]), reverse=True)
        return out

    def product_comments(self, pid: str, score: int | None = None, page_num: int = 1,
                         page_size: int = 20) -> dict[str, Any]:
        """A product's comments, newest first; ``score`` keeps that score only."""
        items = self._comments(self.product(pid))
        if score is not None:
            items = [c for c in items if c["score"] == str(score)]
        start = (page_num - 1) * page_size
        return {"pageNum": str(page_num), "pageSize": str(page_size), "total": str(len(items)),
                "list": items[start:start + page_size]}

    def comments(self, pid: str, score: int | None = None, page_num: int = 1,
                 page_size: int = 20) -> dict[str, Any]:
        """The deprecated ``product/comments``: the same answer as productComments."""
        return self.product_comments(pid, score, page_num, page_size)

    # -- image search ------------------------------------------------------------------------

    def query_products_by_image(self, image: str, size: int = 10) -> list[dict[str, Any]]:
        """Products that look like ``image`` (a URL or base64 data): a catalogue image's own
        product first, then a stable pick derived from the image's bytes."""
        text = image.strip()
        if _URL.match(text):
            data = text.encode()
        else:
            raw = text.split(",", 1)[1] if text.startswith("data:") and "," in text else text
            if len(raw) > MAX_IMAGE_CHARS:
                raise illegal(f"image is larger than {MAX_IMAGE_CHARS} base64 characters")
            try:
                data = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                data = b""
            if not data:
                raise illegal("image must be an http(s) URL or base64 image data")
        online = self._online()
        if not online:
            return []
        first = [p for p in online if any(img in text for img in p.images)]
        digest = int.from_bytes(hashlib.sha256(data).digest()[:8], "big")
        start = digest % len(online)
        rest = [p for p in online[start:] + online[:start] if p not in first]
        picked = (first + rest)[:size]
        return [{"pid": p.pid, "productNameEn": p.name_en, "productSku": p.sku,
                 "productImage": p.images[0], "sellPrice": p.sell_price,
                 "categoryId": p.category_id, "similarity": str(round(0.99 - i * 0.03, 2))}
                for i, p in enumerate(picked)]
