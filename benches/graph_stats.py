#!/usr/bin/env python3
"""Per-repository figures of the Terraform loader on a corpus part.

    benches/graph_stats.py [CORPUS_PART_DIR]     (default: target/corpus/terraform)

Runs `tenet graph` once per top-level directory (one repository each) and prints, per
repository: managed resources, data sources, module calls left unexpanded, load errors, and
the share of managed resources' top-level attributes whose value is unknown (listed in
`unknown`), then the totals.
"""
import json, os, subprocess, sys

part = sys.argv[1] if len(sys.argv) > 1 else "target/corpus/terraform"
tenet = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "tenet")
rows = []
for repo in sorted(os.listdir(part)):
    path = os.path.join(part, repo)
    if not os.path.isdir(path):
        continue
    out = subprocess.run([tenet, "graph", "--compact", "--root", path, path],
                         capture_output=True, check=True).stdout
    g = json.loads(out)
    managed = [r for r in g["resources"] if r["mode"] == "managed"]
    data = sum(1 for r in g["resources"] if r["mode"] == "data")
    modules = sum(1 for r in g["resources"] if r["mode"] == "module")
    known = unknown = 0
    for r in managed:
        top_unknown = {u for u in r["unknown"] if u and all(c not in u for c in ".[")
                       and u not in ("count", "for_each")}
        known += len([k for k in r["attributes"] if k not in top_unknown])
        unknown += len(top_unknown)
    rows.append((repo, len(managed), data, modules, len(g["errors"]), known, unknown))

print(f"{'repository':60} {'managed':>8} {'data':>6} {'modules':>8} {'errors':>7} {'unknown':>8}")
for repo, m, d, mod, e, k, u in rows:
    share = 100.0 * u / (k + u) if k + u else 0.0
    print(f"{repo:60} {m:8} {d:6} {mod:8} {e:7} {share:7.1f}%")
tm = sum(r[1] for r in rows); td = sum(r[2] for r in rows); tmod = sum(r[3] for r in rows)
te = sum(r[4] for r in rows); tk = sum(r[5] for r in rows); tu = sum(r[6] for r in rows)
print(f"{'total':60} {tm:8} {td:6} {tmod:8} {te:7} {100.0 * tu / max(tk + tu, 1):7.1f}%")
