#!/usr/bin/env python3
"""Summarises bench/web/sites.sh: per application site, for MedGuard (browser off / on), wapiti and sqlmap — wall time
and server-side requests on the vulnerable twin, its true injection findings against the site's known flaws, false
positives (injection findings that are not flaws, and anything reported on the fixed twin)."""
import csv, json, os, sys
from urllib.parse import urlparse

out, sites = sys.argv[1], sys.argv[2:]
INJECTION = {"sqli", "xss", "command-injection", "path-traversal", "open-redirect"}

# The flaws each vulnerable twin holds (kind, path, parameter); paths a form reaches under two names count once.
TRUTH = {
    "php-forms": {("sqli", "/", "keyword"), ("sqli", "/news.php", "id"), ("sqli", "/login.php", "username"),
                  ("sqli", "/login.php", "password"), ("xss", "/", "keyword")},
    "node-menu": {("sqli", "/dept", "code"), ("sqli", "/doctors", "dept")},
    "spa-json": {("sqli", "/api/auth/login", "user.name"), ("sqli", "/api/auth/login", "user.password"),
                 ("sqli", "/api/patients/query", "filter.ward")},
    "aspnet-xhr": {("sqli", "/ServiceSelect/GridOrgInfoList", "ProductId")},
}
ALIASES = {"/index.php": "/"}

def read(name, default=""):
    p = os.path.join(out, name)
    return open(p, encoding="utf-8", errors="replace").read() if os.path.exists(p) else default

def requests(run):
    return sum(1 for line in read(f"{run}.requests").splitlines() if line.strip())

def seconds(*runs):
    try:
        return sum(float(read(f"{r}.seconds").strip()) for r in runs)
    except ValueError:
        return float("nan")

def norm(kind, url, param):
    path = urlparse(url).path or url
    return (kind, ALIASES.get(path, path), param or "")

WAPITI_KIND = {"SQL Injection": "sqli", "Blind SQL Injection": "sqli", "Cross Site Scripting": "xss",
               "Commands execution": "command-injection", "Command execution": "command-injection",
               "Path Traversal": "path-traversal", "Open Redirect": "open-redirect"}

def findings(site, twin, tool):
    base = f"{site}.{twin}"
    if tool.startswith("medguard"):
        doc = json.loads(read(f"{base}.{tool}.json", "{}") or "{}")
        return {norm(f["ruleId"], f["url"], f.get("parameter")) for f in doc.get("findings", []) if f["ruleId"] in INJECTION}
    if tool == "wapiti":
        doc = json.loads(read(f"{base}.wapiti.json", "{}") or "{}")
        return {norm(WAPITI_KIND[c], v.get("path", ""), v.get("parameter")) for c, items in (doc.get("vulnerabilities") or {}).items()
                if c in WAPITI_KIND for v in items}
    found = set()
    for part in ("links", "forms"):
        p = os.path.join(out, f"{base}.sqlmap-{part}.csv")
        if os.path.exists(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                found |= {norm("sqli", r.get("Target URL", ""), r["Parameter"]) for r in csv.DictReader(f) if r.get("Parameter")}
    return found

TOOLS = [("MedGuard --browser off", "medguard-off"), ("MedGuard --browser on", "medguard-on"),
         ("wapiti 3.0.4", "wapiti"), ("sqlmap 1.7.2 (links + forms)", "sqlmap")]
print("| site | tool | wall time (s) | requests | true findings | false positives (vulnerable + fixed twin) | missed |")
print("|---|---|---:|---:|---:|---:|---|")
for site in sites:
    truth = TRUTH.get(site, set())
    for label, tool in TOOLS:
        runs = [f"{site}.vulnerable.sqlmap-links", f"{site}.vulnerable.sqlmap-forms"] if tool == "sqlmap" else [f"{site}.vulnerable.{tool}"]
        if not os.path.exists(os.path.join(out, f"{runs[0]}.seconds")):
            continue  # not run (PEERS=0, MODES)
        req = requests(f"{site}.vulnerable.sqlmap") if tool == "sqlmap" else requests(runs[0])
        vuln, fixed = findings(site, "vulnerable", tool), findings(site, "fixed", tool)
        true = vuln & truth
        fp = (vuln - truth) | {("fixed",) + f for f in fixed}
        missed = "; ".join(f"{k} {p} {q}" for k, p, q in sorted(truth - vuln))
        fps = f"{len(fp)}" + (f" ({'; '.join(' '.join(x) for x in sorted(fp))})" if fp else "")
        print(f"| {site} | {label} | {seconds(*runs):.1f} | {req} | {len(true)}/{len(truth)} | {fps} | {missed or '—'} |")
