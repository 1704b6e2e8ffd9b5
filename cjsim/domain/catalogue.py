"""The product catalogue: a seeded, deterministic category tree of products and variants.

Why generated and not a fixture file: integrators need hundreds of products to exercise paging
and search, yet a test must get the same bytes on every run. So everything comes from one
``random.Random(seed)`` (never the global random state) plus a seeded Faker for a few texts;
the same seed gives byte-identical answers. Names are built from word lists per category, so a
keyword search means something ("phone case" finds phone cases, not random lorem).

What the catalogue does NOT own: live stock. Reservations are state of the core's store, so
the catalogue keeps only the *base* inventory, and every function that reports inventory takes
``reserved(vid, countryCode) -> units`` and subtracts it (CJ's own stock first, then factory).

The first product is always the demo product "Magnetic Phone Case" (SKU ``CJSJBHPK01234``),
in stock in CN and US, so the searches of cj-api §9 find it with any seed.

Pinning a catalogue (``--catalog FILE``): :meth:`Catalogue.to_json` writes, and
:meth:`Catalogue.from_json` reads, this format (UTF-8 JSON)::

    {"format": "cjsim-catalogue", "version": 1, "seed": 0 | null,
     "categories": [{"id", "name", "level": 1|2|3, "parent_id": str|null}, ...],
     "products": [{<every field of Product, snake_case>, "variants": [
         {<every field of Variant>, "stock": [{"country", "cj", "factory"}, ...]}, ...]}]}

Money is written as a decimal string ("8.13"), tuples as lists, times as epoch microseconds
(``create_us``). Categories must list parents before children; product ``category_id`` is a
level-3 id; stock countries must be warehouse countries (:data:`WAREHOUSES`).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cjsim.errors import CJError, illegal
from cjsim.money import money

if TYPE_CHECKING:
    from faker import Faker

Reserved = Callable[[str, str], int]
"""(vid, countryCode) -> units currently reserved by orders in that warehouse country."""

_CHINA = timezone(timedelta(hours=8))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = 1_000_000

FORMAT = "cjsim-catalogue"
FORMAT_VERSION = 1
DEFAULT_PRODUCTS = 240
DEMO_SKU = "CJSJBHPK01234"
IMAGE_HOST = "https://img.cjsim.local"
VIDEO_HOST = "https://video.cjsim.local"

# The demo product's creation instant (cj-api §4.2 example): the newest product, so it leads
# the default "createAt desc" order. Every other product is created between these two.
DEMO_CREATE_US = 1_762_049_652 * _US  # 2025-11-02T10:14:12+08:00
OLDEST_CREATE_US = 1_672_502_400 * _US  # 2023-01-01T00:00:00+08:00


@dataclass(frozen=True)
class Warehouse:
    country: str
    area_id: int
    area_en: str
    country_name_en: str


# Warehouse countries, in areaId order. CN 1 and US 2 are CJ's; the rest are stable choices.
WAREHOUSES: Mapping[str, Warehouse] = MappingProxyType(
    {
        w.country: w
        for w in (
            Warehouse("CN", 1, "China Warehouse", "China"),
            Warehouse("US", 2, "US Warehouse", "United States of America (the)"),
            Warehouse("DE", 3, "Germany Warehouse", "Germany"),
            Warehouse(
                "GB", 4, "UK Warehouse",
                "United Kingdom of Great Britain and Northern Ireland (the)",
            ),
            Warehouse("TH", 5, "Thailand Warehouse", "Thailand"),
            Warehouse("FR", 6, "France Warehouse", "France"),
            Warehouse("AU", 7, "Australia Warehouse", "Australia"),
        )
    }
)

# Chance that a product is stocked in each overseas warehouse (CN always stocks).
_OVERSEAS_ODDS: tuple[tuple[str, float], ...] = (
    ("US", 0.35), ("DE", 0.12), ("GB", 0.10), ("TH", 0.08), ("FR", 0.08), ("AU", 0.06),
)


# ---------------------------------------------------------------------------------------------
# Model


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    level: int  # 1, 2 or 3
    parent_id: str | None


@dataclass(frozen=True)
class BaseStock:
    """Base units of one variant in one warehouse country, before any reservation."""

    country: str
    cj: int
    factory: int


@dataclass(frozen=True)
class Variant:
    vid: str
    pid: str
    sku: str
    key: str  # "Black", "Black-XL"
    name_en: str
    name: str | None  # local (Chinese) name
    image: str
    length: int  # mm
    width: int
    height: int
    weight: int  # grams
    price: Decimal  # USD, variantSellPrice
    sug_price: Decimal
    create_us: int
    stock: tuple[BaseStock, ...]

    @property
    def volume(self) -> int:
        return self.length * self.width * self.height


@dataclass(frozen=True)
class Product:
    pid: str
    alias: str  # 19-digit numeric id, also accepted as pid
    sku: str
    name_en: str
    local_names: tuple[str, ...]
    category_id: str  # level 3
    images: tuple[str, ...]
    weight: int  # grams
    packing_weight: int
    product_type: str  # ORDINARY_PRODUCT | SUPPLIER_PRODUCT
    unit: str
    free_shipping: bool
    listed_num: int
    create_us: int
    description: str
    online: bool
    key_en: tuple[str, ...]  # variant dimension names: ("Color", "Size")
    key_zh: tuple[str, ...]
    entry_code: str
    entry_name: str
    entry_name_en: str
    material_zh: tuple[str, ...]
    material_en: tuple[str, ...]
    material_key: tuple[str, ...]
    packing_zh: tuple[str, ...]
    packing_en: tuple[str, ...]
    packing_key: tuple[str, ...]
    pro_zh: tuple[str, ...]
    pro_en: tuple[str, ...]
    sug_price: Decimal
    is_video: bool
    supplier_name: str
    supplier_id: str
    delivery_cycle: str
    variants: tuple[Variant, ...]

    @property
    def sell_price(self) -> Decimal:
        return min(v.price for v in self.variants)

    @property
    def max_price(self) -> Decimal:
        return max(v.price for v in self.variants)

    @property
    def videos(self) -> list[str]:
        return [f"{VIDEO_HOST}/p/{self.pid[:8]}.mp4"] if self.is_video else []


# ---------------------------------------------------------------------------------------------
# Word lists. A dimension is (name en, name zh, ((value, value zh), ...)); values carry no
# spaces or dashes because they become part of the variant SKU.

_Dim = tuple[str, str, tuple[tuple[str, str], ...]]
_Word = tuple[str, str]  # (en, zh)

_COLOR: _Dim = ("Color", "颜色", (
    ("Black", "黑色"), ("White", "白色"), ("Red", "红色"), ("Blue", "蓝色"), ("Pink", "粉色"),
    ("Green", "绿色"), ("Purple", "紫色"), ("Gray", "灰色"), ("Brown", "棕色"),
    ("Beige", "米色"), ("Navy", "藏青色"), ("Yellow", "黄色"),
))
_CASE_COLOR: _Dim = ("Color", "颜色", (
    ("Black", "黑色"), ("Clear", "透明"), ("Blue", "蓝色"), ("Pink", "粉色"),
    ("Purple", "紫色"), ("Green", "绿色"), ("Red", "红色"), ("White", "白色"),
))
_METAL: _Dim = ("Color", "颜色", (
    ("Gold", "金色"), ("Silver", "银色"), ("RoseGold", "玫瑰金"), ("Black", "黑色"),
))
_SIZE: _Dim = ("Size", "尺码", (
    ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"), ("XXL", "XXL"), ("3XL", "3XL"),
))
_PET_SIZE: _Dim = ("Size", "尺码", (
    ("XS", "XS"), ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"),
))
_MODEL: _Dim = ("Model", "型号", (
    ("iPhone15", "iPhone15"), ("iPhone15Pro", "iPhone15Pro"),
    ("iPhone15ProMax", "iPhone15ProMax"), ("iPhone14", "iPhone14"),
    ("GalaxyS24", "GalaxyS24"), ("GalaxyS23Ultra", "GalaxyS23Ultra"), ("Pixel8", "Pixel8"),
))
_PLUG: _Dim = ("Plug", "插头", (("US", "美规"), ("EU", "欧规"), ("UK", "英规"), ("AU", "澳规")))
_LENGTH: _Dim = ("Length", "长度", (("1m", "1米"), ("2m", "2米"), ("3m", "3米")))
_CAPACITY: _Dim = ("Capacity", "容量", (
    ("350ml", "350毫升"), ("500ml", "500毫升"), ("750ml", "750毫升"), ("1000ml", "1000毫升"),
))
_BATTERY: _Dim = ("Capacity", "容量", (
    ("5000mAh", "5000毫安"), ("10000mAh", "10000毫安"), ("20000mAh", "20000毫安"),
))
_STYLE: _Dim = ("Style", "款式", (
    ("Floral", "花卉"), ("Geometric", "几何"), ("Marble", "大理石"), ("Leaf", "树叶"),
    ("Star", "星星"), ("Stripe", "条纹"),
))
_SHADE: _Dim = ("Shade", "色号", (
    ("Nude", "裸色"), ("Rose", "玫瑰色"), ("Coral", "珊瑚色"), ("Berry", "莓果色"),
    ("Red", "红色"), ("Plum", "梅子色"),
))

_PLASTIC = ("塑料", "plastic", "PLASTIC")
_SILICONE = ("硅胶", "silicone", "SILICONE")
_LEATHER = ("皮革", "leather", "LEATHER")
_METAL_M = ("金属", "metal", "METAL")
_ALLOY = ("合金", "alloy", "ALLOY")
_GLASS = ("玻璃", "glass", "GLASS")
_STEEL = ("不锈钢", "stainless steel", "STAINLESS_STEEL")
_COTTON = ("棉", "cotton", "COTTON")
_POLYESTER = ("聚酯纤维", "polyester", "POLYESTER")
_DENIM = ("牛仔布", "denim", "DENIM")
_WOOD = ("木", "wood", "WOOD")
_CERAMIC = ("陶瓷", "ceramic", "CERAMIC")
_ABS = ("ABS", "ABS", "ABS")
_PAPER = ("纸", "paper", "PAPER")
_WAX = ("蜡", "wax", "WAX")
_NYLON = ("尼龙", "nylon", "NYLON")

_PACKINGS: tuple[tuple[str, str, str], ...] = (
    ("塑料袋", "plastic_bag", "PLASTIC_BAG"),
    ("纸盒", "carton", "CARTON"),
    ("气泡袋", "bubble_bag", "BUBBLE_BAG"),
    ("OPP袋", "opp_bag", "OPP_BAG"),
)

_COMMON = ("普货", "COMMON")
_ELECTRONIC = ("带电", "ELECTRONIC")
_COSMETIC = ("化妆品", "COSMETIC")


@dataclass(frozen=True)
class _Leaf:
    name: str
    nouns: tuple[_Word, ...]
    dims: tuple[_Dim, ...] | None = None  # None: the group's
    weight: int = 1  # how often products land here


@dataclass(frozen=True)
class _Group:
    """A second-level category with what its products share."""

    name: str
    leaves: tuple[_Leaf, ...]
    dims: tuple[_Dim, ...]
    adjectives: tuple[_Word, ...]
    price: tuple[int, int]  # cents
    weight: tuple[int, int]  # grams
    size: tuple[int, int]  # longest side, mm
    hs: str
    entry: _Word
    materials: tuple[tuple[str, str, str], ...]
    pro: tuple[str, str] = _COMMON


def _leaf(name: str, nouns: str, dims: tuple[_Dim, ...] | None = None, weight: int = 1) -> _Leaf:
    """``nouns`` is "en|zh;en|zh" to keep the table below readable."""
    pairs = tuple((en, zh) for en, zh in (item.split("|") for item in nouns.split(";")))
    return _Leaf(name, pairs, dims, weight)


def _words(text: str) -> tuple[_Word, ...]:
    return tuple((en, zh) for en, zh in (item.split("|") for item in text.split(";")))


_TREE: tuple[tuple[str, tuple[_Group, ...]], ...] = (
    ("Phones & Telecommunications", (
        _Group(
            "Mobile Phone Accessories",
            (
                _leaf("Phone Cases & Covers",
                      "Phone Case|手机壳;Phone Case|手机壳;Wallet Phone Case|钱包手机壳;"
                      "Phone Case Cover|手机保护套", weight=4),
                _leaf("Screen Protectors",
                      "Screen Protector|屏幕保护膜;Tempered Glass Film|钢化膜;"
                      "Privacy Screen Film|防窥膜"),
                _leaf("Phone Holders & Stands",
                      "Phone Holder|手机支架;Car Phone Mount|车载手机支架;"
                      "Desk Phone Stand|桌面手机支架",
                      (_COLOR,)),
            ),
            (_CASE_COLOR, _MODEL),
            _words("Magnetic|磁吸;Shockproof|防摔;Transparent|透明;Ultra Thin|超薄;"
                   "Leather|皮革;Silicone|硅胶;Glitter|闪粉;Matte|磨砂;Rugged|加固;Cute|可爱"),
            (199, 1299), (20, 140), (170, 190), "3926909090", ("手机配件", "phone accessories"),
            (_PLASTIC, _SILICONE, _LEATHER),
        ),
        _Group(
            "Chargers & Power",
            (
                _leaf("Chargers",
                      "Fast Charger|快速充电器;Wireless Charger|无线充电器;Car Charger|车载充电器",
                      (_COLOR, _PLUG)),
                _leaf("Data Cables",
                      "USB C Cable|数据线;Lightning Cable|苹果数据线;"
                      "Braided Charging Cable|编织充电线",
                      (_COLOR, _LENGTH)),
                _leaf("Power Banks", "Power Bank|移动电源;Magnetic Power Bank|磁吸移动电源",
                      (_COLOR, _BATTERY)),
            ),
            (_COLOR,),
            _words("Portable|便携;Fast Charging|快充;Mini|迷你;Dual Port|双口;65W|65W;"
                   "Foldable|折叠;LED Display|数显"),
            (299, 2999), (40, 380), (60, 150), "8504403090", ("充电器", "charger"),
            (_PLASTIC, _ABS, _NYLON), _ELECTRONIC,
        ),
    )),
    ("Consumer Electronics", (
        _Group(
            "Earphones & Headphones",
            (
                _leaf("Wireless Earbuds", "Wireless Earbuds|无线耳机;Bluetooth Earbuds|蓝牙耳机"),
                _leaf("Headphones", "Over Ear Headphones|头戴式耳机;Gaming Headset|游戏耳机"),
                _leaf("Earphone Cases", "Earbuds Case|耳机保护套;Earphone Storage Bag|耳机收纳包"),
            ),
            (_COLOR,),
            _words("Noise Cancelling|降噪;Sports|运动;Waterproof|防水;Bluetooth 5.3|蓝牙5.3;"
                   "Hi-Fi|高保真;Wireless|无线"),
            (399, 3999), (30, 350), (60, 220), "8518300000", ("耳机", "earphone"),
            (_PLASTIC, _ABS, _SILICONE), _ELECTRONIC,
        ),
        _Group(
            "Smart Electronics",
            (
                _leaf("Smart Watches", "Smart Watch|智能手表;Fitness Tracker|运动手环"),
                _leaf("Smart Home", "Smart Plug|智能插座;LED Strip Light|灯带;Smart Bulb|智能灯泡",
                      (_PLUG,)),
            ),
            (_COLOR,),
            _words("Waterproof|防水;Bluetooth|蓝牙;WiFi|无线网络;Heart Rate|心率;"
                   "Voice Control|声控;Sleep Monitor|睡眠监测"),
            (599, 4999), (40, 300), (50, 200), "8517629900", ("智能设备", "smart device"),
            (_PLASTIC, _ALLOY, _SILICONE), _ELECTRONIC,
        ),
        _Group(
            "Portable Audio & Video",
            (
                _leaf("Speakers", "Bluetooth Speaker|蓝牙音箱;Mini Speaker|迷你音箱"),
                _leaf("Microphones", "Lavalier Microphone|领夹麦克风;Karaoke Microphone|K歌麦克风"),
                _leaf("Projectors", "Mini Projector|迷你投影仪;Portable Projector|便携投影仪"),
            ),
            (_COLOR,),
            _words("Portable|便携;Wireless|无线;Outdoor|户外;RGB|炫彩;Waterproof|防水"),
            (699, 6999), (120, 900), (80, 260), "8518220000", ("音响设备", "audio device"),
            (_PLASTIC, _ABS, _METAL_M), _ELECTRONIC,
        ),
    )),
    ("Home & Garden", (
        _Group(
            "Kitchen, Dining & Bar",
            (
                _leaf("Kitchen Gadgets",
                      "Vegetable Chopper|切菜器;Garlic Press|压蒜器;Silicone Spatula|硅胶铲",
                      (_COLOR,)),
                _leaf("Drinkware", "Water Bottle|水杯;Travel Mug|保温杯;Glass Cup|玻璃杯",
                      (_COLOR, _CAPACITY)),
                _leaf("Bakeware", "Baking Mold|烘焙模具;Cake Pan|蛋糕模", (_COLOR,)),
            ),
            (_COLOR,),
            _words("Stainless Steel|不锈钢;Reusable|可重复使用;Non Stick|不粘;Insulated|保温;"
                   "Multifunctional|多功能;Heat Resistant|耐热"),
            (199, 2499), (80, 700), (100, 300), "3924100000", ("厨房用品", "kitchenware"),
            (_STEEL, _SILICONE, _GLASS, _PLASTIC),
        ),
        _Group(
            "Home Decor",
            (
                _leaf("Wall Stickers", "Wall Sticker|墙贴;Wall Decal|墙面贴花", (_STYLE,)),
                _leaf("Artificial Plants",
                      "Artificial Plant|仿真植物;Fake Flower Bouquet|仿真花束", (_COLOR,)),
                _leaf("Candles & Holders", "Scented Candle|香薰蜡烛;Candle Holder|烛台",
                      (_STYLE,)),
                _leaf("Night Lights", "LED Night Light|LED小夜灯;Moon Lamp|月球灯", (_COLOR,)),
            ),
            (_STYLE,),
            _words("Nordic|北欧;Vintage|复古;Modern|现代;Boho|波西米亚;Minimalist|极简;"
                   "Handmade|手工"),
            (149, 2999), (50, 900), (100, 400), "6702100000", ("家居装饰品", "home decoration"),
            (_PAPER, _WAX, _CERAMIC, _WOOD),
        ),
        _Group(
            "Storage & Organization",
            (
                _leaf("Storage Boxes", "Storage Box|收纳盒;Drawer Organizer|抽屉收纳盒"),
                _leaf("Hooks & Racks", "Adhesive Hook|粘钩;Shoe Rack|鞋架;Towel Rack|毛巾架"),
            ),
            (_COLOR,),
            _words("Stackable|可叠加;Foldable|折叠;Wall Mounted|壁挂;Large Capacity|大容量;"
                   "Transparent|透明"),
            (199, 2999), (60, 1500), (150, 450), "3926100000", ("收纳用品", "storage product"),
            (_PLASTIC, _WOOD, _STEEL),
        ),
    )),
    ("Women's Clothing", (
        _Group(
            "Dresses",
            (
                _leaf("Casual Dresses",
                      "Summer Dress|夏季连衣裙;Maxi Dress|长裙;Floral Dress|碎花裙"),
                _leaf("Party Dresses", "Evening Dress|晚礼服;Cocktail Dress|鸡尾酒裙"),
            ),
            (_COLOR, _SIZE),
            _words("Women's|女士;Elegant|优雅;Sleeveless|无袖;V Neck|V领;Bohemian|波西米亚;"
                   "Slim Fit|修身"),
            (999, 3999), (180, 500), (250, 350), "6204440000", ("连衣裙", "dress"),
            (_POLYESTER, _COTTON),
        ),
        _Group(
            "Tops & Tees",
            (
                _leaf("T-Shirts", "T Shirt|T恤;Crop Top|短上衣"),
                _leaf("Blouses & Shirts", "Blouse|衬衫;Chiffon Shirt|雪纺衫"),
                _leaf("Hoodies & Sweatshirts", "Hoodie|连帽卫衣;Sweatshirt|卫衣"),
            ),
            (_COLOR, _SIZE),
            _words("Women's|女士;Oversized|宽松;Casual|休闲;Long Sleeve|长袖;Printed|印花;"
                   "Cotton|纯棉"),
            (599, 2999), (120, 600), (250, 350), "6109100000", ("上衣", "top"),
            (_COTTON, _POLYESTER),
        ),
        _Group(
            "Bottoms",
            (
                _leaf("Leggings", "Yoga Leggings|瑜伽裤;High Waist Leggings|高腰打底裤"),
                _leaf("Jeans", "Skinny Jeans|紧身牛仔裤;Wide Leg Jeans|阔腿牛仔裤"),
                _leaf("Skirts", "Pleated Skirt|百褶裙;Mini Skirt|短裙"),
            ),
            (_COLOR, _SIZE),
            _words("Women's|女士;Stretch|弹力;High Waist|高腰;Casual|休闲;Vintage|复古"),
            (799, 3499), (150, 650), (250, 350), "6204620000", ("裤装", "trousers"),
            (_DENIM, _COTTON, _POLYESTER),
        ),
    )),
    ("Men's Clothing", (
        _Group(
            "Tops & Tees",
            (
                _leaf("T-Shirts", "T Shirt|T恤;Graphic Tee|印花T恤"),
                _leaf("Polo Shirts", "Polo Shirt|POLO衫"),
                _leaf("Casual Shirts", "Casual Shirt|休闲衬衫;Flannel Shirt|法兰绒衬衫"),
            ),
            (_COLOR, _SIZE),
            _words("Men's|男士;Slim Fit|修身;Short Sleeve|短袖;Breathable|透气;Classic|经典"),
            (699, 2999), (150, 450), (250, 350), "6105100000", ("男士上衣", "men's top"),
            (_COTTON, _POLYESTER),
        ),
        _Group(
            "Jackets & Coats",
            (
                _leaf("Jackets", "Bomber Jacket|飞行员夹克;Denim Jacket|牛仔夹克"),
                _leaf("Parkas", "Parka|派克大衣;Down Jacket|羽绒服"),
            ),
            (_COLOR, _SIZE),
            _words("Men's|男士;Windproof|防风;Warm|保暖;Hooded|连帽;Waterproof|防水"),
            (1999, 6999), (500, 1500), (300, 400), "6201400000", ("外套", "coat"),
            (_POLYESTER, _NYLON, _COTTON),
        ),
        _Group(
            "Pants & Shorts",
            (
                _leaf("Casual Pants", "Cargo Pants|工装裤;Jogger Pants|运动裤"),
                _leaf("Shorts", "Board Shorts|沙滩裤;Sports Shorts|运动短裤"),
            ),
            (_COLOR, _SIZE),
            _words("Men's|男士;Quick Dry|速干;Loose|宽松;Drawstring|抽绳;Summer|夏季"),
            (799, 3499), (200, 700), (250, 350), "6203430000", ("男裤", "men's trousers"),
            (_COTTON, _POLYESTER, _NYLON),
        ),
    )),
    ("Jewelry & Accessories", (
        _Group(
            "Fashion Jewelry",
            (
                _leaf("Necklaces", "Pendant Necklace|吊坠项链;Chain Necklace|链条项链"),
                _leaf("Earrings", "Stud Earrings|耳钉;Hoop Earrings|耳圈"),
                _leaf("Rings", "Ring|戒指;Adjustable Ring|开口戒指"),
                _leaf("Bracelets", "Bracelet|手链;Bangle|手镯"),
            ),
            (_METAL,),
            _words("Minimalist|极简;Vintage|复古;Heart|爱心;Zircon|锆石;Pearl|珍珠;"
                   "Stainless Steel|不锈钢"),
            (99, 1999), (5, 60), (40, 120), "7117190000", ("饰品", "jewelry"),
            (_ALLOY, _STEEL, _METAL_M),
        ),
        _Group(
            "Hair Accessories",
            (
                _leaf("Hair Clips", "Hair Clip|发夹;Claw Clip|抓夹"),
                _leaf("Headbands", "Headband|发箍;Scrunchie|发圈"),
            ),
            (_COLOR,),
            _words("Korean|韩版;Pearl|珍珠;Velvet|丝绒;Large|大号;Cute|可爱"),
            (99, 999), (10, 80), (60, 160), "9615190000", ("发饰", "hair accessory"),
            (_PLASTIC, _ALLOY, _POLYESTER),
        ),
        _Group(
            "Eyewear",
            (
                _leaf("Sunglasses", "Sunglasses|太阳镜;Polarized Sunglasses|偏光太阳镜"),
                _leaf("Blue Light Glasses", "Blue Light Glasses|防蓝光眼镜"),
            ),
            (_COLOR,),
            _words("Retro|复古;Oversized|大框;Square|方框;Round|圆框;UV400|防紫外线"),
            (199, 1999), (20, 90), (140, 160), "9004100000", ("眼镜", "glasses"),
            (_PLASTIC, _METAL_M),
        ),
    )),
    ("Pet Supplies", (
        _Group(
            "Dog Supplies",
            (
                _leaf("Collars & Leashes", "Dog Collar|狗项圈;Dog Leash|牵引绳;Dog Harness|狗胸背"),
                _leaf("Dog Toys", "Chew Toy|磨牙玩具;Squeaky Toy|发声玩具", (_COLOR,)),
                _leaf("Dog Beds", "Dog Bed|狗窝;Pet Mat|宠物垫"),
            ),
            (_COLOR, _PET_SIZE),
            _words("Adjustable|可调节;Reflective|反光;Durable|耐咬;Soft|柔软;Washable|可水洗"),
            (299, 3999), (50, 1500), (100, 600), "4201000000", ("宠物用品", "pet supplies"),
            (_NYLON, _POLYESTER, _COTTON),
        ),
        _Group(
            "Cat Supplies",
            (
                _leaf("Cat Toys", "Cat Teaser Wand|逗猫棒;Cat Ball Toy|猫玩具球"),
                _leaf("Cat Scratchers", "Cat Scratcher|猫抓板;Cat Tree|猫爬架"),
            ),
            (_COLOR,),
            _words("Interactive|互动;Feather|羽毛;Catnip|猫薄荷;Corrugated|瓦楞纸;Sisal|剑麻"),
            (199, 4999), (40, 3000), (100, 700), "9503009000", ("宠物玩具", "pet toy"),
            (_PAPER, _PLASTIC, _WOOD),
        ),
    )),
    ("Beauty & Health", (
        _Group(
            "Makeup",
            (
                _leaf("Lipstick", "Matte Lipstick|哑光口红;Lip Gloss|唇彩", (_SHADE,)),
                _leaf("Makeup Brushes", "Makeup Brush Set|化妆刷套装;Beauty Sponge|美妆蛋",
                      (_COLOR,)),
                _leaf("False Eyelashes", "False Eyelashes|假睫毛;Magnetic Eyelashes|磁吸假睫毛",
                      (_STYLE,)),
            ),
            (_SHADE,),
            _words("Long Lasting|持久;Waterproof|防水;Natural|自然;Professional|专业;Vegan|纯素"),
            (99, 1999), (10, 250), (60, 200), "3304990000", ("化妆品", "cosmetics"),
            (_PLASTIC, _NYLON), _COSMETIC,
        ),
        _Group(
            "Nail Art & Tools",
            (
                _leaf("Nail Stickers", "Nail Sticker|美甲贴;Nail Art Decal|美甲贴花"),
                _leaf("Press On Nails", "Press On Nails|穿戴甲;Fake Nails|假指甲"),
                _leaf("Nail Tools", "Nail Clipper|指甲剪;Nail File|指甲锉", (_COLOR,)),
            ),
            (_STYLE,),
            _words("French|法式;Glitter|闪粉;Almond|杏仁形;Reusable|可重复使用;Cute|可爱"),
            (99, 999), (5, 80), (60, 120), "3926909090", ("美甲用品", "nail supplies"),
            (_PLASTIC, _STEEL),
        ),
        _Group(
            "Skin Care Tools",
            (
                _leaf("Facial Massagers", "Facial Roller|按摩滚轮;Gua Sha Board|刮痧板"),
                _leaf("Cleansing Brushes", "Facial Cleansing Brush|洗脸刷;Pore Cleaner|毛孔清洁器"),
            ),
            (_COLOR,),
            _words("Electric|电动;Jade|玉石;Rechargeable|充电式;Sonic|声波;Gentle|温和"),
            (299, 2999), (40, 300), (80, 200), "8509800090", ("美容仪", "beauty device"),
            (_PLASTIC, _SILICONE), _ELECTRONIC,
        ),
    )),
)

_PHONE_CASE_PATH = ("Phones & Telecommunications", "Mobile Phone Accessories",
                    "Phone Cases & Covers")
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# ---------------------------------------------------------------------------------------------
# Small pure helpers


def _uid(rng: random.Random) -> str:
    """An uppercase version-4 UUID drawn from the catalogue's rng (so: from the seed)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _cents(value: int) -> Decimal:
    return money(Decimal(value) / 100)


