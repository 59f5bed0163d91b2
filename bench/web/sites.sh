#!/usr/bin/env bash
# bench/web/sites.sh — MedGuard `scan web` (with and without the browser crawl) side by side with wapiti and sqlmap on
# the application test sites of issue 13 (tests/MedGuard.TestTargets.Sites: php-forms, node-menu, spa-json,
# aspnet-xhr), each in its vulnerable and its fixed twin. Every scan starts at the site's root. Everything runs inside a
# private network namespace with only a loopback interface; requests are counted on the server side (each site's
# request log). Output: artifacts/bench-web-sites/ (raw reports) and a summary (results.md there).
# Usage: sudo bench/web/sites.sh [SITE…]      (root: network namespaces, apt)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/artifacts/bench-web-sites}
SITES=${*:-php-forms node-menu spa-json aspnet-xhr}
LIMIT=${LIMIT:-600}   # seconds per tool run; a run cut here is marked in its .stderr
MODES=${MODES:-off on} # MedGuard's --browser values to run
PEERS=${PEERS:-1}     # PEERS=0: MedGuard only (quick iterations; the peers' rows are left out of the summary)
RATE=${RATE:-100}    # MedGuard's --rate (requests per second per host); wapiti and sqlmap run unthrottled, RATE=1000 puts MedGuard on that footing
rm -rf "$OUT"; mkdir -p "$OUT"

for p in wapiti sqlmap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || {
    apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wapiti sqlmap >/dev/null; }
done

# BUILD_LOCK=FILE serialises the two builds with other builds on a shared machine (flock).
${BUILD_LOCK:+flock "$BUILD_LOCK"} dotnet build tests/MedGuard.TestTargets.Sites -c Release -o "$OUT/sites" -nologo -v:q >/dev/null
# MedGuard runs as users run it: the README's ./medguard (built once, ReadyToRun, outside the measurements).
${BUILD_LOCK:+flock "$BUILD_LOCK"} ./medguard --version >/dev/null

NS=mg-web-sites-$$
ip netns add "$NS"
SITE_PID=
cleanup() { [ -n "$SITE_PID" ] && kill "$SITE_PID" 2>/dev/null; ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip -n "$NS" link set lo up

start_site() { # $1 = site, $2 = twin, $3 = run name; sets URL, PORT, SITE_PID
  local flag=; [ "$2" = fixed ] && flag=--fixed
  : > "$OUT/$3.requests"
  ip netns exec "$NS" dotnet "$OUT/sites/MedGuard.TestTargets.Sites.dll" --site "$1" $flag --request-log "$OUT/$3.requests" \
    > "$OUT/$3.site.out" 2>&1 &
  SITE_PID=$!
  for _ in $(seq 1 200); do [ -s "$OUT/$3.site.out" ] && break; sleep 0.1; done
  URL=$(head -n 1 "$OUT/$3.site.out")
  PORT=$(sed 's|.*:\([0-9]*\)/$|\1|' <<<"$URL")
}
stop_site() { kill "$SITE_PID"; wait "$SITE_PID" 2>/dev/null || true; SITE_PID=; }
timed() { # $1 = run name, rest = command run inside the namespace; writes $OUT/$1.seconds
  local name=$1; shift
  local t0 t1; t0=$(date +%s.%N)
  timeout "$LIMIT" ip netns exec "$NS" "$@" > "$OUT/$name.stdout" 2> "$OUT/$name.stderr" || echo "exit $?" >> "$OUT/$name.stderr"
  t1=$(date +%s.%N)
  python3 -c "print(round($t1 - $t0, 2))" > "$OUT/$name.seconds"
}

echo "load before: $(uptime)" | tee "$OUT/load.txt"
for site in $SITES; do
  for twin in vulnerable fixed; do
    for browser in $MODES; do
      run=$site.$twin.medguard-$browser
      start_site "$site" "$twin" "$run"
      printf 'targets:\n  - host: 127.0.0.1\n    ports: [%s]\n' "$PORT" > "$OUT/$run.scope.yaml"
      timed "$run" "$ROOT/medguard" scan web --scope "$OUT/$run.scope.yaml" --url "$URL" \
        --format json --rate "$RATE" --browser "$browser"
      cp "$OUT/$run.stdout" "$OUT/$run.json"
      stop_site
    done

    [ "$PEERS" = 0 ] && continue
    # wapiti 3.0.4: its injection modules (the portal bench's header and file modules add nothing on these sites).
    run=$site.$twin.wapiti
    start_site "$site" "$twin" "$run"
    timed "$run" wapiti -u "$URL" --scope folder -m "blindsql,sql,xss,exec,file,redirect" \
      -f json -o "$OUT/$run.json" --flush-session --no-bugreport --store-session "$OUT/$run-session" --store-config "$OUT/$run-config" -v 1
    stop_site

    # sqlmap 1.7.2: links, then forms (--forms tests only forms); defaults answer its questions; time and requests add up.
    run=$site.$twin.sqlmap
    start_site "$site" "$twin" "$run"
    timed "$run-links" sqlmap -u "$URL" --crawl=3 --batch --output-dir "$OUT/sqlmap-$site-$twin" --results-file "$OUT/$run-links.csv" --disable-coloring
    timed "$run-forms" sqlmap -u "$URL" --crawl=3 --forms --batch --output-dir "$OUT/sqlmap-$site-$twin" --results-file "$OUT/$run-forms.csv" --disable-coloring
    stop_site
  done
done
echo "load after: $(uptime)" | tee -a "$OUT/load.txt"
python3 bench/web/sites_summary.py "$OUT" $SITES | tee "$OUT/results.md"
