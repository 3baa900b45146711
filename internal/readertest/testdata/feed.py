# Reads a feed with feedparser and prints what a feed reader sees as JSON:
# whether feedparser found it malformed (bozo) and why, the feed's title,
# author and links, and each entry's.
import json
import sys

import feedparser


def links(d):
    return [{"rel": l.get("rel", ""), "type": l.get("type", ""), "href": l.get("href", "")} for l in d.get("links", [])]


def main(path):
    with open(path, "rb") as f:
        d = feedparser.parse(f.read())
    out = {
        "bozo": bool(d.bozo),
        "bozo_exception": str(d.get("bozo_exception", "")),
        "version": d.get("version", ""),
        "title": d.feed.get("title", ""),
        "author": d.feed.get("author", ""),
        "links": links(d.feed),
        "entries": [{
            "id": e.get("id", ""),
            "title": e.get("title", ""),
            "author": e.get("author", ""),
            "published": e.get("published", ""),
            "updated": e.get("updated", ""),
            "summary": e.get("summary", ""),
            "links": links(e),
        } for e in d.entries],
    }
    print(json.dumps(out, ensure_ascii=False))


main(sys.argv[1])
