"""Word lists: the category tree and what products of each category are made of.

The generator draws every name, variant dimension, price range, weight, size, customs code,
material and packing from these tables. A new category is a :class:`Leaf` in a :class:`Group`
of :data:`TREE`; a new word or dimension value goes in its list below. Any change here changes
the products of every seed (the draws shift), so it shows in the pinned fingerprints of
``tests/domain/test_catalogue_fingerprint.py``: update them deliberately, in the same commit.

A dimension is (name en, name zh, ((value, value zh), ...)); values carry no spaces or dashes
because they become part of the variant SKU.
"""

from __future__ import annotations

from dataclasses import dataclass

Dim = tuple[str, str, tuple[tuple[str, str], ...]]
Word = tuple[str, str]  # (en, zh)
Material = tuple[str, str, str]  # (zh, en, key)


_COLOR: Dim = ("Color", "颜色", (
    ("Black", "黑色"), ("White", "白色"), ("Red", "红色"), ("Blue", "蓝色"), ("Pink", "粉色"),
    ("Green", "绿色"), ("Purple", "紫色"), ("Gray", "灰色"), ("Brown", "棕色"),
    ("Beige", "米色"), ("Navy", "藏青色"), ("Yellow", "黄色"),
))
_CASE_COLOR: Dim = ("Color", "颜色", (
    ("Black", "黑色"), ("Clear", "透明"), ("Blue", "蓝色"), ("Pink", "粉色"),
    ("Purple", "紫色"), ("Green", "绿色"), ("Red", "红色"), ("White", "白色"),
))
_METAL: Dim = ("Color", "颜色", (
    ("Gold", "金色"), ("Silver", "银色"), ("RoseGold", "玫瑰金"), ("Black", "黑色"),
))
_SIZE: Dim = ("Size", "尺码", (
    ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"), ("XXL", "XXL"), ("3XL", "3XL"),
))
_PET_SIZE: Dim = ("Size", "尺码", (
    ("XS", "XS"), ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"),
))
_MODEL: Dim = ("Model", "型号", (
    ("iPhone15", "iPhone15"), ("iPhone15Pro", "iPhone15Pro"),
    ("iPhone15ProMax", "iPhone15ProMax"), ("iPhone14", "iPhone14"),
    ("GalaxyS24", "GalaxyS24"), ("GalaxyS23Ultra", "GalaxyS23Ultra"), ("Pixel8", "Pixel8"),
))
_PLUG: Dim = ("Plug", "插头", (("US", "美规"), ("EU", "欧规"), ("UK", "英规"), ("AU", "澳规")))
_LENGTH: Dim = ("Length", "长度", (("1m", "1米"), ("2m", "2米"), ("3m", "3米")))
_CAPACITY: Dim = ("Capacity", "容量", (
    ("350ml", "350毫升"), ("500ml", "500毫升"), ("750ml", "750毫升"), ("1000ml", "1000毫升"),
))
_BATTERY: Dim = ("Capacity", "容量", (
    ("5000mAh", "5000毫安"), ("10000mAh", "10000毫安"), ("20000mAh", "20000毫安"),
))
_STYLE: Dim = ("Style", "款式", (
    ("Floral", "花卉"), ("Geometric", "几何"), ("Marble", "大理石"), ("Leaf", "树叶"),
    ("Star", "星星"), ("Stripe", "条纹"),
))
_SHADE: Dim = ("Shade", "色号", (
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

PACKINGS: tuple[Material, ...] = (
    ("塑料袋", "plastic_bag", "PLASTIC_BAG"),
    ("纸盒", "carton", "CARTON"),
    ("气泡袋", "bubble_bag", "BUBBLE_BAG"),
    ("OPP袋", "opp_bag", "OPP_BAG"),
)

_COMMON = ("普货", "COMMON")
_ELECTRONIC = ("带电", "ELECTRONIC")
_COSMETIC = ("化妆品", "COSMETIC")


@dataclass(frozen=True)
class Leaf:
    name: str
    nouns: tuple[Word, ...]
    dims: tuple[Dim, ...] | None = None  # None: the group's
    weight: int = 1  # how often products land here


@dataclass(frozen=True)
class Group:
    """A second-level category with what its products share."""

    name: str
    leaves: tuple[Leaf, ...]
    dims: tuple[Dim, ...]
    adjectives: tuple[Word, ...]
    price: tuple[int, int]  # cents
    weight: tuple[int, int]  # grams
    size: tuple[int, int]  # longest side, mm
    hs: str
    entry: Word
    materials: tuple[Material, ...]
    pro: tuple[str, str] = _COMMON


def _leaf(name: str, nouns: str, dims: tuple[Dim, ...] | None = None, weight: int = 1) -> Leaf:
    """``nouns`` is "en|zh;en|zh" to keep the table below readable."""
    pairs = tuple((en, zh) for en, zh in (item.split("|") for item in nouns.split(";")))
    return Leaf(name, pairs, dims, weight)


def _words(text: str) -> tuple[Word, ...]:
    return tuple((en, zh) for en, zh in (item.split("|") for item in text.split(";")))


TREE: tuple[tuple[str, tuple[Group, ...]], ...] = (
    ("Phones & Telecommunications", (
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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
        Group(
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

PHONE_CASE_PATH = ("Phones & Telecommunications", "Mobile Phone Accessories",
                    "Phone Cases & Covers")
