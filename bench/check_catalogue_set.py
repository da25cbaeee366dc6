#!/usr/bin/env python3
"""Validate bench/catalogue_set.jsonl, the labelled procedure-lookup evaluation set.

Usage:
    python3 bench/check_catalogue_set.py [CATALOG_JSONL] [--set PATH] [--show]

CATALOG_JSONL defaults to /work/data/opengov/backend/data/crawl/catalog.jsonl
(one JSON object per line with at least ``code``, ``name`` and ``type``).
--set defaults to catalogue_set.jsonl next to this script.
--show prints every procedure question with the catalogue name of its primary
code, for a human to eyeball that the labels fit.

Checks (standard library only; exit status 1 on any failure):
  * every line is valid JSON with the required fields and allowed values;
  * ids are unique;
  * every code exists in the catalogue listing and is not STANDARD_INTERNAL;
  * procedure items: non-empty ``codes`` without duplicates, ``primary`` in ``codes``;
    not_procedure items: ``codes == []`` and ``primary`` is null;
  * counts: >= 330 procedure questions, >= 160 distinct primaries, >= 70 not_procedure;
  * holdout share is one third (within one item) for procedure items and for
    not_procedure items separately;
  * all items sharing a primary code are in the same split; both members of a
    diacritics pair are in the same split, share codes/primary/asks, one is
    written with diacritics and the other is the same text without them.
"""
import argparse
import collections
import json
import os
import sys
import unicodedata

DEFAULT_CATALOG = "/work/data/opengov/backend/data/crawl/catalog.jsonl"
ASKS = {"what", "documents", "fee", "time", "where", "online", "who", "how"}
REG_PARTS = {"diac", "nodiac", "teen", "context"}
KINDS = {"procedure", "not_procedure"}
SPLITS = {"tune", "holdout"}


def strip_diacritics(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", s)


def has_diacritics(s):
    return strip_diacritics(s) != unicodedata.normalize("NFC", s)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("catalog", nargs="?", default=DEFAULT_CATALOG)
    ap.add_argument("--set", dest="setpath", default=os.path.join(here, "catalogue_set.jsonl"))
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()

    errors = []
    err = errors.append

    catalog = {}
    with open(a.catalog, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                r = json.loads(line)
                catalog[r["code"]] = r

    items = []
    with open(a.setpath, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as e:
                err(f"line {n}: invalid JSON ({e})")

    ids = collections.Counter(r.get("id") for r in items)
    for i, c in ids.items():
        if c > 1:
            err(f"duplicate id {i} ({c}x)")

    for r in items:
        rid = r.get("id")
        for k in ("id", "q", "codes", "primary", "register", "split", "kind"):
            if k not in r:
                err(f"{rid}: missing field {k}")
        if not isinstance(r.get("q"), str) or not r.get("q", "").strip():
            err(f"{rid}: empty question")
        if r.get("kind") not in KINDS:
            err(f"{rid}: bad kind {r.get('kind')}")
        if r.get("split") not in SPLITS:
            err(f"{rid}: bad split {r.get('split')}")
        parts = str(r.get("register", "")).split("+")
        if not parts or any(p not in REG_PARTS for p in parts) or len(set(parts)) != len(parts):
            err(f"{rid}: bad register {r.get('register')}")
        if "nodiac" in parts and "diac" in parts:
            err(f"{rid}: register has both diac and nodiac")
        if "nodiac" in parts and has_diacritics(r.get("q", "")):
            err(f"{rid}: register nodiac but question has diacritics")
        if "diac" in parts and not has_diacritics(r.get("q", "")):
            err(f"{rid}: register diac but question has no diacritics")
        codes = r.get("codes")
        if not isinstance(codes, list):
            err(f"{rid}: codes is not a list")
            continue
        for c in codes:
            if c not in catalog:
                err(f"{rid}: code {c} not in catalogue")
            elif catalog[c].get("type") == "STANDARD_INTERNAL":
                err(f"{rid}: code {c} is STANDARD_INTERNAL")
        if r.get("kind") == "procedure":
            if not codes:
                err(f"{rid}: procedure item without codes")
            if len(set(codes)) != len(codes):
                err(f"{rid}: duplicate codes")
            if r.get("primary") not in codes:
                err(f"{rid}: primary {r.get('primary')} not in codes")
            if r.get("asks") not in ASKS:
                err(f"{rid}: bad asks {r.get('asks')}")
        elif r.get("kind") == "not_procedure":
            if codes:
                err(f"{rid}: not_procedure item has codes")
            if r.get("primary") is not None:
                err(f"{rid}: not_procedure item has a primary")
            if "pair" in r:
                pass

    proc = [r for r in items if r.get("kind") == "procedure"]
    nonp = [r for r in items if r.get("kind") == "not_procedure"]
    prims = {r.get("primary") for r in proc}
    if len(proc) < 330:
        err(f"only {len(proc)} procedure questions (< 330)")
    if len(prims) < 160:
        err(f"only {len(prims)} distinct primaries (< 160)")
    if len(nonp) < 70:
        err(f"only {len(nonp)} not_procedure questions (< 70)")

    for name, group in (("procedure", proc), ("not_procedure", nonp)):
        h = sum(1 for r in group if r.get("split") == "holdout")
        if group and abs(h - len(group) / 3) > 1:
            err(f"{name}: holdout {h}/{len(group)} is not one third")

    by_prim = collections.defaultdict(set)
    for r in proc:
        by_prim[r.get("primary")].add(r.get("split"))
    for p, s in by_prim.items():
        if len(s) > 1:
            err(f"primary {p} appears in both splits")

    pairs = collections.defaultdict(list)
    for r in items:
        if "pair" in r:
            pairs[r["pair"]].append(r)
    for p, mem in pairs.items():
        if len(mem) != 2:
            err(f"pair {p} has {len(mem)} members")
            continue
        x, y = mem
        if x.get("split") != y.get("split"):
            err(f"pair {p} split across tune/holdout")
        for k in ("codes", "primary", "asks", "kind"):
            if x.get(k) != y.get(k):
                err(f"pair {p}: members differ in {k}")
        d = [m for m in mem if has_diacritics(m["q"])]
        nd = [m for m in mem if not has_diacritics(m["q"])]
        if len(d) != 1 or len(nd) != 1:
            err(f"pair {p}: need one member with and one without diacritics")
        elif strip_diacritics(d[0]["q"]) != nd[0]["q"]:
            err(f"pair {p}: texts differ beyond diacritics")

    if a.show:
        for r in proc:
            nm = catalog.get(r["primary"], {}).get("name", "?").replace("\n", " ")
            print(f"{r['id']}\t{r['q']}\n\t-> {r['primary']} {nm[:140]}  (+{len(r['codes']) - 1})")

    cnt = collections.Counter
    print(f"procedure questions: {len(proc)}  distinct primaries: {len(prims)}  "
          f"distinct acceptable codes: {len({c for r in proc for c in r['codes']})}")
    print(f"not_procedure: {len(nonp)}  pairs: {len(pairs)}")
    print("split:", dict(cnt((r['kind'], r['split']) for r in items)))
    print("holdout primaries:", len({r['primary'] for r in proc if r['split'] == 'holdout'}))
    print("register:", dict(cnt(r['register'] for r in items)))
    print("asks:", dict(cnt(r['asks'] for r in proc)))
    types = cnt(catalog[r['primary']]['type'] for r in proc if r['primary'] in catalog)
    print("primary catalogue type (by question):", dict(types))
    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        for e in errors[:200]:
            print("  -", e)
        sys.exit(1)
    print("\nOK")


if __name__ == "__main__":
    main()