def _sug_price(price: Decimal, rng: random.Random) -> Decimal:
    """Suggested retail price: 2.2-3x cost, ending in .99 as shops price."""
    factor = Decimal(rng.randint(220, 300)) / 100
    return money(int(price * factor) + Decimal("0.99"))


def _dt(us: int, tz: timezone) -> datetime:
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz)


def china_iso(us: int) -> str:
    """``2019-12-24T01:06:37+08:00``: product createTime/createrTime (cj-api §1.3)."""
    return _dt(us, _CHINA).isoformat(timespec="seconds")


def utc_ms_iso(us: int) -> str:
    """``2019-12-31T11:14:12.000+00:00``: variant createTime (cj-api §1.3)."""
    dt = _dt(us, UTC)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{dt.microsecond // 1000:03d}+00:00"


def price_text(low: Decimal, high: Decimal) -> str:
    """listV2/query price strings: ``"11.85"`` or the range ``"1.20-3.50"``."""
    return str(low) if low == high else f"{low}-{high}"


def _json_array(items: Iterable[str]) -> str:
    """CJ's JSON-encoded string arrays (``"[\\"PLASTIC\\"]"``), compact, non-ASCII kept."""
    return json.dumps(list(items), ensure_ascii=False, separators=(",", ":"))


def _words_of(text: str | None) -> list[str]:
    return text.lower().split() if text else []


def _all_in(words: Sequence[str], haystack: str) -> bool:
    return all(w in haystack for w in words)


def _page(items: Sequence[Any], page: int, size: int) -> list[Any]:
    start = (page - 1) * size
    return list(items[start:start + size]) if start >= 0 else []


def _levels(variant: Variant, reserved: Reserved | None) -> list[tuple[str, int, int]]:
    """(country, cj, factory) per warehouse row, after reservations: CJ's own stock first."""
    rows = []
    for s in variant.stock:
        held = max(0, reserved(variant.vid, s.country)) if reserved else 0
        cj = max(0, s.cj - held)
        factory = max(0, s.factory - max(0, held - s.cj))
        rows.append((s.country, cj, factory))
    return rows


# ---------------------------------------------------------------------------------------------
# Generation


@dataclass
class _Draw:
    """The rng, the Faker and the uniqueness sets of one generation run."""

    rng: random.Random
    fake: Faker
    skus: set[str]
    aliases: set[str]
    suppliers: list[tuple[str, str]]

    def sku(self) -> str:
        while True:
            letters = "".join(self.rng.choice(_UPPER) for _ in range(6))
            sku = f"CJ{letters}{self.rng.randrange(100_000):05d}"
            if sku not in self.skus:
                self.skus.add(sku)
                return sku

    def alias(self) -> str:
        while True:
            alias = str(self.rng.randrange(1_300_000_000_000_000_000, 1_999_999_999_999_999_999))
            if alias not in self.aliases:
                self.aliases.add(alias)
                return alias


def _build_tree(rng: random.Random) -> tuple[list[Category], list[tuple[Category, _Group, _Leaf]]]:
    """All categories (parents first) and, per leaf, its category and generation specs."""
    cats: list[Category] = []
    leaves: list[tuple[Category, _Group, _Leaf]] = []
    for first_name, groups in _TREE:
        first = Category(_uid(rng), first_name, 1, None)
        cats.append(first)
        for group in groups:
            second = Category(_uid(rng), group.name, 2, first.id)
            cats.append(second)
            for leaf in group.leaves:
                third = Category(_uid(rng), leaf.name, 3, second.id)
                cats.append(third)
                leaves.append((third, group, leaf))
    return cats, leaves


def _pick_values(rng: random.Random, dims: tuple[_Dim, ...]) -> list[tuple[_Word, ...]]:
    """Variant value combinations, 1-8 of them, in the dimension lists' own order."""
    first = dims[0][2]
    if len(dims) == 1 or rng.random() < 0.35:
        n = min(len(first), rng.choice((1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 8)))
        return [(w,) for w in sorted(rng.sample(first, n), key=first.index)]
    second = dims[1][2]
    n0 = min(len(first), rng.choice((1, 2, 2, 3, 4)))
    n1 = min(len(second), rng.randint(1, max(1, 8 // n0)))
    a = sorted(rng.sample(first, n0), key=first.index)
    b = sorted(rng.sample(second, n1), key=second.index)
    return [(x, y) for x in a for y in b]


def _stock(rng: random.Random, countries: Sequence[str], empty: bool) -> tuple[BaseStock, ...]:
    rows = []
    for country in countries:
        if empty:
            rows.append(BaseStock(country, 0, 0))
        elif country == "CN":
            factory = 0 if rng.random() < 0.3 else rng.randint(100, 5000)
            rows.append(BaseStock(country, rng.randint(0, 900), factory))
        else:
            rows.append(BaseStock(country, rng.randint(0, 400), 0))
    return tuple(rows)


def _name(rng: random.Random, group: _Group, leaf: _Leaf) -> tuple[str, str]:
    noun = rng.choice(leaf.nouns)
    adjs = rng.sample(group.adjectives, 2 if rng.random() < 0.35 else 1)
    return " ".join([a[0] for a in adjs] + [noun[0]]), "".join([a[1] for a in adjs] + [noun[1]])


def _product(d: _Draw, cat: Category, group: _Group, leaf: _Leaf, online: bool) -> Product:
    rng = d.rng
    pid, sku = _uid(rng), d.sku()
    name_en, name_zh = _name(rng, group, leaf)
    dims = leaf.dims or group.dims
    combos = _pick_values(rng, dims)
    used = dims[: len(combos[0])]
    create_us = rng.randrange(OLDEST_CREATE_US // _US, DEMO_CREATE_US // _US - 86_400) * _US
    weight = rng.randint(*group.weight)
    longest = rng.randint(*group.size)
    size = (longest, max(10, longest * rng.randint(30, 80) // 100),
            max(5, longest * rng.randint(5, 30) // 100))
    base = rng.randint(*group.price)
    same_price = rng.random() < 0.5
    countries = ["CN"] + [c for c, odds in _OVERSEAS_ODDS if rng.random() < odds]
    empty_product = rng.random() < 0.03
    variants = []
    for combo in combos:
        vid = _uid(rng)
        key = "-".join(w[0] for w in combo)
        cents = base if same_price else base + rng.choice((0, 0, 50, 100, 187, 250))
        price = _cents(cents)
        variants.append(Variant(
            vid=vid, pid=pid, sku=f"{sku}-{key}", key=key,
            name_en=f"{name_en} {' '.join(w[0] for w in combo)}",
            name=f"{name_zh} {' '.join(w[1] for w in combo)}",
            image=f"{IMAGE_HOST}/v/{vid[:8]}.jpg",
            length=size[0], width=size[1], height=size[2],
            weight=max(1, weight + weight * rng.randint(-5, 15) // 100),
            price=price, sug_price=_sug_price(price, rng), create_us=create_us,
            stock=_stock(rng, countries, empty_product or rng.random() < 0.04),
        ))
    material = rng.choice(group.materials)
    packing = rng.choice(_PACKINGS)
    supplier = rng.choice(d.suppliers) if rng.random() < 0.1 else None
    return Product(
        pid=pid, alias=d.alias(), sku=sku, name_en=name_en, local_names=(name_zh,),
        category_id=cat.id,
        images=tuple(f"{IMAGE_HOST}/p/{pid[:8]}{'' if i == 1 else f'-{i}'}.jpg"
                     for i in range(1, rng.randint(2, 5))),
        weight=weight, packing_weight=weight + rng.randint(10, 40),
        product_type="SUPPLIER_PRODUCT" if supplier else "ORDINARY_PRODUCT",
        unit="unit(s)", free_shipping=rng.random() < 0.15,
        listed_num=int(rng.expovariate(1 / 150)), create_us=create_us,
        description=f"<p>{name_en}.</p><p>{d.fake.sentence(nb_words=10)}</p>",
        online=online, key_en=tuple(dim[0] for dim in used), key_zh=tuple(dim[1] for dim in used),
        entry_code=group.hs, entry_name=group.entry[1], entry_name_en=group.entry[0],
        material_zh=(material[0],), material_en=(material[1],), material_key=(material[2],),
        packing_zh=(packing[0],), packing_en=(packing[1],), packing_key=(packing[2],),
        pro_zh=(group.pro[0],), pro_en=(group.pro[1],),
        sug_price=max(v.sug_price for v in variants), is_video=rng.random() < 0.2,
        supplier_name=supplier[0] if supplier else "", supplier_id=supplier[1] if supplier else "",
        delivery_cycle=rng.choice(("1-3", "3-5", "3-5", "5-7")), variants=tuple(variants),
    )


def _demo(d: _Draw, cat: Category) -> Product:
    """The fixed demo product of cj-api §4 and §9 (only its ids come from the seed)."""
    rng = d.rng
    pid = _uid(rng)
    d.skus.add(DEMO_SKU)
    specs = (("Black", "黑色", "8.13", 300, 994, 118), ("Clear", "透明", "8.13", 220, 600, 96),
             ("Blue", "蓝色", "10.00", 150, 400, 146))
    variants = []
    for key, zh, price, cj, factory, us in specs:
        vid = _uid(rng)
        variants.append(Variant(
            vid=vid, pid=pid, sku=f"{DEMO_SKU}-{key}", key=key,
            name_en=f"Magnetic Phone Case {key}", name=f"磁吸手机壳 {zh}",
            image=f"{IMAGE_HOST}/v/{vid[:8]}.jpg", length=150, width=80, height=10,
            weight=120, price=money(price), sug_price=money("19.99"), create_us=DEMO_CREATE_US,
            stock=(BaseStock("CN", cj, factory), BaseStock("US", us, 0)),
        ))
    return Product(
        pid=pid, alias=d.alias(), sku=DEMO_SKU, name_en="Magnetic Phone Case",
        local_names=("磁吸手机壳",), category_id=cat.id,
        images=(f"{IMAGE_HOST}/p/{pid[:8]}.jpg", f"{IMAGE_HOST}/p/{pid[:8]}-2.jpg"),
        weight=120, packing_weight=135, product_type="ORDINARY_PRODUCT", unit="unit(s)",
        free_shipping=False, listed_num=37, create_us=DEMO_CREATE_US,
        description="<p>Strong magnets.</p>", online=True, key_en=("Color",), key_zh=("颜色",),
        entry_code="3926909090", entry_name="手机壳", entry_name_en="phone case",
        material_zh=("塑料",), material_en=("plastic",), material_key=("PLASTIC",),
        packing_zh=("塑料袋",), packing_en=("plastic_bag",), packing_key=("PLASTIC_BAG",),
        pro_zh=("普货",), pro_en=("COMMON",), sug_price=money("19.99"), is_video=False,
        supplier_name="", supplier_id="", delivery_cycle="3-5", variants=tuple(variants),
    )


def generate(seed: int = 0, products: int = DEFAULT_PRODUCTS) -> Catalogue:
    """Build the catalogue of ``seed``: same seed, same catalogue, byte for byte."""
    if products < 1:
        raise ValueError("a catalogue needs at least the demo product")
    # Faker costs ~0.2 s to import: paid here, at the first product call, never by `import cjsim`
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    suppliers = [(fake.company(), _uid(rng)) for _ in range(6)]
    draw = _Draw(rng, fake, set(), set(), suppliers)
    cats, leaves = _build_tree(rng)
    by_path = {(g.name, leaf.name): c for c, g, leaf in leaves}
    demo_cat = by_path[(_PHONE_CASE_PATH[1], _PHONE_CASE_PATH[2])]
    offline = set(rng.sample(range(1, products), min(products - 1, max(2, products // 48))))
    weights = [leaf.weight for _, _, leaf in leaves]
    items = [_demo(draw, demo_cat)]
    for index in range(1, products):
        cat, group, leaf = rng.choices(leaves, weights)[0]
        items.append(_product(draw, cat, group, leaf, index not in offline))
    return Catalogue(cats, items, seed=seed)


# ---------------------------------------------------------------------------------------------
# The catalogue


class Catalogue:
    """Categories and products with lookups and the ``data`` of every product endpoint.

    Immutable once built: :meth:`with_product` returns a new catalogue (control-API edits of
    price, status or description), so a catalogue can be shared between threads.
    """

    def __init__(self, categories: Sequence[Category], products: Sequence[Product],
                 seed: int | None = None) -> None:
        self.seed = seed
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

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def generate(cls, seed: int = 0, products: int = DEFAULT_PRODUCTS) -> Catalogue:
        return generate(seed, products)

    def with_product(self, product: Product) -> Catalogue:
        """A copy where ``product`` (matched by pid) replaces the old one."""
        index = self._index.get(product.pid)
        if index is None:
            raise KeyError(product.pid)
        items = list(self.products)
        items[index] = product
        return Catalogue(self.categories, items, seed=self.seed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "version": FORMAT_VERSION, "seed": self.seed,
            "categories": [asdict(c) for c in self.categories],
            "products": [_plain(asdict(p)) for p in self.products],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Catalogue:
        if doc.get("format") != FORMAT or doc.get("version") != FORMAT_VERSION:
            raise ValueError(f"not a {FORMAT} version {FORMAT_VERSION} document")
        try:
            cats = [Category(**c) for c in doc["categories"]]
            items = [_product_from(p) for p in doc["products"]]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"bad catalogue document: {exc}") from exc
        return cls(cats, items, seed=doc.get("seed"))

    @classmethod
    def from_json(cls, path: str | Path) -> Catalogue:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

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

    def countries(self) -> list[str]:
        """Warehouse countries, in areaId order."""
        return list(WAREHOUSES)

    def area(self, country: str) -> tuple[int, str, str]:
        """(areaId, areaEn, countryNameEn); KeyError for a country with no warehouse."""
        w = WAREHOUSES[country.upper()]
        return w.area_id, w.area_en, w.country_name_en

    def available(self, vid: str, country: str, reserved: Reserved | None = None) -> int:
        """Units of ``vid`` that an order from ``country``'s warehouse can still take."""
        v = self.variant(vid, include_offline=True)
        code = country.upper()
        return sum(cj + f for c, cj, f in _levels(v, reserved) if c == code)

    # -- shared pieces ----------------------------------------------------------------------

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
        return sum(cj + f for v in p.variants for c, cj, f in _levels(v, reserved)
                   if country is None or c == country)

    def _online(self) -> list[Product]:
        return [p for p in self.products if p.online]

    def _sorted(self, items: list[Product], key: Callable[[Product], Any],
                desc: bool) -> list[Product]:
        """Stable: ties keep catalogue order whichever the direction."""
        return sorted(items, key=key, reverse=desc)

    def _verified(self, p: Product) -> int:
        return 2 if p.product_type == "SUPPLIER_PRODUCT" else 1

    def _inventory_rows(self, v: Variant, reserved: Reserved | None,
                        country: str | None = None) -> list[dict[str, Any]]:
        verified = self._verified(self.product_of(v))
        return [
            {"countryCode": c, "totalInventory": cj + f, "cjInventory": cj,
             "factoryInventory": f, "verifiedWarehouse": verified}
            for c, cj, f in _levels(v, reserved) if country is None or c == country
        ]

    def variant_data(self, v: Variant, inventory: bool = False,
                     reserved: Reserved | None = None) -> dict[str, Any]:
        """The Variant object of cj-api §4.4 (same on every endpoint that returns variants)."""
        head = self._variant_heads.get(v.vid)
        if head is None:
            head = self._variant_heads[v.vid] = {
                "vid": v.vid, "pid": v.pid, "variantName": v.name, "variantNameEn": v.name_en,
                "variantSku": v.sku, "variantImage": v.image,
                "variantStandard": f"long={v.length},width={v.width},height={v.height}",
                "variantUnit": None, "variantProperty": None, "variantKey": v.key,
                "variantLength": v.length, "variantWidth": v.width, "variantHeight": v.height,
                "variantVolume": v.volume, "variantWeight": money(v.weight),
                "variantSellPrice": v.price, "variantSugSellPrice": v.sug_price,
                "createTime": utc_ms_iso(v.create_us),
            }
        out = dict(head)
        if inventory:
            out["inventories"] = self._inventory_rows(v, reserved)
        return out

    def _resolve(self, pid: str | None, productSku: str | None,
                 variantSku: str | None) -> tuple[Product, Variant | None]:
        """The first of pid, productSku, variantSku wins (cj-api §4.4)."""
        if pid:
            return self.product(pid), None
        if productSku:
            return self.product_by_sku(productSku), None
        if variantSku:
            v = self.variant_by_sku(variantSku)
            return self.product_of(v), v
        raise illegal("one of pid, productSku or variantSku is required")

    # -- §4.1 -------------------------------------------------------------------------------

    def get_category(self) -> list[dict[str, Any]]:
        out = []
        for first in self.categories:
            if first.level != 1:
                continue
            seconds = []
            for second in self._children.get(first.id.upper(), ()):
                thirds = [{"categoryId": t.id, "categoryName": t.name}
                          for t in self._children.get(second.id.upper(), ())]
                seconds.append({"categorySecondName": second.name, "categorySecondList": thirds})
            out.append({"categoryFirstName": first.name, "categoryFirstList": seconds})
        return out

    # -- §4.2 -------------------------------------------------------------------------------

    def product_list(
        self, *, pageNum: int = 1, pageSize: int = 20,
        productNameEn: str | None = None, productName: str | None = None,
        pid: str | None = None, productSku: str | None = None,
        categoryId: str | None = None, countryCode: str | None = None,
        minPrice: Decimal | None = None, maxPrice: Decimal | None = None,
        startInventory: int | None = None, endInventory: int | None = None,
        createTimeFrom: int | None = None, createTimeTo: int | None = None,
        orderBy: str | None = None, sort: str | None = None,
        productType: str | None = None, isFreeShipping: bool | int | None = None,
        reserved: Reserved | None = None, **_ignored: Any,
    ) -> dict[str, Any]:
        """P1 search. Filters AND together; unknown ids simply match nothing."""
        items = self._online()
        en_words = _words_of(productNameEn)
        if en_words:
            items = [p for p in items if _all_in(en_words, p.name_en.lower())]
        local_words = _words_of(productName)
        if local_words:
            items = [p for p in items if _all_in(local_words, p.name_en.lower())
                     or _all_in(local_words, " ".join(p.local_names).lower())]
        if pid:
            items = [p for p in items if p is self._by_pid.get(pid.strip().upper())]
        if productSku:
            items = [p for p in items if p.sku.upper() == productSku.strip().upper()]
        if categoryId:
            leaf_ids = self._subtree(categoryId)
            items = [p for p in items if p.category_id in leaf_ids]
        if countryCode:
            code = countryCode.upper()
            items = [p for p in items if self._stock_of(p, reserved, code) > 0]
        if minPrice is not None:
            items = [p for p in items if p.sell_price >= minPrice]
        if maxPrice is not None:
            items = [p for p in items if p.sell_price <= maxPrice]
        if startInventory is not None or endInventory is not None:
            low = startInventory if startInventory is not None else 0
            high = endInventory
            totals = {p.pid: self._stock_of(p, reserved) for p in items}
            items = [p for p in items
                     if low <= totals[p.pid] and (high is None or totals[p.pid] <= high)]
        if createTimeFrom is not None:
            items = [p for p in items if p.create_us >= createTimeFrom]
        if createTimeTo is not None:
            items = [p for p in items if p.create_us <= createTimeTo]
        if productType:
            items = [p for p in items if p.product_type == productType]
        if isFreeShipping is not None:
            items = [p for p in items if p.free_shipping == bool(isFreeShipping)]
        order = orderBy or "createAt"
        if order not in ("createAt", "listedNum"):
            raise illegal("orderBy must be createAt or listedNum")
        desc = _descending(sort)
        if order == "createAt":
            items = self._sorted(items, lambda p: p.create_us, desc)
        else:
            items = self._sorted(items, lambda p: p.listed_num, desc)
        return {"pageNum": pageNum, "pageSize": pageSize, "total": len(items),
                "list": [self._list_item(p) for p in _page(items, pageNum, pageSize)]}

    def _list_item(self, p: Product) -> dict[str, Any]:
        return {
            "pid": p.pid, "productName": _json_array(p.local_names), "productNameEn": p.name_en,
            "productSku": p.sku, "productImage": p.images[0], "productWeight": p.weight,
            "productType": p.product_type, "productUnit": p.unit, "sellPrice": p.sell_price,
            "categoryId": p.category_id, "categoryName": self._path_name(p), "remark": "",
            "addMarkStatus": int(p.free_shipping), "isFreeShipping": p.free_shipping,
            "listedNum": p.listed_num, "supplierName": p.supplier_name,
            "supplierId": p.supplier_id, "createTime": china_iso(p.create_us),
            "isVideo": int(p.is_video), "saleStatus": 3, "customizationVersion": 0,
        }

    # -- §4.3 -------------------------------------------------------------------------------

    def product_list_v2(
        self, *, page: int = 1, size: int = 10, keyWord: str | None = None,
        categoryId: str | None = None, lv2categoryList: Sequence[str] = (),
        lv3categoryList: Sequence[str] = (), countryCode: str | None = None,
        startSellPrice: Decimal | None = None, endSellPrice: Decimal | None = None,
        startWarehouseInventory: int | None = None, endWarehouseInventory: int | None = None,
        addMarkStatus: int | None = None, timeStart: int | None = None,
        timeEnd: int | None = None, orderBy: int | None = None, sort: str | None = None,
        features: Sequence[str] = (), productType: int | None = None,
        reserved: Reserved | None = None, **_ignored: Any,
    ) -> dict[str, Any]:
        """P2 search. ``timeStart``/``timeEnd`` are epoch milliseconds, as CJ sends them."""
        code = countryCode.upper() if countryCode else None
        items = self._online()
        words = _words_of(keyWord)
        if words:
            items = [p for p in items if self._keyword_hit(p, words, keyWord or "")]
        if categoryId:
            leaf_ids = self._subtree(categoryId)
            items = [p for p in items if p.category_id in leaf_ids]
        if lv2categoryList:
            wanted = {c.strip().upper() for c in lv2categoryList}
            items = [p for p in items
                     if (self.category_path(p.category_id)[1].id.upper() in wanted)]
        if lv3categoryList:
            wanted = {c.strip().upper() for c in lv3categoryList}
            items = [p for p in items if p.category_id.upper() in wanted]
        stock = {p.pid: self._stock_of(p, reserved, code) for p in items}
        if code:
            items = [p for p in items if stock[p.pid] > 0]
        if startSellPrice is not None:
            items = [p for p in items if p.sell_price >= startSellPrice]
        if endSellPrice is not None:
            items = [p for p in items if p.sell_price <= endSellPrice]
        if startWarehouseInventory is not None:
            items = [p for p in items if stock[p.pid] >= startWarehouseInventory]
        if endWarehouseInventory is not None:
            items = [p for p in items if stock[p.pid] <= endWarehouseInventory]
        if addMarkStatus is not None:
            items = [p for p in items if int(p.free_shipping) == int(addMarkStatus)]
        if timeStart is not None:
            items = [p for p in items if p.create_us // 1000 >= timeStart]
        if timeEnd is not None:
            items = [p for p in items if p.create_us // 1000 <= timeEnd]
        items = _by_product_type(items, productType)
        items = self._order_v2(items, orderBy, sort, keyWord, stock)
        total = len(items)
        with_category = "enable_category" in features
        related = self._related_categories(items)
        content = {
            "productList": [self._v2_item(p, stock[p.pid], features)
                            for p in _page(items, page, size)],
            "relatedCategoryList": related,
            "categoryList": related if with_category else None,
            "storeList": self._stores(items, reserved, code),
            "keyWord": keyWord, "keyWordOld": keyWord, "searchHit": f"1::{total}",
        }
        return {"pageSize": size, "pageNumber": page, "totalRecords": total,
                "totalPages": -(-total // size) if total else 0, "content": [content]}

    def _keyword_hit(self, p: Product, words: Sequence[str], keyword: str) -> bool:
        if _all_in(words, p.name_en.lower()):
            return True
        wanted = keyword.strip().upper()
        return wanted == p.sku.upper() or any(wanted == v.sku.upper() for v in p.variants)

    def _order_v2(self, items: list[Product], orderBy: int | None, sort: str | None,
                  keyWord: str | None, stock: Mapping[str, int]) -> list[Product]:
        """0 best match: names holding the whole phrase first, then catalogue order."""
        order = 0 if orderBy is None else orderBy
        desc = _descending(sort)
        if order == 0:
            phrase = " ".join(_words_of(keyWord))
            return sorted(items, key=lambda p: phrase not in p.name_en.lower()) if phrase \
                else items
        keys: dict[int, Callable[[Product], Any]] = {
            1: lambda p: p.listed_num, 2: lambda p: p.sell_price, 3: lambda p: p.create_us,
            4: lambda p: stock[p.pid],
        }
        if order not in keys:
            raise illegal("orderBy must be 0..4")
        return self._sorted(items, keys[order], desc)

    def _related_categories(self, items: Iterable[Product]) -> list[dict[str, Any]]:
        seen: dict[str, str] = {}
        for p in items:
            if p.category_id not in seen:
                seen[p.category_id] = self._cat[p.category_id.upper()].name
        return [{"categoryId": k, "categoryName": v} for k, v in seen.items()]

    def _stores(self, items: Iterable[Product], reserved: Reserved | None,
                country: str | None) -> list[dict[str, Any]]:
        held: set[str] = set()
        for p in items:
            for v in p.variants:
                held.update(c for c, cj, f in _levels(v, reserved) if cj + f > 0)
        return [{"warehouseId": str(w.area_id), "warehouseName": w.area_en,
                 "countryCode": w.country}
                for w in WAREHOUSES.values()
                if w.country in held and (country is None or w.country == country)]

    def _v2_item(self, p: Product, stock: int, features: Sequence[str]) -> dict[str, Any]:
        path = self.category_path(p.category_id)
        names = "enable_category" in features
        price = price_text(p.sell_price, p.max_price)
        supplier = p.product_type == "SUPPLIER_PRODUCT"
        return {
            "id": p.pid, "nameEn": p.name_en, "sku": p.sku, "spu": p.sku,
            "bigImage": p.images[0], "sellPrice": price, "nowPrice": price,
            "discountPrice": price, "discountPriceRate": "0", "listedNum": p.listed_num,
            "categoryId": p.category_id, "twoCategoryId": path[1].id, "oneCategoryId": path[0].id,
            "threeCategoryName": path[2].name if names else None,
            "twoCategoryName": path[1].name if names else None,
            "oneCategoryName": path[0].name if names else None,
            "addMarkStatus": int(p.free_shipping), "isVideo": int(p.is_video),
            "videoList": p.videos if "enable_video" in features else [],
            "productType": p.product_type, "supplierName": p.supplier_name,
            "createAt": p.create_us // 1000, "warehouseInventoryNum": stock,
            "totalVerifiedInventory": 0 if supplier else stock,
            "totalUnVerifiedInventory": stock if supplier else 0,
            "verifiedWarehouse": self._verified(p), "customization": 0, "isPersonalized": 0,
            "hasCECertification": 0, "isCollect": 0, "myProduct": False, "currency": "USD",
            "description": p.description if "enable_description" in features else None,
            "deliveryCycle": p.delivery_cycle, "saleStatus": "3", "authorityStatus": "1",
        }

    # -- §4.4 -------------------------------------------------------------------------------

    def product_query(
        self, pid: str | None = None, productSku: str | None = None,
        variantSku: str | None = None, features: Sequence[str] = (),
        countryCode: str | None = None, reserved: Reserved | None = None,
    ) -> dict[str, Any]:
        p, _ = self._resolve(pid, productSku, variantSku)
        variants = self._in_country(p.variants, countryCode, reserved)
        inventory = "enable_inventory" in features
        head = self._product_heads.get(p.pid)
        if head is None:
            head = self._product_heads[p.pid] = self._product_head(p)
        out = dict(head)
        out["productVideo"] = p.videos if "enable_video" in features else []
        out["createrTime"] = head["createrTime"]  # keeps CJ's key order after productVideo
        out["customizationVersion"] = 0
        out["variants"] = [self.variant_data(v, inventory, reserved) for v in variants]
        return out

    def _product_head(self, p: Product) -> dict[str, Any]:
        """The parts of a product/query answer that depend on the product alone."""
        low, high = p.sell_price, p.max_price
        return {
            "pid": p.pid, "productName": _json_array(p.local_names), "productNameEn": p.name_en,
            "productSku": p.sku, "bigImage": p.images[0], "productImage": p.images[0],
            "productImageSet": list(p.images), "productWeight": f"{p.weight}.0",
            "packingWeight": f"{p.packing_weight}.0", "productUnit": p.unit,
            "productType": p.product_type, "categoryId": p.category_id,
            "categoryName": self._path_name(p), "entryCode": p.entry_code,
            "entryName": p.entry_name, "entryNameEn": p.entry_name_en,
            "materialName": _json_array(p.material_zh),
            "materialNameEn": _json_array(p.material_en),
            "materialKey": _json_array(p.material_key),
            "packingName": _json_array(p.packing_zh), "packingNameEn": _json_array(p.packing_en),
            "packingKey": _json_array(p.packing_key), "productKey": _json_array(p.key_zh),
            "productKeyEn": "-".join(p.key_en), "productProSet": list(p.pro_zh),
            "productProEnSet": list(p.pro_en),
            "sellPrice": low if low == high else price_text(low, high),
            "productSugSellPrice": p.sug_price, "description": p.description, "status": "3",
            "listedNum": p.listed_num, "supplierName": p.supplier_name,
            "supplierId": p.supplier_id, "productVideo": [],
            "createrTime": china_iso(p.create_us),
        }

    def _in_country(self, variants: Iterable[Variant], country: str | None,
                    reserved: Reserved | None) -> list[Variant]:
        """With a country: only variants that have available stock there."""
        if not country:
            return list(variants)
        code = country.upper()
        return [v for v in variants
                if any(c == code and cj + f > 0 for c, cj, f in _levels(v, reserved))]

    # -- §4.5 -------------------------------------------------------------------------------

    def variant_query(
        self, pid: str | None = None, productSku: str | None = None,
        variantSku: str | None = None, countryCode: str | None = None,
        reserved: Reserved | None = None,
    ) -> list[dict[str, Any]]:
        """A product's variants; by ``variantSku`` alone, just that variant."""
        p, only = self._resolve(pid, productSku, variantSku)
        variants = (only,) if only is not None else p.variants
        return [self.variant_data(v) for v in self._in_country(variants, countryCode, reserved)]

    def variant_by_vid(self, vid: str, features: Sequence[str] = (),
                       reserved: Reserved | None = None) -> dict[str, Any]:
        return self.variant_data(self.variant(vid), "enable_inventory" in features, reserved)

    # -- §4.6 -------------------------------------------------------------------------------

    def stock_by_vid(self, vid: str, reserved: Reserved | None = None) -> list[dict[str, Any]]:
        v = self.variant(vid)
        out = []
        for c, cj, f in _levels(v, reserved):
            w = WAREHOUSES[c]
            out.append({"vid": v.vid, "areaId": w.area_id, "areaEn": w.area_en,
                        "countryCode": c, "storageNum": cj + f, "totalInventoryNum": cj + f,
                        "cjInventoryNum": cj, "factoryInventoryNum": f})
        return out

    def stock_by_sku(self, sku: str, reserved: Reserved | None = None) -> list[dict[str, Any]]:
        """A variant SKU gives its stock; a product SKU (SPU) the sum over its variants."""
        found = self._by_vsku.get(sku.strip().upper())
        if found is not None and found[0].online:
            variants: Sequence[Variant] = (found[1],)
        else:
            variants = self.product_by_sku(sku).variants
        return [
            {"areaId": w.area_id, "areaEn": w.area_en, "countryCode": w.country,
             "countryNameEn": w.country_name_en, "totalInventoryNum": cj + f,
             "cjInventoryNum": cj, "factoryInventoryNum": f}
            for w, cj, f in self._per_country(variants, reserved)
        ]

    def inventory_by_pid(self, pid: str, countryCode: str | None = None,
                         reserved: Reserved | None = None) -> dict[str, Any]:
        p = self.product(pid)
        code = countryCode.upper() if countryCode else None
        sums = [
            {"areaEn": w.area_en, "areaId": w.area_id, "countryCode": w.country,
             "totalInventoryNum": cj + f, "cjInventoryNum": cj, "factoryInventoryNum": f,
             "countryNameEn": w.country_name_en}
            for w, cj, f in self._per_country(p.variants, reserved)
            if code is None or w.country == code
        ]
        per_variant = [{"vid": v.vid, "inventory": self._inventory_rows(v, reserved, code)}
                       for v in p.variants]
        return {"inventories": sums, "variantInventories": per_variant}

    def _per_country(self, variants: Iterable[Variant],
                     reserved: Reserved | None) -> list[tuple[Warehouse, int, int]]:
        """(warehouse, cj, factory) summed over variants, for countries with a row."""
        sums: dict[str, list[int]] = {}
        for v in variants:
            for c, cj, f in _levels(v, reserved):
                acc = sums.setdefault(c, [0, 0])
                acc[0] += cj
                acc[1] += f
        return [(w, sums[w.country][0], sums[w.country][1])
                for w in WAREHOUSES.values() if w.country in sums]


def _descending(sort: str | None) -> bool:
    if sort in (None, "", "desc", "DESC"):
        return True
    if sort in ("asc", "ASC"):
        return False
    raise illegal("sort must be desc or asc")


def _by_product_type(items: list[Product], product_type: int | None) -> list[Product]:
    """listV2 productType: 4 supplier, 10 with video, 11 without; other values ignored."""
    if product_type == 4:
        return [p for p in items if p.product_type == "SUPPLIER_PRODUCT"]
    if product_type == 10:
        return [p for p in items if p.is_video]
    if product_type == 11:
        return [p for p in items if not p.is_video]
    return items


# ---------------------------------------------------------------------------------------------
# The pinned-file format


def _plain(value: Any) -> Any:
    """asdict output -> JSON-ready: Decimal as string, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


_TUPLE_FIELDS = ("local_names", "images", "key_en", "key_zh", "material_zh", "material_en",
                 "material_key", "packing_zh", "packing_en", "packing_key", "pro_zh", "pro_en")


def _variant_from(d: Mapping[str, Any]) -> Variant:
    return Variant(**{
        **d, "price": money(d["price"]), "sug_price": money(d["sug_price"]),
        "stock": tuple(BaseStock(**s) for s in d["stock"]),
    })


def _product_from(d: Mapping[str, Any]) -> Product:
    fields = dict(d)
    for name in _TUPLE_FIELDS:
        fields[name] = tuple(fields[name])
    fields["sug_price"] = money(fields["sug_price"])
    fields["variants"] = tuple(_variant_from(v) for v in fields["variants"])
    return Product(**fields)


__all__ = [
    "DEMO_SKU", "WAREHOUSES", "BaseStock", "Catalogue", "Category", "Product", "Reserved",
    "Variant", "Warehouse", "china_iso", "generate", "price_text", "utc_ms_iso",
]
