#!/usr/bin/env python3
"""Adds messages to both catalogs: scripts/addmsg.py KEY ZH EN [KEY ZH EN ...].

Keeps the files sorted with one-space indentation, and refuses a key that
exists with other text unless --force is given."""
import json, sys, os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "internal", "i18n", "messages")
args = sys.argv[1:]
force = "--force" in args
args = [a for a in args if a != "--force"]
if len(args) % 3:
    sys.exit("usage: addmsg.py KEY ZH EN ...")
cats = {}
for lang in ("zh", "en"):
    with open(os.path.join(root, lang + ".json"), encoding="utf-8") as f:
        cats[lang] = json.load(f)
for i in range(0, len(args), 3):
    key, zh, en = args[i:i + 3]
    for lang, text in (("zh", zh), ("en", en)):
        old = cats[lang].get(key)
        if old is not None and old != text and not force:
            sys.exit(f"{key} ({lang}) exists as {old!r}")
        cats[lang][key] = text
for lang, m in cats.items():
    with open(os.path.join(root, lang + ".json"), "w", encoding="utf-8") as f:
        json.dump(dict(sorted(m.items())), f, ensure_ascii=False, indent=1)
        f.write("\n")
