#!/usr/bin/env bash
# bench/web/run.sh — MedGuard `scan web` side by side with wapiti and sqlmap (Debian packages) against the vulnerable
# hospital portal (tests/MedGuard.TestTargets.HospitalPortal). Everything runs inside a private network namespace
# that this script creates, with only a loopback interface: no tool can reach any other host.
# Each tool gets a fresh portal; requests are counted on the server side (the portal's request log).
# Output: artifacts/bench-web/ (raw reports) and a summary table on stdout (also results.md there).
# Usage: sudo bench/web/run.sh            (root: network namespaces, apt)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/artifacts/bench-web}
RATE=${RATE:-100} # MedGuard's --rate (requests per second per host); wapiti and sqlmap run unthrottled, RATE=1000 puts MedGuard on that footing
rm -rf "$OUT"; mkdir -p "$OUT"

for p in wapiti sqlmap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || {
    apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wapiti sqlmap >/dev/null; }
done

${BUILD_LOCK:+flock "$BUILD_LOCK"} dotnet build tests/MedGuard.TestTargets.HospitalPortal -c Release -o "$OUT/portal" -nologo -v:q >/dev/null
# MedGuard runs as users run it: the README's ./medguard (built once, ReadyToRun, outside the measurements).
${BUILD_LOCK:+flock "$BUILD_LOCK"} ./medguard --version >/dev/null

NS=mg-web-bench-$$
ip netns add "$NS"
PORTAL_PID=
cleanup() { [ -n "$PORTAL_PID" ] && kill "$PORTAL_PID" 2>/dev/null; ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip -n "$NS" link set lo up
inns() { ip netns exec "$NS" "$@"; }

start_portal() { # $1 = name; sets URL, PORTAL_PID
  : > "$OUT/$1.requests"
  # Started directly (not through the inns function): $! must be the portal itself, or stop_portal kills a subshell.
  ip netns exec "$NS" dotnet "$OUT/portal/MedGuard.TestTargets.HospitalPortal.dll" --request-log "$OUT/$1.requests" \
    > "$OUT/$1.portal.out" 2>&1 &
  PORTAL_PID=$!
  for _ in $(seq 1 100); do [ -s "$OUT/$1.portal.out" ] && break; sleep 0.1; done
  URL=$(head -n 1 "$OUT/$1.portal.out")
  PORT=$(sed 's|.*:\([0-9]*\)/$|\1|' <<<"$URL")
}
stop_portal() { kill "$PORTAL_PID"; wait "$PORTAL_PID" 2>/dev/null || true; PORTAL_PID=; }
timed() { # $1 = name, rest = command; writes $OUT/$1.seconds
  local name=$1; shift
  local t0 t1; t0=$(date +%s.%N)
  "$@" > "$OUT/$name.stdout" 2> "$OUT/$name.stderr" || echo "exit $?" >> "$OUT/$name.stderr"
  t1=$(date +%s.%N)
  python3 -c "print(round($t1 - $t0, 2))" > "$OUT/$name.seconds"
}

echo "load before: $(uptime)" | tee "$OUT/load.txt"
nproc >> "$OUT/load.txt"

# MedGuard: full scan with the login recipe, $RATE requests/s per host (100 by default).
start_portal medguard
printf 'targets:\n  - host: 127.0.0.1\n    ports: [%s]\n' "$PORT" > "$OUT/scope.yaml"
timed medguard inns "$ROOT/medguard" scan web --scope "$OUT/scope.yaml" --url "$URL" \
  --login tests/MedGuard.TestTargets.HospitalPortal/login-recipe.yaml --format json --rate "$RATE"
cp "$OUT/medguard.stdout" "$OUT/medguard.json"
stop_portal

# wapiti: default modules without ssrf (it polls an external endpoint), plus backup and methods.
start_portal wapiti
timed wapiti inns wapiti -u "$URL" --scope folder -m "blindsql,cookieflags,csp,exec,file,http_headers,permanentxss,redirect,sql,xss,backup,methods" \
  -f json -o "$OUT/wapiti.json" --flush-session --no-bugreport --store-session "$OUT/wapiti-session" --store-config "$OUT/wapiti-config" -v 1
stop_portal

# sqlmap: crawl the site and test its links, then (second run, since --forms tests only forms) its forms; defaults
# answer its questions. The two runs' time and requests are added up.
start_portal sqlmap
timed sqlmap-links inns sqlmap -u "$URL" --crawl=3 --batch --output-dir "$OUT/sqlmap" --results-file "$OUT/sqlmap-links.csv" --disable-coloring
timed sqlmap-forms inns sqlmap -u "$URL" --crawl=3 --forms --batch --output-dir "$OUT/sqlmap" --results-file "$OUT/sqlmap-forms.csv" --disable-coloring
stop_portal

echo "load after: $(uptime)" | tee -a "$OUT/load.txt"
python3 bench/web/summarize.py "$OUT" | tee "$OUT/results.md"
