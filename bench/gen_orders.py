#!/usr/bin/env python3
"""Writes the JSONata benchmark's document: {"orders": [...]} with N orders
(default 100,000, about 8.5 MB), each a flat object of the kind course
examples process.  Deterministic: the same N gives the same bytes.
usage: gen_orders.py OUT.json [N]"""
import json, sys

REGIONS = ["eu", "us", "ap", "sa", "af"]


def order(i):
    # a small linear congruential sequence: no dependency on Python's RNG
    x = (i * 1103515245 + 12345) % 2147483648
    return {
        "id": i,
        "customer": "C%05d" % (x % 20000),
        "product": "P%03d" % (x % 997 % 200),
        "price": (x % 10000) / 100,
        "quantity": 1 + x % 9,
        "region": REGIONS[x % len(REGIONS)],
    }


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    with open(out, "w") as f:
        json.dump({"orders": [order(i) for i in range(n)]}, f, separators=(",", ":"))


main()
