"""The :class:`Catalogue`: the index plus every view, built by the generator or from a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjsim.domain.catalogue import pinned
from cjsim.domain.catalogue.comments import CommentViews
from cjsim.domain.catalogue.search import SearchViews
from cjsim.domain.catalogue.views import ProductViews

if TYPE_CHECKING:
    from collections.abc import Mapping


class Catalogue(SearchViews, ProductViews, CommentViews):
    """Categories and products with look-ups and the ``data`` of every product endpoint.

    Immutable once built: :func:`~cjsim.domain.catalogue.changes.apply` returns a new catalogue
    (control-API edits of price, status or description), so a catalogue can be shared between
    threads. A view for a
    new family of endpoints is a mixin subclass of
    :class:`~cjsim.domain.catalogue.index.CatalogueIndex` in its own module, added to the bases
    here.
    """

    def to_dict(self) -> dict[str, Any]:
        return pinned.to_document(self.seed, self.categories, self.products)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Catalogue:
        cats, items, seed = pinned.from_document(doc)
        return cls(cats, items, seed=seed)

    @classmethod
    def from_json(cls, path: str | Path) -> Catalogue:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
