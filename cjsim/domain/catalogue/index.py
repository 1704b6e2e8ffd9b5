"""The index of a catalogue: its products by every id CJ accepts, and the shared look-ups.

Every view (:mod:`.views`, :mod:`.search`) is a method of a subclass of
:class:`CatalogueIndex`; a look-up several views need (by an id, a SKU, a category subtree,
the stock of a product) belongs here. New per-product indexes are built in ``__init__``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cjsim.domain.catalogue.model import WAREHOUSES, Category, Product, Reserved, Variant, levels
from cjsim.errors import CJError, illegal


class CatalogueIndex:
    """Categories and products, indexed. Immutable once built, so shareable between threads."""

    def __init__(self, categories: Sequence[Category], products: Sequence[Product],
                 seed: int | None = None,
                 splits: Mapping[tuple[str, str], tuple[tuple[str, int, int], ...]] | None = None,
                 removed: Mapping[str, frozenset[str]] | None = None) -> None:
        self.seed = seed
        # pid -> vids (upper case) taken off the shelf by a change (cjsim/domain/catalogue/changes.py)
        self._removed: Mapping[str, frozenset[str]] = dict(removed or {})
        # (vid, country) -> explicit (storageId, cj, factory) rows: a control-API change of one
        # storage's stock (cjsim/domain/catalogue/warehouses.py); the model does not hold them
        self._splits: Mapping[tuple[str, str], tuple[tuple[str, int, int], ...]] = dict(splits or {})
        self.categories: tuple[Category, ...] = tuple(categories)
        self.products: tuple[Product, ...] = tuple(products)
        self._cat = {c.id.upper(): c for c in self.categories}
        self._children: dict[str, list[Category]] = {}
        for c in self.categories:
            if c.parent_id is not None:
                self._children.setdefault(c.parent_id.upper(), []).append(c)
        self._by_pid: dict[str, Product] = {}
        self._by_sku: dict[str, Product] = {}
        self._by_vid: dict[str, tuple[Product, Variant]] = {}
        self._by_vsku: dict[str, tuple[Product, Variant]] = {}
        self._index = {p.pid: i for i, p in enumerate(self.products)}
        # answers' parts that never change, built on first use (products are immutable)
        self._product_heads: dict[str, dict[str, Any]] = {}
        self._variant_heads: dict[str, dict[str, Any]] = {}
        for p in self.products:
            self._by_pid[p.pid.upper()] = p
            self._by_pid[p.alias] = p
            self._by_sku[p.sku.upper()] = p
            for v in p.variants:
                self._by_vid[v.vid.upper()] = (p, v)
                self._by_vsku[v.sku.upper()] = (p, v)
        self._check()

    def _check(self) -> None:
        """Refuse a catalogue the endpoints cannot answer from (mostly for pinned files)."""
        for p in self.products:
            cat = self._cat.get(p.category_id.upper())
            if cat is None or cat.level != 3:
                raise ValueError(f"product {p.sku}: category {p.category_id} is not level 3")
            if not p.variants:
                raise ValueError(f"product {p.sku} has no variants")
            for v in p.variants:
                for s in v.stock:
                    if s.country not in WAREHOUSES:
                        raise ValueError(f"variant {v.sku}: {s.country} is no warehouse country")
        if len(self._by_sku) != len(self.products):
            raise ValueError("product SKUs are not unique")


    @property
    def splits(self) -> Mapping[tuple[str, str], tuple[tuple[str, int, int], ...]]:
        return self._splits

    def removed_vids(self, pid: str) -> frozenset[str]:
        """The vids of ``pid`` a change took off the shelf (they answer 1602000)."""
        return self._removed.get(pid, frozenset())

    def was_removed(self, vid: str) -> bool:
        """Whether a change took this vid off the shelf."""
        wanted = vid.strip().upper()
        return any(wanted in {v.upper() for v in vids} for vids in self._removed.values())

    def find_variant(self, vid: str) -> tuple[Product, Variant] | None:
        """By vid, online or not; None if unknown (no CJ error)."""
        return self._by_vid.get(vid.strip().upper())

    def find_variant_by_sku(self, sku: str) -> Variant | None:
        found = self._by_vsku.get(sku.strip().upper())
        return found[1] if found else None

    def find_product(self, pid: str) -> Product | None:
        """By pid or alias, online or not; None if unknown (no CJ error)."""
        return self._by_pid.get(pid.strip().upper())


    # -- lookups ----------------------------------------------------------------------------

    def product(self, pid: str, include_offline: bool = False) -> Product:
        """By pid (UUID, any case) or its 19-digit alias; unknown or offline -> 1602001."""
        p = self._by_pid.get(pid.strip().upper())
        if p is None or not (p.online or include_offline):
            raise CJError(1602001, detail=f"pid {pid}")
        return p

    def product_by_sku(self, sku: str, include_offline: bool = False) -> Product:
        p = self._by_sku.get(sku.strip().upper())
        if p is None or not (p.online or include_offline):
            raise CJError(1602001, detail=f"productSku {sku}")
        return p

    def variant(self, vid: str, include_offline: bool = False) -> Variant:
        """Unknown vid -> 1602000; a vid of an offline product -> 1602001."""
        found = self._by_vid.get(vid.strip().upper())
        if found is None:
            raise CJError(1602000, detail=f"vid {vid}")
        if not (found[0].online or include_offline):
            raise CJError(1602001, detail=f"vid {vid}: product offline")
        return found[1]

    def variant_by_sku(self, sku: str, include_offline: bool = False) -> Variant:
        found = self._by_vsku.get(sku.strip().upper())
        if found is None or not (found[0].online or include_offline):
            raise CJError(1602001, detail=f"variantSku {sku}")
        return found[1]

    def product_of(self, variant: Variant) -> Product:
        return self._by_pid[variant.pid.upper()]

    def category(self, category_id: str) -> Category | None:
        return self._cat.get(category_id.strip().upper())

    def category_path(self, category_id: str) -> tuple[Category, ...]:
        """Level 1 .. the given level."""
        path: list[Category] = []
        cat = self.category(category_id)
        while cat is not None:
            path.insert(0, cat)
            cat = self.category(cat.parent_id) if cat.parent_id else None
        return tuple(path)

    def available(self, vid: str, country: str, reserved: Reserved | None = None) -> int:
        """Units of ``vid`` that an order from ``country``'s warehouse can still take."""
        v = self.variant(vid, include_offline=True)
        code = country.upper()
        return sum(cj + f for c, cj, f in levels(v, reserved) if c == code)

    # -- shared pieces ----------------------------------------------------------------------

    def subtree(self, category_id: str) -> set[str]:
        """The level-3 ids under any category id (itself when level 3); empty if unknown."""
        return self._subtree(category_id)

    def _subtree(self, category_id: str) -> set[str]:
        """The level-3 ids under any category id (itself when level 3); empty if unknown."""
        root = self.category(category_id)
        if root is None:
            return set()
        out, todo = set(), [root]
        while todo:
            c = todo.pop()
            if c.level == 3:
                out.add(c.id)
            todo.extend(self._children.get(c.id.upper(), ()))
        return out

    def _path_name(self, p: Product) -> str:
        return " / ".join(c.name for c in self.category_path(p.category_id))

    def _stock_of(self, p: Product, reserved: Reserved | None,
                  country: str | None = None) -> int:
        return sum(cj + f for v in p.variants for c, cj, f in levels(v, reserved)
                   if country is None or c == country)

    def _online(self) -> list[Product]:
        return [p for p in self.products if p.online]

    def _sorted(self, items: list[Product], key: Callable[[Product], Any],
                desc: bool) -> list[Product]:
        """Stable: ties keep catalogue order whichever the direction."""
        return sorted(items, key=key, reverse=desc)

    def _verified(self, p: Product) -> int:
        return 2 if p.product_type == "SUPPLIER_PRODUCT" else 1


    def _resolve(self, pid: str | None, product_sku: str | None,
                 variant_sku: str | None) -> tuple[Product, Variant | None]:
        """The first of pid, productSku, variantSku wins (docs/endpoints.md, product/query)."""
        if pid:
            return self.product(pid), None
        if product_sku:
            return self.product_by_sku(product_sku), None
        if variant_sku:
            v = self.variant_by_sku(variant_sku)
            return self.product_of(v), v
        raise illegal("one of pid, productSku or variantSku is required")

