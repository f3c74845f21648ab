"""The demo township: a deterministic synthetic 关坝镇 with the seed's figures, and `fupin demo`.

Everything here is synthetic (names, ID numbers, phones, incomes); only the place names
重庆市, 綦江区, 关坝镇 and 凉风村 are real. No real person's data, ever.
"""
