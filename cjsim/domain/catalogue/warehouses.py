"""Storages (CJ's sub-warehouses): ``warehouse/detail``, ``product/globalWarehouseList`` and the
per-storage ``stock[]`` rows every inventory answer carries (CJ added them in November 2025).

Why storages are a fixed table and not generated: CJ's storage ids are its own, the same for
every account, and clients keep them (CJ's platform-logistics flow reads a ``stockId`` from
``getInventoryByPid``, asks ``warehouse/detail`` about it and orders with ``storageId``). So
each warehouse country has one or two storages with stable 32-hex ids, whatever the seed.

How a variant's stock is split between the storages of a country, without a new draw (the
generated model, and so the pinned fingerprints, stay as they were): the first storage holds
a share of CJ's own units taken from the variant's vid (which the seed made) and all factory
units; the second storage the rest. A control-API change of one storage's stock is kept as an
explicit split (``splits``) of the catalogue, never in the model.

Reservations per storage are ``reserved(vid, "CC|<storageId>")``; the country total stays
``reserved(vid, "CC")`` (orders write both, see ``cjsim/domain/orders.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from cjsim.domain.catalogue.index import CatalogueIndex
from cjsim.domain.catalogue.model import WAREHOUSES, Reserved, Variant
from cjsim.errors import illegal

StorageRow = tuple["Storage", int, int]  # (storage, cj units, factory units)
Split = tuple[tuple[str, int, int], ...]  # explicit split of one variant/country: (id, cj, factory)


def _storage_id(name: str) -> str:
    """A stable 32-hex id (CJ's form), the same for every seed and every run."""
    return hashlib.md5(f"cjsim-storage|{name}".encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Storage:
    id: str
    name: str
    country: str
    province: str
    city: str
    address1: str
    phone: str
    zip_code: str
    brands: tuple[str, ...]
    self_pickup: int

    def detail(self) -> dict[str, Any]:
        """The ``data`` of warehouse/detail."""
        return {
            "id": self.id, "name": self.name, "areaId": WAREHOUSES[self.country].area_id,
            "areaCountryCode": self.country, "address1": self.address1, "address2": None,
            "contacts": None, "phone": self.phone, "city": self.city, "province": self.province,
            "logisticsBrandList": [{"id": b, "name": b} for b in self.brands],
            "isSelfPickup": self.self_pickup, "zipCode": self.zip_code,
        }


def _storage(name: str, country: str, province: str, city: str, phone: str, zip_code: str,
             brands: tuple[str, ...], self_pickup: int = 0) -> Storage:
    return Storage(_storage_id(name), name, country, province, city, f"{city}, {province}",
                   phone, zip_code, brands, self_pickup)


_CN_BRANDS = ("CJPacket", "YunExpress", "DHL", "USPS")
# Per warehouse country, in areaId order; the first storage of a country is its main one.
STORAGES: tuple[Storage, ...] = (
    _storage("Yiwu Warehouse", "CN", "Zhejiang", "Yiwu", "+86-579-85000001", "322000", _CN_BRANDS),
    _storage("Shenzhen Warehouse", "CN", "Guangdong", "Shenzhen", "+86-755-23000002", "518000",
             _CN_BRANDS, 1),
    _storage("Cranbury Warehouse", "US", "New Jersey", "Cranbury", "+1-609-5550101", "08512",
             ("USPS", "FedEx", "UPS", "DHL")),
    _storage("Chino Warehouse", "US", "California", "Chino", "+1-909-5550102", "91710",
             ("USPS", "FedEx", "UPS"), 1),
    _storage("Frankfurt Warehouse", "DE", "Hesse", "Frankfurt", "+49-69-5550103", "60311",
             ("DHL", "DPD")),
    _storage("Birmingham Warehouse", "GB", "West Midlands", "Birmingham", "+44-121-5550104",
             "B1 1AA", ("Royal Mail", "DPD")),
    _storage("Bangkok Warehouse", "TH", "Bangkok", "Bangkok", "+66-2-5550105", "10100",
             ("Kerry", "Flash")),
    _storage("Paris Warehouse", "FR", "Ile-de-France", "Paris", "+33-1-5550106", "75001",
             ("Colissimo", "DPD")),
    _storage("Sydney Warehouse", "AU", "New South Wales", "Sydney", "+61-2-5550107", "2000",
             ("Australia Post",)),
)
STORAGES_BY_ID: Mapping[str, Storage] = MappingProxyType({s.id: s for s in STORAGES})
STORAGES_OF: Mapping[str, tuple[Storage, ...]] = MappingProxyType({
    c: tuple(s for s in STORAGES if s.country == c) for c in WAREHOUSES
})


def storage(storage_id: str) -> Storage | None:
    return STORAGES_BY_ID.get(storage_id.strip().lower())


def _share(vid: str) -> int:
    """Percent of CJ's own units in a country's first storage: 30-90, from the vid."""
    return 30 + int(vid.replace("-", "")[-6:], 16) % 61


def base_split(variant: Variant, country: str, splits: Mapping[tuple[str, str], Split]) -> Split:
    """(storage id, cj, factory) of one variant in one country, before reservations."""
    explicit = splits.get((variant.vid, country))
    if explicit is not None:
        return explicit
    base = next((s for s in variant.stock if s.country == country), None)
    if base is None:
        return ()
    homes = STORAGES_OF[country]
    if len(homes) == 1:
        return ((homes[0].id, base.cj, base.factory),)
    first = base.cj * _share(variant.vid) // 100
    return ((homes[0].id, first, base.factory), (homes[1].id, base.cj - first, 0))


def storage_levels(variant: Variant, country: str, reserved: Reserved | None,
                   splits: Mapping[tuple[str, str], Split]) -> list[StorageRow]:
    """(storage, cj, factory) per storage of ``country``, after that storage's holds."""
    rows = []
    for sid, cj, factory in base_split(variant, country, splits):
        held = max(0, reserved(variant.vid, f"{country}|{sid}")) if reserved else 0
        rows.append((STORAGES_BY_ID[sid], max(0, cj - held), max(0, factory - max(0, held - cj))))
    return rows


class WarehouseViews(CatalogueIndex):
    """warehouse/detail, product/globalWarehouseList and the ``stock[]`` rows."""

    def warehouse_detail(self, id: str) -> dict[str, Any]:  # noqa: A002 - CJ's field name
        found = storage(id)
        if found is None:
            raise illegal(f"id {id} is no CJ storage (warehouse info not found)",
                          reason="unknown-storage")
        return found.detail()

    def global_warehouse_list(self) -> list[dict[str, Any]]:
        """Every warehouse country with its storages (areaId order)."""
        return [
            {"areaId": w.area_id, "areaEn": w.area_en, "countryCode": w.country,
             "nameEn": w.country_name_en,
             "storageList": [{"storageId": s.id, "storageName": s.name}
                             for s in STORAGES_OF[w.country]]}
            for w in WAREHOUSES.values()
        ]

    # -- pieces the inventory views share ---------------------------------------------------

    def storage_rows(self, v: Variant, country: str, reserved: Reserved | None) -> list[StorageRow]:
        return storage_levels(v, country, reserved, self._splits)

    def stock_rows(self, variants: Sequence[Variant], country: str, reserved: Reserved | None,
                   num: bool = False) -> list[dict[str, Any]]:
        """``stock[]`` of an inventory row: per storage, summed over ``variants``.

        ``num``: the ``*Num`` field names of the stock endpoints (queryByVid, queryBySku,
        getInventoryByPid's country sums) instead of those of the ``inventories`` rows.
        """
        sums: dict[str, list[int]] = {}
        for v in variants:
            for s, cj, f in self.storage_rows(v, country, reserved):
                acc = sums.setdefault(s.id, [0, 0])
                acc[0] += cj
                acc[1] += f
        suffix = "Num" if num else ""
        return [{"stockId": sid, "stockName": STORAGES_BY_ID[sid].name,
                 f"totalInventory{suffix}": cj + f, f"cjInventory{suffix}": cj,
                 f"factoryInventory{suffix}": f}
                for sid, (cj, f) in sums.items()]

    def storage_available(self, vid: str, storage_id: str, reserved: Reserved | None) -> int:
        """Units of ``vid`` an order can still take from one storage."""
        v = self.variant(vid, include_offline=True)
        s = STORAGES_BY_ID[storage_id]
        return sum(cj + f for st, cj, f in self.storage_rows(v, s.country, reserved)
                   if st.id == storage_id)
