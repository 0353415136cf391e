#!/usr/bin/env python3
"""Checks a collector's traffic statistics API against its own search (Python 3 stdlib only):
what /api/v1/stats/series and /top count over a store must be what /api/v1/search finds.

  stats_api_check.py API SINCE UNTIL

API is http://127.0.0.1:PORT; SINCE and UNTIL are what the API takes (e.g. 2000-01-01T00:00:00Z
and now). Checks, over [SINCE, UNTIL]:
  - by=total sums to the number of records the search pages through;
  - by=method's INVITE, by=code's 200 and by=node's nodes equal the search's counts for them;
  - by=kind sums to the total; by=asr has calls, answered and asr;
  - top by=src_ip is ordered, its first count is the search's for that address;
  - by=user and by=user_agent answer.
Prints "stats_api: ..." with the figures, FAIL lines; exit 1 on any failure.
"""
import json
import sys
import urllib.parse
import urllib.request


def get(api, path, **params):
    url = api + path + "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


def search_count(api, since, until, **filters):
    n, offset = 0, 0
    while True:
        body = get(api, "/api/v1/search", since=since, until=until, limit=1000, offset=offset, **filters)
        got = len(body.get("records", []))
        n += got
        if not body.get("more") or got == 0:
            return n
        offset += got


def series_totals(body):
    return {s["key"]: s.get("total", 0) for s in body.get("series", []) if "total" in s}


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    api, since, until = argv[1], argv[2], argv[3]
    bad = []
    total = sum(series_totals(get(api, "/api/v1/stats/series", by="total", since=since, until=until)).values())
    found = search_count(api, since, until)
    if total != found or total == 0:
        bad.append("by=total counts %d, the search finds %d" % (total, found))
    methods = series_totals(get(api, "/api/v1/stats/series", by="method", since=since, until=until))
    invites = search_count(api, since, until, method="INVITE")
    if methods.get("INVITE", 0) != invites:
        bad.append("by=method INVITE %d, the search %d (%s)" % (methods.get("INVITE", 0), invites, methods))
    codes = series_totals(get(api, "/api/v1/stats/series", by="code", since=since, until=until))
    oks = search_count(api, since, until, status="200")
    if codes.get("200", 0) != oks:
        bad.append("by=code 200 %d, the search %d" % (codes.get("200", 0), oks))
    nodes = series_totals(get(api, "/api/v1/stats/series", by="node", since=since, until=until))
    for node, n in nodes.items():
        if node and search_count(api, since, until, node=node) != n:
            bad.append("by=node %s %d, the search differs" % (node, n))
    kinds = series_totals(get(api, "/api/v1/stats/series", by="kind", since=since, until=until))
    if sum(kinds.values()) != total:
        bad.append("by=kind sums to %d, want %d (%s)" % (sum(kinds.values()), total, kinds))
    asr = get(api, "/api/v1/stats/series", by="asr", since=since, until=until)
    if [s["key"] for s in asr.get("series", [])] != ["calls", "answered", "asr"]:
        bad.append("by=asr: %s" % [s.get("key") for s in asr.get("series", [])])
    top = get(api, "/api/v1/stats/top", by="src_ip", since=since, until=until, limit=5).get("top", [])
    counts = [t["count"] for t in top]
    if not top or counts != sorted(counts, reverse=True):
        bad.append("top src_ip: %s" % top)
    elif search_count(api, since, until, ip=top[0]["key"]) < top[0]["count"]:
        # The ip filter matches source or destination: at least the source's count.
        bad.append("top src_ip %s counts %d, more than the search finds" % (top[0]["key"], top[0]["count"]))
    for by in ("user", "user_agent"):
        get(api, "/api/v1/stats/top", by=by, since=since, until=until)
    for b in bad:
        print("FAIL: stats API: " + b)
    print("stats_api: %d records, %d INVITE, %d 200, kinds %s, top source %s" %
          (total, invites, oks, kinds, top[0] if top else None))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
