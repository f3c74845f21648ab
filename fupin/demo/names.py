"""Synthetic Chinese names: common surnames and given-name characters by generation."""

from __future__ import annotations

import random

from fupin.registry import codes

# Common surnames, the most frequent in the Chongqing countryside first (weights are rough).
SURNAMES = (
    ("陈", 9), ("李", 9), ("王", 8), ("刘", 8), ("张", 8), ("杨", 6), ("周", 5), ("罗", 5),
    ("黄", 4), ("何", 4), ("吴", 4), ("谭", 3), ("唐", 3), ("赵", 3), ("徐", 3), ("胡", 3),
    ("邓", 3), ("曾", 3), ("蒋", 2), ("彭", 2), ("廖", 2), ("冉", 2), ("向", 2), ("袁", 2),
    ("余", 2), ("熊", 2), ("冯", 2), ("钟", 2), ("郑", 2), ("付", 2), ("程", 1), ("汪", 1),
    ("邹", 1), ("秦", 1), ("蔡", 1), ("任", 1), ("谢", 1), ("韩", 1), ("夏", 1), ("穆", 1),
)  # fmt: skip
_SURNAME_CHOICES = [name for name, _weight in SURNAMES]
_SURNAME_WEIGHTS = [weight for _name, weight in SURNAMES]

# Given-name characters change with fashion; (born before, male characters, female characters).
GIVEN_NAME_CHARACTERS = (
    (1970, "德明国华光文贵福才兴成富荣洪建平志远正林树清学发云忠强永祥昌勇军海",
     "秀英兰芳珍玉凤桂琴淑华梅翠群素莲会碧菊容"),
    (1995, "伟军勇涛斌波刚鹏杰俊超磊明强亮峰林东平辉健毅江",
     "丽娟敏静燕艳霞红梅琳婷玲芳萍莉雪慧琼丹洁"),
    (9999, "浩宇轩子涵睿博俊杰豪宸航铭一晨阳泽昊鑫然",
     "欣怡梓涵雨萱诗琪佳悦可馨思彤雅子妍瑶若汐"),
)  # fmt: skip


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_CHOICES, weights=_SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, *, sex: str, birth_year: int) -> str:
    """One or two characters in the fashion of the birth year (younger: mostly two)."""
    male, female = next(
        (male, female) for before, male, female in GIVEN_NAME_CHARACTERS if birth_year < before
    )
    pool = male if sex == codes.Sex.MALE else female
    two = rng.random() < (0.75 if birth_year >= 1995 else 0.6)
    return "".join(rng.choice(pool) for _ in range(2 if two else 1))


def full_name(rng: random.Random, *, family_name: str, sex: str, birth_year: int) -> str:
    return family_name + given_name(rng, sex=sex, birth_year=birth_year)
