#!/usr/bin/env python3
"""Summarises bench/web/run.sh output: wall time, server-side request count and findings of each tool, and which
findings of the peers MedGuard also has (same kind, same path and parameter)."""
import csv, json, os, sys
from urllib.parse import urlparse

out = sys.argv[1]

def read(name, default=""):
    p = os.path.join(out, name)
    return open(p, encoding="utf-8", errors="replace").read() if os.path.exists(p) else default

def requests(name):
    return sum(1 for line in read(f"{name}.requests").splitlines() if line.strip())

def seconds(name):
    try:
        if name == "sqlmap":
            return float(read("sqlmap-links.seconds").strip()) + float(read("sqlmap-forms.seconds").strip())
        return float(read(f"{name}.seconds").strip())
    except ValueError:
        return float("nan")

# MedGuard
mg = json.loads(read("medguard.json", "{}") or "{}")
mg_findings = [(f["ruleId"], urlparse(f["url"]).path, f.get("parameter") or "", f.get("technique") or "") for f in mg.get("findings", [])]

# wapiti: vulnerabilities by category
WAPITI_KIND = {
    "SQL Injection": "sqli", "Blind SQL Injection": "sqli", "Cross Site Scripting": "xss",
    "Commands execution": "command-injection", "Command execution": "command-injection",
    "Path Traversal": "path-traversal", "Open Redirect": "open-redirect", "Backup file": "backup-files",
    "Content Security Policy Configuration": "missing-csp", "HttpOnly Flag cookie": "cookie-without-httponly",
    "Secure Flag cookie": "cookie-without-secure", "Htaccess Bypass": "http-put-enabled",
    "Stored Cross Site Scripting": "xss", "Potentially dangerous file": "exposed-file",
}
wap = json.loads(read("wapiti.json", "{}") or "{}")
wap_findings = []
for category, items in (wap.get("vulnerabilities") or {}).items():
    for v in items:
        kind = WAPITI_KIND.get(category, category)
        if category == "HTTP Secure Headers":
            info = v.get("info", "")
            kind = "missing-x-frame-options" if "X-Frame" in info else "missing-x-content-type-options" if "Content-Type" in info else "missing-hsts" if "Strict" in info else "http-headers"
        wap_findings.append((kind, urlparse(v.get("path", "")).path or v.get("path", ""), v.get("parameter") or "", category))

# sqlmap: results CSV (Target URL, Place, Parameter, Technique(s), Note(s))
sq_findings = []
for name in ("sqlmap-links.csv", "sqlmap-forms.csv"):
    if os.path.exists(os.path.join(out, name)):
        with open(os.path.join(out, name), encoding="utf-8", errors="replace") as f:
            for row in csv.DictReader(f):
                if row.get("Parameter"):
                    sq_findings.append(("sqli", urlparse(row.get("Target URL", "")).path, row["Parameter"], row.get("Technique(s)", "")))

# Site-wide checks (headers, cookies) are reported once per host, on whichever page showed them first.
SITE_WIDE = {"missing-csp", "missing-x-frame-options", "missing-x-content-type-options", "cookie-without-httponly", "http-put-enabled"}
# On a plain-http site, HSTS and the Secure flag only mean something over https (RFC 6797 8.1); what wapiti points at
# there is that the site has no TLS, which MedGuard reports as cleartext-password-form (the login crosses in clear).
NO_TLS = {"missing-hsts", "cookie-without-secure"}
# Not reported by design: X-XSS-Protection is deprecated (current browsers ignore it; OWASP advises not to set it).
BY_DESIGN = {"http-headers"}

def covered(kind, path, param):
    if kind in BY_DESIGN:
        return None
    if kind in NO_TLS and any(k == "cleartext-password-form" for k, _, _, _ in mg_findings):
        return "as cleartext-password-form: the site has no https"
    return any(k == kind and (p == path or not path or kind in SITE_WIDE) and (not param or q == param) for k, p, q, _ in mg_findings)

print("| tool | wall time (s) | requests (server log) | findings | high-severity injection findings |")
print("|---|---:|---:|---:|---|")
for name, fs in (("MedGuard", mg_findings), ("wapiti 3.0.4", wap_findings), ("sqlmap 1.7.2 (links + forms)", sq_findings)):
    key = {"MedGuard": "medguard", "wapiti 3.0.4": "wapiti", "sqlmap 1.7.2 (links + forms)": "sqlmap"}[name]
    inj = sorted({f"{k} {p}?{q}" for k, p, q, _ in fs if k in ("sqli", "xss", "command-injection", "path-traversal", "open-redirect")})
    print(f"| {name} | {seconds(key):.1f} | {requests(key)} | {len(fs)} | {'; '.join(inj)} |")
print()
print(f"MedGuard's own request count: {mg.get('requests')}; summary {json.dumps(mg.get('summary'), ensure_ascii=False)}")
print()
for name, fs in (("wapiti", wap_findings), ("sqlmap", sq_findings)):
    print(f"## {name} findings and whether MedGuard has them")
    for k, p, q, extra in sorted(set(fs)):
        c = covered(k, p, q)
        note = " — not reported by design (deprecated header)" if c is None else f" — {c}" if isinstance(c, str) else ""
        print(f"- [{'x' if c else '-' if c is None else ' '}] {k} {p} {q} ({extra}){note}")
    print()
print("## MedGuard findings")
for k, p, q, t in mg_findings:
    print(f"- {k} {p} {q} {t}")
